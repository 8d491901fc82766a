import { IConstruct } from 'constructs';
import type { EnvVar } from 'kubernetes-types/core/v1';
import type { LinkerdValues } from '../control-plane/values';
import { LinkerdConfigError } from '../errors';
import { isDuration } from '../guards';
import * as check from '../validate';
import { suggestion } from './did-you-mean';
import { checkProxyCombinations, OriginTracker, ValueOrigin } from './proxy-combinations';
import { goMillis, goSeconds, parseGoBool, parseGoDuration, parseGoInt, parseQuantity, wholeCpuCores } from './go-syntax';
import {
  AccessLogFormat, DefaultInboundPolicy, ImagePullPolicy, IptablesMode, isCidr, LogFormat, ProxySettings,
} from './proxy-spec';

/**
 * The one table of proxy settings: for each typed setting, the annotation that carries it per
 * pod, whether pods inherit it from their namespace, how its value is validated and written as
 * text, and where that text lands in the values tree. Mesh-wide settings, namespace and workload
 * annotations, the injector's reading of annotations and the annotation checks all go through it.
 */

type Scope = IConstruct | string;

/**
 * Where a setting comes from, which decides the few places upstream reads the same value
 * differently: Helm values (`values`), a `linkerd inject` flag, i.e. a typed per-pod setting in
 * static mode (`flag`), or an annotation read by the injector (`annotation`).
 */
export type SettingSource = 'values' | 'flag' | 'annotation';

/** What applying settings to one pod works on. */
export interface InjectionState {
  /** The values tree the proxy is rendered from (a copy owned by the caller). */
  readonly values: LinkerdValues;
  /** `config.linkerd.io/enable-debug-sidecar` was set. */
  debugSidecar: boolean;
  /** Named container ports of the pod, for named opaque ports. */
  readonly namedPorts: Readonly<Record<string, number>>;
}

/** How one kind of value is validated and written as text. */
export interface SettingCodec {
  /** What a valid value looks like, for messages, e.g. `a TCP port (1-65535)`. */
  readonly expected: string;
  /** Validates a typed value and returns its text; throws a LinkerdConfigError naming `field`. */
  format(scope: Scope, field: string, value: unknown): string;
  /** Whether the injector accepts `text` as an annotation value. */
  accepts(text: string): boolean;
}

/** A deprecated key with the same meaning as the row's annotation, read when that one is absent. */
export interface AnnotationAlias {
  readonly key: string;
  readonly inherited: boolean;
}

/** One row of the table. */
export interface ProxySettingRow {
  /** Dotted path of the setting in ProxySettings, e.g. `ports.admin`. */
  readonly prop: string;
  readonly codec: SettingCodec;
  /** The annotation the injector reads; undefined for mesh-wide-only settings. */
  readonly annotation?: string;
  /**
   * For a map setting the injector reads as one annotation per key: the prefix of those keys
   * (`resource.opentelemetry.io/`). Undefined for single-annotation settings.
   */
  readonly annotationPrefix?: string;
  /** Pods inherit the annotation from their namespace. */
  readonly inherited: boolean;
  /** Older keys of the same setting, lowest precedence last. */
  readonly aliases: readonly AnnotationAlias[];
  /** The setting exists in `linkerd-config` (can be set mesh-wide). */
  readonly meshWide: boolean;
  /** Validation of the typed value when it is set mesh-wide. */
  readonly valuesCodec: SettingCodec;
  /** Writes a valid text value into the pod's state. */
  apply(state: InjectionState, text: string, source: SettingSource): void;
}

// ---------------------------------------------------------------------------------- codecs

function codec(expected: string, format: (scope: Scope, field: string, value: any) => string, accepts: (text: string) => boolean): SettingCodec {
  return { expected, format, accepts };
}

function reject(scope: Scope, field: string, value: unknown, expected: string, fix: string): never {
  throw new LinkerdConfigError(scope, field, `${check.formatValue(value)} is not ${expected}`, fix);
}

/** A codec for a string grammar of validate.ts: its fault function judges typed values and annotation text alike. */
function grammar(expected: string, fault: (text: string) => check.Fault | undefined, example: string): SettingCodec {
  return codec(expected,
    (scope, field, value) => {
      if (typeof value !== 'string') throw new LinkerdConfigError(scope, field, `is ${check.describeType(value)}, not a string`, `give a string, e.g. ${example}`);
      const f = fault(value);
      if (f) throw new LinkerdConfigError(scope, field, f.problem, f.fix);
      return value;
    },
    (text) => fault(text) === undefined);
}

function typed<T>(expectedType: 'boolean' | 'number' | 'string', fn: (scope: Scope, field: string, value: T) => string) {
  return (scope: Scope, field: string, value: unknown): string => {
    if (typeof value !== expectedType) reject(scope, field, value, `a ${expectedType}`, `give a ${expectedType}`);
    return fn(scope, field, value as T);
  };
}

const PORT = codec('a TCP port (1-65535)',
  (scope, field, value) => String(check.port(scope, field, value)),
  (text) => {
    const n = parseGoInt(text, 32);
    return n !== undefined && n >= 1 && n <= 65535;
  });

