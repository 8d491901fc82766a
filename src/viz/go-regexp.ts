import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';

/**
 * Checks that `pattern` compiles as a Go regular expression (RE2 syntax, `regexp.Compile`), which
 * is what Linkerd's Go components compile it with. RE2 and JavaScript differ both ways: RE2 has no
 * lookaround and no backreferences (JavaScript has), and has `(?i)` flag groups, `(?P<name>…)`,
 * `\A`, `\z`, `\Q…\E` and `[[:alpha:]]` classes (JavaScript has not, or reads them differently).
 * So the RE2-only syntax is translated to an equivalent for a JavaScript compile check, what RE2
 * rejects is rejected first, and the JavaScript engine finds the rest (unbalanced groups,
 * repetition of nothing, bad ranges).
 */
export function checkGoRegexp(scope: IConstruct, field: string, pattern: string): string {
  const fail = (problem: string): never => {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(pattern)} is not a Go (RE2) regular expression: ${problem}`,
      'write it in Go\'s RE2 syntax (no lookahead, lookbehind or backreferences), e.g. "^(localhost|dashboard\\\\.example\\\\.com)(:\\\\d+)?$"');
  };
  if (typeof pattern !== 'string' || pattern === '') fail('it is empty');
  let js = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) fail('it ends with a lone backslash');
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? undefined : end);
        js += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 1;
        continue;
      }
      if (/[1-9]/.test(next)) fail(`backreference \\${next} (RE2 has none)`);
      if (next === 'k' && pattern[i + 2] === '<') fail('named backreference \\k<…> (RE2 has none)');
      if (/[A-Za-z]/.test(next) && !'afnrtvxdDsSwWbBAzpPC'.includes(next)) fail(`unknown escape \\${next}`);
      if (!inClass && next === 'A') js += '^';
      else if (!inClass && next === 'z') js += '$';
      else if (next === 'C') js += '.';
      else js += `\\${next}`;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        const name = end < 0 ? '' : pattern.slice(i + 2, end).replace(/^\^/, '');
        const posix = POSIX_CLASSES[name];
        if (!posix) fail(`unknown character class [:${name}:]`);
        js += posix;
        i = end + 1;
        continue;
      }
      if (c === ']' && !js.endsWith('[') && !js.endsWith('[^')) inClass = false;
      js += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      js += c;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) fail('lookahead or lookbehind (RE2 has none)');
      if (rest.startsWith('>')) fail('atomic group (RE2 has none)');
      const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        js += `(?<${named[1]}>`;
        i += 1 + named[0].length;
        continue;
      }
      const flags = /^([imsU]*)(?:-([imsU]*))?(\)|:)/.exec(rest);
      if (!flags || (flags[1] === '' && flags[2] === undefined && flags[3] === ')')) fail('unknown group syntax "(?"');
      // Flags do not change whether the pattern compiles: check the group without them.
      js += flags![3] === ':' ? '(?:' : '';
      i += 1 + flags![0].length;
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && pattern[i + 1] === '+') fail('possessive repetition (RE2 has none)');
    if (c === '{') {
      const rep = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i));
      if (rep && (Number(rep[1]) > 1000 || Number(rep[2] || 0) > 1000)) fail('a repetition count above 1000');
    }
    js += c;
  }
  try {
    new RegExp(js);
  } catch (e) {
    fail((e as Error).message.replace(/^Invalid regular expression: \/.*\/: /, ''));
  }
  return pattern;
}

/** RE2's ASCII classes, as JavaScript class contents. */
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
