import { IConstruct } from 'constructs';
import { Duration } from 'cdk8s';
import type { EnvVar, SecurityContext } from 'kubernetes-types/core/v1';
import { LinkerdConfigError } from '../errors';
import * as check from '../validate';
import type { ResourceValues } from '../control-plane/values';

/** Which clients a meshed pod accepts when no Server or policy says otherwise. */
export enum DefaultInboundPolicy {
  ALL_UNAUTHENTICATED = 'all-unauthenticated',
  ALL_AUTHENTICATED = 'all-authenticated',
  CLUSTER_UNAUTHENTICATED = 'cluster-unauthenticated',
  CLUSTER_AUTHENTICATED = 'cluster-authenticated',
  DENY = 'deny',
  AUDIT = 'audit',
}

export enum LogFormat {
  PLAIN = 'plain',
  JSON = 'json',
}

export enum ImagePullPolicy {
  ALWAYS = 'Always',
  IF_NOT_PRESENT = 'IfNotPresent',
  NEVER = 'Never',
}

export enum AccessLogFormat {
  APACHE = 'apache',
  JSON = 'json',
}

/** A request and a limit of one resource, as Kubernetes quantities. */
export interface ResourceRange {
  /** @default - no request */
  readonly request?: string;
  /** @default - no limit */
  readonly limit?: string;
}

/** Resources of one container. */
export interface ContainerResources {
  /** @default - none */
  readonly cpu?: ResourceRange;
  /** @default - none */
  readonly memory?: ResourceRange;
  /** @default - none */
  readonly ephemeralStorage?: ResourceRange;
}

/** The proxy's four listening ports. */
export interface ProxyPorts {
  /** Admin (metrics, probes) port. Annotation `config.linkerd.io/admin-port`. @default 4191 */
  readonly admin?: number;
  /** Control port (tap). Annotation `config.linkerd.io/control-port`. @default 4190 */
  readonly control?: number;
  /** Inbound port iptables redirects incoming traffic to. Annotation `config.linkerd.io/inbound-port`. @default 4143 */
  readonly inbound?: number;
  /** Outbound port iptables redirects outgoing traffic to. Annotation `config.linkerd.io/outbound-port`. @default 4140 */
  readonly outbound?: number;
}

/** Timing of one of the proxy container's probes (mesh-wide only). */
export interface ProxyProbeSettings {
  /** Whole seconds. @default - 10 s for liveness, 2 s for readiness, 0 for startup */
  readonly initialDelay?: Duration;
  /** Whole seconds; liveness and readiness only. @default Duration.seconds(1) */
  readonly timeout?: Duration;
  /** Whole seconds; startup only. @default Duration.seconds(1) */
  readonly period?: Duration;
  /** Startup only. @default 120 */
  readonly failureThreshold?: number;
}

/** The proxy's control-plane streams (mesh-wide only). */
export interface ProxyControlStreams {
  /** @default Duration.seconds(3) */
  readonly initialTimeout?: Duration;
  /** @default Duration.minutes(5) */
  readonly idleTimeout?: Duration;
  /** @default Duration.hours(1) */
  readonly lifetime?: Duration;
}

/**
 * Free-form proxy parameters by scope, protocol and name; each leaf becomes
 * `LINKERD2_PROXY_<DIRECTION>_<SCOPE>_<PROTOCOL>_<NAME>` (names snake-cased and upper-cased).
 */
export type ProxyParameters = Record<string, Record<string, Record<string, string | number | boolean>>>;

/**
 * OpenTelemetry tracing of the proxies. Mesh-wide (the control plane's `proxy.tracing`) it turns
 * tracing on and names the collector, which all three collector fields are then needed for.
 * Per workload only `serviceName` and `labels` can be set: the injector reads them from the pod's
 * `resource.opentelemetry.io/*` annotations (not from namespaces), and they take effect only when
 * tracing is on mesh-wide. Linkerd exposes no sampling rate: a proxy records a request's spans when
 * the caller marked the request sampled (W3C `traceparent` or B3 headers), so sampling is decided
 * where traces start, by your applications or ingress.
 */
export interface ProxyTracing {
  /**
   * Address of the OpenTelemetry collector (OTLP gRPC), `host:port`. Mesh-wide only.
   * @default - none; required mesh-wide
   */
  readonly collectorEndpoint?: string;
  /**
   * ServiceAccount of the collector, which the proxy verifies by mTLS identity. A DNS label. Mesh-wide only.
   * @default - none; required mesh-wide
   */
  readonly collectorServiceAccount?: string;
  /**
   * Namespace of that ServiceAccount. Mesh-wide only.
   * @default - none; required mesh-wide
   */
  readonly collectorNamespace?: string;
  /**
   * `service.name` of the spans. Per workload, annotation `resource.opentelemetry.io/service.name`
   * (otherwise the pod's `app.kubernetes.io/instance` or `app.kubernetes.io/name` label).
   * @default 'linkerd-proxy'
   */
  readonly serviceName?: string;
  /**
   * Extra span attributes. Per workload, one annotation `resource.opentelemetry.io/<key>` each,
   * added to the mesh-wide ones.
   * @default - pod IP, pod UID and container name
   */
  readonly labels?: Record<string, string>;
}

