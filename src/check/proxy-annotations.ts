import { defaultValues, LinkerdValues } from '../control-plane/values';
import { LinkerdConfigError } from '../errors';
import { cloneJson } from '../json-clone';
import { locatePodTemplate } from '../mesh/pod-template';
import { compareText } from '../order';
import { boundedEditDistance, didYouMean } from '../proxy/did-you-mean';
import { checkProxyCombinations, OriginTracker } from '../proxy/proxy-combinations';
import {
  applyPodSettings, CONFIG_PREFIXES, InjectionState, KNOWN_ANNOTATIONS, PodSetting, ProxySettingRow, resolveOpaquePorts, splitPortList,
} from '../proxy/proxy-settings';
import { formatValue } from '../validate';
import { CheckContext, CheckRule, describeObject, Finding, Severity } from './finding';
import { controlPlaneNamespaces, linkerdValues } from './identity-support';

/**
 * L5D2xx: the Linkerd annotations people write by hand on pods, pod templates, namespaces and
 * services. A misspelt key or a value the injector cannot parse is ignored by the injector
 * with at most a log line, so the proxy silently runs with its defaults; these checks catch
 * that before apply. Each finding names the typed setting (`proxy.<prop>` of `meshWorkload` /
 * `meshNamespace`) that writes the annotation correctly.
 */

const CODES = {
  L5D201: 'unknown proxy configuration annotation (config.linkerd.io/…)',
  L5D202: 'unknown Linkerd annotation (linkerd.io/…, or a near miss of a Linkerd annotation)',
  L5D203: 'annotation value the injector cannot use',
  L5D204: 'annotation that has no effect where it is',
  L5D205: 'deprecated annotation',
  L5D206: 'opaque port name that matches no container port of the pod',
  L5D207: 'proxy settings of a pod that Kubernetes rejects or Linkerd ignores together (a request above its limit, a close-wait timeout without root, …)',
} as const;

type Where = 'pod' | 'namespace' | 'service' | 'workload';

const KNOWN_KEYS = [...KNOWN_ANNOTATIONS.keys()];

/** The longest annotation key Kubernetes accepts: a 253-character prefix, "/", a 63-character name. */
const MAX_KEY_LENGTH = 317;

function isLinkerdKey(key: string): boolean {
  return key.startsWith('linkerd.io/') || CONFIG_PREFIXES.some((p) => key.startsWith(p));
}

/** A key of another prefix that is one or two edits away from a Linkerd key (e.g. `config.linkerd.oi/…`). Linear in the key's length. */
function nearMiss(key: string): boolean {
  if (key.length > MAX_KEY_LENGTH) return false;
  // The same few keys (app.kubernetes.io/…, kubectl…) recur on every object: judge each once.
  let near = NEAR_MISSES.get(key);
  if (near === undefined) {
    near = KNOWN_KEYS.some((k) => boundedEditDistance(k, key, 2) <= 2);
    if (NEAR_MISSES.size < 10_000) NEAR_MISSES.set(key, near);
  }
  return near;
}

/** A key as shown in messages: long keys (which Kubernetes rejects anyway) are cut. */
function shown(key: string): string {
  return key.length <= 120 ? key : `${key.slice(0, 100)}… (${key.length} characters)`;
}

function typedSetting(row: ProxySettingRow): string {
  return `proxy.${row.prop} of meshWorkload${row.inherited ? ' or meshNamespace' : ''}`;
}

const NEAR_MISSES = new Map<string, boolean>();

function containerPortNames(spec: Record<string, any>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const p of c?.ports ?? []) if (p?.name) out[p.name] = p.containerPort;
  }
  return out;
}

