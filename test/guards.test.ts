import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import {
  AuthorizationPolicy, Backend, CertManagerIssuer, Client, EgressNetwork, FailureAccrual, GatewayApiCrds, GatewayGrpcRoute, GatewayHttpRoute,
  GrpcRouteMatch, Heartbeat, HttpFilter, HttpLocalRateLimitPolicy, HttpRoute, HttpRouteMatch, IssuerCertificate, KeyMaterial, LinkerdConfigError,
  LinkerdControlPlane, LinkerdCrds, linkerdCrdManifests, MeshPolicy, MeshTlsAuthentication, NetworkAuthentication, PodSelector, RouteParent,
  Server, ServerAuthorization, ServiceProfile, TrafficPolicy, TrafficSplit, TrustAnchors, TrustRootsConfigMap, WebhookTls,
} from '../src';
import { arrayOf, enumOf, guardProps, instanceOf, is, lazy, recordOf, required, struct, union } from '../src/guards';
import { controlPlaneProps } from './control-plane/fixtures';
import { deploymentManifest, installedMesh } from './mesh/fixtures';

describe('the guard mechanism', () => {
  const check = (value: unknown, guard: Parameters<typeof guardProps>[3]) => () => guardProps('scope', 'field', value, guard);

  test('leaf guards name what was given and what is expected', () => {
    expect(check('24h', is.duration)).toThrow('scope: field: is a string ("24h"), not a Duration. Fix: use a cdk8s Duration, e.g. Duration.seconds(30) or Duration.hours(24)');
    expect(check('3', is.number)).toThrow('scope: field: is a string ("3"), not a number');
    expect(check(NaN, is.number)).toThrow('is NaN, not a number');
    expect(check(1, is.string)).toThrow('is a number (1), not a string');
    expect(check({}, is.construct)).toThrow('is a plain object, not a construct');
    expect(check(new Date('x'), is.date)).toThrow('is a Date, not a Date');
    expect(check(Duration.seconds(1), is.duration)).not.toThrow();
    expect(check(undefined, is.duration)).not.toThrow();
  });

  test('required members and null are reported with a fix', () => {
    expect(check(undefined, required(is.string))).toThrow('scope: field: is required. Fix: give a string: give text in quotes');
    expect(check(null, is.string)).toThrow('scope: field: is null. Fix: leave it out for the default, or give a string');
  });

  test('structs, lists and maps report the path of the first mismatch', () => {
    const guard = struct<{ a?: number; b?: string[]; c?: Record<string, string>; d: boolean }>({
      a: is.number, b: arrayOf(is.string), c: recordOf(is.string), d: required(is.boolean),
    });
    expect(() => guardProps('scope', 'props', { a: 1, b: ['x', 2], d: true }, guard)).toThrow('scope: props.b[1]: is a number (2), not a string');
    expect(() => guardProps('scope', 'props', { c: { k: 1 }, d: true }, guard)).toThrow('scope: props.c.k: is a number (1), not a string');
    expect(() => guardProps('scope', 'props', { a: 1 }, guard)).toThrow('scope: props.d: is required');
    expect(() => guardProps('scope', '', { d: 'yes' }, guard)).toThrow('scope: d: is a string ("yes"), not a boolean');
    expect(() => guardProps('scope', 'props', 'x', guard)).toThrow('is a string ("x"), not a map of settings');
    expect(() => guardProps('scope', 'props', { d: true, extra: 'ignored' }, guard)).not.toThrow();
  });

  test('unions, enums, instances and lazy guards', () => {
    enum Mode { A = 'a', B = 'b' }
    class Thing {}
    expect(check(true, union(is.number, is.string))).toThrow('is a boolean (true), not a number or a string');
    expect(check('c', enumOf('Mode', Mode))).toThrow('"c" is not a Mode (a, b). Fix: use Mode.A, Mode.B');
    expect(check({}, instanceOf(Thing, 'Thing', 'new Thing()'))).toThrow('is a plain object, not a Thing. Fix: use new Thing()');
    let built = 0;
    const late = lazy(() => { built++; return is.string; });
    expect(built).toBe(0);
    expect(check(1, late)).toThrow('not a string');
    expect(check('x', late)).not.toThrow();
    expect(built).toBe(1);
  });
});

/**
 * A JavaScript caller (or a jsii language) passing the wrong kind of value to every public entry
 * point: each fails with a LinkerdConfigError naming the construct path (or the factory), the
 * field and the fix, never with an internal TypeError.
 */
