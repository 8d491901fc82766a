import { LabelSelectorJson } from './label-selector';

/**
 * Indexes that narrow "which of these label selectors match those labels" from every pair to a
 * few candidates, so that matching Servers and workloads stays linear in a mesh of thousands of
 * them. A selector with `matchLabels` can only match labels that contain its first entry, so it
 * is filed under that one label; selectors without `matchLabels` (only expressions, or empty)
 * are candidates everywhere in their namespace. Candidates still have to be tested with
 * `selectorMatches`; they come in the order they were added.
 */

type Labels = Record<string, string> | undefined;

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}=${value}`;
}

function firstLabel(selector: LabelSelectorJson | undefined): [string, string] | undefined {
  for (const entry of Object.entries(selector?.matchLabels ?? {})) return entry;
  return undefined;
}

/** Collects the entries of several buckets once each, in the order they were added. */
function merged<T>(buckets: Array<ReadonlyArray<{ seq: number; item: T }> | undefined>): T[] {
  const filled = buckets.filter((b): b is ReadonlyArray<{ seq: number; item: T }> => b !== undefined && b.length > 0);
  if (filled.length === 0) return [];
  if (filled.length === 1) return filled[0].map((e) => e.item); // already in order
  const seen = new Set<number>();
  const out: Array<{ seq: number; item: T }> = [];
  for (const bucket of filled) {
    for (const e of bucket) {
      if (!seen.has(e.seq)) {
        seen.add(e.seq);
        out.push(e);
      }
    }
  }
  return out.sort((a, b) => a.seq - b.seq).map((e) => e.item);
}

function push<T>(map: Map<string, Array<{ seq: number; item: T }>>, key: string, entry: { seq: number; item: T }): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/** Items that carry a selector (Servers), looked up by the labels of a pod. */
export class SelectorIndex<T> {
  private readonly byLabel = new Map<string, Array<{ seq: number; item: T }>>();
  private readonly everywhere = new Map<string, Array<{ seq: number; item: T }>>();
  private seq = 0;

  public add(namespace: string, selector: LabelSelectorJson | undefined, item: T): void {
    const entry = { seq: this.seq++, item };
    const first = firstLabel(selector);
    if (first) push(this.byLabel, labelKey(namespace, first[0], first[1]), entry);
    else push(this.everywhere, namespace, entry);
  }

  /** Items of the namespace whose selector may match `labels`. */
  public candidates(namespace: string, labels: Labels): T[] {
    const buckets = [this.everywhere.get(namespace)];
    for (const [k, v] of Object.entries(labels ?? {})) buckets.push(this.byLabel.get(labelKey(namespace, k, v)));
    return merged(buckets);
  }
}

/** Items that carry labels (workloads' pods), looked up by a selector. */
export class LabelIndex<T> {
  private readonly byLabel = new Map<string, Array<{ seq: number; item: T }>>();
  private readonly byNamespace = new Map<string, Array<{ seq: number; item: T }>>();
  private seq = 0;

  public add(namespace: string, labels: Labels, item: T): void {
    const entry = { seq: this.seq++, item };
    push(this.byNamespace, namespace, entry);
    for (const [k, v] of Object.entries(labels ?? {})) push(this.byLabel, labelKey(namespace, k, v), entry);
  }

  /** Items of the namespace whose labels `selector` may match. */
  public candidates(namespace: string, selector: LabelSelectorJson | undefined): T[] {
    const first = firstLabel(selector);
    return merged([first ? this.byLabel.get(labelKey(namespace, first[0], first[1])) : this.byNamespace.get(namespace)]);
  }
}
