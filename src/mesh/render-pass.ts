/**
 * One synth pass. While `inRenderPass` runs, the construct tree is taken as final: each object
 * whose rendering the library shares (meshed workloads and namespaces, the targets of policies)
 * is rendered once, and indexes over the tree are built once. Many readers need the same
 * rendering (the chart itself, a Server reading its workload's selector and ports, static
 * injection reading the namespace's annotations, an authentication reading a workload's
 * ServiceAccount): without the pass each of them renders again, and a synth of N workloads does
 * O(N) renders and tree walks per workload.
 *
 * Outside a pass (`Testing.synth`, a user's own `app.synth()`) nothing is cached, so objects
 * added or changed between two renders are always seen. `synthesizeManifests` runs in a pass.
 * Readers of a shared rendering must not modify it.
 */

interface RenderPass {
  readonly renders: Map<object, Record<string, any>>;
  readonly indexes: Map<object, Map<string, unknown>>;
}

let current: RenderPass | undefined;

/** Runs `fn` as one synth pass (or as part of the pass already running). */
export function inRenderPass<T>(fn: () => T): T {
  if (current) return fn();
  current = { renders: new Map(), indexes: new Map() };
  try {
    return fn();
  } finally {
    current = undefined;
  }
}

/** `render()`, or within a pass the rendering of `obj` made earlier in the pass. */
export function sharedRender(obj: object, render: () => Record<string, any>): Record<string, any> {
  if (!current) return render();
  let json = current.renders.get(obj);
  if (json === undefined) {
    json = render();
    current.renders.set(obj, json);
  }
  return json;
}

/** `build()`, or within a pass the index of that name over `root` built earlier in the pass. */
export function passIndex<T>(root: object, name: string, build: () => T): T {
  if (!current) return build();
  let byName = current.indexes.get(root);
  if (!byName) {
    byName = new Map();
    current.indexes.set(root, byName);
  }
  if (!byName.has(name)) byName.set(name, build());
  return byName.get(name) as T;
}