const PORT_RANGE = /^(\d+)(?:-(\d+))?$/;
const PORT_NAME = /^(?=[a-z0-9-]{1,15}$)(?=.*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$/;

function portEntryValid(entry: string, names: boolean): boolean {
  const m = PORT_RANGE.exec(entry);
  if (!m) return names && PORT_NAME.test(entry);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo <= hi;
}

/** Splits a port-list annotation as upstream does (`GetPortRanges`). */
export function splitPortList(text: string): string[] {
  return text.replace(/,$/, '').split(',').map((p) => p.trim());
}

function portListCodec(names: boolean): SettingCodec {
  const what = names ? 'ports, "lo-hi" ranges or container port names' : 'ports or "lo-hi" ranges';
  return codec(`a comma-separated list of ${what}`,
    (scope, field, value) => {
      if (!Array.isArray(value)) reject(scope, field, value, 'a list', `give a list of ${what}`);
      return value.map((entry: unknown, i: number) => {
        const text = typeof entry === 'number' || typeof entry === 'string' ? String(entry).trim() : '';
        if (!portEntryValid(text, names)) {
          reject(scope, `${field}[${i}]`, entry, names ? 'a port, port range or port name' : 'a port or port range',
            `use a number from 1 to 65535 or a range "lo-hi" with lo <= hi${names ? ', or the name of a container port' : ''}`);
        }
        return text;
      }).join(',');
    },
    (text) => text === '' || splitPortList(text).every((p) => portEntryValid(p, names)));
}

const CIDRS = codec('a comma-separated list of CIDRs',
  (scope, field, value) => {
    if (!Array.isArray(value)) reject(scope, field, value, 'a list', 'give a list of CIDRs such as ["10.0.0.0/8"]');
    value.forEach((cidr: unknown, i: number) => {
      if (typeof cidr !== 'string' || !isCidr(cidr)) {
        reject(scope, `${field}[${i}]`, cidr, 'a CIDR', 'use an address with a prefix length, e.g. "10.0.0.0/8" or "fd00::/8"');
      }
    });
    return value.join(',');
  },
  (text) => text === '' || text.split(',').every((c) => isCidr(c.trim())));

const BOOL = codec('a boolean (true or false)',
  typed<boolean>('boolean', (_s, _f, v) => String(v)),
  (text) => parseGoBool(text) !== undefined);

function toggle(on: string, off: string, alsoAccepted: string[] = []): SettingCodec {
  return codec(`"${on}" or "${off}"`,
    typed<boolean>('boolean', (_s, _f, v) => (v ? on : off)),
    (text) => [on, off, ...alsoAccepted].includes(text));
}

function choice(allowed: readonly string[]): SettingCodec {
  return codec(`one of ${allowed.join(', ')}`,
    (scope, field, value) => check.oneOf(scope, field, value as string, allowed),
    (text) => allowed.includes(text));
}

const QUANTITY = codec('a Kubernetes quantity such as "100m" or "64Mi"',
  (scope, field, value) => check.quantity(scope, field, value as string),
  (text) => (parseQuantity(text) ?? -1) >= 0);

function durationCodec(unit: 'ms' | 's'): SettingCodec {
  return codec(unit === 'ms' ? 'a duration such as "100ms" or "2s"' : 'a duration in whole seconds such as "90s" or "5m"',
    (scope, field, value) => {
      if (!isDuration(value)) reject(scope, field, value, 'a Duration', `use e.g. Duration.${unit === 'ms' ? 'millis(500)' : 'seconds(30)'}`);
      const ms = value.toMilliseconds({ integral: false });
      if (!Number.isInteger(ms) || ms < 0) reject(scope, field, `${ms}ms`, 'a whole, non-negative number of milliseconds', 'use e.g. Duration.millis(500)');
      if (unit === 's' && ms % 1000 !== 0) {
        throw new LinkerdConfigError(scope, field, `${ms}ms is not a whole number of seconds`, 'use Duration.seconds(n) or a whole number of minutes');
      }
      return unit === 'ms' ? `${ms}ms` : `${ms / 1000}s`;
    },
    (text) => (parseGoDuration(text) ?? -1) >= 0);
}

/** A Duration in Go's duration syntax, in the largest unit that keeps it exact (`5m`, `1h`, `1500ms`). */
export function compactGoDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const GO_DURATION = codec('a positive duration',
  (scope, field, value) => {
    if (!isDuration(value) || !(value.toMilliseconds({ integral: false }) > 0) || !Number.isInteger(value.toMilliseconds({ integral: false }))) {
      reject(scope, field, isDuration(value) ? `${value.toMilliseconds({ integral: false })}ms` : value, 'a positive duration', 'use e.g. Duration.seconds(3)');
    }
    return compactGoDuration(value.toMilliseconds({ integral: false }));
  },
  (text) => (parseGoDuration(text) ?? -1) > 0);

const UINT = codec('a non-negative integer',
  (scope, field, value) => String(check.nonNegativeInteger(scope, field, value as number)),
  (text) => /^\d+$/.test(text) && parseGoInt(text) !== undefined);

const POSITIVE_INT = codec('a positive integer',
  (scope, field, value) => String(check.positiveInteger(scope, field, value as number)),
  (text) => /^\d+$/.test(text) && Number(text) > 0);

const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RATIO = codec('a number between 0 and 1 (exclusive)',
  (scope, field, value) => {
    if (typeof value !== 'number' || !(value > 0 && value < 1)) {
      throw new LinkerdConfigError(scope, field, `${value} is not between 0 and 1`, 'use a fraction such as 0.2');
    }
    return String(value);
  },
  (text) => GO_FLOAT.test(text) && Number(text) > 0 && Number(text) < 1);

const IMAGE_NAME = grammar('an image name without tag', check.imageNameFault, '"cr.l5d.io/linkerd/proxy"');
const IMAGE_TAG = grammar('an image tag', check.imageTagFault, '"edge-26.8.3"');

const LOG_FILTER = grammar('a log filter of levels (trace, debug, info, warn, error, off) and target=level directives, such as "warn,linkerd=info"',
  check.logFilterFault, '"warn,linkerd=info"');

function validEnvVar(e: unknown): e is EnvVar {
  return typeof e === 'object' && e !== null && typeof (e as EnvVar).name === 'string' && (e as EnvVar).name !== '';
}

const ENV_LIST = codec('a JSON list of environment variables ([{"name": …, "value": …}])',
  (scope, field, value) => {
    if (!Array.isArray(value)) reject(scope, field, value, 'a list of EnvVar', 'give e.g. [{ name: "RUST_BACKTRACE", value: "1" }]');
    value.forEach((e: unknown, i: number) => {
      if (!validEnvVar(e)) reject(scope, `${field}[${i}]`, e, 'an EnvVar with a name', 'give { name, value } or { name, valueFrom }');
      check.labelKey(scope, `${field}[${i}].name`, e.name);
    });
    return JSON.stringify(value);
  },
  (text) => {
    try {
      const parsed = JSON.parse(text);
      return Array.isArray(parsed) && parsed.every(validEnvVar);
    } catch {
      return false;
    }
  });

const PARAM_KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const PARAMETERS = codec('a scope → protocol → parameter tree',
  (scope, field, value) => {
    const level = (v: unknown, path: string, depth: number): void => {
      if (depth === 3) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) reject(scope, path, v, 'a string, number or boolean', 'give a scalar parameter value');
        return;
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) reject(scope, path, v, 'a map', 'nest scope → protocol → parameter');
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (!PARAM_KEY.test(k)) reject(scope, `${path}.${k}`, k, 'a parameter name', 'use letters and digits, starting with a letter');
        level(child, `${path}.${k}`, depth + 1);
      }
    };
    level(value, field, 0);
    return JSON.stringify(value);
  },
  () => false);

