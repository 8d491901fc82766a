/**
 * The one string order of this library: by UTF-16 code units, as `Array.prototype.sort()` sorts
 * by default. Unlike `localeCompare` (and `Intl.Collator`), whose order follows the process's
 * locale (`LC_ALL`, `LANG`: "aa" sorts after "z" in Danish, "y" next to "i" in Lithuanian), it is
 * the same on every machine, so reports and manifests are byte-identical wherever they are made.
 * Every comparator over text uses it; nothing uses `localeCompare`.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
