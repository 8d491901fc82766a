import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { LinkerdValues } from '../control-plane/values';
import { LinkerdConfigError } from '../errors';
import { cloneJson } from '../json-clone';
import { enumOf, guardProps, is, required, struct } from '../guards';
import { LabelSelectorJson, selectorMatches } from '../policy/label-selector';
import { CombinationLevel, checkProxyCombinations, OriginTracker, ValueOrigin } from '../proxy/proxy-combinations';
import {
  applyPodSettings, INJECT_ANNOTATION, InjectionState, KNOWN_ANNOTATIONS, PodSetting, proxySettingAnnotations, SettingAnnotation,
} from '../proxy/proxy-settings';
import { injectStatically, optOutReason, refusalReason } from './injector';
import { ILinkerdMesh, InjectRefusal, MeshMode, MeshNamespaceOptions, MeshWorkloadOptions, NamespaceMesh, WorkloadMesh } from './mesh';
import { INJECTABLE_KINDS, locatePodTemplate } from './pod-template';
import { addRenderTransform, renderShared } from './render-hook';
import { passIndex } from './render-pass';
import { uninject, wasInjected } from './uninject';

/**
 * The two meshing operations behind `ILinkerdMesh.meshNamespace` and `meshWorkload`, shared by
 * the control plane synthesized in this app and one installed elsewhere.
 */

const MESHED = new WeakSet<ApiObject>();

const NAMESPACE_OPTIONS = struct<MeshNamespaceOptions>({ proxy: is.object }, 'a MeshNamespaceOptions ({ proxy })');
const WORKLOAD_OPTIONS = struct<MeshWorkloadOptions>({
  mode: enumOf('MeshMode', MeshMode as unknown as Record<string, string>), proxy: is.object,
  onRefusal: enumOf('InjectRefusal', InjectRefusal as unknown as Record<string, string>),
}, 'a MeshWorkloadOptions ({ mode, proxy, onRefusal })');

/** Fails unless the first argument of a meshing call is a construct, naming the mesh. */
function guardTarget(mesh: ILinkerdMesh | undefined, what: string, target: unknown): void {
  guardProps(mesh ?? 'meshing', what, target, required(is.construct));
}

function apiObjectOf(scope: IConstruct, what: string): ApiObject {
  try {
    return ApiObject.of(scope);
  } catch {
    throw new LinkerdConfigError(scope, what, 'is not a Kubernetes object',
      'pass an ApiObject, a cdk8s-plus resource, or one of an Include\'s apiObjects');
  }
}

function claim(scope: IConstruct, obj: ApiObject): void {
  if (MESHED.has(obj)) {
    throw new LinkerdConfigError(scope, 'meshWorkload', `${obj.kind} ${obj.name} is already meshed`, 'mesh each object once, with all of its settings');
  }
  MESHED.add(obj);
}

/**
 * Adds annotations to a pod template or namespace, failing where the object already says
 * otherwise (unless `replace`: the annotations of an earlier injection give way to the settings).
 */
function annotate(scope: IConstruct, metadata: Record<string, any>, add: Record<string, string>, where: string, props: Record<string, string>, replace = false): void {
  const annotations: Record<string, string> = metadata.annotations ??= {};
  for (const [key, text] of Object.entries(add)) {
    const existing = annotations[key];
    if (existing !== undefined && existing !== text && !replace) {
      throw new LinkerdConfigError(scope, props[key] ?? key, `conflicts with the annotation ${key}: ${JSON.stringify(existing)} on ${where}`,
        'remove the annotation or the setting');
    }
    annotations[key] = text;
  }
}

function asMap(settings: readonly SettingAnnotation[]): { annotations: Record<string, string>; props: Record<string, string> } {
  const annotations: Record<string, string> = {};
  const props: Record<string, string> = {};
  for (const s of settings) {
    annotations[s.key] = s.text;
    props[s.key] = `proxy.${s.row.prop}`;
  }
  return { annotations, props };
}