const JSON_OBJECT = codec('a map',
  (scope, field, value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) reject(scope, field, value, 'a map', 'give an object');
    return JSON.stringify(value);
  },
  () => false);

/** Span attributes: OpenTelemetry attribute keys (which also become annotation keys per pod) to string values. */
const TRACE_ATTRIBUTES = codec('a map of span attributes',
  (scope, field, value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) reject(scope, field, value, 'a map', 'give an object of strings, e.g. { "deployment.environment": "prod" }');
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      check.labelKey(scope, `${field}.${k}`, `${TRACE_ATTRIBUTE_PREFIX}${k}`);
      if (typeof v !== 'string') reject(scope, `${field}.${k}`, v, 'a string', 'give a string value');
    }
    return JSON.stringify(value);
  },
  () => false);

const NON_EMPTY = codec('a non-empty string',
  (scope, field, value) => {
    if (typeof value !== 'string' || value.trim() === '') reject(scope, field, value, 'a non-empty string', 'give a value');
    return value;
  },
  (text) => text.trim() !== '');

const DNS_LABEL = grammar('a DNS label', (text) => check.dnsLabelFault(text), '"otel-collector"');
const HOST_PORT = grammar('a host:port address', check.hostPortFault, '"otel-collector.observability.svc.cluster.local:4317"');

const INJECT = codec('"enabled", "disabled" or "ingress"',
  typed<boolean>('boolean', (_s, _f, v) => (v ? 'ingress' : 'enabled')),
  (text) => ['enabled', 'disabled', 'ingress'].includes(text));

// ---------------------------------------------------------------------------------- the table

const CONFIG = 'config.linkerd.io';
const ALPHA = 'config.alpha.linkerd.io';
const BETA = 'config.beta.linkerd.io';

/** Prefix of the pod annotations the injector adds to the proxy's span attributes. */
export const TRACE_ATTRIBUTE_PREFIX = 'resource.opentelemetry.io/';

/** The annotation that turns injection on or off, and selects ingress mode. */
export const INJECT_ANNOTATION = 'linkerd.io/inject';
/** The per-pod additional env annotation; merged over the namespace's rather than replacing it. */
export const ADDITIONAL_ENV_ANNOTATION = `${CONFIG}/proxy-additional-env`;

type Apply = ProxySettingRow['apply'];

interface RowSpec {
  readonly prop: string;
  readonly codec: SettingCodec;
  readonly annotation?: string;
  readonly annotationPrefix?: string;
  /** @default true when there is an annotation */
  readonly inherited?: boolean;
  readonly aliases?: AnnotationAlias[];
  /** @default true */
  readonly meshWide?: boolean;
  /** Stricter validation of the typed value when it is set mesh-wide. @default - `codec` */
  readonly valuesCodec?: SettingCodec;
  readonly apply: Apply;
}

