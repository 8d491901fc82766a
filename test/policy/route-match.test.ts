import { comparePrecedence, describeMatch, HttpMethod, HttpRouteMatch, matchCovers, matchKey, requestMatches, ValueMatchType } from '../../src';

const r = (m: HttpRouteMatch) => m.render('App/route', 'matches[0]');

describe('HttpRouteMatch', () => {
  test('renders Gateway API matches', () => {
    expect(r(HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET, headers: [{ name: 'x-tenant', value: 'a' }] }))).toEqual({
      path: { type: 'PathPrefix', value: '/api' }, method: 'GET', headers: [{ name: 'x-tenant', type: 'Exact', value: 'a' }], queryParams: undefined,
    });
    expect(r(HttpRouteMatch.grpc('pkg.Users', 'Get'))).toMatchObject({ path: { type: 'Exact', value: '/pkg.Users/Get' }, method: 'POST' });
    expect(r(HttpRouteMatch.grpc('pkg.Users'))).toMatchObject({ path: { type: 'PathPrefix', value: '/pkg.Users' } });
  });

  test('fails on paths that are not absolute, prefixes with a trailing slash, bad regexes and repeated headers', () => {
    expect(() => r(HttpRouteMatch.exact('api'))).toThrow(/^App\/route: matches\[0\]\.path: "api" is not an absolute request path/);
    expect(() => r(HttpRouteMatch.pathPrefix('/api/'))).toThrow(/ends with "\/"/);
    expect(() => r(HttpRouteMatch.regularExpression('/(a'))).toThrow(/is not a regular expression/);
    expect(() => r(HttpRouteMatch.any({ headers: [{ name: 'A', value: '1' }, { name: 'a', value: '2' }] }))).toThrow(/headers\[1\]\.name: a is matched twice/);
  });
});

describe('match semantics', () => {
  const m = (x: HttpRouteMatch) => r(x);
  test('prefixes match whole segments', () => {
    expect(requestMatches(m(HttpRouteMatch.pathPrefix('/api')), { method: 'GET', path: '/api/x' })).toBe(true);
    expect(requestMatches(m(HttpRouteMatch.pathPrefix('/api')), { method: 'GET', path: '/apix' })).toBe(false);
    expect(requestMatches(m(HttpRouteMatch.exact('/a', { method: HttpMethod.POST })), { method: 'GET', path: '/a' })).toBe(false);
    expect(requestMatches(m(HttpRouteMatch.regularExpression('/v[0-9]+/.*')), { method: 'GET', path: '/v2/x' })).toBe(true);
  });

  test('coverage: a broader match covers a narrower one', () => {
    expect(matchCovers(m(HttpRouteMatch.pathPrefix('/api')), m(HttpRouteMatch.exact('/api/users', { method: HttpMethod.GET })))).toBe(true);
    expect(matchCovers(m(HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET })), m(HttpRouteMatch.pathPrefix('/api')))).toBe(false);
    expect(matchCovers(m(HttpRouteMatch.any()), m(HttpRouteMatch.regularExpression('.*')))).toBe(true);
    expect(matchCovers(m(HttpRouteMatch.any({ headers: [{ name: 'a', value: '1', type: ValueMatchType.EXACT }] })), m(HttpRouteMatch.any()))).toBe(false);
  });

  test('precedence: exact over prefix, longer prefix over shorter, method, then headers', () => {
    const sorted = [HttpRouteMatch.any(), HttpRouteMatch.pathPrefix('/api'), HttpRouteMatch.exact('/api'), HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET })]
      .map(m).sort(comparePrecedence).map(describeMatch);
    expect(sorted).toEqual(['* /api', 'GET /api/*', '* /api/*', '* /*']);
    expect(matchKey(m(HttpRouteMatch.pathPrefix('/api')))).toEqual(matchKey({ path: { value: '/api' } }));
  });
});
