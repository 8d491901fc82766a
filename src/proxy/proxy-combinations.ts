import { IConstruct } from 'constructs';
import type { LinkerdValues } from '../control-plane/values';
import { LinkerdConfigError } from '../errors';
import { parseQuantity } from './go-syntax';
import { splitPortList } from './proxy-settings';

/**
 * Cross-field checks of proxy settings: pairs of values that are each valid but that Kubernetes
 * rejects together, or of which Linkerd silently ignores one. They run on the values a proxy is
 * rendered from, at each level where settings are given (mesh-wide, namespace, workload), and
 * name the prop set at that level together with where the other value comes from.
 */

/** Where a value of the values tree came from. */
export interface ValueOrigin {
  /** Set at the level being checked (a prop or annotation the user gave there). */
  readonly own: boolean;
  /** The prop that holds it, for the error's field, e.g. `proxy.resources.memory.request`. */
  readonly field: string;
  /** For messages, e.g. `proxy.resources.memory.limit` or `the highAvailability preset`. */
  readonly text: string;
}

/** The level being checked: only some combinations are final at the mesh-wide or namespace level. */
export type CombinationLevel = 'mesh' | 'namespace' | 'pod';

interface Rule {
  /** Values paths the rule reads; the rule reports only when one of them was set at this level. */
  readonly paths: readonly string[];
  /** Levels at which the combination is final. @default every level */
  readonly levels?: readonly CombinationLevel[];
  /** The problem, or undefined when the combination is fine. `show(path)` renders a value with its origin. */
  problem(values: LinkerdValues, show: (path: string, unit?: string) => string): string | undefined;
  fix(values: LinkerdValues, origin: (path: string) => ValueOrigin): string;
}

/** Reads a dotted path of the values tree. */
export function valueAt(values: LinkerdValues, path: string): unknown {
  let v: any = values;
  for (const key of path.split('.')) {
    if (v === undefined || v === null) return undefined;
    v = v[key];
  }
  return v;
}

/** The numbers a port list (`25,4000-4010`) covers, as ranges. */
function portRanges(text: unknown): Array<[number, number]> {
  if (typeof text !== 'string' || text === '') return [];
  return splitPortList(text).flatMap((entry) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(entry);
    return m ? [[Number(m[1]), Number(m[2] ?? m[1])] as [number, number]] : [];
  });
}

const RESOURCES: ReadonlyArray<[string, string]> = [['cpu', 'CPU'], ['memory', 'memory'], ['ephemeral-storage', 'ephemeral storage']];

const RULES: readonly Rule[] = [
  ...RESOURCES.map(([key, word]): Rule => ({
    paths: [`proxy.resources.${key}.request`, `proxy.resources.${key}.limit`],
    problem: (values, show) => {
      const request = valueAt(values, `proxy.resources.${key}.request`);
      const limit = valueAt(values, `proxy.resources.${key}.limit`);
      if (typeof request !== 'string' || typeof limit !== 'string' || request === '' || limit === '') return undefined;
      const r = parseQuantity(request);
      const l = parseQuantity(limit);
      if (r === undefined || l === undefined || !(r > l * (1 + 1e-12))) return undefined;
      return `the proxy's ${word} request ${show(`proxy.resources.${key}.request`)} is above its ${word} limit ${show(`proxy.resources.${key}.limit`)}; Kubernetes rejects the pod`;
    },
    fix: (values, origin) => {
      const limit = valueAt(values, `proxy.resources.${key}.limit`);
      const prop = `proxy.resources.${key === 'ephemeral-storage' ? 'ephemeralStorage' : key}.limit`;
      return `lower the request to ${limit} or less${origin(`proxy.resources.${key}.limit`).own ? ', or raise the limit' : `, or also set ${prop} at this level`}`;
    },
  })),
  {
    paths: ['proxy.runtime.workers.minimum', 'proxy.runtime.workers.maximum'],
    problem: (values, show) => {
      const min = valueAt(values, 'proxy.runtime.workers.minimum');
      const max = valueAt(values, 'proxy.runtime.workers.maximum');
      if (typeof min !== 'number' || typeof max !== 'number' || max === 0 || min <= max) return undefined;
      return `the proxy's minimum worker threads ${show('proxy.runtime.workers.minimum')} exceed its maximum ${show('proxy.runtime.workers.maximum')}; the proxy then ignores the maximum`;
    },
    fix: () => 'make the minimum (minimumWorkers, or per pod the CPU request in whole cores) at most the maximum (maximumWorkers, or per pod the CPU limit)',
  },
  {
    paths: ['proxyInit.closeWaitTimeoutSecs', 'proxyInit.runAsRoot'],
    problem: (values, show) => (valueAt(values, 'proxyInit.closeWaitTimeoutSecs') && !valueAt(values, 'proxyInit.runAsRoot')
      ? `a close-wait timeout of ${show('proxyInit.closeWaitTimeoutSecs', 'seconds')} needs proxy-init to run as root, but proxyInitRunAsRoot is ${show('proxyInit.runAsRoot')}; the injector refuses to render such a pod`
      : undefined),
    fix: () => 'set proxyInitRunAsRoot: true in the mesh-wide proxy settings, or leave closeWaitTimeout out',
  },
  {
    paths: ['proxyInit.closeWaitTimeoutSecs', 'cniEnabled'],
    problem: (values, show) => (valueAt(values, 'proxyInit.closeWaitTimeoutSecs') && valueAt(values, 'cniEnabled')
      ? `a close-wait timeout of ${show('proxyInit.closeWaitTimeoutSecs', 'seconds')} is set by proxy-init, which the CNI plugin replaces (cni is ${show('cniEnabled')}); it is ignored`
      : undefined),
    fix: () => 'leave closeWaitTimeout out when the mesh uses the CNI plugin',
  },
  {
    paths: ['proxy.waitBeforeExitSeconds', 'proxy.nativeSidecar'],
    levels: ['pod'],
    problem: (values, show) => (valueAt(values, 'proxy.waitBeforeExitSeconds') && valueAt(values, 'proxy.nativeSidecar')
      ? `waitBeforeExitSeconds ${show('proxy.waitBeforeExitSeconds')} only delays a classic proxy container, but nativeSidecar is ${show('proxy.nativeSidecar')}; the setting is ignored`
      : undefined),
    fix: () => 'leave waitBeforeExitSeconds out (a native sidecar outlives the application containers anyway), or set nativeSidecar: false',
  },
  {
    paths: ['proxy.uid', 'proxy.securityContext'],
    problem: (values, show) => {
      const context = valueAt(values, 'proxy.securityContext');
      const defaultContext = typeof context !== 'object' || context === null || Object.keys(context).length === 0;
      return valueAt(values, 'proxy.uid') === 0 && defaultContext
        ? `the proxy uid is ${show('proxy.uid')}, and its securityContext has runAsNonRoot: true; the kubelet refuses to start it as root`
        : undefined;
    },
    fix: () => 'use a non-zero uid, e.g. 2102 (the default)',
  },
  {
    paths: ['proxy.requireIdentityOnInboundPorts', 'proxyInit.ignoreInboundPorts'],
    problem: (values, show) => {
      const skipped = portRanges(valueAt(values, 'proxyInit.ignoreInboundPorts'));
      const both = portRanges(valueAt(values, 'proxy.requireIdentityOnInboundPorts'))
        .filter(([lo, hi]) => skipped.some(([a, b]) => lo <= b && a <= hi));
      if (both.length === 0) return undefined;
      const list = both.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(', ');
      return `the inbound ports ${list} require identity (requireIdentityOnInboundPorts ${show('proxy.requireIdentityOnInboundPorts')}) but are skipped (skipInboundPorts ${show('proxyInit.ignoreInboundPorts')}): their traffic bypasses the proxy, so the requirement is never applied`;
    },
    fix: () => 'remove these ports from skipInboundPorts, or from requireIdentityOnInboundPorts',
  },
];

