import { IConstruct } from 'constructs';
import { AGE_COLUMN, CrdDefinition, CrdVersion, PrinterColumn } from './definition';
import {
  filterList, gatewayBackendRefs, gatewayParentRefs, gatewayRouteStatus, gatewayTimeouts, grpcMatches, httpMatches, httpRuleRules, sessionPersistence, withRules,
} from './fragments/gateway-api';
import { hostnames } from './fragments/http-route';
import { arr, JSONSchemaProps, obj, resource } from './schema';
import { LinkerdConfigError } from '../errors';
import { guardProps, is, required } from '../guards';

const GROUP = 'gateway.networking.k8s.io';

/** The Gateway API release Linkerd edge-26.8.3 bundles, and its channel. */
export const BUNDLED_GATEWAY_API_VERSION = 'v1.1.1';
export const BUNDLED_GATEWAY_API_CHANNEL = 'experimental';

const HOSTNAMES_COLUMN: PrinterColumn = { name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' };
const HTTP_FILTERS = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef'];
const GRPC_FILTERS = ['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef'];

function routeVersion(name: string, storage: boolean, spec: JSONSchemaProps, columns: readonly PrinterColumn[], deprecationWarning?: string,
  specRequired = true): CrdVersion {
  return {
    name,
    storage,
    deprecated: deprecationWarning ? true : undefined,
    deprecationWarning,
    statusSubresource: true,
    schema: resource({ typeMeta: true, spec, status: gatewayRouteStatus(), specRequired }),
    printerColumns: columns,
  };
}

function httpRouteSpec(): JSONSchemaProps {
  const rule = withRules(obj({
    backendRefs: gatewayBackendRefs(filterList({ types: HTTP_FILTERS, redirectOrRewriteRules: 2 })),
    filters: filterList({ types: HTTP_FILTERS }),
    matches: httpMatches(),
    sessionPersistence: sessionPersistence(),
    timeouts: gatewayTimeouts(),
  }), httpRuleRules());
  return obj({
    hostnames: hostnames(),
    parentRefs: gatewayParentRefs(),
    rules: arr(rule, { maxItems: 16, default: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }] }),
  });
}

function grpcRouteSpec(): JSONSchemaProps {
  return obj({
    hostnames: hostnames(),
    parentRefs: gatewayParentRefs(),
    rules: arr(obj({
      backendRefs: gatewayBackendRefs(filterList({ types: GRPC_FILTERS })),
      filters: filterList({ types: GRPC_FILTERS }),
      matches: grpcMatches(),
      sessionPersistence: sessionPersistence(),
    }), { maxItems: 16 }),
  });
}

function l4RouteSpec(withHostnames: boolean): JSONSchemaProps {
  return obj({
    hostnames: withHostnames ? hostnames() : undefined,
    parentRefs: gatewayParentRefs(),
    rules: arr(obj({ backendRefs: gatewayBackendRefs(undefined, 1) }), { maxItems: 16, minItems: 1 }),
  }, { required: ['rules'] });
}

function names(kind: string) {
  const lower = kind.toLowerCase();
  return { kind, listKind: `${kind}List`, plural: `${lower}s`, singular: lower, categories: ['gateway-api'] };
}

/** A definition whose versions (large schemas) are built when first read: most installs never bundle the Gateway API. */
function lazyVersions(base: Omit<CrdDefinition, 'versions'>, versions: () => CrdVersion[]): CrdDefinition {
  let built: CrdVersion[] | undefined;
  return Object.defineProperty({ ...base }, 'versions', { enumerable: true, get: () => (built ??= versions()) }) as CrdDefinition;
}

/** `HTTPRoute` (gateway.networking.k8s.io): v1 (stored) and v1beta1. */
export const GATEWAY_HTTP_ROUTE_CRD: CrdDefinition = lazyVersions({
  group: GROUP,
  scope: 'Namespaced',
  names: names('HTTPRoute'),
}, () => [
  routeVersion('v1', true, httpRouteSpec(), [HOSTNAMES_COLUMN, AGE_COLUMN]),
  routeVersion('v1beta1', false, httpRouteSpec(), [HOSTNAMES_COLUMN, AGE_COLUMN]),
]);

/** `GRPCRoute` (gateway.networking.k8s.io): v1 (stored) and the deprecated v1alpha2. */
export const GATEWAY_GRPC_ROUTE_CRD: CrdDefinition = lazyVersions({
  group: GROUP,
  scope: 'Namespaced',
  names: names('GRPCRoute'),
}, () => [
  // Unlike the other routes, GRPCRoute v1.1.1 does not require a spec.
  routeVersion('v1', true, grpcRouteSpec(), [HOSTNAMES_COLUMN, AGE_COLUMN], undefined, false),
  routeVersion('v1alpha2', false, grpcRouteSpec(), [HOSTNAMES_COLUMN, AGE_COLUMN],
    'The v1alpha2 version of GRPCRoute has been deprecated and will be removed in a future release of the API. Please upgrade to v1.', false),
]);