function checkAnnotations(
  object: Record<string, any>, where: Where, path: string, annotations: Record<string, unknown> | undefined,
  podSpec?: Record<string, any>,
): Finding[] {
  const findings: Finding[] = [];
  const report = (code: keyof typeof CODES, severity: Severity, key: string, message: string, fix: string) =>
    findings.push({ code, severity, object: describeObject(object), field: `${path}["${shown(key)}"]`, message, fix });

  for (const [key, raw] of Object.entries(annotations ?? {}).sort(([a], [b]) => compareText(a, b))) {
    const text = String(raw);
    const known = KNOWN_ANNOTATIONS.get(key);
    if (!known) {
      const linkerd = CONFIG_PREFIXES.some((p) => key.startsWith(p));
      if (!linkerd && !isLinkerdKey(key) && !nearMiss(key)) continue;
      const tooLong = key.length > MAX_KEY_LENGTH;
      // The suggestion costs O(key length) per candidate; a key too long to be valid gets none.
      const best = tooLong ? undefined : didYouMean(key, KNOWN_KEYS);
      const fix = best ? `rename it to ${best}${KNOWN_ANNOTATIONS.get(best)?.row ? `, or set ${typedSetting(KNOWN_ANNOTATIONS.get(best)!.row!)}` : ''}`
        : tooLong ? `shorten it: Kubernetes accepts keys of at most ${MAX_KEY_LENGTH} characters` : 'remove it; "cdk8s-linkerd check --list" and README list what Linkerd reads';
      const didYou = best ? ` (did you mean "${best}"?)` : '';
      if (linkerd) {
        report('L5D201', Severity.ERROR, key, `${shown(key)} is not a proxy configuration annotation, so the injector ignores it${didYou}`, fix);
      } else {
        report('L5D202', Severity.WARNING, key, `${shown(key)} is not an annotation Linkerd reads${didYou}`, fix);
      }
      continue;
    }
    if (known.noEffect) {
      report('L5D204', Severity.WARNING, key, `${key} has no effect: ${known.noEffect}`, 'remove it');
      continue;
    }
    if (known.replacedBy) {
      report('L5D205', Severity.WARNING, key, `${key} is deprecated; use ${known.replacedBy}`, `rename it to ${known.replacedBy}`);
    }
    const row = known.row;
    if (!row) continue;
    if (where === 'workload') {
      if (shippedMarker(object, key)) continue;
      report('L5D204', Severity.WARNING, key, `${key} has no effect on the ${object.kind} itself: the injector reads the pod template's annotations (${podTemplateField(object)})`,
        `move it to the pod template, or set ${typedSetting(row)}`);
      continue;
    }
    if (where === 'service') {
      if (shippedMarker(object, key)) continue;
      if (row.prop !== 'opaquePorts') {
        report('L5D204', Severity.WARNING, key, `${key} has no effect on a Service: only config.linkerd.io/opaque-ports is read there`, `move it to the pod template, or set ${typedSetting(row)}`);
      } else if (!row.valuesCodec.accepts(text)) {
        report('L5D203', Severity.ERROR, key, `${formatValue(text)} is not ${row.valuesCodec.expected}`, `use ${row.valuesCodec.expected}; on a Service, port names are not resolved`);
      }
      continue;
    }
    if (where === 'namespace' && !known.inherited) {
      report('L5D204', Severity.WARNING, key, `${key} has no effect on a Namespace: pods do not inherit it; set it on the pod template`, `set it on the pod templates, or set ${typedSetting(row)}`);
      continue;
    }
    if (!row.codec.accepts(text)) {
      report('L5D203', Severity.ERROR, key, `${formatValue(text)} is not ${row.codec.expected}, so the injector ignores it`, `use ${row.codec.expected}, or set ${typedSetting(row)}, which is checked at synth`);
      continue;
    }
    if (where === 'pod' && podSpec && row.prop === 'opaquePorts') {
      const names = containerPortNames(podSpec);
      const unknown = splitPortList(text).filter((p) => !/^\d/.test(p) && names[p] === undefined);
      if (unknown.length > 0) {
        report('L5D206', Severity.WARNING, key, `${unknown.join(', ')} ${unknown.length > 1 ? 'name' : 'names'} no container port of the pod; the injector drops ${unknown.length > 1 ? 'them' : 'it'} (effective: ${JSON.stringify(resolveOpaquePorts(text, names))})`,
          `name a container port of the pod (${Object.keys(names).sort().join(', ') || 'it has no named ports'}), or give the port number`);
      }
    }
  }
  return findings;
}

/**
 * Linkerd's extension charts (objects labelled `linkerd.io/extension`) mark their Deployments and
 * Services with `linkerd.io/inject` and `config.linkerd.io/proxy-await` as well as their pod
 * templates. Harmless, shipped by Linkerd rather than written by a user, and reproduced by this
 * library's extensions: not reported.
 */
function shippedMarker(object: Record<string, any>, key: string): boolean {
  return object.metadata?.labels?.['linkerd.io/extension'] !== undefined && ['linkerd.io/inject', 'config.linkerd.io/proxy-await'].includes(key);
}

function podTemplateField(object: Record<string, any>): string {
  return String(object.kind).toLowerCase() === 'cronjob' ? 'spec.jobTemplate.spec.template.metadata.annotations' : 'spec.template.metadata.annotations';
}

/**
 * L5D207: the pod's effective proxy settings (the mesh-wide values of the control plane in the
 * set, or the chart's defaults, then the namespace's and the pod's annotations, as the injector
 * applies them) checked for combinations Kubernetes rejects or Linkerd ignores.
 */