/** See `ILinkerdMesh.meshNamespace`; `mesh` is the mesh whose values the namespace settings are checked against. */
export function meshNamespace(namespace: IConstruct, options: MeshNamespaceOptions = {}, mesh?: ILinkerdMesh): NamespaceMesh {
  guardTarget(mesh, 'namespace', namespace);
  guardProps(namespace, '', options, NAMESPACE_OPTIONS);
  const obj = apiObjectOf(namespace, 'namespace');
  if (obj.kind !== 'Namespace') {
    throw new LinkerdConfigError(namespace, 'namespace', `is a ${obj.kind}, not a Namespace`, 'mesh workloads with meshWorkload');
  }
  const settings = proxySettingAnnotations(namespace, 'proxy', options.proxy ?? {}, 'namespace');
  if (mesh) checkEffectiveSettings(namespace, 'namespace', mesh, valuesOf(mesh), [settingsLayer(settings)]);
  const { annotations, props } = asMap(settings);
  annotations[INJECT_ANNOTATION] ??= 'enabled';
  claim(namespace, obj);
  const result = new NamespaceMesh(obj);
  addRenderTransform(obj, (json) => {
    if (json.metadata?.annotations?.[INJECT_ANNOTATION] === 'disabled') {
      result._skipped(`it is annotated ${INJECT_ANNOTATION}: disabled`);
      return json;
    }
    result._skipped(undefined);
    json.metadata ??= {};
    annotate(namespace, json.metadata, annotations, `Namespace ${obj.name}`, props);
    return json;
  });
  return result;
}

/**
 * The values of a mesh, read once per mesh: `ILinkerdMesh.values` returns a copy, and a mesh's
 * values are fixed once it is constructed.
 */
function valuesOf(mesh: ILinkerdMesh): LinkerdValues {
  let values = MESH_VALUES.get(mesh);
  if (!values) {
    values = mesh.values;
    MESH_VALUES.set(mesh, values);
  }
  return values;
}

const MESH_VALUES = new WeakMap<ILinkerdMesh, LinkerdValues>();