/**
 * Proxy configuration. The same object serves three levels:
 *
 * - **mesh-wide**, as the control plane's `proxy` prop: the defaults every injected proxy gets
 *   (the `proxy`, `proxyInit` and `debugContainer` sections of `linkerd-config`);
 * - **namespace**, given to `meshNamespace`: `config.linkerd.io/*` annotations the injector
 *   copies onto every pod of the namespace;
 * - **workload**, given to `meshWorkload`: annotations on the pod template (webhook mode), or
 *   the proxy rendered with them (static mode).
 *
 * Every field names the annotation that carries it. A field marked *mesh-wide only* has no
 * annotation (the injector reads it from `linkerd-config` alone); one marked *not inherited
 * from namespaces* is read from the pod only. Setting a field at a level that cannot carry it
 * fails with a LinkerdConfigError.
 */
export interface ProxySettings {
  /** Proxy image repository. Annotation `config.linkerd.io/proxy-image`. @default 'cr.l5d.io/linkerd/proxy' (under `registry` when set) */
  readonly image?: string;
  /** Proxy image tag. Annotation `config.linkerd.io/proxy-version`. @default - the Linkerd version */
  readonly version?: string;
  /** Pull policy of the proxy image. Annotation `config.linkerd.io/image-pull-policy`. @default - the mesh-wide pull policy */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Log filter, in the proxy's `tracing` directive syntax. Annotation `config.linkerd.io/proxy-log-level`. @default 'warn,linkerd=info,hickory=error' */
  readonly logLevel?: string;
  /** Annotation `config.linkerd.io/proxy-log-format`. @default LogFormat.PLAIN */
  readonly logFormat?: LogFormat;
  /** Log HTTP headers and requests (exposes secrets in logs). Annotation `config.linkerd.io/proxy-log-http-headers` (`insecure` / `off`). @default false */
  readonly logHttpHeadersInsecurely?: boolean;
  /** Annotation `config.linkerd.io/access-log`. @default - none */
  readonly accessLog?: AccessLogFormat;
  /**
   * Requests and limits of the proxy (the init container copies them). Annotations
   * `config.linkerd.io/proxy-{cpu,memory,ephemeral-storage}-{request,limit}`; per pod, a CPU
   * request or limit also sets the minimum or maximum worker threads to its whole cores, as the
   * injector does.
   * @default - no requests or limits
   */
  readonly resources?: ContainerResources;
  /** Minimum (and initial) proxy worker threads. Mesh-wide only (per pod it follows the CPU request). @default 1 */
  readonly minimumWorkers?: number;
  /** Maximum proxy worker threads. Mesh-wide only (per pod it follows the CPU limit). @default - not set */
  readonly maximumWorkers?: number;
  /** Maximum workers as a fraction (0 < r < 1) of the node's cores. Annotation `config.linkerd.io/proxy-cpu-ratio-limit`, not inherited from namespaces. @default - not set */
  readonly maximumCpuRatio?: number;
  /** @default - see ProxyPorts */
  readonly ports?: ProxyPorts;
  /** User id the proxy runs as. Annotation `config.linkerd.io/proxy-uid`. @default 2102 */
  readonly uid?: number;
  /** Group id the proxy runs as. Annotation `config.linkerd.io/proxy-gid`. @default - not set */
  readonly gid?: number;
  /** Run the proxy as a Kubernetes native sidecar (an init container that keeps running). Annotation `config.linkerd.io/proxy-enable-native-sidecar`. @default true */
  readonly nativeSidecar?: boolean;
  /** Hold application containers back until the proxy is ready. Annotation `config.linkerd.io/proxy-await` (`enabled` / `disabled`). @default true */
  readonly await?: boolean;
  /** Annotation `config.linkerd.io/default-inbound-policy`. @default DefaultInboundPolicy.ALL_UNAUTHENTICATED */
  readonly defaultInboundPolicy?: DefaultInboundPolicy;
  /**
   * Ports whose traffic is proxied without protocol detection: numbers, `lo-hi` ranges and, per
   * pod, container port names. Annotation `config.linkerd.io/opaque-ports`.
   * @default 25,587,3306,4444,5432,6379,9300,11211
   */
  readonly opaquePorts?: Array<number | string>;
  /** Inbound ports that bypass the proxy. Annotation `config.linkerd.io/skip-inbound-ports`. @default 4567,4568 */
  readonly skipInboundPorts?: Array<number | string>;
  /** Outbound ports that bypass the proxy. Annotation `config.linkerd.io/skip-outbound-ports`. @default 4567,4568 */
  readonly skipOutboundPorts?: Array<number | string>;
  /** Outbound CIDRs that bypass the proxy. Annotation `config.linkerd.io/skip-subnets`. @default - none */
  readonly skipSubnets?: string[];
  /** Inbound ports that only accept mTLS-authenticated clients. Annotation `config.linkerd.io/proxy-require-identity-inbound-ports`. @default - none */
  readonly requireIdentityOnInboundPorts?: Array<number | string>;
  /** Annotation `config.linkerd.io/proxy-inbound-connect-timeout`. @default Duration.millis(100) */
  readonly inboundConnectTimeout?: Duration;
  /** Annotation `config.linkerd.io/proxy-outbound-connect-timeout`. @default Duration.millis(1000) */
  readonly outboundConnectTimeout?: Duration;
  /** Whole seconds. Annotation `config.linkerd.io/proxy-inbound-discovery-cache-unused-timeout`. @default Duration.seconds(90) */
  readonly inboundDiscoveryCacheUnusedTimeout?: Duration;
  /** Whole seconds. Annotation `config.linkerd.io/proxy-outbound-discovery-cache-unused-timeout`. @default Duration.seconds(5) */
  readonly outboundDiscoveryCacheUnusedTimeout?: Duration;
  /** Annotation `config.linkerd.io/proxy-disable-inbound-protocol-detect-timeout`. @default false */
  readonly disableInboundProtocolDetectTimeout?: boolean;
  /** Annotation `config.linkerd.io/proxy-disable-outbound-protocol-detect-timeout`. @default false */
  readonly disableOutboundProtocolDetectTimeout?: boolean;
  /** Resolve ServiceProfiles for names outside the cluster too. Annotation `config.linkerd.io/enable-external-profiles`. @default false */
  readonly enableExternalProfiles?: boolean;
  /** Expose the admin `/shutdown` endpoint. Annotation `config.linkerd.io/proxy-admin-shutdown` (`enabled` / `disabled`). @default false */
  readonly enableShutdownEndpoint?: boolean;
  /** Label outbound metrics with the target host name. Annotation `config.linkerd.io/proxy-metrics-hostname-labels`. @default false */
  readonly metricsHostnameLabels?: boolean;
  /** Grace period for in-flight requests when the proxy shuts down. Annotation `config.linkerd.io/shutdown-grace-period`. @default - the proxy's own */
  readonly shutdownGracePeriod?: Duration;
  /** Seconds a classic (non-native) proxy sleeps before exiting. Annotation `config.alpha.linkerd.io/proxy-wait-before-exit-seconds`. @default 0 */
  readonly waitBeforeExitSeconds?: number;
  /**
   * Extra environment variables for the proxy, appended last. Annotation
   * `config.linkerd.io/proxy-additional-env` (JSON); per pod, merged by name over the
   * mesh-wide list and then the namespace's.
   * @default - none
   */
  readonly additionalEnv?: EnvVar[];
  /** The proxy runs in ingress mode (routes by `l5d-dst-override`). Annotation `linkerd.io/inject: ingress`. @default false */
  readonly ingress?: boolean;
  /** The proxy is a multicluster gateway. Annotation `config.linkerd.io/enable-gateway`, not inherited from namespaces. @default false */
  readonly gateway?: boolean;
  /** Add the `linkerd-debug` container. Annotation `config.linkerd.io/enable-debug-sidecar`; namespace and workload only. @default false */
  readonly debugSidecar?: boolean;
  /** Image repository of the debug container. Annotation `config.linkerd.io/debug-image`, not inherited from namespaces. @default 'cr.l5d.io/linkerd/debug' */
  readonly debugImage?: string;
  /** Image tag of the debug container. Annotation `config.linkerd.io/debug-image-version`, not inherited from namespaces. @default - the Linkerd version */
  readonly debugImageVersion?: string;
  /** Annotation `config.linkerd.io/debug-image-pull-policy`, not inherited from namespaces. @default - the mesh-wide pull policy */
  readonly debugImagePullPolicy?: ImagePullPolicy;
  /**
   * `nf_conntrack_tcp_timeout_close_wait` set by proxy-init, whole seconds; needs
   * `proxyInitRunAsRoot` mesh-wide. Annotation `config.linkerd.io/close-wait-timeout`, not
   * inherited from namespaces.
   * @default - the kernel's
   */
  readonly closeWaitTimeout?: Duration;
  /** iptables flavour proxy-init uses. Mesh-wide only. @default IptablesMode.NFT */
  readonly iptablesMode?: IptablesMode;
  /** Run proxy-init as root. Mesh-wide only. @default false */
  readonly proxyInitRunAsRoot?: boolean;
  /** Run proxy-init privileged. Mesh-wide only. @default false */
  readonly proxyInitPrivileged?: boolean;
  /** Log level of proxy-init. Mesh-wide only. @default - proxy-init's own */
  readonly proxyInitLogLevel?: string;
  /** Log format of proxy-init. Mesh-wide only. @default - proxy-init's own */
  readonly proxyInitLogFormat?: LogFormat;
  /** Replaces the proxy container's whole securityContext. Mesh-wide only. @default - non-root, read-only root file system, RuntimeDefault seccomp */
  readonly securityContext?: SecurityContext;
  /** Mesh-wide only. @default - 10 s delay, 1 s timeout */
  readonly livenessProbe?: ProxyProbeSettings;
  /** Mesh-wide only. @default - 2 s delay, 1 s timeout */
  readonly readinessProbe?: ProxyProbeSettings;
  /** Used when the proxy is a native sidecar that awaits. Mesh-wide only. @default - 1 s period, 120 failures */
  readonly startupProbe?: ProxyProbeSettings;
  /** Mesh-wide only. @default - see ProxyControlStreams */
  readonly controlStreams?: ProxyControlStreams;
  /** Inbound parameters; replaces the default tree as a whole. Mesh-wide only. @default { server: { http2: { keepAliveInterval: '10s', keepAliveTimeout: '3s' } } } */
  readonly inbound?: ProxyParameters;
  /** Outbound parameters; replaces the default tree as a whole. Mesh-wide only. @default { server: { http2: { keepAliveInterval: '10s', keepAliveTimeout: '3s' } } } */
  readonly outbound?: ProxyParameters;
  /**
   * OpenTelemetry tracing: mesh-wide the collector and defaults, per workload the service name and
   * span attributes (see ProxyTracing). Not inherited from namespaces.
   * @default - no tracing
   */
  readonly tracing?: ProxyTracing;
}

