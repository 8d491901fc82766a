import { IConstruct } from 'constructs';
import { Duration } from 'cdk8s';
import type { EnvVar } from 'kubernetes-types/core/v1';
import { LinkerdConfigError } from '../errors';
import * as check from '../validate';
import { LinkerdValues, ResourceValues } from '../control-plane/values';

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
  /** Admin (metrics, probes) port. @default 4191 */
  readonly admin?: number;
  /** Control port (tap). @default 4190 */
  readonly control?: number;
  /** Inbound port iptables redirects incoming traffic to. @default 4143 */
  readonly inbound?: number;
  /** Outbound port iptables redirects outgoing traffic to. @default 4140 */
  readonly outbound?: number;
}

/**
 * Proxy settings. At the mesh level they become the defaults every injected proxy gets (the
 * `proxy` and `proxyInit` sections of `linkerd-config`).
 */
export interface ProxySettings {
  /** Proxy image repository. @default 'cr.l5d.io/linkerd/proxy' (under `registry` when set) */
  readonly image?: string;
  /** Proxy image tag. @default - the Linkerd version */
  readonly version?: string;
  /** Pull policy of the proxy image. @default - the mesh-wide pull policy */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Log filter, in the proxy's `tracing` directive syntax. @default 'warn,linkerd=info,hickory=error' */
  readonly logLevel?: string;
  /** @default LogFormat.PLAIN */
  readonly logFormat?: LogFormat;
  /** Log HTTP headers and requests (exposes secrets in logs). @default false */
  readonly logHttpHeadersInsecurely?: boolean;
  /** @default - none */
  readonly accessLog?: AccessLogFormat;
  /** @default - no requests or limits */
  readonly resources?: ContainerResources;
  /** Minimum (and initial) proxy worker threads. @default 1 */
  readonly minimumWorkers?: number;
  /** Maximum proxy worker threads. @default - not set */
  readonly maximumWorkers?: number;
  /** Maximum workers as a fraction (0 < r < 1) of the node's cores. @default - not set */
  readonly maximumCpuRatio?: number;
  /** @default - see ProxyPorts */
  readonly ports?: ProxyPorts;
  /** User id the proxy runs as. @default 2102 */
  readonly uid?: number;
  /** Group id the proxy runs as. @default - not set */
  readonly gid?: number;
  /** Run the proxy as a Kubernetes native sidecar (an init container that keeps running). @default true */
  readonly nativeSidecar?: boolean;
  /** Hold application containers back until the proxy is ready. @default true */
  readonly await?: boolean;
  /** @default DefaultInboundPolicy.ALL_UNAUTHENTICATED */
  readonly defaultInboundPolicy?: DefaultInboundPolicy;
  /** Ports whose traffic is proxied without protocol detection. @default 25,587,3306,4444,5432,6379,9300,11211 */
  readonly opaquePorts?: Array<number | string>;
  /** Inbound ports that bypass the proxy. @default 4567,4568 */
  readonly skipInboundPorts?: Array<number | string>;
  /** Outbound ports that bypass the proxy. @default 4567,4568 */
  readonly skipOutboundPorts?: Array<number | string>;
  /** Outbound CIDRs that bypass the proxy. @default - none */
  readonly skipSubnets?: string[];
  /** Inbound ports that only accept mTLS-authenticated clients. @default - none */
  readonly requireIdentityOnInboundPorts?: Array<number | string>;
  /** @default Duration.millis(100) */
  readonly inboundConnectTimeout?: Duration;
  /** @default Duration.millis(1000) */
  readonly outboundConnectTimeout?: Duration;
  /** @default Duration.seconds(90) */
  readonly inboundDiscoveryCacheUnusedTimeout?: Duration;
  /** @default Duration.seconds(5) */
  readonly outboundDiscoveryCacheUnusedTimeout?: Duration;
  /** @default false */
  readonly disableInboundProtocolDetectTimeout?: boolean;
  /** @default false */
  readonly disableOutboundProtocolDetectTimeout?: boolean;
  /** Resolve ServiceProfiles for names outside the cluster too. @default false */
  readonly enableExternalProfiles?: boolean;
  /** Expose the admin `/shutdown` endpoint. @default false */
  readonly enableShutdownEndpoint?: boolean;
  /** Label outbound metrics with the target host name. @default false */
  readonly metricsHostnameLabels?: boolean;
  /** Grace period for in-flight requests when the proxy shuts down. @default - the proxy's own */
  readonly shutdownGracePeriod?: Duration;
  /** Seconds a classic (non-native) proxy sleeps before exiting. @default 0 */
  readonly waitBeforeExitSeconds?: number;
  /** Extra environment variables for the proxy, appended last. @default - none */
  readonly additionalEnv?: EnvVar[];
  /** iptables flavour proxy-init uses. @default IptablesMode.NFT */
  readonly iptablesMode?: IptablesMode;
}