const proxy = (s: InjectionState): any => s.values.proxy;
const set = (path: string, convert: (text: string) => unknown = (t) => t): Apply => (state, text) => {
  const keys = path.split('.');
  let target: any = state.values;
  for (const key of keys.slice(0, -1)) target = target[key] ??= {};
  target[keys[keys.length - 1]] = convert(text);
};
const int = (text: string) => Number(parseGoInt(text));
const bool = (text: string) => parseGoBool(text) === true;
const nanos = (text: string) => parseGoDuration(text) ?? 0;
const json = (text: string) => JSON.parse(text);
const resource = (name: 'cpu' | 'memory' | 'ephemeral-storage', kind: 'request' | 'limit', workers?: 'minimum' | 'maximum'): Apply =>
  (state, text, source) => {
    const resources = proxy(state).resources ??= {};
    (resources[name] ??= {})[kind] = text;
    // Per pod, the injector (and `linkerd inject`'s flags) size the worker pool to the CPU;
    // Helm values do not.
    if (workers && source !== 'values') proxy(state).runtime.workers[workers] = wholeCpuCores(text) ?? 0;
  };

function mergeEnvByName(base: EnvVar[], overrides: EnvVar[]): EnvVar[] {
  const result = [...base];
  for (const env of overrides) {
    const i = result.findIndex((e) => e.name === env.name);
    if (i >= 0) result[i] = env;
    else result.push(env);
  }
  return result;
}

/** `ParseContainerOpaquePorts`: names resolved to container ports; what is neither a port range nor a known name is dropped. */
export function resolveOpaquePorts(text: string, namedPorts: Readonly<Record<string, number>>): string {
  const out: string[] = [];
  for (const entry of splitPortList(text)) {
    const named = namedPorts[entry];
    if (named !== undefined) out.push(String(named));
    else if (portEntryValid(entry, false)) {
      const [lo, hi] = entry.split('-').map(Number);
      out.push(hi === undefined || hi === lo ? String(lo) : `${lo}-${hi}`);
    }
  }
  return out.join(',');
}

