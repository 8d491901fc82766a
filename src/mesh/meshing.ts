import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { INJECT_ANNOTATION, proxySettingAnnotations, SettingAnnotation } from '../proxy/proxy-settings';
import { injectStatically, skipReason } from './injector';
import { ILinkerdMesh, MeshMode, MeshNamespaceOptions, MeshWorkloadOptions, NamespaceMesh, WorkloadMesh } from './mesh';
import { INJECTABLE_KINDS, locatePodTemplate } from './pod-template';
import { addRenderTransform } from './render-hook';

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

/** Adds annotations to a pod template or namespace, failing where the object already says otherwise. */
function annotate(scope: IConstruct, metadata: Record<string, any>, add: Record<string, string>, where: string, props: Record<string, string>): void {
  const annotations: Record<string, string> = metadata.annotations ??= {};
  for (const [key, text] of Object.entries(add)) {
    const existing = annotations[key];
    if (existing !== undefined && existing !== text) {
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
  const settings = proxySettingAnnotations(workload, 'proxy', options.proxy ?? {}, 'workload');
  if (settings.some((s) => s.row.prop.startsWith('tracing.')) && !(mesh.values.proxy.tracing as { enabled?: boolean } | undefined)?.enabled) {
    throw new LinkerdConfigError(workload, 'proxy.tracing', `has no effect: proxy tracing is off in ${mesh.node.path}, and a workload cannot turn it on`,
      'set proxy.tracing (collectorEndpoint, collectorServiceAccount, collectorNamespace) on the control plane');
  }
  const values = mode === MeshMode.STATIC ? mesh.values : undefined;
  if (values && values.identityTrustAnchorsPEM === '') {
    throw new LinkerdConfigError(workload, 'mode', `static injection needs the trust anchors of the mesh, and ${mesh.node.path} has none`,
      'give identity.trustAnchors to LinkerdControlPlane.fromInstalled, or use MeshMode.WEBHOOK');
  }
  const controlPlaneNamespace = mesh.controlPlaneNamespace;
  claim(workload, obj);
  const result = new WorkloadMesh(obj, mode);

  addRenderTransform(obj, (json) => {
    const pod = locatePodTemplate(json);
    if (!pod) {
      throw new LinkerdConfigError(workload, 'workload', `${obj.kind} ${obj.name} has no pod template`,
        'mesh a Pod or an object with spec.template (or a CronJob\'s spec.jobTemplate.spec.template)');
    }
    const skip = skipReason(pod, values);
    result._skipped(skip);
    if (skip) return json;
    if (mode === MeshMode.WEBHOOK) {
      const { annotations, props } = asMap(settings);
      // A pod already enabled on its own keeps its own value; ingress mode is the setting's.
      annotations[INJECT_ANNOTATION] ??= pod.metadata.annotations?.[INJECT_ANNOTATION] ?? 'enabled';
      annotate(workload, pod.metadata, annotations, `the pod template of ${obj.kind} ${obj.name}`, props);
      return json;
    }
    const namespace = json.metadata?.namespace;
    if (!namespace) {
      throw new LinkerdConfigError(workload, 'metadata.namespace', 'is not set, and static injection labels the pod with its namespace',
        'set the namespace of the object or of its chart');
    }
    injectStatically({
      scope: workload,
      values: structuredClone(values!),
      controlPlaneNamespace,
      workloadKind: kind === 'pod' ? undefined : kind,
      workloadName: json.metadata?.name ?? obj.name,
      workloadNamespace: namespace,
      pod,
      settings,
      namespace: namespaceAnnotations(workload, namespace),
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