/** Mesh-wide-only settings of proxy-init, which the CNI plugin replaces. */
const PROXY_INIT_ONLY = ['proxyInitRunAsRoot', 'proxyInitPrivileged', 'iptablesMode', 'proxyInitLogLevel', 'proxyInitLogFormat'];

/**
 * Fails on the first combination that Kubernetes would reject or Linkerd would ignore, when one
 * of its values was set at this level (`origin(path).own`). `ownProps` lists the ProxySettings
 * props given at this level, with their fields, for the checks that concern props themselves.
 */
export function checkProxyCombinations(scope: IConstruct | string, level: CombinationLevel, values: LinkerdValues,
  origin: (path: string) => ValueOrigin, ownProps: ReadonlyMap<string, string> = new Map(), onlyOwnValues = false): void {
  for (const rule of RULES) {
    if (rule.levels && !rule.levels.includes(level)) continue;
    // Where the mesh-wide values are not known, only combinations of the level's own values are judged.
    if (onlyOwnValues && rule.paths.some((path) => !origin(path).own)) continue;
    const own = rule.paths.map(origin).find((o) => o.own);
    if (!own) continue;
    const problem = rule.problem(values, (path, unit) => {
      const o = origin(path);
      return `${formatShown(valueAt(values, path))}${unit ? ` ${unit}` : ''} (${o.own ? o.field : `from ${o.text}`})`;
    });
    if (problem) throw new LinkerdConfigError(scope, own.field, problem, rule.fix(values, origin));
  }
  if (level === 'mesh' && values.cniEnabled) {
    const ignored = PROXY_INIT_ONLY.find((p) => ownProps.has(p));
    if (ignored) {
      throw new LinkerdConfigError(scope, ownProps.get(ignored)!, `configures proxy-init, which pods do not run with cni: true (the linkerd2-cni plugin sets up their traffic redirection); it is ignored`,
        'leave it out, or configure the linkerd2-cni plugin instead');
    }
  }
}

function formatShown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Records where the values at the given paths came from while settings are applied in layers:
 * `step(origin)` after each change attributes every path whose value changed to that origin.
 */
export class OriginTracker {
  private readonly origins = new Map<string, ValueOrigin>();
  private readonly last = new Map<string, string>();

  public constructor(private readonly values: LinkerdValues, base: (path: string) => ValueOrigin) {
    for (const path of TRACKED_PATHS) {
      this.origins.set(path, base(path));
      this.last.set(path, JSON.stringify(valueAt(values, path)));
    }
  }

  /** Attributes every tracked path that changed since the last step to `origin`. */
  public step(origin: ValueOrigin): void {
    for (const path of TRACKED_PATHS) {
      const now = JSON.stringify(valueAt(this.values, path));
      if (now !== this.last.get(path)) {
        this.origins.set(path, origin);
        this.last.set(path, now);
      }
    }
  }

  public origin = (path: string): ValueOrigin => this.origins.get(path) ?? { own: false, field: path, text: 'the default' };
}

/** Every values path a combination rule reads. */
export const TRACKED_PATHS: readonly string[] = [...new Set(RULES.flatMap((r) => r.paths))];