/** `TLSRoute` (gateway.networking.k8s.io/v1alpha2, experimental). */
export const GATEWAY_TLS_ROUTE_CRD: CrdDefinition = lazyVersions({
  group: GROUP,
  scope: 'Namespaced',
  names: names('TLSRoute'),
}, () => [routeVersion('v1alpha2', true, l4RouteSpec(true), [AGE_COLUMN])]);

/** `TCPRoute` (gateway.networking.k8s.io/v1alpha2, experimental). */
export const GATEWAY_TCP_ROUTE_CRD: CrdDefinition = lazyVersions({
  group: GROUP,
  scope: 'Namespaced',
  names: names('TCPRoute'),
}, () => [routeVersion('v1alpha2', true, l4RouteSpec(false), [AGE_COLUMN])]);

/** Which route CRDs to bundle (Linkerd's `enableHttpRoutes`, `enableTlsRoutes`, `enableTcpRoutes`). */
export interface BundledGatewayApiOptions {
  /** HTTPRoute and GRPCRoute, which Linkerd's policy needs. @default true */
  readonly httpRoutes?: boolean;
  /** @default true */
  readonly tlsRoutes?: boolean;
  /** @default true */
  readonly tcpRoutes?: boolean;
}

export interface ExternalGatewayApiOptions {
  /**
   * The Gateway API release installed in the cluster, e.g. `v1.2.1`. Linkerd needs HTTPRoute and
   * GRPCRoute at v1, so v1.1.1 or later.
   */
  readonly version: string;
}

/**
 * Who provides the Gateway API route CRDs (`gateway.networking.k8s.io`) that Linkerd's route
 * model depends on: this library, bundled in the CRD chart like Linkerd's `installGatewayAPI`
 * (v1.1.1, experimental channel), or a separate Gateway API install the cluster already has.
 */
export class GatewayApiCrds {
  /** Emit HTTPRoute, GRPCRoute, TLSRoute and TCPRoute CRDs (Gateway API v1.1.1 experimental) with the Linkerd CRDs. */
  public static bundled(options: BundledGatewayApiOptions = {}): GatewayApiCrds {
    const definitions = [
      ...(options.httpRoutes ?? true ? [GATEWAY_GRPC_ROUTE_CRD, GATEWAY_HTTP_ROUTE_CRD] : []),
      ...(options.tcpRoutes ?? true ? [GATEWAY_TCP_ROUTE_CRD] : []),
      ...(options.tlsRoutes ?? true ? [GATEWAY_TLS_ROUTE_CRD] : []),
    ];
    return new GatewayApiCrds('bundled', BUNDLED_GATEWAY_API_VERSION, definitions);
  }

  /** The cluster has the Gateway API CRDs from elsewhere; nothing is emitted. */
  public static external(options: ExternalGatewayApiOptions): GatewayApiCrds {
    return new GatewayApiCrds('external', options?.version, []);
  }

  private constructor(
    /** `bundled` or `external`. */
    public readonly provider: 'bundled' | 'external',
    /** The Gateway API release, e.g. `v1.1.1`. */
    public readonly version: string,
    /** The CRDs this library emits (none when external). */
    public readonly definitions: readonly CrdDefinition[],
  ) {}

  /** @internal Checks the version: Linkerd needs HTTPRoute and GRPCRoute v1, from Gateway API v1.1.1 on. */
  public _validate(scope: string | IConstruct, field: string): void {
    guardProps(scope, `${field}.version`, this.version, required(is.string));
    const m = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/.exec(this.version);
    if (!m) {
      throw new LinkerdConfigError(scope, `${field}.version`, `${JSON.stringify(this.version)} is not a Gateway API release`, 'use e.g. "v1.2.1"');
    }
    const [major, minor, patch] = m.slice(1, 4).map(Number);
    if (major < 1 || (major === 1 && (minor < 1 || (minor === 1 && patch < 1)))) {
      throw new LinkerdConfigError(scope, `${field}.version`, `Gateway API ${this.version} does not serve GRPCRoute v1, which Linkerd requires`,
        'install Gateway API v1.1.1 or later, or use GatewayApiCrds.bundled()');
    }
  }

  /** Annotations of a bundled CRD, as Linkerd's chart writes them. */
  public annotations(): Record<string, string> {
    return {
      'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/2997',
      'gateway.networking.k8s.io/bundle-version': this.version,
      'gateway.networking.k8s.io/channel': BUNDLED_GATEWAY_API_CHANNEL,
      // Uninstalling Linkerd with Helm must not delete CRDs other tools may use.
      'helm.sh/resource-policy': 'keep',
    };
  }
}
