let collator: Intl.Collator | undefined;

/** Letters, digits, space and `_-:./`: the characters of Kubernetes names, kinds, paths and ids made of them. */
const SIMPLE = /^[A-Za-z0-9 _\-:./]*$/;
/** The root collation's order of those punctuation characters, all before digits and letters. */
const PUNCTUATION: Record<string, string> = { ' ': '\u0001', _: '\u0002', '-': '\u0003', ':': '\u0004', '.': '\u0005', '/': '\u0006' };

function primary(s: string): string {
  return s.toLowerCase().replace(/[ _\-:./]/g, (c) => PUNCTUATION[c]);
}

/**
 * `a.localeCompare(b)`: the same order (the default locale's collation). Strings of letters,
 * digits, space and `_-:./` are compared directly: there the root collation orders
 * space < `_` < `-` < `:` < `.` < `/` < digits < letters, letters case-insensitively first and
 * lower case before upper case at the first difference of case. Anything else goes through one
 * shared `Intl.Collator`, made on first use (its start-up costs more than a core install's sorting).
 */
export function compareText(a: string, b: string): number {
  if (SIMPLE.test(a) && SIMPLE.test(b)) {
    const pa = primary(a);
    const pb = primary(b);
    if (pa !== pb) return pa < pb ? -1 : 1;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i] === a[i].toLowerCase() ? -1 : 1;
    }
    return 0;
  }
  collator ??= new Intl.Collator();
  return collator.compare(a, b);
}