export enum IptablesMode {
  NFT = 'nft',
  LEGACY = 'legacy',
}

const PORT_RANGE = /^(\d+)(?:-(\d+))?$/;

/** Validates a list of ports / `lo-hi` ranges and joins it the way Linkerd reads it. */
export function portList(scope: IConstruct, field: string, ports: Array<number | string>): string {
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

/** Validates CIDRs (IPv4 or IPv6 with a prefix length). */
export function cidrList(scope: IConstruct, field: string, cidrs: string[]): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
  const v6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/;
  cidrs.forEach((cidr, i) => {
    const m4 = v4.exec(cidr);
    const ok4 = m4 && m4.slice(1, 5).every((o) => Number(o) <= 255) && Number(m4[5]) <= 32;
    const m6 = v6.exec(cidr);
    const ok6 = m6 && cidr.includes(':') && Number(m6[1]) <= 128 && (cidr.match(/::/g) ?? []).length <= 1;
    if (!ok4 && !ok6) {
      throw new LinkerdConfigError(scope, `${field}[${i}]`, `${JSON.stringify(cidr)} is not a CIDR`,
        'use an address with a prefix length, e.g. "10.0.0.0/8" or "fd00::/8"');
    }
  });
  return cidrs.join(',');
}

/** Converts typed resources into the chart's shape, validating every quantity. */
export function resourceValues(scope: IConstruct, field: string, resources: ContainerResources): ResourceValues {
  const range = (name: string, r: ResourceRange | undefined) => ({
    request: r?.request === undefined ? '' : check.quantity(scope, `${field}.${name}.request`, r.request),
    limit: r?.limit === undefined ? '' : check.quantity(scope, `${field}.${name}.limit`, r.limit),
  });
  return {
    cpu: range('cpu', resources.cpu),
    memory: range('memory', resources.memory),
    'ephemeral-storage': range('ephemeralStorage', resources.ephemeralStorage),
  };
}

/** A Duration as Linkerd's Go-duration text in milliseconds or seconds, the unit upstream uses for that setting. */
function millis(d: Duration): string {
  return `${d.toMilliseconds()}ms`;
}
function seconds(scope: IConstruct, field: string, d: Duration): string {
  const ms = d.toMilliseconds();
  if (ms % 1000 !== 0) {
    throw new LinkerdConfigError(scope, field, `${ms}ms is not a whole number of seconds`, 'use Duration.seconds(n) or a whole number of minutes');
  }
  return `${ms / 1000}s`;
}

/**
 * Writes proxy settings into a values tree (mesh level), validating each value on the way.
 * `field` prefixes every error's field name, e.g. `proxy`.
 */
