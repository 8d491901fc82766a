import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { INJECT_ANNOTATION, proxySettingAnnotations, SettingAnnotation } from '../proxy/proxy-settings';
import { injectStatically, optOutReason, refusalReason } from './injector';
import { ILinkerdMesh, InjectRefusal, MeshMode, MeshNamespaceOptions, MeshWorkloadOptions, NamespaceMesh, WorkloadMesh } from './mesh';
import { INJECTABLE_KINDS, locatePodTemplate } from './pod-template';
import { addRenderTransform } from './render-hook';
import { uninject } from './uninject';

/**
 * The two meshing operations behind `ILinkerdMesh.meshNamespace` and `meshWorkload`, shared by
 * the control plane synthesized in this app and one installed elsewhere.
 */

const MESHED = new WeakSet<ApiObject>();

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

/** See `ILinkerdMesh.meshNamespace`. */
export function meshNamespace(namespace: IConstruct, options: MeshNamespaceOptions = {}): NamespaceMesh {
  const obj = apiObjectOf(namespace, 'namespace');
  if (obj.kind !== 'Namespace') {
    throw new LinkerdConfigError(namespace, 'namespace', `is a ${obj.kind}, not a Namespace`, 'mesh workloads with meshWorkload');
  }
  const settings = proxySettingAnnotations(namespace, 'proxy', options.proxy ?? {}, 'namespace');
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

/** See `ILinkerdMesh.meshWorkload`. */
export function meshWorkload(mesh: ILinkerdMesh, workload: IConstruct, options: MeshWorkloadOptions = {}): WorkloadMesh {
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
  const meshValues = mesh.values;
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
    // As `linkerd inject` does, an earlier injection is removed, and the pod injected afresh.
    const reinjected = uninject(pod, xtablesVolume);
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
      values: structuredClone(values!),
      controlPlaneNamespace,
      workloadKind: kind === 'pod' ? undefined : kind,
      workloadName: json.metadata?.name ?? obj.name,
      workloadNamespace: namespace,
      pod,
      settings,
      namespace: namespace ? namespaceAnnotations(workload, namespace) : undefined,
      reinjected,
    });
    return json;
  });
  return result;
}

/** The annotations of the workload's Namespace object, when the app has one. */
function namespaceAnnotations(workload: IConstruct, namespace: string): { annotations: Record<string, string>; description: string } | undefined {
  const found = workload.node.root.node.findAll().find((c): c is ApiObject =>
    ApiObject.isApiObject(c) && c.kind === 'Namespace' && c.apiVersion === 'v1' && c.name === namespace);
  if (!found) return undefined;
  return { annotations: { ...(found.toJson().metadata?.annotations ?? {}) }, description: `Namespace ${namespace}` };
}