/** See `ILinkerdMesh.meshWorkload`. */
export function meshWorkload(mesh: ILinkerdMesh, workload: IConstruct, options: MeshWorkloadOptions = {}): WorkloadMesh {
  guardTarget(mesh, 'workload', workload);
  guardProps(workload, '', options, WORKLOAD_OPTIONS);
  const obj = apiObjectOf(workload, 'workload');
  const mode = options.mode ?? MeshMode.WEBHOOK;
  if (!Object.values(MeshMode).includes(mode)) {
    throw new LinkerdConfigError(workload, 'mode', `${JSON.stringify(mode)} is not a mesh mode`, 'use MeshMode.WEBHOOK or MeshMode.STATIC');
  }
  const kind = obj.kind.toLowerCase();
  if (['namespace', 'service'].includes(kind)) {
    throw new LinkerdConfigError(workload, 'workload', `is a ${obj.kind}, which has no pods`, kind === 'namespace' ? 'use meshNamespace' : 'mesh the workload behind it');
  }
  if (mode === MeshMode.STATIC && !INJECTABLE_KINDS.has(kind)) {
    throw new LinkerdConfigError(workload, 'mode', `static injection of a ${obj.kind} is not supported: linkerd inject handles ${[...INJECTABLE_KINDS].join(', ')}`,
      'use MeshMode.WEBHOOK, which meshes the pods this object creates');
  }
  const onRefusal = options.onRefusal ?? InjectRefusal.FAIL;
  if (!Object.values(InjectRefusal).includes(onRefusal)) {
    throw new LinkerdConfigError(workload, 'onRefusal', `${JSON.stringify(onRefusal)} is not a refusal policy`, 'use InjectRefusal.FAIL or InjectRefusal.SKIP');
  }
  const settings = proxySettingAnnotations(workload, 'proxy', options.proxy ?? {}, 'workload');
  if (settings.some((s) => s.row.prop.startsWith('tracing.')) && !(valuesOf(mesh).proxy.tracing as { enabled?: boolean } | undefined)?.enabled) {
    throw new LinkerdConfigError(workload, 'proxy.tracing', `has no effect: proxy tracing is off in ${mesh.node.path}, and a workload cannot turn it on`,
      'set proxy.tracing (collectorEndpoint, collectorServiceAccount, collectorNamespace) on the control plane');
  }
  const meshValues = valuesOf(mesh);
  const values = mode === MeshMode.STATIC ? meshValues : undefined;
  if (values && values.identityTrustAnchorsPEM === '') {
    throw new LinkerdConfigError(workload, 'mode', `static injection needs the trust anchors of the mesh, and ${mesh.node.path} has none`,
      'give identity.trustAnchors to LinkerdControlPlane.fromInstalled, or use MeshMode.WEBHOOK');
  }
  const tokenProjection = meshValues.identity.serviceAccountTokenProjection;
  const xtablesVolume = meshValues.proxyInit.xtMountPath.name;
  const controlPlaneNamespace = mesh.controlPlaneNamespace;
  claim(workload, obj);
  const result = new WorkloadMesh(obj, mode);

  addRenderTransform(obj, (json) => {
    const pod = locatePodTemplate(json);
    if (!pod) {
      throw new LinkerdConfigError(workload, 'workload', `${obj.kind} ${obj.name} has no pod template`,
        'mesh a Pod or an object with spec.template (or a CronJob\'s spec.jobTemplate.spec.template)');
    }
    const optOut = optOutReason(pod);
    const refusal = optOut ? undefined : refusalReason(pod, tokenProjection);
    if (refusal && onRefusal === InjectRefusal.FAIL) throw new LinkerdConfigError(workload, refusal.field, refusal.reason, refusal.fix);
    const skip = optOut ?? (refusal && `${refusal.field}: ${refusal.reason}`);
    result._skipped(skip);
    if (skip) return json;
    // As `linkerd inject` does, static injection starts from the bare workload; in webhook mode
    // only an earlier injection is removed, and the pod's own metadata stays as written.
    const reinjected = mode === MeshMode.STATIC || wasInjected(pod) ? uninject(pod, xtablesVolume) : false;
    // Without a namespace the workload lands where it is applied.
    const ns = (json.metadata?.namespace as string | undefined) || undefined;
    // Static injection reads the Namespace object's annotations, as the injector would; webhook
    // mode does not look the namespace up (a search of the whole app per workload).
    const nsAnnotations = mode === MeshMode.STATIC && ns !== undefined ? namespaceAnnotations(workload, ns) : undefined;
    if (mode === MeshMode.WEBHOOK) checkInjectorSees(workload, mesh, meshValues, ns, pod.metadata.labels ?? {});
    checkEffectiveSettings(workload, 'pod', mesh, meshValues, [
      ...(nsAnnotations ? [annotationLayer(nsAnnotations.annotations, nsAnnotations.description, true)] : []),
      annotationLayer(withoutKeys(pod.metadata.annotations ?? {}, settings), `the pod template of ${obj.kind} ${obj.name}`, false),
      settingsLayer(settings),
    ]);
    if (mode === MeshMode.WEBHOOK) {
      const { annotations, props } = asMap(settings);
      // A pod already enabled on its own keeps its own value; ingress mode is the setting's.
      annotations[INJECT_ANNOTATION] ??= pod.metadata.annotations?.[INJECT_ANNOTATION] ?? 'enabled';
      annotate(workload, pod.metadata, annotations, `the pod template of ${obj.kind} ${obj.name}`, props, reinjected);
      return json;
    }
    // Without a namespace the workload lands where it is applied; the pods say so with an empty label, as upstream's.
    const namespace: string = json.metadata?.namespace ?? '';
    injectStatically({
      scope: workload,
      values: cloneJson(values!),
      controlPlaneNamespace,
      workloadKind: kind === 'pod' ? undefined : kind,
      workloadName: json.metadata?.name ?? obj.name,
      workloadNamespace: namespace,
      pod,
      settings,
      namespace: nsAnnotations,
      reinjected,
    });
    return json;
  });
  return result;
}

/** The annotations of the workload's Namespace object, when the app has one. */
function namespaceAnnotations(workload: IConstruct, namespace: string): { annotations: Record<string, string>; description: string } | undefined {
  const found = namespaceObjects(workload.node.root).get(namespace);
  if (!found) return undefined;
  return { annotations: { ...(renderShared(found).metadata?.annotations ?? {}) }, description: `Namespace ${namespace}` };
}

/** The app's v1 Namespace objects by name (the first one of each name); one walk of the tree per render pass. */
function namespaceObjects(root: IConstruct): Map<string, ApiObject> {
  return passIndex(root, 'namespaces', () => {
    const byName = new Map<string, ApiObject>();
    for (const c of root.node.findAll()) {
      if (ApiObject.isApiObject(c) && c.kind === 'Namespace' && c.apiVersion === 'v1' && !byName.has(c.name)) byName.set(c.name, c);
    }
    return byName;
  });
}

/**
 * Webhook mode relies on the proxy injector seeing the pod: its namespaceSelector leaves out
 * namespaces labelled `config.linkerd.io/admission-webhooks: disabled` (the control plane's own)
 * and kube-system and cert-manager, and its objectSelector leaves out control-plane pods. A pod
 * it never sees is admitted without a proxy.
 */
