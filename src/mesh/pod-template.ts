/**
 * Finds the pod inside a rendered Kubernetes object, whatever produced it (cdk8s-plus of any
 * version, `Include`d YAML, a hand-written ApiObject): a Pod's own metadata and spec, a
 * CronJob's `spec.jobTemplate.spec.template`, or any other object's `spec.template`.
 */

/** Where the pod of a rendered object is. */
export interface PodTemplateRef {
  /** The pod's metadata (created, empty, when the template has none). */
  readonly metadata: Record<string, any>;
  /** The pod's spec. */
  readonly spec: Record<string, any>;
  /** JSON path of the pod template, for messages, e.g. `spec.template`; empty for a Pod. */
  readonly path: string;
}

/** The workload kinds `linkerd inject` injects, lower-cased, with the owner label they get (`linkerd.io/proxy-<kind>`). */
export const INJECTABLE_KINDS: ReadonlySet<string> = new Set([
  'deployment', 'replicationcontroller', 'replicaset', 'job', 'daemonset', 'statefulset', 'cronjob', 'pod',
]);

/** Path of the pod template for an object of this kind. */
export function podTemplatePath(kind: string): string[] {
  switch (kind.toLowerCase()) {
    case 'pod': return [];
    case 'cronjob': return ['spec', 'jobTemplate', 'spec', 'template'];
    default: return ['spec', 'template'];
  }
}

/**
 * The pod of `object` (mutable, inside `object`), or undefined when it has none. A missing
 * `metadata` of the template is created, as the injector's patch does, unless `readOnly`: then
 * `object` is left as it is and a missing `metadata` reads as an empty one.
 */
export function locatePodTemplate(object: Record<string, any>, options: { readonly readOnly?: boolean } = {}): PodTemplateRef | undefined {
  const path = podTemplatePath(String(object.kind ?? ''));
  let template: any = object;
  for (const key of path) {
    template = template?.[key];
  }
  if (typeof template !== 'object' || template === null) return undefined;
  const spec = template.spec;
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.containers)) return undefined;
  const existing = typeof template.metadata === 'object' && template.metadata !== null ? template.metadata : undefined;
  const metadata = existing ?? (options.readOnly ? {} : (template.metadata = {}));
  return { metadata, spec, path: path.join('.') };
}