const ROWS: RowSpec[] = [
  // Per-pod settings, in the order the injector reads them (pkg/inject ApplyAnnotationOverrides).
  {
    prop: 'ingress', annotation: INJECT_ANNOTATION, codec: INJECT,
    apply: (s, text, source) => {
      if (text === 'ingress') proxy(s).isIngress = true;
      else if (source !== 'annotation') proxy(s).isIngress = false;
    },
  },
  { prop: 'image', annotation: `${CONFIG}/proxy-image`, codec: IMAGE_NAME, apply: set('proxy.image.name') },
  { prop: 'version', annotation: `${CONFIG}/proxy-version`, codec: IMAGE_TAG, apply: set('proxy.image.version') },
  { prop: 'imagePullPolicy', annotation: `${CONFIG}/image-pull-policy`, codec: choice(Object.values(ImagePullPolicy)), apply: set('proxy.image.pullPolicy') },
  { prop: 'ports.control', annotation: `${CONFIG}/control-port`, codec: PORT, apply: set('proxy.ports.control', int) },
  { prop: 'ports.inbound', annotation: `${CONFIG}/inbound-port`, codec: PORT, apply: set('proxy.ports.inbound', int) },
  { prop: 'ports.admin', annotation: `${CONFIG}/admin-port`, codec: PORT, apply: set('proxy.ports.admin', int) },
  { prop: 'ports.outbound', annotation: `${CONFIG}/outbound-port`, codec: PORT, apply: set('proxy.ports.outbound', int) },
  { prop: 'enableShutdownEndpoint', annotation: `${CONFIG}/proxy-admin-shutdown`, codec: toggle('enabled', 'disabled'), apply: set('proxy.enableShutdownEndpoint', (t) => t === 'enabled') },
  { prop: 'logLevel', annotation: `${CONFIG}/proxy-log-level`, codec: LOG_FILTER, apply: set('proxy.logLevel') },
  { prop: 'logHttpHeadersInsecurely', annotation: `${CONFIG}/proxy-log-http-headers`, codec: toggle('insecure', 'off', ['']), apply: set('proxy.logHTTPHeaders') },
  { prop: 'logFormat', annotation: `${CONFIG}/proxy-log-format`, codec: choice(Object.values(LogFormat)), apply: set('proxy.logFormat') },
  { prop: 'requireIdentityOnInboundPorts', annotation: `${CONFIG}/proxy-require-identity-inbound-ports`, codec: portListCodec(false), apply: set('proxy.requireIdentityOnInboundPorts') },
  { prop: 'metricsHostnameLabels', annotation: `${CONFIG}/proxy-metrics-hostname-labels`, codec: BOOL, apply: set('proxy.metrics.hostnameLabels', bool) },
  { prop: 'outboundConnectTimeout', annotation: `${CONFIG}/proxy-outbound-connect-timeout`, codec: durationCodec('ms'), apply: set('proxy.outboundConnectTimeout', (t) => `${goMillis(nanos(t))}ms`) },
  { prop: 'inboundConnectTimeout', annotation: `${CONFIG}/proxy-inbound-connect-timeout`, codec: durationCodec('ms'), apply: set('proxy.inboundConnectTimeout', (t) => `${goMillis(nanos(t))}ms`) },
  { prop: 'outboundDiscoveryCacheUnusedTimeout', annotation: `${CONFIG}/proxy-outbound-discovery-cache-unused-timeout`, codec: durationCodec('s'), apply: set('proxy.outboundDiscoveryCacheUnusedTimeout', (t) => `${goSeconds(nanos(t))}s`) },
  { prop: 'inboundDiscoveryCacheUnusedTimeout', annotation: `${CONFIG}/proxy-inbound-discovery-cache-unused-timeout`, codec: durationCodec('s'), apply: set('proxy.inboundDiscoveryCacheUnusedTimeout', (t) => `${goSeconds(nanos(t))}s`) },
  { prop: 'disableOutboundProtocolDetectTimeout', annotation: `${CONFIG}/proxy-disable-outbound-protocol-detect-timeout`, codec: BOOL, apply: set('proxy.disableOutboundProtocolDetectTimeout', bool) },
  { prop: 'disableInboundProtocolDetectTimeout', annotation: `${CONFIG}/proxy-disable-inbound-protocol-detect-timeout`, codec: BOOL, apply: set('proxy.disableInboundProtocolDetectTimeout', bool) },
  { prop: 'shutdownGracePeriod', annotation: `${CONFIG}/shutdown-grace-period`, codec: durationCodec('ms'), apply: set('proxy.shutdownGracePeriod', (t) => `${goMillis(nanos(t))}ms`) },
  { prop: 'gateway', annotation: `${CONFIG}/enable-gateway`, inherited: false, codec: BOOL, apply: set('proxy.isGateway', bool) },
  { prop: 'waitBeforeExitSeconds', annotation: `${ALPHA}/proxy-wait-before-exit-seconds`, codec: UINT, apply: set('proxy.waitBeforeExitSeconds', Number) },
  {
    prop: 'nativeSidecar', annotation: `${CONFIG}/proxy-enable-native-sidecar`, codec: BOOL,
    aliases: [{ key: `${BETA}/proxy-enable-native-sidecar`, inherited: false }, { key: `${ALPHA}/proxy-enable-native-sidecar`, inherited: true }],
    apply: set('proxy.nativeSidecar', bool),
  },
  { prop: 'resources.cpu.request', annotation: `${CONFIG}/proxy-cpu-request`, codec: QUANTITY, apply: resource('cpu', 'request', 'minimum') },
  { prop: 'resources.cpu.limit', annotation: `${CONFIG}/proxy-cpu-limit`, codec: QUANTITY, apply: resource('cpu', 'limit', 'maximum') },
  { prop: 'maximumCpuRatio', annotation: `${CONFIG}/proxy-cpu-ratio-limit`, inherited: false, codec: RATIO, apply: set('proxy.runtime.workers.maximumCPURatio', Number) },
  { prop: 'resources.memory.request', annotation: `${CONFIG}/proxy-memory-request`, codec: QUANTITY, apply: resource('memory', 'request') },
  { prop: 'resources.memory.limit', annotation: `${CONFIG}/proxy-memory-limit`, codec: QUANTITY, apply: resource('memory', 'limit') },
  { prop: 'resources.ephemeralStorage.request', annotation: `${CONFIG}/proxy-ephemeral-storage-request`, codec: QUANTITY, apply: resource('ephemeral-storage', 'request') },
  { prop: 'resources.ephemeralStorage.limit', annotation: `${CONFIG}/proxy-ephemeral-storage-limit`, codec: QUANTITY, apply: resource('ephemeral-storage', 'limit') },
  { prop: 'uid', annotation: `${CONFIG}/proxy-uid`, codec: UINT, apply: set('proxy.uid', int) },
  { prop: 'gid', annotation: `${CONFIG}/proxy-gid`, codec: UINT, apply: set('proxy.gid', int) },
  { prop: 'enableExternalProfiles', annotation: `${CONFIG}/enable-external-profiles`, codec: BOOL, apply: set('proxy.enableExternalProfiles', bool) },
  { prop: 'skipInboundPorts', annotation: `${CONFIG}/skip-inbound-ports`, codec: portListCodec(false), apply: set('proxyInit.ignoreInboundPorts') },
  { prop: 'skipOutboundPorts', annotation: `${CONFIG}/skip-outbound-ports`, codec: portListCodec(false), apply: set('proxyInit.ignoreOutboundPorts') },
  {
    prop: 'opaquePorts', annotation: `${CONFIG}/opaque-ports`, codec: portListCodec(true), valuesCodec: portListCodec(false),
    // The injector resolves container port names; Helm values and `linkerd inject` flags keep the text.
    apply: (s, text, source) => { proxy(s).opaquePorts = source === 'annotation' ? resolveOpaquePorts(text, s.namedPorts) : text; },
  },
  { prop: 'debugImage', annotation: `${CONFIG}/debug-image`, inherited: false, codec: IMAGE_NAME, apply: set('debugContainer.image.name') },
  { prop: 'debugImageVersion', annotation: `${CONFIG}/debug-image-version`, inherited: false, codec: IMAGE_TAG, apply: set('debugContainer.image.version') },
  { prop: 'debugImagePullPolicy', annotation: `${CONFIG}/debug-image-pull-policy`, inherited: false, codec: choice(Object.values(ImagePullPolicy)), apply: set('debugContainer.image.pullPolicy') },
  { prop: 'await', annotation: `${CONFIG}/proxy-await`, codec: toggle('enabled', 'disabled'), apply: set('proxy.await', (t) => t === 'enabled') },
  { prop: 'defaultInboundPolicy', annotation: `${CONFIG}/default-inbound-policy`, codec: choice(Object.values(DefaultInboundPolicy)), apply: set('proxy.defaultInboundPolicy') },
  { prop: 'skipSubnets', annotation: `${CONFIG}/skip-subnets`, codec: CIDRS, apply: set('proxyInit.skipSubnets') },
  { prop: 'accessLog', annotation: `${CONFIG}/access-log`, codec: choice(Object.values(AccessLogFormat)), apply: set('proxy.accessLog') },
  {
    prop: 'additionalEnv', annotation: ADDITIONAL_ENV_ANNOTATION, codec: ENV_LIST,
    // Per pod, the lists are merged by name: values < namespace < workload.
    apply: (s, text, source) => {
      const list = json(text) as EnvVar[];
      proxy(s).additionalEnv = source === 'values' ? list : mergeEnvByName(proxy(s).additionalEnv ?? [], list);
    },
  },
  { prop: 'debugSidecar', annotation: `${CONFIG}/enable-debug-sidecar`, meshWide: false, codec: BOOL, apply: (s, text) => { s.debugSidecar = bool(text); } },
  { prop: 'closeWaitTimeout', annotation: `${CONFIG}/close-wait-timeout`, inherited: false, codec: durationCodec('s'), apply: set('proxyInit.closeWaitTimeoutSecs', (t) => goSeconds(nanos(t))) },

  // Mesh-wide only: values the injector takes from linkerd-config alone.
  { prop: 'minimumWorkers', codec: POSITIVE_INT, apply: set('proxy.runtime.workers.minimum', Number) },
  { prop: 'maximumWorkers', codec: POSITIVE_INT, apply: set('proxy.runtime.workers.maximum', Number) },
  { prop: 'iptablesMode', codec: choice(Object.values(IptablesMode)), apply: set('proxyInit.iptablesMode') },
  { prop: 'proxyInitRunAsRoot', codec: BOOL, apply: set('proxyInit.runAsRoot', bool) },
  { prop: 'proxyInitPrivileged', codec: BOOL, apply: set('proxyInit.privileged', bool) },
  { prop: 'proxyInitLogLevel', codec: choice(['trace', 'debug', 'info', 'warn', 'error']), apply: set('proxyInit.logLevel') },
  { prop: 'proxyInitLogFormat', codec: choice(Object.values(LogFormat)), apply: set('proxyInit.logFormat') },
  { prop: 'securityContext', codec: JSON_OBJECT, apply: set('proxy.securityContext', json) },
  { prop: 'livenessProbe.initialDelay', codec: durationCodec('s'), apply: set('proxy.livenessProbe.initialDelaySeconds', (t) => goSeconds(nanos(t))) },
  { prop: 'livenessProbe.timeout', codec: durationCodec('s'), apply: set('proxy.livenessProbe.timeoutSeconds', (t) => goSeconds(nanos(t))) },
  { prop: 'readinessProbe.initialDelay', codec: durationCodec('s'), apply: set('proxy.readinessProbe.initialDelaySeconds', (t) => goSeconds(nanos(t))) },
  { prop: 'readinessProbe.timeout', codec: durationCodec('s'), apply: set('proxy.readinessProbe.timeoutSeconds', (t) => goSeconds(nanos(t))) },
  { prop: 'startupProbe.initialDelay', codec: durationCodec('s'), apply: set('proxy.startupProbe.initialDelaySeconds', (t) => goSeconds(nanos(t))) },
  { prop: 'startupProbe.period', codec: durationCodec('s'), apply: set('proxy.startupProbe.periodSeconds', (t) => goSeconds(nanos(t))) },
  { prop: 'startupProbe.failureThreshold', codec: POSITIVE_INT, apply: set('proxy.startupProbe.failureThreshold', Number) },
  { prop: 'controlStreams.initialTimeout', codec: GO_DURATION, apply: set('proxy.control.streams.initialTimeout') },
  { prop: 'controlStreams.idleTimeout', codec: GO_DURATION, apply: set('proxy.control.streams.idleTimeout') },
  { prop: 'controlStreams.lifetime', codec: GO_DURATION, apply: set('proxy.control.streams.lifetime') },
  { prop: 'inbound', codec: PARAMETERS, apply: set('proxy.inbound', json) },
  { prop: 'outbound', codec: PARAMETERS, apply: set('proxy.outbound', json) },
  // Tracing: the collector and its identity are mesh-wide only; per pod, the injector reads the
  // span attributes (service.name included) from `resource.opentelemetry.io/*` annotations.
  {
    prop: 'tracing.collectorEndpoint', codec: HOST_PORT,
    apply: (s, text) => {
      const tracing = proxy(s).tracing;
      tracing.enabled = true;
      tracing.collector.endpoint = text;
    },
  },
  { prop: 'tracing.collectorServiceAccount', codec: DNS_LABEL, apply: set('proxy.tracing.collector.meshIdentity.serviceAccountName') },
  { prop: 'tracing.collectorNamespace', codec: DNS_LABEL, apply: set('proxy.tracing.collector.meshIdentity.namespace') },
  {
    prop: 'tracing.serviceName', annotation: `${TRACE_ATTRIBUTE_PREFIX}service.name`, inherited: false, codec: NON_EMPTY,
    apply: (s, text, source) => {
      if (source === 'values') proxy(s).tracing.traceServiceName = text;
      else proxy(s).tracing.labels = { ...proxy(s).tracing.labels, 'service.name': text };
    },
  },
  {
    prop: 'tracing.labels', annotationPrefix: TRACE_ATTRIBUTE_PREFIX, inherited: false, codec: TRACE_ATTRIBUTES,
    apply: (s, text) => { proxy(s).tracing.labels = { ...proxy(s).tracing.labels, ...json(text) }; },
  },
];

