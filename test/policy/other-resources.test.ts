import { Chart, Duration, Testing } from 'cdk8s';
import {
  EgressNetwork, EgressTrafficPolicy, HttpLocalRateLimitPolicy, HttpMethod, linkerdCrdManifests, PodSelector, Server, ServerAuthorization,
  ServiceAccountRef, ServiceProfile, ServiceRef,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { demoApp } from './fixtures';

describe('ServerAuthorization (deprecated, still accepted)', () => {
  test('admits clients of a Server by identity or network', () => {
    const d = demoApp();
    const server = new Server(d.chart, 'srv', { metadata: { name: 'api-http' }, workload: d.api, port: 'http' });
    new ServerAuthorization(d.chart, 'a', { metadata: { name: 'web' }, server, client: { serviceAccounts: [d.webSa, ServiceAccountRef.fromName('prom', 'monitoring')] } });
    new ServerAuthorization(d.chart, 'b', { metadata: { name: 'nodes', namespace: 'demo' }, server: PodSelector.labels({ tier: 'public' }), client: { unauthenticated: true, networks: [{ cidr: '10.0.0.0/8' }] } });
    const objects = Testing.synth(d.chart).filter((o) => o.kind === 'ServerAuthorization');
    expect(objects.map((o) => o.spec)).toEqual([
      { client: { meshTLS: { serviceAccounts: [{ name: 'web' }, { name: 'prom', namespace: 'monitoring' }] } }, server: { name: 'api-http' } },
      { client: { networks: [{ cidr: '10.0.0.0/8' }], unauthenticated: true }, server: { selector: { matchLabels: { tier: 'public' } } } },
    ]);
    expect(objects[0].apiVersion).toBe('policy.linkerd.io/v1beta1');
    expectValidObjects(objects, { crds: linkerdCrdManifests() });
  });

  test('fails on contradictory clients', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'x' });
    const server = PodSelector.labels({ a: 'b' });
    expect(() => new ServerAuthorization(chart, 'a', { server, client: { unauthenticated: true, identities: ['*'] } })).toThrow(/c\/a: client\.unauthenticated/);
    expect(() => new ServerAuthorization(chart, 'b', { server, client: {} })).toThrow(/c\/b: client: no client is admitted/);
  });
});

describe('HttpLocalRateLimitPolicy', () => {
  test('limits a Server in total, per identity, and per client', () => {
    const d = demoApp();
    const server = new Server(d.chart, 'srv', { metadata: { name: 'api-http' }, workload: d.api, port: 'http' });
    new HttpLocalRateLimitPolicy(d.chart, 'rl', { metadata: { name: 'api' }, server, total: 1000, identity: 100, overrides: [{ requestsPerSecond: 500, clients: [d.webSa] }] });
    const rl = Testing.synth(d.chart).find((o) => o.kind === 'HTTPLocalRateLimitPolicy');
    expect(rl.spec).toEqual({
      identity: { requestsPerSecond: 100 },
      overrides: [{ clientRefs: [{ kind: 'ServiceAccount', name: 'web', namespace: 'demo' }], requestsPerSecond: 500 }],
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' },
      total: { requestsPerSecond: 1000 },
    });
    expectValidObjects([rl], { crds: linkerdCrdManifests() });
  });

  test('fails on rates that are not positive whole numbers, and on no limit', () => {
    const d = demoApp();
    const server = new Server(d.chart, 'srv', { workload: d.api, port: 'http' });
    expect(() => new HttpLocalRateLimitPolicy(d.chart, 'a', { server, total: 0 })).toThrow(/demo\/a: total: 0 is not a request rate/);
    expect(() => new HttpLocalRateLimitPolicy(d.chart, 'b', { server })).toThrow(/demo\/b: total: no limit is given/);
  });
});

describe('EgressNetwork', () => {
  test('renders networks and the traffic policy', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'linkerd-egress' });
    new EgressNetwork(chart, 'e', { metadata: { name: 'partners' }, trafficPolicy: EgressTrafficPolicy.ALLOW, networks: [{ cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] }] });
    const [e] = Testing.synth(chart);
    expect(e.spec).toEqual({ networks: [{ cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] }], trafficPolicy: 'Allow' });
    expectValidObjects([e], { crds: linkerdCrdManifests() });
  });

  test('fails on a CIDR that does not parse and on an empty list', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new EgressNetwork(chart, 'a', { trafficPolicy: EgressTrafficPolicy.DENY, networks: [{ cidr: '300.0.0.0/8' }] })).toThrow(/c\/a: networks\[0\]\.cidr/);
    expect(() => new EgressNetwork(chart, 'b', { trafficPolicy: EgressTrafficPolicy.DENY, networks: [] })).toThrow(/c\/b: networks: the list is empty/);
    expect(() => new EgressNetwork(chart, 'c', { trafficPolicy: 'Maybe' as any })).toThrow(/c\/c: trafficPolicy/);
  });
});

describe('ServiceProfile', () => {
  test('is named after the Service FQDN and carries routes, timeouts and the retry budget', () => {
    const d = demoApp();
    new ServiceProfile(d.chart, 'sp', {
      service: d.apiService,
      routes: [{ name: 'GET /api/{id}', method: HttpMethod.GET, pathRegex: '/api/[^/]*', timeout: Duration.millis(300), isRetryable: true, failureStatuses: [{ min: 500, max: 599 }] }],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: Duration.seconds(10) },
    });
    const sp = Testing.synth(d.chart).find((o) => o.kind === 'ServiceProfile');
    expect(sp.metadata).toEqual({ name: 'api.demo.svc.cluster.local', namespace: 'demo' });
    expect(sp.spec).toEqual({
      retryBudget: { minRetriesPerSecond: 10, retryRatio: 0.2, ttl: '10s' },
      routes: [{
        condition: { method: 'GET', pathRegex: '/api/[^/]*' }, isRetryable: true, name: 'GET /api/{id}',
        responseClasses: [{ condition: { status: { max: 599, min: 500 } }, isFailure: true }], timeout: '300ms',
      }],
    });
    expectValidObjects([sp], { crds: linkerdCrdManifests() });
  });

  test('fails on duplicate route names, bad regexes, and a Service without namespace', () => {
    const d = demoApp();
    expect(() => new ServiceProfile(d.chart, 'a', { service: d.apiService, routes: [{ name: 'x', pathRegex: '/a' }, { name: 'x', pathRegex: '/b' }] })).toThrow(/demo\/a: routes\[1\]\.name: x is used twice/);
    expect(() => new ServiceProfile(d.chart, 'b', { service: d.apiService, routes: [{ name: 'y', pathRegex: '/(' }] })).toThrow(/demo\/b: routes\[0\]\.pathRegex/);
    expect(() => new ServiceProfile(new Chart(Testing.app(), 'c'), 'c', { service: ServiceRef.fromName('api') })).toThrow(/c\/c: service: Service api has no namespace/);
  });
});
