import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { SynthChecks } from '../gitops/synth-checks';
import { AUTHORIZATION_POLICY_CRD } from './authorization-policy';
import { CrdDefinition, CrdNames, PrinterColumn } from './definition';
import { EGRESS_NETWORK_CRD } from './egress-network';
import { EXTERNAL_WORKLOAD_CRD } from './external-workload';
import { GatewayApiCrds } from './gateway-api';
import { HTTP_LOCAL_RATE_LIMIT_POLICY_CRD } from './http-local-rate-limit-policy';
import { HTTP_ROUTE_CRD } from './http-route';
import { MESHTLS_AUTHENTICATION_CRD } from './meshtls-authentication';
import { NETWORK_AUTHENTICATION_CRD } from './network-authentication';
import { renderCrd } from './render';
import { JSONSchemaProps } from './schema';
import { SERVER_CRD } from './server';
import { SERVER_AUTHORIZATION_CRD } from './server-authorization';
import { SERVICE_PROFILE_CRD } from './service-profile';
import { LinkerdConfigError } from '../errors';
import { cloneJson } from '../json-clone';
import { guardProps, instanceOf, is, recordOf, struct } from '../guards';
import { dnsLabel } from '../validate';

/** Every CRD of the linkerd-crds chart, in the order the upstream chart renders them. */
export const LINKERD_CRDS: readonly CrdDefinition[] = [
  AUTHORIZATION_POLICY_CRD,
  EGRESS_NETWORK_CRD,
  HTTP_LOCAL_RATE_LIMIT_POLICY_CRD,
  HTTP_ROUTE_CRD,
  MESHTLS_AUTHENTICATION_CRD,
  NETWORK_AUTHENTICATION_CRD,
  SERVER_AUTHORIZATION_CRD,
  SERVER_CRD,
  SERVICE_PROFILE_CRD,
  EXTERNAL_WORKLOAD_CRD,
];

/** Label through which Linkerd tells which control plane a resource belongs to. */
const CONTROL_PLANE_NS_LABEL = 'linkerd.io/control-plane-ns';
const DEFAULT_CONTROL_PLANE_NAMESPACE = 'linkerd';

export interface LinkerdCrdManifestsOptions {
  /**
   * Namespace of the control plane these CRDs belong to; written to the
   * `linkerd.io/control-plane-ns` label. Must be a DNS label.
   * @default 'linkerd'
   */
  readonly controlPlaneNamespace?: string;

  /**
   * Who provides the Gateway API route CRDs Linkerd's routes depend on.
   * `GatewayApiCrds.bundled()` emits them (Gateway API v1.1.1, experimental channel) before the
   * Linkerd CRDs, like the chart's `installGatewayAPI: true`; `GatewayApiCrds.external(...)`
   * records a separate install and emits nothing.
   * @default - none emitted (the chart's default); the cluster must get them elsewhere
   */
  readonly gatewayApi?: GatewayApiCrds;
}

export interface LinkerdCrdsProps extends ChartProps, LinkerdCrdManifestsOptions {}

/** A CustomResourceDefinition as plain data (`apiextensions.k8s.io/v1`). */
export interface CrdManifest {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: {
    readonly name: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
  };
  readonly spec: {
    readonly group: string;
    readonly names: CrdNames;
    readonly scope: 'Namespaced' | 'Cluster';
    readonly versions: readonly CrdVersionManifest[];
  };
}

export interface CrdVersionManifest {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly deprecated?: boolean;
  readonly deprecationWarning?: string;
  readonly schema: { readonly openAPIV3Schema: JSONSchemaProps };
  readonly additionalPrinterColumns?: readonly PrinterColumn[];
  readonly subresources?: { readonly status: Record<string, never> };
}

/**
 * The Linkerd CRDs (the `linkerd-crds` Helm chart of edge-26.8.3): policy, routing, ServiceProfile
 * and ExternalWorkload types. Install them before the control plane.
 *
 * CRDs are cluster-scoped, so the chart takes no `namespace`.
 */
export class LinkerdCrds extends Chart {
  /** Namespace recorded in each CRD's `linkerd.io/control-plane-ns` label. */
  public readonly controlPlaneNamespace: string;
  /** Who provides the Gateway API route CRDs; undefined when not modelled. */
  public readonly gatewayApi?: GatewayApiCrds;

  public constructor(scope: Construct, id: string, props: LinkerdCrdsProps = {}) {
    super(scope, id, props);
    SynthChecks.of(this); // every synth of the app runs the library's checks
    guardProps(this, '', props, LINKERD_CRDS_PROPS);
    if (props.namespace !== undefined) {
      throw new LinkerdConfigError(this, 'namespace', 'CustomResourceDefinitions are cluster-scoped', 'leave namespace unset');
    }
    this.controlPlaneNamespace = dnsLabel(this, 'controlPlaneNamespace', props.controlPlaneNamespace ?? DEFAULT_CONTROL_PLANE_NAMESPACE);
    props.gatewayApi?._validate(this, 'gatewayApi');
    this.gatewayApi = props.gatewayApi;

    for (const manifest of renderAll(this.controlPlaneNamespace, props.gatewayApi)) {
      new ApiObject(this, manifest.metadata.name, manifest);
    }
  }
}

/**
 * The Linkerd CRDs as plain objects, e.g. for tests or to validate custom resources against
 * their schemas without synthesizing a chart.
 */
export function linkerdCrdManifests(options: LinkerdCrdManifestsOptions = {}): CrdManifest[] {
  guardProps('linkerdCrdManifests', 'options', options, LINKERD_CRDS_PROPS);
  const namespace = dnsLabel('linkerdCrdManifests', 'controlPlaneNamespace', options.controlPlaneNamespace ?? DEFAULT_CONTROL_PLANE_NAMESPACE);
  options.gatewayApi?._validate('linkerdCrdManifests', 'gatewayApi');
  return renderAll(namespace, options.gatewayApi);
}

const LINKERD_CRDS_PROPS = struct<LinkerdCrdsProps>({
  controlPlaneNamespace: is.string,
  gatewayApi: instanceOf(GatewayApiCrds, 'GatewayApiCrds', 'GatewayApiCrds.bundled() or GatewayApiCrds.external({ version })'),
  namespace: is.any,
  labels: recordOf(is.string),
  disableResourceNameHashes: is.boolean,
}, 'a LinkerdCrdsProps');

function renderAll(controlPlaneNamespace: string, gatewayApi?: GatewayApiCrds): CrdManifest[] {
  // A deep copy: the definitions share schema fragments, and callers may edit what they get.
  return cloneJson([
    // The chart renders the bundled Gateway API CRDs first.
    ...(gatewayApi?.definitions ?? []).map((definition) => renderCrd(definition, { [CONTROL_PLANE_NS_LABEL]: controlPlaneNamespace }, gatewayApi!.annotations())),
    ...LINKERD_CRDS.map((definition) => renderCrd(definition, { [CONTROL_PLANE_NS_LABEL]: controlPlaneNamespace })),
  ]);
}
