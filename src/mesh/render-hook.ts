import { ApiObject } from 'cdk8s';
import { sharedRender } from './render-pass';

/**
 * Post-render transforms on one ApiObject.
 *
 * Meshing has to see the pod as it is finally rendered: a cdk8s-plus workload computes its pod
 * spec lazily, and containers, ports and probes may be added after `meshWorkload` is called.
 * cdk8s offers JSON patches, but their values are fixed when they are added. So the transform
 * wraps this one object's `toJson()`: it runs on the complete rendering (after the object's own
 * JSON patches), for `Chart.toJson()`, `Testing.synth` and `App.synth` alike, and leaves every
 * other object alone.
 */

type Transform = (json: Record<string, any>) => Record<string, any>;

const TRANSFORMS = Symbol.for('cdk8s-linkerd.render-transforms');

interface Hooked {
  [TRANSFORMS]?: Transform[];
}

/** Adds a transform of the rendered JSON of `obj`; transforms run in the order they were added. */
export function addRenderTransform(obj: ApiObject, transform: Transform): void {
  hook(obj).push(transform);
}

/**
 * The rendering of `obj`, shared within a render pass by everyone who asks for it, including the
 * chart that renders the object itself.
 */
export function renderShared(obj: ApiObject): Record<string, any> {
  hook(obj);
  return obj.toJson();
}

function hook(obj: ApiObject): Transform[] {
  const hooked = obj as unknown as Hooked;
  if (!hooked[TRANSFORMS]) {
    const transforms: Transform[] = [];
    hooked[TRANSFORMS] = transforms;
    const render = obj.toJson.bind(obj);
    Object.defineProperty(obj, 'toJson', {
      configurable: true,
      writable: true,
      value: () => sharedRender(obj, () => (transforms.length === 0 ? render() : normalize(transforms.reduce((json, t) => t(json), render())))),
    });
  }
  return hooked[TRANSFORMS]!;
}

/** Sorted keys and no null values, as cdk8s renders; `apiVersion`, `kind`, `metadata` first. */
function normalize(json: Record<string, any>): Record<string, any> {
  const sorted = sanitize(json, !process.env.CDK8S_DISABLE_SORT) as Record<string, any>;
  const out: Record<string, any> = {};
  for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(sorted)]) {
    if (key in sorted && !(key in out)) out[key] = sorted[key];
  }
  return out;
}

/**
 * `value` with keys sorted and null values left out of objects. Copies only what changes: most
 * of a rendering is already in that form, and a synth of thousands of workloads would otherwise
 * copy every one of them whole.
 */
function sanitize(value: unknown, sort: boolean): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = sanitize(value[i], sort);
      if (out) out.push(item);
      else if (item !== value[i]) out = [...value.slice(0, i), item];
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const ordered = sort ? [...keys].sort() : keys;
  let changed = false;
  const items: unknown[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const item = record[ordered[i]];
    const clean = item === null || item === undefined ? undefined : sanitize(item, sort);
    items.push(clean);
    changed ||= ordered[i] !== keys[i] || clean === undefined || clean !== item;
  }
  if (!changed) return value;
  const out: Record<string, unknown> = {};
  ordered.forEach((key, i) => {
    if (items[i] !== undefined) out[key] = items[i];
  });
  return out;
}