export enum IptablesMode {
  NFT = 'nft',
  LEGACY = 'legacy',
}

const PORT_RANGE = /^(\d+)(?:-(\d+))?$/;

/** Validates a list of ports / `lo-hi` ranges and joins it the way Linkerd reads it. */
export function portList(scope: IConstruct | string, field: string, ports: Array<number | string>): string {
  return ports.map((entry, i) => {
    const text = String(entry).trim();
    const m = PORT_RANGE.exec(text);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m && m[2] ? Number(m[2]) : lo;
    if (!m || lo < 1 || hi > 65535 || hi < lo) {
      throw new LinkerdConfigError(scope, `${field}[${i}]`, `${JSON.stringify(entry)} is not a port or port range`,
        'use a number from 1 to 65535 or a range "lo-hi" with lo <= hi');
    }
    return text;
  }).join(',');
}

const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const CIDR_V6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/;

/** Whether `text` is an IPv4 or IPv6 CIDR (address with a prefix length). */
export function isCidr(text: string): boolean {
  const m4 = CIDR_V4.exec(text);
  if (m4) return m4.slice(1, 5).every((o) => Number(o) <= 255) && Number(m4[5]) <= 32;
  const m6 = CIDR_V6.exec(text);
  return Boolean(m6 && text.includes(':') && Number(m6[1]) <= 128 && (text.match(/::/g) ?? []).length <= 1);
}