/** Every proxy setting, in the order the injector applies annotations. */
export const PROXY_SETTINGS: readonly ProxySettingRow[] = ROWS.map((r) => ({
  prop: r.prop,
  codec: r.codec,
  annotation: r.annotation,
  annotationPrefix: r.annotationPrefix,
  inherited: (r.annotation !== undefined || r.annotationPrefix !== undefined) && (r.inherited ?? true),
  aliases: r.aliases ?? [],
  meshWide: r.meshWide ?? true,
  valuesCodec: r.valuesCodec ?? r.codec,
  apply: r.apply,
}));

const BY_PROP = new Map(PROXY_SETTINGS.map((r) => [r.prop, r]));

/** What is known about one annotation key. */
export interface KnownAnnotation {
  readonly key: string;
  /** The setting it carries, when it carries one. */
  readonly row?: ProxySettingRow;
  /** Pods inherit it from their namespace. */
  readonly inherited: boolean;
  /** The key that replaces this deprecated one. */
  readonly replacedBy?: string;
  /** Why the key does nothing at this Linkerd version, when it does nothing. */
  readonly noEffect?: string;
}

const KNOWN: KnownAnnotation[] = [
  ...PROXY_SETTINGS.flatMap((row): KnownAnnotation[] => row.annotation === undefined ? [] : [
    { key: row.annotation, row, inherited: row.inherited },
    ...row.aliases.map((a) => ({ key: a.key, row, inherited: a.inherited, replacedBy: row.annotation })),
  ]),
  {
    key: `${CONFIG}/pod-inbound-ports`, inherited: true,
    noEffect: 'the injector recomputes the inbound ports from the pod\'s container ports and probes',
  },
  { key: `${CONFIG}/admission-webhooks`, inherited: false, noEffect: 'it is read as a label, on namespaces and objects, not as an annotation' },
  { key: 'linkerd.io/created-by', inherited: false },
  { key: 'linkerd.io/proxy-version', inherited: false },
  { key: 'linkerd.io/trust-root-sha256', inherited: false },
];