function checkCombinations(object: Record<string, any>, path: string, podAnnotations: Record<string, unknown>,
  namespaceAnnotations: Record<string, unknown>, meshValues: () => { values: LinkerdValues; known: boolean }): Finding | undefined {
  const settings = new Map<string, PodSetting>();
  const fieldOf = new Map<string, string>();
  const layers: Array<[Record<string, unknown>, boolean, (key: string) => string]> = [
    [namespaceAnnotations, true, (key) => `Namespace ${object.metadata?.namespace} annotation ${key}`],
    [podAnnotations, false, (key) => `${path}["${key}"]`],
  ];
  for (const [annotations, inheritedOnly, field] of layers) {
    for (const [key, raw] of Object.entries(annotations)) {
      const known = KNOWN_ANNOTATIONS.get(key);
      if (!known?.row || typeof raw !== 'string' || (inheritedOnly && !known.inherited) || !known.row.codec.accepts(raw)) continue;
      settings.set(key, { text: raw, source: 'annotation' });
      fieldOf.set(key, field(key));
    }
  }
  if (settings.size === 0) return undefined;
  const mesh = meshValues();
  const values = cloneJson(mesh.values);
  const tracker = new OriginTracker(values, (p) => ({ own: false, field: p, text: 'the mesh-wide value' }));
  const state: InjectionState = { values, debugSidecar: false, namedPorts: {} };
  applyPodSettings(state, settings, (_row, key) => tracker.step({ own: true, field: fieldOf.get(key)!, text: fieldOf.get(key)! }));
  try {
    // Without the control plane in the set, the mesh-wide values are unknown (the chart's defaults stand in).
    checkProxyCombinations(describeObject(object), 'pod', values, tracker.origin, undefined, !mesh.known);
  } catch (e) {
    if (!(e instanceof LinkerdConfigError)) throw e;
    return { code: 'L5D207', severity: Severity.ERROR, object: describeObject(object), field: e.field, message: e.problem, fix: e.fix };
  }
  return undefined;
}

/** The rule, registered in CHECK_RULES. */
export const PROXY_ANNOTATION_RULE: CheckRule = {
  codes: CODES,
  run(context: CheckContext): Finding[] {
    const findings: Finding[] = [];
    const namespaces = new Map<string, Record<string, unknown>>();
    for (const o of context.objects) {
      if (o?.kind === 'Namespace' && typeof o.metadata?.name === 'string') namespaces.set(o.metadata.name, o.metadata.annotations ?? {});
    }
    // The values pods are injected with: the one control plane of the set, else the chart's defaults.
    let mesh: { values: LinkerdValues; known: boolean } | undefined;
    const meshValues = () => {
      if (mesh === undefined) {
        const planes = controlPlaneNamespaces(context);
        const values = planes.length === 1 ? linkerdValues(context, planes[0]) as LinkerdValues | undefined : undefined;
        mesh = { values: values ?? defaultValues(), known: values !== undefined };
      }
      return mesh;
    };
    for (const object of context.objects) {
      if (!object || typeof object !== 'object') continue;
      const kind = String(object.kind ?? '');
      if (kind === 'Namespace') {
        findings.push(...checkAnnotations(object, 'namespace', 'metadata.annotations', object.metadata?.annotations));
        continue;
      }
      if (kind === 'Service') {
        findings.push(...checkAnnotations(object, 'service', 'metadata.annotations', object.metadata?.annotations));
        continue;
      }
      const pod = locatePodTemplate(object, { readOnly: true });
      if (!pod) continue;
      const field = `${pod.path ? `${pod.path}.` : ''}metadata.annotations`;
      findings.push(...checkAnnotations(object, 'pod', field, pod.metadata.annotations, pod.spec));
      // A pod injected already (statically) was judged when it was rendered, with the mesh's real values.
      const injected = (pod.spec.containers as any[]).some((c) => c?.name === 'linkerd-proxy')
        || (Array.isArray(pod.spec.initContainers) && pod.spec.initContainers.some((c: any) => c?.name === 'linkerd-proxy'));
      const combination = injected ? undefined
        : checkCombinations(object, field, pod.metadata.annotations ?? {}, namespaces.get(object.metadata?.namespace) ?? {}, meshValues);
      if (combination) findings.push(combination);
      if (kind !== 'Pod') {
        findings.push(...checkAnnotations(object, 'workload', 'metadata.annotations', object.metadata?.annotations));
      }
    }
    return findings;
  },
};
