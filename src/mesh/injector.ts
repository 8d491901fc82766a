import { IConstruct } from 'constructs';
import type { Container, PodSpec, Probe, VolumeMount } from 'kubernetes-types/core/v1';
import type { LinkerdValues } from '../control-plane/values';
import { LinkerdConfigError } from '../errors';
import { ContainerCapabilities, ProxyBuilder } from '../proxy/proxy-builder';
import {
  ADDITIONAL_ENV_ANNOTATION, applyPodSettings, checkDistinctPorts, INJECT_ANNOTATION, InjectionState, KNOWN_ANNOTATIONS,
  PodSetting, proxySettingRow, SettingAnnotation,
} from '../proxy/proxy-settings';
import { PodTemplateRef } from './pod-template';
import { isInjectedContainer } from './uninject';

/**
 * Static injection: what the proxy injector (and `linkerd inject --manual`) does to one pod,
 * reproduced from pkg/inject/inject.go at edge-26.8.3, with the proxy rendered by the shared
 * ProxyBuilder.
 */

const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Why meshing leaves this pod alone by its own choice (`linkerd.io/inject: disabled`), or undefined. */
export function optOutReason(pod: PodTemplateRef): string | undefined {
  if (pod.metadata.annotations?.[INJECT_ANNOTATION] === 'disabled') return `it is annotated ${INJECT_ANNOTATION}: disabled`;
  return undefined;
}

/** A pod `linkerd inject` refuses to inject (and exits 1 for): where, why, and how to fix it. */
export interface InjectRefusalReason {
  /** JSON path of the offending field, e.g. `spec.template.spec.hostNetwork`. */
  readonly field: string;
  readonly reason: string;
  readonly fix: string;
}

const SKIP_FIX = 'or pass onRefusal: InjectRefusal.SKIP to leave the workload unmeshed';

/**
 * Why `linkerd inject` would refuse this pod once un-injected (report.go `ThrowInjectError`):
 * host networking, a proxy other than Linkerd's, or no token the proxy could authenticate with.
 * The containers an earlier injection added do not count: un-injection removes them.
 */
export function refusalReason(pod: PodTemplateRef, tokenProjection: boolean): InjectRefusalReason | undefined {
  const spec = pod.spec as PodSpec;
  const at = (field: string) => `${pod.path ? `${pod.path}.` : ''}spec.${field}`;
  if (spec.hostNetwork === true) {
    return {
      field: at('hostNetwork'),
      reason: 'the pod uses the host network, where the proxy cannot take over its traffic; linkerd inject refuses it',
      fix: `run the pod without hostNetwork, ${SKIP_FIX}`,
    };
  }
  const sidecar = existingSidecar(spec);
  if (sidecar) {
    return {
      field: at(`${sidecar.list}[name=${sidecar.name}]`),
      reason: `the pod already runs a proxy (${sidecar.name}${sidecar.image ? `, image ${sidecar.image}` : ''}); linkerd inject refuses it`,
      fix: `remove the other mesh's sidecar, ${SKIP_FIX}`,
    };
  }
  if (spec.automountServiceAccountToken === false && !tokenProjection) {
    return {
      field: at('automountServiceAccountToken'),
      reason: 'the pod does not mount its ServiceAccount token, which the proxy authenticates with while identity.serviceAccountTokenProjection is off; linkerd inject refuses it',
      fix: `remove automountServiceAccountToken: false, turn identity.serviceAccountTokenProjection on, ${SKIP_FIX}`,
    };
  }
  return undefined;
}

/** `HasExistingSidecars` (pkg/healthcheck/sidecar.go): the first container that is a proxy, after un-injection. */
function existingSidecar(spec: PodSpec): { list: string; name: string; image?: string } | undefined {
  const lists: Array<[string, Container[] | undefined]> = [['initContainers', spec.initContainers], ['containers', spec.containers]];
  for (const [list, containers] of lists) {
    for (const c of containers ?? []) {
      if (isInjectedContainer(c.name)) continue;
      const image = c.image ?? '';
      const proxy = c.name === 'linkerd-proxy' || c.name === 'istio-proxy'
        || image.startsWith('cr.l5d.io/linkerd/proxy:') || image.startsWith('gcr.io/istio-release/proxyv2:');
      const init = list === 'initContainers' && (c.name === 'linkerd-init' || c.name === 'istio-init'
        || image.startsWith('cr.l5d.io/linkerd/proxy-init:') || image.startsWith('gcr.io/istio-release/proxy_init:'));
      if (proxy || init) return { list, name: c.name, image: c.image };
    }
  }
  return undefined;
}

