import { locatePodTemplate } from '../mesh/pod-template';
import { editDistance, suggestion } from '../proxy/did-you-mean';
import { CONFIG_PREFIXES, KNOWN_ANNOTATIONS, resolveOpaquePorts, splitPortList } from '../proxy/proxy-settings';
import { CheckContext, CheckRule, describeObject, Finding, Severity } from './finding';

/**
 * L5D2xx: the Linkerd annotations people write by hand on pods, pod templates, namespaces and
 * services. A misspelt key or a value the injector cannot parse is ignored by the injector
 * with at most a log line, so the proxy silently runs with its defaults; these checks catch
 * that before apply.
 */

const CODES = {
  L5D201: 'unknown proxy configuration annotation (config.linkerd.io/…)',
  L5D202: 'unknown Linkerd annotation (linkerd.io/…, or a near miss of a Linkerd annotation)',
  L5D203: 'annotation value the injector cannot use',
  L5D204: 'annotation that has no effect where it is',
  L5D205: 'deprecated annotation',
  L5D206: 'opaque port name that matches no container port of the pod',
} as const;

type Where = 'pod' | 'namespace' | 'service' | 'workload';

const KNOWN_KEYS = [...KNOWN_ANNOTATIONS.keys()];

function isLinkerdKey(key: string): boolean {
  return key.startsWith('linkerd.io/') || CONFIG_PREFIXES.some((p) => key.startsWith(p));
}

/** A key of another prefix that is one or two edits away from a Linkerd key (e.g. `config.linkerd.oi/…`). */
function nearMiss(key: string): boolean {
  return KNOWN_KEYS.some((k) => Math.abs(k.length - key.length) <= 2 && editDistance(k, key) <= 2);
}

function containerPortNames(spec: Record<string, any>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name) out[p.name] = p.containerPort;
  }
  return out;
}

function checkAnnotations(
  object: Record<string, any>, where: Where, path: string, annotations: Record<string, unknown> | undefined,
  podSpec?: Record<string, any>,
): Finding[] {
  const findings: Finding[] = [];
  const report = (code: keyof typeof CODES, severity: Severity, key: string, message: string) =>
    findings.push({ code, severity, object: describeObject(object), field: `${path}["${key}"]`, message });

  for (const [key, raw] of Object.entries(annotations ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const text = String(raw);
    const known = KNOWN_ANNOTATIONS.get(key);
    if (!known) {
      if (CONFIG_PREFIXES.some((p) => key.startsWith(p))) {
        report('L5D201', Severity.ERROR, key, `${key} is not a proxy configuration annotation, so the injector ignores it${suggestion(key, KNOWN_KEYS)}`);
      } else if (isLinkerdKey(key) || nearMiss(key)) {
        report('L5D202', Severity.WARNING, key, `${key} is not an annotation Linkerd reads${suggestion(key, KNOWN_KEYS)}`);
      }
      continue;
    }
    if (known.noEffect) {
      report('L5D204', Severity.WARNING, key, `${key} has no effect: ${known.noEffect}`);
      continue;
    }
    if (known.replacedBy) {
      report('L5D205', Severity.WARNING, key, `${key} is deprecated; use ${known.replacedBy}`);
    }
    const row = known.row;
    if (!row) continue;
    if (where === 'workload') {
      if (shippedMarker(object, key)) continue;
      report('L5D204', Severity.WARNING, key, `${key} has no effect on the ${object.kind} itself: the injector reads the pod template's annotations (${podTemplateField(object)})`);
      continue;
    }
    if (where === 'service') {
      if (shippedMarker(object, key)) continue;
      if (row.prop !== 'opaquePorts') {
        report('L5D204', Severity.WARNING, key, `${key} has no effect on a Service: only config.linkerd.io/opaque-ports is read there`);
      } else if (!row.valuesCodec.accepts(text)) {
        report('L5D203', Severity.ERROR, key, `${JSON.stringify(text)} is not ${row.valuesCodec.expected}`);
      }
      continue;
    }
    if (where === 'namespace' && !known.inherited) {
      report('L5D204', Severity.WARNING, key, `${key} has no effect on a Namespace: pods do not inherit it; set it on the pod template`);
      continue;
    }
    if (!row.codec.accepts(text)) {
      report('L5D203', Severity.ERROR, key, `${JSON.stringify(text)} is not ${row.codec.expected}, so the injector ignores it`);
      continue;
    }
    if (where === 'pod' && podSpec && row.prop === 'opaquePorts') {
      const names = containerPortNames(podSpec);
      const unknown = splitPortList(text).filter((p) => !/^\d/.test(p) && names[p] === undefined);
      if (unknown.length > 0) {
        report('L5D206', Severity.WARNING, key, `${unknown.join(', ')} ${unknown.length > 1 ? 'name' : 'names'} no container port of the pod; the injector drops ${unknown.length > 1 ? 'them' : 'it'} (effective: ${JSON.stringify(resolveOpaquePorts(text, names))})`);
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

/** The rule, registered in CHECK_RULES. */
export const PROXY_ANNOTATION_RULE: CheckRule = {
  codes: CODES,
  run(context: CheckContext): Finding[] {
    const findings: Finding[] = [];
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
      // Work on a copy: locating the template may add an empty metadata to it.
      const pod = locatePodTemplate(structuredClone(object));
      if (!pod) continue;
      findings.push(...checkAnnotations(object, 'pod', `${pod.path ? `${pod.path}.` : ''}metadata.annotations`, pod.metadata.annotations, pod.spec));
      if (kind !== 'Pod') {
        findings.push(...checkAnnotations(object, 'workload', 'metadata.annotations', object.metadata?.annotations));
      }
    }
    return findings;
  },
};
