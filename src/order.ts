/**
 * The one string order of this library: by UTF-16 code units, as `Array.prototype.sort()` sorts
 * by default. Unlike the locale-aware comparisons of strings and `Intl`, whose order follows the process's
 * locale (`LC_ALL`, `LANG`: "aa" sorts after "z" in Danish, "y" next to "i" in Lithuanian), it is
 * the same on every machine, so reports and manifests are byte-identical wherever they are made.
 * Every comparator over text uses it; none compares by locale (test/synth/locale.test.ts checks).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
