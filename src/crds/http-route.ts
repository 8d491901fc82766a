import { AGE_COLUMN, CrdDefinition, CrdVersion } from './definition';
import {
  backendRefs, filters, hostnames, legacyBackendRefs, matches, parentRefs, routeStatus, rules, timeouts,
} from './fragments/http-route';
import { int, obj, resource } from './schema';

/** How Linkerd's HTTPRoute converged on the Gateway API one, version by version. */
interface HttpRouteVersion {
  readonly name: string;
  readonly storage?: boolean;
  /** v1beta2+: parent ports and backends use the Gateway API's typed, bounded fields. */
  readonly gatewayTypes?: boolean;
  /** v1beta3+: per-rule request and backend-request timeouts. */
  readonly timeouts?: boolean;
}

const VERSIONS: HttpRouteVersion[] = [
  { name: 'v1alpha1' },
  { name: 'v1beta1' },
  { name: 'v1beta2', gatewayTypes: true },
  { name: 'v1beta3', gatewayTypes: true, timeouts: true, storage: true },
];

function version(v: HttpRouteVersion): CrdVersion {
  const spec = obj({
    hostnames: hostnames(),
    parentRefs: parentRefs(v.gatewayTypes ? undefined : int()),
    rules: rules({
      backendRefs: v.gatewayTypes ? backendRefs() : legacyBackendRefs(),
      filters: filters(['RequestHeaderModifier', 'RequestRedirect']),
      matches: matches(),
      timeouts: v.timeouts ? timeouts() : undefined,
    }),
  });
  return {
    name: v.name,
    storage: v.storage ?? false,
    statusSubresource: true,
    schema: resource({
      description: 'Routes and filters HTTP requests to a Server or Service; Linkerd\'s variant of the Gateway API HTTPRoute.',
      typeMeta: true,
      spec,
      status: routeStatus(),
    }),
    printerColumns: [{ name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' }, AGE_COLUMN],
  };
}

/** `HTTPRoute` (policy.linkerd.io): Linkerd's variant of the Gateway API HTTPRoute, usable without the Gateway API CRDs. */
export const HTTP_ROUTE_CRD: CrdDefinition = {
  group: 'policy.linkerd.io',
  scope: 'Namespaced',
  names: { kind: 'HTTPRoute', listKind: 'HTTPRouteList', plural: 'httproutes', singular: 'httproute' },
  versions: VERSIONS.map(version),
};
