import { Chart, Testing } from 'cdk8s';
import { LinkerdConfigError } from '../../src';
import { checkGoRegexp } from '../../src/viz/go-regexp';

describe('checkGoRegexp', () => {
  const scope = new Chart(Testing.app(), 'viz');
  const check = (pattern: string) => checkGoRegexp(scope, 'dashboard.enforcedHostRegexp', pattern);

  test.each([
    '^(localhost|127\\.0\\.0\\.1|web\\.linkerd-viz\\.svc\\.cluster\\.local|web\\.linkerd-viz\\.svc|\\[::1\\])(:\\d+)?$',
    '.*',
    // RE2 syntax JavaScript lacks: flag groups, Python-style names, \A and \z, \Q…\E, POSIX classes
    '(?i)^viz\\.example\\.com$',
    '(?i:VIZ)\\.example\\.com',
    '(?P<host>[a-z.]+)(:\\d+)?',
    '\\Aviz\\.example\\.com\\z',
    '\\Q[viz].example.com\\E',
    '^[[:alnum:].-]+$',
    'a{2,1000}',
    '[]a]',
  ])('accepts %s', (pattern) => {
    expect(check(pattern)).toBe(pattern);
  });

  test.each([
    ['^(viz', /missing \)|Unterminated group/],
    ['*.example.com', /Nothing to repeat/],
    ['[z-a]', /Range out of order/],
    ['^(?!admin)', /lookahead or lookbehind \(RE2 has none\)/],
    ['(?<=x)y', /lookahead or lookbehind/],
    ['(a)\\1', /backreference \\1 \(RE2 has none\)/],
    ['(?<n>a)\\k<n>', /named backreference/],
    ['(?>a)', /atomic group/],
    ['a++', /possessive repetition/],
    ['a{1001}', /a repetition count above 1000/],
    ['\\q', /unknown escape \\q/],
    ['[[:letters:]]', /unknown character class \[:letters:\]/],
    ['(?x)a', /unknown group syntax/],
    ['abc\\', /lone backslash/],
    ['', /it is empty/],
  ])('rejects %s', (pattern, reason) => {
    let error: unknown;
    try {
      check(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LinkerdConfigError);
    expect((error as Error).message).toMatch(/^viz: dashboard\.enforcedHostRegexp: .* is not a Go \(RE2\) regular expression: /);
    expect((error as Error).message).toMatch(reason);
  });
});