export function applyProxySettings(scope: IConstruct, field: string, values: LinkerdValues, s: ProxySettings): void {
  const p = values.proxy;
  const init = values.proxyInit;
  const f = (name: string) => `${field}.${name}`;
  if (s.image !== undefined) p.image.name = check.imageName(scope, f('image'), s.image);
  if (s.version !== undefined) p.image.version = check.imageTag(scope, f('version'), s.version);
  if (s.imagePullPolicy !== undefined) p.image.pullPolicy = s.imagePullPolicy;
  if (s.logLevel !== undefined) {
    if (!/^[\w.,=:\-\[\]{}]+$/.test(s.logLevel)) {
      throw new LinkerdConfigError(scope, f('logLevel'), `${JSON.stringify(s.logLevel)} is not a log filter`, 'use e.g. "warn,linkerd=info"');
    }
    p.logLevel = s.logLevel;
  }
  if (s.logFormat !== undefined) p.logFormat = check.oneOf(scope, f('logFormat'), s.logFormat, Object.values(LogFormat));
  if (s.logHttpHeadersInsecurely !== undefined) p.logHTTPHeaders = s.logHttpHeadersInsecurely ? 'insecure' : 'off';
  if (s.accessLog !== undefined) p.accessLog = check.oneOf(scope, f('accessLog'), s.accessLog, Object.values(AccessLogFormat));
  if (s.resources !== undefined) p.resources = resourceValues(scope, f('resources'), s.resources);
  if (s.minimumWorkers !== undefined) p.runtime.workers.minimum = check.positiveInteger(scope, f('minimumWorkers'), s.minimumWorkers);
  if (s.maximumWorkers !== undefined) p.runtime.workers.maximum = check.positiveInteger(scope, f('maximumWorkers'), s.maximumWorkers);
  if (s.maximumCpuRatio !== undefined) {
    if (!(s.maximumCpuRatio > 0 && s.maximumCpuRatio < 1)) {
      throw new LinkerdConfigError(scope, f('maximumCpuRatio'), `${s.maximumCpuRatio} is not between 0 and 1`, 'use a fraction such as 0.2');
    }
    p.runtime.workers.maximumCPURatio = s.maximumCpuRatio;
  }
  for (const name of ['admin', 'control', 'inbound', 'outbound'] as const) {
    const port = s.ports?.[name];
    if (port !== undefined) p.ports[name] = check.port(scope, f(`ports.${name}`), port);
  }
  const ports = Object.values(p.ports);
  if (new Set(ports).size !== ports.length) {
    throw new LinkerdConfigError(scope, f('ports'), `ports ${ports.join(', ')} are not distinct`, 'give admin, control, inbound and outbound four different ports');
  }
  if (s.uid !== undefined) p.uid = check.nonNegativeInteger(scope, f('uid'), s.uid);
  if (s.gid !== undefined) p.gid = check.nonNegativeInteger(scope, f('gid'), s.gid);
  if (s.nativeSidecar !== undefined) p.nativeSidecar = s.nativeSidecar;
  if (s.await !== undefined) p.await = s.await;
  if (s.defaultInboundPolicy !== undefined) {
    p.defaultInboundPolicy = check.oneOf(scope, f('defaultInboundPolicy'), s.defaultInboundPolicy, Object.values(DefaultInboundPolicy));
  }
  if (s.opaquePorts !== undefined) p.opaquePorts = portList(scope, f('opaquePorts'), s.opaquePorts);
  if (s.skipInboundPorts !== undefined) init.ignoreInboundPorts = portList(scope, f('skipInboundPorts'), s.skipInboundPorts);
  if (s.skipOutboundPorts !== undefined) init.ignoreOutboundPorts = portList(scope, f('skipOutboundPorts'), s.skipOutboundPorts);
  if (s.skipSubnets !== undefined) init.skipSubnets = cidrList(scope, f('skipSubnets'), s.skipSubnets);
  if (s.requireIdentityOnInboundPorts !== undefined) {
    p.requireIdentityOnInboundPorts = portList(scope, f('requireIdentityOnInboundPorts'), s.requireIdentityOnInboundPorts);
  }
  if (s.inboundConnectTimeout !== undefined) p.inboundConnectTimeout = millis(s.inboundConnectTimeout);
  if (s.outboundConnectTimeout !== undefined) p.outboundConnectTimeout = millis(s.outboundConnectTimeout);
  if (s.inboundDiscoveryCacheUnusedTimeout !== undefined) {
    p.inboundDiscoveryCacheUnusedTimeout = seconds(scope, f('inboundDiscoveryCacheUnusedTimeout'), s.inboundDiscoveryCacheUnusedTimeout);
  }
  if (s.outboundDiscoveryCacheUnusedTimeout !== undefined) {
    p.outboundDiscoveryCacheUnusedTimeout = seconds(scope, f('outboundDiscoveryCacheUnusedTimeout'), s.outboundDiscoveryCacheUnusedTimeout);
  }
  if (s.disableInboundProtocolDetectTimeout !== undefined) p.disableInboundProtocolDetectTimeout = s.disableInboundProtocolDetectTimeout;
  if (s.disableOutboundProtocolDetectTimeout !== undefined) p.disableOutboundProtocolDetectTimeout = s.disableOutboundProtocolDetectTimeout;
  if (s.enableExternalProfiles !== undefined) p.enableExternalProfiles = s.enableExternalProfiles;
  if (s.enableShutdownEndpoint !== undefined) p.enableShutdownEndpoint = s.enableShutdownEndpoint;
  if (s.metricsHostnameLabels !== undefined) p.metrics.hostnameLabels = s.metricsHostnameLabels;
  if (s.shutdownGracePeriod !== undefined) p.shutdownGracePeriod = millis(s.shutdownGracePeriod);
  if (s.waitBeforeExitSeconds !== undefined) p.waitBeforeExitSeconds = check.nonNegativeInteger(scope, f('waitBeforeExitSeconds'), s.waitBeforeExitSeconds);
  if (s.additionalEnv !== undefined) {
    s.additionalEnv.forEach((e, i) => check.labelKey(scope, f(`additionalEnv[${i}].name`), e.name));
    p.additionalEnv = s.additionalEnv.map((e) => structuredClone(e) as unknown as Record<string, unknown>);
  }
  if (s.iptablesMode !== undefined) init.iptablesMode = check.oneOf(scope, f('iptablesMode'), s.iptablesMode, Object.values(IptablesMode));
}