/** Validates CIDRs (IPv4 or IPv6 with a prefix length). */
export function cidrList(scope: IConstruct | string, field: string, cidrs: string[]): string {
  cidrs.forEach((cidr, i) => {
    if (typeof cidr !== 'string' || !isCidr(cidr)) {
      throw new LinkerdConfigError(scope, `${field}[${i}]`, `${JSON.stringify(cidr)} is not a CIDR`,
        'use an address with a prefix length, e.g. "10.0.0.0/8" or "fd00::/8"');
    }
  });
  return cidrs.join(',');
}

/**
 * Converts typed resources into the chart's shape, validating every quantity, and that no
 * request is above its limit (the API server rejects such a container).
 */
export function resourceValues(scope: IConstruct, field: string, resources: ContainerResources): ResourceValues {
  const range = (name: string, r: ResourceRange | undefined) => {
    const request = r?.request === undefined ? '' : check.quantity(scope, `${field}.${name}.request`, r.request);
    const limit = r?.limit === undefined ? '' : check.quantity(scope, `${field}.${name}.limit`, r.limit);
    check.requestWithinLimit(scope, `${field}.${name}.request`, name, request, limit, `${field}.${name}.limit`);
    return { request, limit };
  };
  return {
    cpu: range('cpu', resources.cpu),
    memory: range('memory', resources.memory),
    'ephemeral-storage': range('ephemeralStorage', resources.ephemeralStorage),
  };
}