function checkInjectorSees(workload: IConstruct, mesh: ILinkerdMesh, values: LinkerdValues, namespace: string | undefined, podLabels: Record<string, string>): void {
  const injector = values.proxyInjector as { namespaceSelector?: LabelSelectorJson; objectSelector?: LabelSelectorJson };
  // The control plane's namespace carries the label that turns the webhooks off for it.
  const nsLabels: Record<string, string> = namespace === undefined ? {} : {
    'kubernetes.io/metadata.name': namespace,
    ...(namespace === mesh.controlPlaneNamespace ? { 'config.linkerd.io/admission-webhooks': 'disabled' } : {}),
  };
  if (namespace !== undefined && !selectorMatches(injector.namespaceSelector, nsLabels)) {
    throw new LinkerdConfigError(workload, 'mode', `the proxy injector's namespaceSelector leaves out namespace ${namespace}, so in webhook mode its pods would be admitted without a proxy`,
      'use MeshMode.STATIC for this workload, or run it in a namespace the injector serves (not the control plane\'s, kube-system or cert-manager)');
  }
  if (!selectorMatches(injector.objectSelector, podLabels)) {
    throw new LinkerdConfigError(workload, 'mode', 'the pod template carries a label the proxy injector\'s objectSelector leaves out (linkerd.io/control-plane-component or linkerd.io/cni-resource), so in webhook mode its pods would be admitted without a proxy',
      'remove that label from the pod template, or use MeshMode.STATIC');
  }
}

/** Settings of one level, with where they came from. */
interface SettingsLayer {
  readonly settings: ReadonlyMap<string, PodSetting>;
  origin(key: string, prop: string): ValueOrigin;
}

function settingsLayer(settings: readonly SettingAnnotation[]): SettingsLayer {
  return {
    settings: new Map(settings.map((s) => [s.key, { text: s.text, source: 'annotation' as const }])),
    origin: (_key, prop) => ({ own: true, field: `proxy.${prop}`, text: `proxy.${prop}` }),
  };
}

/** Hand-written annotations of a namespace (only those pods inherit) or a pod template, as the injector reads them. */
function annotationLayer(annotations: Record<string, string>, where: string, inheritedOnly: boolean): SettingsLayer {
  const settings = new Map<string, PodSetting>();
  for (const [key, text] of Object.entries(annotations)) {
    const known = KNOWN_ANNOTATIONS.get(key);
    if (!known?.row || (inheritedOnly && !known.inherited) || typeof text !== 'string' || !known.row.codec.accepts(text)) continue;
    settings.set(key, { text, source: 'annotation' });
  }
  return { settings, origin: (key) => ({ own: true, field: `annotation ${key} of ${where}`, text: `annotation ${key} of ${where}` }) };
}

function withoutKeys(annotations: Record<string, string>, settings: readonly SettingAnnotation[]): Record<string, string> {
  const own = new Set(settings.map((s) => s.key));
  return Object.fromEntries(Object.entries(annotations).filter(([k]) => !own.has(k)));
}

/**
 * Applies the levels' settings over the mesh-wide values as the injector does (later levels win)
 * and fails on a combination Kubernetes would reject or Linkerd would ignore, naming the setting
 * of these levels involved and where the other value comes from.
 */
function checkEffectiveSettings(scope: IConstruct, level: CombinationLevel, mesh: ILinkerdMesh, meshValues: LinkerdValues, layers: SettingsLayer[]): void {
  const values = cloneJson(meshValues);
  const meshOrigin = (path: string): ValueOrigin => ({ own: false, field: path, text: path === 'cniEnabled' ? `cni of ${mesh.node.path}` : `the mesh-wide value of ${mesh.node.path}` });
  const tracker = new OriginTracker(values, meshOrigin);
  const merged = new Map<string, PodSetting>();
  const originOf = new Map<string, SettingsLayer>();
  for (const layer of layers) {
    for (const [key, setting] of layer.settings) {
      merged.set(key, setting);
      originOf.set(key, layer);
    }
  }
  const state: InjectionState = { values, debugSidecar: false, namedPorts: {} };
  applyPodSettings(state, merged, (row, key) => tracker.step(originOf.get(key)!.origin(key, row.prop)));
  checkProxyCombinations(scope, level, values, tracker.origin);
}
