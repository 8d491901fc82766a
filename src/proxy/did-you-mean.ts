/** Levenshtein distance between two strings (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The edit distance of `a` and `b` when it is at most `max`, else `max + 1`. Only the band of
 * the table within `max` of the diagonal is computed, and strings whose lengths differ by more
 * than `max` are not compared at all, so the cost is O(min(|a|, |b|) × max): linear in the
 * length of the text checked, however long it is.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const over = max + 1;
  const width = 2 * max + 1;
  // Row i holds the cells j = i - max … i + max, at index j - i + max; outside the band is `over`.
  let previous = new Array<number>(width).fill(over);
  for (let k = 0; k < width; k++) {
    const j = k - max;
    if (j >= 0 && j <= b.length) previous[k] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(width).fill(over);
    let best = over;
    for (let k = 0; k < width; k++) {
      const j = i + k - max;
      if (j < 0 || j > b.length) continue;
      if (j === 0) {
        current[k] = Math.min(i, over);
      } else {
        // previous row: cell j at index k + 1, cell j - 1 at index k; this row: cell j - 1 at index k - 1.
        const up = k + 1 < width ? previous[k + 1] : over;
        const diagonal = previous[k] + (a[i - 1] === b[j - 1] ? 0 : 1);
        const left = k > 0 ? current[k - 1] : over;
        current[k] = Math.min(up + 1, left + 1, diagonal, over);
      }
      if (current[k] < best) best = current[k];
    }
    if (best > max) return over;
    previous = current;
  }
  return Math.min(previous[b.length - a.length + max], over);
}

/** Most edits a suggestion may be away, whatever the length of the word. */
const MAX_EDITS = 8;

/**
 * The candidate closest to `word`, when it is a near miss: at most two edits, or a quarter of
 * the word's length for long words (at most eight). Ties go to the first candidate in sorted
 * order, so the suggestion is stable. The cost per candidate is linear in the word's length.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(MAX_EDITS, Math.max(2, Math.floor(word.length / 4)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of [...candidates].sort()) {
    const d = boundedEditDistance(word, candidate, Math.min(limit, bestDistance - 1));
    if (d > 0 && d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)`, or nothing. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}