/** Integer HTTP probe port of a probe; named ports are the container's own ports already. */
function probePort(probe: Probe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  return typeof port === 'number' ? port : undefined;
}

/** `getPodInboundPorts`: every container port plus integer HTTP probe ports, sorted as strings. */
export function podInboundPorts(spec: PodSpec): string {
  const ports = new Set<number>();
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const p of c.ports ?? []) ports.add(p.containerPort);
    for (const probe of [c.readinessProbe, c.livenessProbe]) {
      const port = probePort(probe);
      if (port !== undefined) ports.add(port);
    }
  }
  return [...ports].map(String).sort().join(',');
}

/** `GetNamedPorts`: container port names to numbers (init containers first, later ones win). */
export function namedPorts(spec: PodSpec): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name) out[p.name] = p.containerPort;
  }
  return out;
}

/** The first container's capabilities, which the proxy copies; proxy-init keeps NET_ADMIN and NET_RAW. */
function capabilities(spec: PodSpec): { proxy?: ContainerCapabilities; init?: ContainerCapabilities } {
  const caps = spec.containers?.[0]?.securityContext?.capabilities;
  if (!caps) return {};
  const add = [...(caps.add ?? [])];
  const drop = [...(caps.drop ?? [])];
  return { proxy: { add, drop }, init: { add, drop: drop.filter((d) => d !== 'NET_RAW' && d !== 'NET_ADMIN') } };
}

