import { CrdDefinition, CrdVersion } from './definition';
import { conditionFields } from './fragments/conditions';
import { CONTROLLER_NAME, namespaceName, policyTargetRef } from './fragments/names';
import { labelSelector } from './fragments/selectors';
import { arr, JSONSchemaProps, obj, resource, str } from './schema';

/**
 * `Link` (multicluster.linkerd.io): how this cluster reaches a target cluster — the target's
 * gateway and its health probe, the Secret with credentials for the target's API server, and
 * which of the target's Services are mirrored, discovered remotely or federated. Each Link has
 * its own service mirror controller. Ships with the multicluster extension, not with the
 * Linkerd CRDs.
 */

/** The probe the service mirror runs against the target's gateway. */
function probeSpec(options: { readonly periodIsDuration: boolean }): JSONSchemaProps {
  return obj({
    failureThreshold: str({ default: '3' }),
    path: str(),
    period: str({ format: options.periodIsDuration ? 'duration' : undefined }),
    port: str(),
    timeout: str({ default: '30s', format: 'duration' }),
  });
}

/** A mirrored or federated Service and its conditions, as the service mirror reports it. */
function serviceStatus(): JSONSchemaProps {
  const ref = () => policyTargetRef({ defaultGroup: 'core', defaultKind: 'Service', namespace: namespaceName(), required: ['name', 'namespace'] });
  return arr(obj({
    conditions: arr(obj(
      { ...conditionFields({ unboundedMessage: true }), localRef: ref() },
      { required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
    )),
    controllerName: str({ minLength: 1, maxLength: 253, pattern: CONTROLLER_NAME }),
    remoteRef: ref(),
  }, { required: ['controllerName', 'remoteRef'] }));
}

/** The spec fields of every version; later versions add to them. */
function linkSpec(version: 1 | 2 | 3): JSONSchemaProps {
  return obj({
    clusterCredentialsSecret: str(),
    gatewayAddress: str(),
    gatewayIdentity: str(),
    gatewayPort: str(),
    probeSpec: probeSpec({ periodIsDuration: version >= 2 }),
    selector: labelSelector(),
    remoteDiscoverySelector: labelSelector(),
    federatedServiceSelector: version >= 2 ? labelSelector() : undefined,
    targetClusterName: str(),
    targetClusterDomain: str(),
    targetClusterLinkerdNamespace: str(),
    excludedAnnotations: version >= 3 ? arr(str()) : undefined,
    excludedLabels: version >= 3 ? arr(str()) : undefined,
  });
}

function linkVersion(version: 1 | 2 | 3): CrdVersion {
  return {
    name: `v1alpha${version}`,
    storage: version === 3,
    statusSubresource: version >= 2,
    schema: resource({
      description: 'A link from this cluster to a target cluster, whose Services it mirrors.',
      spec: linkSpec(version),
      status: version >= 2 ? obj({ mirrorServices: serviceStatus(), federatedServices: serviceStatus() }) : undefined,
      specRequired: false,
    }),
  };
}

export const LINK_CRD: CrdDefinition = {
  group: 'multicluster.linkerd.io',
  scope: 'Namespaced',
  names: { kind: 'Link', plural: 'links', singular: 'link' },
  versions: [linkVersion(1), linkVersion(2), linkVersion(3)],
};