/** Every annotation key Linkerd reads or writes on pods, pod templates, namespaces and services. */
export const KNOWN_ANNOTATIONS: ReadonlyMap<string, KnownAnnotation> = new Map(KNOWN.map((k) => [k.key, k]));

/** Prefixes of Linkerd's proxy configuration annotations. */
export const CONFIG_PREFIXES: readonly string[] = [`${CONFIG}/`, `${ALPHA}/`, `${BETA}/`];

// ---------------------------------------------------------------------------------- reading typed settings

function readPath(settings: ProxySettings, prop: string): unknown {
  let value: any = settings;
  for (const key of prop.split('.')) {
    if (value === undefined || value === null) return undefined;
    value = value[key];
  }
  return value;
}

/** Rejects keys of `settings` that are not settings (typos in untyped code, or extra props of a wider object). */
function checkKeys(scope: Scope, field: string, settings: ProxySettings): void {
  const walk = (value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new LinkerdConfigError(scope, path ? `${field}.${path}` : field, `${JSON.stringify(value)} is not a map of settings`, 'give an object');
    }
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      const p = path ? `${path}.${key}` : key;
      if (BY_PROP.has(p)) continue;
      if (PROXY_SETTINGS.some((r) => r.prop.startsWith(`${p}.`))) {
        walk(child, p);
        continue;
      }
      const siblings = new Set(PROXY_SETTINGS.filter((r) => r.prop.startsWith(path ? `${path}.` : '')).map((r) => r.prop.slice(path ? path.length + 1 : 0).split('.')[0]));
      throw new LinkerdConfigError(scope, `${field}.${p}`, `is not a proxy setting${suggestion(key, siblings)}`,
        `use one of ${[...siblings].sort().join(', ')}`);
    }
  };
  walk(settings, '');
}

/** The settings given, as rows with their validated text, in table order. */
function textsOf(scope: Scope, field: string, settings: ProxySettings, level: 'values' | AnnotationLevel): Array<{ row: ProxySettingRow; text: string; field: string }> {
  checkKeys(scope, field, settings);
  const out: Array<{ row: ProxySettingRow; text: string; field: string }> = [];
  for (const row of PROXY_SETTINGS) {
    const value = readPath(settings, row.prop);
    if (value === undefined) continue;
    const f = `${field}.${row.prop}`;
    out.push({ row, text: (level === 'values' ? row.valuesCodec : row.codec).format(scope, f, value), field: f });
  }
  return out;
}