function serviceAccountMount(spec: PodSpec): VolumeMount | undefined {
  return spec.containers?.[0]?.volumeMounts?.find((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH);
}

/** What static injection of one pod needs. */
export interface StaticInjection {
  /** Construct errors are reported against (the meshed workload). */
  readonly scope: IConstruct;
  /** Mesh-wide values (a copy this function may change). */
  readonly values: LinkerdValues;
  readonly controlPlaneNamespace: string;
  /** Lower-case kind for the owner label; undefined for a bare Pod. */
  readonly workloadKind?: string;
  readonly workloadName: string;
  readonly workloadNamespace: string;
  readonly pod: PodTemplateRef;
  /** The workload's typed settings, as annotations. */
  readonly settings: readonly SettingAnnotation[];
  /** Annotations of the pod's Namespace, as rendered, and how to name it in errors. */
  readonly namespace?: { readonly annotations: Record<string, string>; readonly description: string };
  /**
   * The pod carried an earlier injection: its config annotations record that injection's
   * settings, so the settings given now replace them instead of conflicting.
   */
  readonly reinjected?: boolean;
}

/** Fails on an annotation value the injector would ignore. */
function checkAnnotation(scope: IConstruct, where: string, key: string, text: string): void {
  const row = KNOWN_ANNOTATIONS.get(key)?.row;
  if (row && !row.codec.accepts(text)) {
    throw new LinkerdConfigError(scope, where, `${JSON.stringify(text)} is not ${row.codec.expected}`,
      `correct the annotation ${key}, or set proxy.${row.prop} instead`);
  }
}

/**
 * Injects the proxy into `input.pod` in place, as the injector would for a pod created with
 * these annotations in a namespace with these annotations.
 */
export function injectStatically(input: StaticInjection): void {
  const { scope, pod } = input;
  const spec = pod.spec as PodSpec;
  const at = (key: string) => `${pod.path ? `${pod.path}.` : ''}metadata.annotations["${key}"]`;
  const own: Record<string, string> = { ...(pod.metadata.annotations ?? {}) };

  // The typed settings act as `linkerd inject` flags: written onto the pod, applied directly.
  const settings = new Map<string, PodSetting>();
  const written: Record<string, string> = {};
  for (const s of input.settings) {
    if (own[s.key] !== undefined && own[s.key] !== s.text && !input.reinjected) {
      throw new LinkerdConfigError(scope, `proxy.${s.row.prop}`, `conflicts with the annotation ${s.key}: ${JSON.stringify(own[s.key])} on the pod template`,
        'remove the annotation or the setting');
    }
    // Ingress mode is the one value of linkerd.io/inject a manual injection keeps.
    if (s.key === INJECT_ANNOTATION && s.text !== 'ingress') continue;
    written[s.key] = s.text;
    settings.set(s.key, { text: s.text, source: 'flag' });
  }
  // Annotations the pod carries itself are read as the injector reads them.
  for (const [key, text] of Object.entries(own)) {
    checkAnnotation(scope, at(key), key, text);
    if (!settings.has(key)) settings.set(key, { text, source: 'annotation' });
  }
  // The namespace's apply where the pod says nothing (AppendNamespaceAnnotations).
  const nsAnnotations = input.namespace?.annotations ?? {};
  for (const [key, text] of Object.entries(nsAnnotations)) {
    const known = KNOWN_ANNOTATIONS.get(key);
    if (!known?.row || !known.inherited || key === ADDITIONAL_ENV_ANNOTATION || settings.has(key)) continue;
    checkAnnotation(scope, `${input.namespace!.description} annotation ${key}`, key, text);
    settings.set(key, { text, source: 'annotation' });
  }

  const state: InjectionState = { values: input.values, debugSidecar: false, namedPorts: namedPorts(spec) };
  applyPodSettings(state, settings);
  // Additional env is merged: mesh-wide list < namespace's < workload's.
  const envRow = proxySettingRow('additionalEnv')!;
  const nsEnv = nsAnnotations[ADDITIONAL_ENV_ANNOTATION];
  if (nsEnv !== undefined) {
    checkAnnotation(scope, `${input.namespace!.description} annotation ${ADDITIONAL_ENV_ANNOTATION}`, ADDITIONAL_ENV_ANNOTATION, nsEnv);
    envRow.apply(state, nsEnv, 'annotation');
  }
  const podEnv = settings.get(ADDITIONAL_ENV_ANNOTATION);
  if (podEnv) envRow.apply(state, podEnv.text, podEnv.source);

  const values = state.values;
  checkDistinctPorts(scope, 'proxy.ports', values.proxy.ports);
  if (values.proxyInit.closeWaitTimeoutSecs && !values.proxyInit.runAsRoot) {
    throw new LinkerdConfigError(scope, 'proxy.closeWaitTimeout', 'needs proxy-init to run as root', 'set proxyInitRunAsRoot: true in the mesh-wide proxy settings');
  }
  addTraceLabels(values, pod.metadata.labels ?? {}, { ...own, ...written });

  const caps = capabilities(spec);
  const parts = new ProxyBuilder(values).build({
    controlPlaneNamespace: input.controlPlaneNamespace,
    workloadKind: input.workloadKind,
    workloadName: input.workloadName,
    workloadNamespace: input.workloadNamespace,
    podInboundPorts: podInboundPorts(spec),
    injector: true,
    capabilities: caps.proxy,
    proxyInitCapabilities: caps.init,
    serviceAccountMount: serviceAccountMount(spec),
    debugSidecar: state.debugSidecar,
  });

  pod.metadata.annotations = { ...own, ...written, ...parts.annotations };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), ...parts.labels };
  const appContainers: Container[] = [...spec.containers, ...(parts.debugContainer ? [parts.debugContainer] : [])];
  const classic = parts.classicProxy;
  spec.containers = !classic ? appContainers
    : classic.placement === 'first' ? [classic.container, ...appContainers] : [...appContainers, classic.container];
  spec.initContainers = [...parts.initContainers, ...(spec.initContainers ?? [])];
  spec.volumes = [...(spec.volumes ?? []), ...parts.volumes];
}

/** The trace attributes the injector takes from the pod: its service name and `resource.opentelemetry.io/*` annotations. */
function addTraceLabels(values: LinkerdValues, labels: Record<string, string>, annotations: Record<string, string>): void {
  const tracing = values.proxy.tracing as { enabled?: boolean; labels?: Record<string, string> } | undefined;
  if (!tracing?.enabled) return;
  const traceLabels = { ...(tracing.labels ?? {}) };
  const serviceName = labels['app.kubernetes.io/instance'] ?? labels['app.kubernetes.io/name'];
  if (serviceName !== undefined) traceLabels['service.name'] = serviceName;
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('resource.opentelemetry.io/')) traceLabels[key.slice('resource.opentelemetry.io/'.length)] = value;
  }
  tracing.labels = traceLabels;
}