describe('every public entry point is guarded', () => {
  const app = () => Testing.app();
  const chart = () => new Chart(Testing.app(), 'chart', { namespace: 'shop' });
  const workload = (c: Chart) => new ApiObject(c, 'web', deploymentManifest());
  const service = (c: Chart) => new ApiObject(c, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } });
  const server = (c: Chart) => new Server(c, 'server', { workload: workload(c), port: 8080 });
  const bad = <T>(v: unknown) => v as T;
  const cp = (overrides: Record<string, unknown>) => () => new LinkerdControlPlane(app(), 'cp', { ...controlPlaneProps(), ...overrides } as any);
  const id = (overrides: Record<string, unknown>) => cp({ identity: { ...controlPlaneProps().identity, ...overrides } });

  const cases: Array<[string, () => unknown, RegExp]> = [
    ['control plane: no props', () => new LinkerdControlPlane(app(), 'cp', undefined as any), /^cp: props: is required\. Fix: .*identity: \{ trustAnchors, issuer \}/],
    ['control plane: a string for a number', cp({ controllerReplicas: '3' }), /^cp: controllerReplicas: is a string \("3"\), not a number/],
    ['control plane: a string for a Duration', id({ issuanceLifetime: '24h' }), /^cp: identity\.issuanceLifetime: is a string \("24h"\), not a Duration\. Fix: use a cdk8s Duration/],
    ['control plane: a plain object for TrustAnchors', id({ trustAnchors: { pem: 'x' } }), /^cp: identity\.trustAnchors: is a plain object, not a TrustAnchors\. Fix: use TrustAnchors\.generated\(\)/],
    ['control plane: a string enum value', cp({ webhookFailurePolicy: 'fail' }), /^cp: webhookFailurePolicy: "fail" is not a WebhookFailurePolicy \(Ignore, Fail\)\. Fix: use WebhookFailurePolicy\.IGNORE, WebhookFailurePolicy\.FAIL/],
    ['control plane: a number in a label map', cp({ podLabels: { tier: 1 } }), /^cp: podLabels\.tier: is a number \(1\), not a string/],
    ['control plane: a string for resources', cp({ resources: { identity: { memory: '1Gi' } } }), /^cp: resources\.identity\.memory: is a string \("1Gi"\), not a ResourceRange/],
    ['control plane: a string for the heartbeat', cp({ heartbeat: '0 3 * * *' }), /^cp: heartbeat: is a string .*Fix: use Heartbeat\.daily\(\), Heartbeat\.schedule\("0 3 \* \* \*"\)/],
    ['control plane: a Duration in the pod monitors', cp({ podMonitors: { scrapeInterval: 10 } }), /^cp: podMonitors\.scrapeInterval: is a number \(10\), not a Duration/],
    ['control plane: a string for webhook TLS', cp({ proxyInjector: { tls: 'generated' } }), /^cp: proxyInjector\.tls: is a string .*not a WebhookTls/],
    ['control plane: a string for a proxy Duration', cp({ proxy: { inboundConnectTimeout: '100ms' } }), /^cp: proxy\.inboundConnectTimeout: "100ms" is not a Duration/],
    ['generated issuer: a string validity', id({ issuer: IssuerCertificate.generated({ validity: bad('365d') }) }), /^cp: identity\.issuer\.validity: is a string \("365d"\), not a Duration/],
    ['generated anchors: a number common name', id({ trustAnchors: TrustAnchors.generated({ commonName: bad(1) }) }), /^cp: identity\.trustAnchors\.commonName: is a number \(1\), not a string/],
    ['PEM issuer: no key', id({ issuer: IssuerCertificate.fromPem(bad({ certificatePem: 'x' })) }), /^cp: identity\.issuer\.privateKeyPem: is required/],
    ['cert-manager issuer: a string issuer', id({ issuer: IssuerCertificate.issuedByCertManager({ issuer: bad('ca') }) }), /^cp: identity\.issuer\.issuer: is a string .*not a CertManagerIssuer/],
    ['cert-manager CA issuer: no props', id({ issuer: IssuerCertificate.issuedByCertManager({ issuer: CertManagerIssuer.ca(bad(undefined)) }) }), /^cp: identity\.issuer\.issuer: is required/],
    ['cert-manager webhook: a number duration', cp({ proxyInjector: { tls: WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned(), duration: bad(365) }) } }), /^cp: proxyInjector\.tls\.duration: is a number \(365\), not a Duration/],
    ['trust-manager roots: a string source list', id({ trustRootsConfigMap: TrustRootsConfigMap.trustManager({ secretSources: bad('ca') }) }), /^cp: identity\.trustRootsConfigMap\.secretSources: is a string .*not a list/],
    ['seed key material: a number seed', () => KeyMaterial.fromSeed(bad({ seed: 1234567890123456, notBefore: '2026-01-01' })), /^KeyMaterial\.fromSeed: seed: is a number .*not a string/],
    ['installed control plane: a string for a list', () => LinkerdControlPlane.fromInstalled(app(), 'installed', bad({ clusterNetworks: '10.0.0.0/8' })), /^installed: clusterNetworks: is a string .*not a list/],
    ['CRDs: a string for GatewayApiCrds', () => new LinkerdCrds(app(), 'crds', bad({ gatewayApi: 'bundled' })), /^crds: gatewayApi: is a string .*not a GatewayApiCrds/],
    ['CRD manifests: external Gateway API without a version', () => linkerdCrdManifests({ gatewayApi: GatewayApiCrds.external(bad({})) }), /^linkerdCrdManifests: gatewayApi\.version: is required/],
    ['meshing: a string workload', () => installedMesh(app()).meshWorkload(bad('web')), /^linkerd: workload: is a string \("web"\), not a construct/],
    ['meshing: a bad mode', () => { const c = chart(); installedMesh(c.node.root as App).meshWorkload(workload(c), { mode: bad('inject') }); }, /^chart\/web: mode: "inject" is not a MeshMode/],
    ['meshing: a string for proxy settings', () => { const c = chart(); installedMesh(c.node.root as App).meshWorkload(workload(c), { proxy: bad('debug') }); }, /^chart\/web: proxy: is a string .*not a map/],
    ['Server: a boolean port', () => { const c = chart(); new Server(c, 's', { workload: workload(c), port: bad(true) }); }, /^chart\/s: port: is a boolean \(true\), not a number or a string/],
    ['Server: a string pod selector', () => new Server(chart(), 's', { podSelector: bad('app=web'), port: 80 }), /^chart\/s: podSelector: is a string .*not a PodSelector/],
    ['PodSelector: a list for labels', () => new Server(chart(), 's', { podSelector: PodSelector.labels(bad(['app'])), port: 80 }), /^chart\/s: podSelector\.matchLabels: is an array, not a map/],
    ['AuthorizationPolicy: a string authentication', () => { const c = chart(); new AuthorizationPolicy(c, 'a', { target: server(c), requiredAuthentications: bad(['web']) }); }, /^chart\/a: requiredAuthentications\[0\]: is a string .*not a construct or a ServiceAccountRef/],
    ['MeshTlsAuthentication: a string for a list', () => new MeshTlsAuthentication(chart(), 'm', { identities: bad('*') }), /^chart\/m: identities: is a string .*not a list/],
    ['NetworkAuthentication: a string network', () => new NetworkAuthentication(chart(), 'n', { networks: bad(['10.0.0.0/8']) }), /^chart\/n: networks\[0\]: is a string .*not a Network/],
    ['ServerAuthorization: no client', () => { const c = chart(); new ServerAuthorization(c, 'sa', bad({ server: server(c) })); }, /^chart\/sa: client: is required/],
    ['rate limit: a string total', () => { const c = chart(); new HttpLocalRateLimitPolicy(c, 'r', { server: server(c), total: bad('100') }); }, /^chart\/r: total: is a string \("100"\), not a number/],
    ['EgressNetwork: a string traffic policy', () => new EgressNetwork(chart(), 'e', { trafficPolicy: bad('allow') }), /^chart\/e: trafficPolicy: "allow" is not an EgressTrafficPolicy \(Allow, Deny\)/],
    ['HttpRoute: a string parent', () => new HttpRoute(chart(), 'r', { parents: bad(['web']) }), /^chart\/r: parents\[0\]: is a string .*not a RouteParent/],
    ['HttpRoute: a string timeout', () => { const c = chart(); new HttpRoute(c, 'r', { parents: [RouteParent.service(service(c), 80)], timeouts: { request: bad('5s') } }); }, /^chart\/r: timeouts\.request: is a string \("5s"\), not a Duration/],
    ['HttpRoute: a string match option', () => { const c = chart(); Testing.synth(c); new HttpRoute(c, 'r', { parents: [RouteParent.server(server(c))], rules: [{ matches: [HttpRouteMatch.pathPrefix('/api', bad({ method: 'get' }))] }] }); }, /^chart\/r: rules\[0\]\.matches\[0\]\.method: "get" is not a HttpMethod/],
    ['HttpRoute: a number path', () => { const c = chart(); new HttpRoute(c, 'r', { parents: [RouteParent.server(server(c))], rules: [{ matches: [HttpRouteMatch.exact(bad(1))] }] }); }, /^chart\/r: rules\[0\]\.matches\[0\]\.path: is a number \(1\), not a string/],
    ['HttpRoute: backend options missing', () => { const c = chart(); const svc = service(c); new HttpRoute(c, 'r', { parents: [RouteParent.service(svc, 80)], rules: [{ backends: [Backend.service(svc, bad(undefined))] }] }); }, /^chart\/r: rules\[0\]\.backends\[0\]: is required/],
    ['HttpRoute: a string filter', () => { const c = chart(); new HttpRoute(c, 'r', { parents: [RouteParent.service(service(c), 80)], rules: [{ filters: [HttpFilter.requestHeaders(bad({ set: 'x' }))] }] }); }, /^chart\/r: rules\[0\]\.filters\[0\]\.set: is a string .*not a map/],
    ['HttpRoute: a string retry limit', () => { const c = chart(); new HttpRoute(c, 'r', { parents: [RouteParent.service(service(c), 80)], retry: { limit: bad('3') } }); }, /^chart\/r: retry\.limit: is a string \("3"\), not a number/],
    ['GatewayHttpRoute: a string rules', () => { const c = chart(); new GatewayHttpRoute(c, 'r', { parents: [RouteParent.service(service(c), 80)], rules: bad('all') }); }, /^chart\/r: rules: is a string .*not a list/],
    ['GatewayGrpcRoute: a string header list', () => { const c = chart(); new GatewayGrpcRoute(c, 'r', { parents: [RouteParent.service(service(c), 80)], rules: [{ matches: [GrpcRouteMatch.headers(bad('x'))] }] }); }, /^chart\/r: rules\[0\]\.matches\[0\]\.headers: is a string .*not a list/],
    ['ServiceProfile: a string retry budget ttl', () => { const c = chart(); new ServiceProfile(c, 'p', { service: service(c), retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: bad('10s') } }); }, /^chart\/p: retryBudget\.ttl: is a string \("10s"\), not a Duration/],
    ['TrafficPolicy: a string failure accrual', () => { const c = chart(); new TrafficPolicy(c, 't', { service: service(c), failureAccrual: bad('consecutive') }); }, /^chart\/t: failureAccrual: is a string .*not a FailureAccrual/],
    ['TrafficPolicy: a string penalty', () => { const c = chart(); new TrafficPolicy(c, 't', { service: service(c), failureAccrual: FailureAccrual.consecutive({ maxPenalty: bad('60s') }) }); }, /^chart\/t: failureAccrual\.maxPenalty: is a string \("60s"\), not a Duration/],
    ['TrafficSplit: a string weight', () => { const c = chart(); const svc = service(c); new TrafficSplit(c, 't', { service: svc, port: 80, backends: [{ service: svc, weight: bad('90') }] }); }, /^chart\/t: backends\[0\]\.weight: is a string \("90"\), not a number/],
    ['MeshPolicy: a string scraper', () => new MeshPolicy(chart(), 'p', { metricsScrapers: bad(['prometheus']) }), /^chart\/p: metricsScrapers\[0\]: is a string .*not a Client/],
    ['MeshPolicy.allow: a string target', () => new MeshPolicy(chart(), 'p').allow(Client.anyone(), bad('web'), { port: 80 }), /^chart\/p: allow\.target: is a string \("web"\), not a construct/],
    ['MeshPolicy.allow: no options', () => { const c = chart(); new MeshPolicy(c, 'p').allow(Client.anyone(), workload(c), bad(undefined)); }, /^chart\/p: allow\.options: is required\. Fix: give an AllowOptions .*: pass \{ port: 8080 \}/],
    ['Client.namespace: a number', () => new MeshPolicy(chart(), 'p', { metricsScrapers: [Client.namespace(bad(7))] }), /^chart\/p: metricsScrapers\[0\]\.namespace: is a number \(7\), not a Namespace/],
    ['Heartbeat.schedule: a number', cp({ heartbeat: Heartbeat.schedule(bad(3)) }), /^cp: heartbeat: is a number \(3\), not a string/],
  ];

  test.each(cases)('%s', (_what, run, message) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LinkerdConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/is not a function|Cannot read propert|undefined \(reading/);
  });
});