/** Fails when the proxy's four ports are not distinct. */
export function checkDistinctPorts(scope: Scope, field: string, ports: Record<string, number>): void {
  const values = Object.values(ports);
  if (new Set(values).size !== values.length) {
    throw new LinkerdConfigError(scope, field, `ports ${values.join(', ')} are not distinct`, 'give admin, control, inbound and outbound four different ports');
  }
}

/**
 * Writes mesh-wide proxy settings into a values tree (the `proxy`, `proxyInit` and
 * `debugContainer` sections of `linkerd-config`), validating each value on the way. `field`
 * prefixes every error's field name, e.g. `proxy`.
 */
export function applyProxySettings(scope: IConstruct, field: string, values: LinkerdValues, settings: ProxySettings,
  baseOrigin: (path: string) => ValueOrigin = (path) => ({ own: false, field: path, text: 'the default' })): void {
  const state: InjectionState = { values, debugSidecar: false, namedPorts: {} };
  const tracker = new OriginTracker(values, baseOrigin);
  const own = new Map<string, string>();
  for (const { row, text, field: f } of textsOf(scope, field, settings, 'values')) {
    if (!row.meshWide) {
      throw new LinkerdConfigError(scope, f, 'is not a mesh-wide setting', `set it per namespace or workload (annotation ${row.annotation})`);
    }
    row.apply(state, text, 'values');
    tracker.step({ own: true, field: f, text: f });
    own.set(row.prop, f);
  }
  checkDistinctPorts(scope, `${field}.ports`, values.proxy.ports);
  checkTracing(scope, `${field}.tracing`, values);
  checkProxyCombinations(scope, 'mesh', values, tracker.origin, own);
}

/** The chart refuses to render tracing without a collector and its identity. */
function checkTracing(scope: Scope, field: string, values: LinkerdValues): void {
  const tracing = values.proxy.tracing as { enabled?: boolean; collector?: { endpoint?: string; meshIdentity?: { serviceAccountName?: string; namespace?: string } } } | undefined;
  if (!tracing?.enabled) return;
  const c = tracing.collector;
  if (!c?.endpoint || !c.meshIdentity?.serviceAccountName || !c.meshIdentity?.namespace) {
    throw new LinkerdConfigError(scope, field, 'needs the collector: its endpoint, and the service account and namespace of its mesh identity',
      'give collectorEndpoint, collectorServiceAccount and collectorNamespace (per pod, only serviceName and labels can be set)');
  }
}

/** Where per-pod settings are written. */
export type AnnotationLevel = 'namespace' | 'workload';

/** A validated per-pod setting: the annotation that carries it, its text, and its row. */
export interface SettingAnnotation {
  readonly key: string;
  readonly text: string;
  readonly row: ProxySettingRow;
}

/**
 * Per-pod settings as the annotations that carry them, validated. Fails for settings the level
 * cannot carry: mesh-wide-only ones, and on namespaces those pods do not inherit.
 */
export function proxySettingAnnotations(scope: Scope, field: string, settings: ProxySettings, level: AnnotationLevel): SettingAnnotation[] {
  const out: SettingAnnotation[] = [];
  for (const { row, text, field: f } of textsOf(scope, field, settings, level)) {
    if (row.annotation === undefined && row.annotationPrefix === undefined) {
      throw new LinkerdConfigError(scope, f, 'can only be set mesh-wide: the injector has no annotation for it', 'set it in the control plane\'s proxy settings');
    }
    if (level === 'namespace' && !row.inherited) {
      throw new LinkerdConfigError(scope, f, `is not inherited from namespaces (the injector reads ${row.annotation ?? `${row.annotationPrefix}*`} from pods only)`, 'set it on the workload');
    }
    if (row.annotationPrefix !== undefined) {
      for (const [key, value] of Object.entries(json(text) as Record<string, string>)) out.push({ key: `${row.annotationPrefix}${key}`, text: value, row });
    } else {
      out.push({ key: row.annotation!, text, row });
    }
  }
  const ports = settings.ports;
  if (ports) checkDistinctPorts(scope, `${field}.ports`, Object.fromEntries(Object.entries(ports).filter(([, v]) => v !== undefined)) as Record<string, number>);
  return out;
}

/** An annotation value to apply to a pod, and where it came from. */
export interface PodSetting {
  readonly text: string;
  readonly source: SettingSource;
}

/**
 * Applies per-pod settings to a pod's state as the injector does (`ApplyAnnotationOverrides`):
 * for each setting, the first key present among its annotation and its older aliases wins.
 * `settings` maps annotation keys to values; the caller has checked them.
 */
export function applyPodSettings(state: InjectionState, settings: ReadonlyMap<string, PodSetting>,
  applied?: (row: ProxySettingRow, key: string) => void): void {
  for (const row of PROXY_SETTINGS) {
    // Prefix rows (span attributes) are read by the injector from all of the pod's annotations.
    if (row.annotation === undefined || row.annotation === ADDITIONAL_ENV_ANNOTATION) continue;
    for (const key of [row.annotation, ...row.aliases.map((a) => a.key)]) {
      const setting = settings.get(key);
      if (setting === undefined) continue;
      row.apply(state, setting.text, setting.source);
      applied?.(row, key);
      break;
    }
  }
}

/** The row that carries `prop`, e.g. `ports.admin`. */
export function proxySettingRow(prop: string): ProxySettingRow | undefined {
  return BY_PROP.get(prop);
}
