import { Duration, Testing } from 'cdk8s';
import {
  Backend, EgressNetwork, EgressTrafficPolicy, GatewayApiCrds, GatewayGrpcRoute, GatewayHttpRoute, GrpcRetryCondition, GrpcRouteMatch, HttpFilter, HttpMethod,
  HttpRetryCondition, HttpRoute, HttpRouteMatch, LinkerdConfigError, linkerdCrdManifests, RouteParent, Server, ServiceRef,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { allowMissing, demoApp } from './fixtures';

const CRDS = () => linkerdCrdManifests({ gatewayApi: GatewayApiCrds.bundled() });

describe('HttpRoute (policy.linkerd.io)', () => {
  test('an inbound route of a Server', () => {
    const d = demoApp();
    allowMissing(d.app, 'L5D306'); // no route for the probe paths
    const server = new Server(d.chart, 'srv', { metadata: { name: 'api-http' }, workload: d.api, port: 'http' });
    new HttpRoute(d.chart, 'r', {
      metadata: { name: 'api-reads' },
      parents: [RouteParent.server(server)],
      rules: [
        { matches: [HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET }), HttpRouteMatch.exact('/version')], timeouts: { request: Duration.seconds(5), backendRequest: Duration.millis(1500) } },
        { matches: [HttpRouteMatch.pathPrefix('/old')], filters: [HttpFilter.redirect({ replacePrefixMatch: '/api', statusCode: 301 })] },
      ],
    });
    const route = Testing.synth(d.chart).find((o) => o.kind === 'HTTPRoute');
    expect(route).toEqual({
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'HTTPRoute',
      metadata: { name: 'api-reads', namespace: 'demo' },
      spec: {
        parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }],
        rules: [
          {
            matches: [{ method: 'GET', path: { type: 'PathPrefix', value: '/api' } }, { path: { type: 'Exact', value: '/version' } }],
            timeouts: { backendRequest: '1s500ms', request: '5s' },
          },
          { filters: [{ requestRedirect: { path: { replacePrefixMatch: '/api', type: 'ReplacePrefixMatch' }, statusCode: 301 }, type: 'RequestRedirect' }], matches: [{ path: { type: 'PathPrefix', value: '/old' } }] },
        ],
      },
    });
    expectValidObjects([route], { crds: CRDS() });
  });

  test('an outbound route of a Service: weighted backends, retries and timeouts as annotations', () => {
    const d = demoApp();
    allowMissing(d.app, 'L5D308'); // Service api-v2
    new HttpRoute(d.chart, 'r', {
      metadata: { name: 'api-canary' },
      parents: [RouteParent.service(d.apiService, 80)],
      retry: { limit: 3, timeout: Duration.millis(300), http: [HttpRetryCondition.gatewayError(), HttpRetryCondition.statusRange(500, 504)] },
      timeouts: { request: Duration.seconds(10), response: Duration.seconds(2), idle: Duration.minutes(1) },
      rules: [{ backends: [Backend.service(d.apiService, { port: 80, weight: 90 }), Backend.service(ServiceRef.fromName('api-v2'), { port: 80, weight: 10 })] }],
    });
    const route = Testing.synth(d.chart).find((o) => o.kind === 'HTTPRoute');
    expect(route.metadata.annotations).toEqual({
      'retry.linkerd.io/http': 'gateway-error,500-504',
      'retry.linkerd.io/limit': '3',
      'retry.linkerd.io/timeout': '300ms',
      'timeout.linkerd.io/idle': '1m',
      'timeout.linkerd.io/request': '10s',
      'timeout.linkerd.io/response': '2s',
    });
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'core', kind: 'Service', name: 'api', namespace: 'demo', port: 80 }],
      rules: [{ backendRefs: [{ name: 'api', namespace: 'demo', port: 80, weight: 90 }, { name: 'api-v2', port: 80, weight: 10 }] }],
    });
    expectValidObjects([route], { crds: CRDS() });
  });

  test('fails on conflicting rules, a weight sum of zero, and ports a Service does not have', () => {
    const d = demoApp();
    expect(() => new HttpRoute(d.chart, 'a', { parents: [RouteParent.service(d.apiService, 80)], rules: [{ matches: [HttpRouteMatch.pathPrefix('/api')] }, { matches: [HttpRouteMatch.exact('/x'), HttpRouteMatch.pathPrefix('/api')] }] }))
      .toThrow(/demo\/a: rules\[1\]\.matches\[1\]: it matches the same requests as rules\[0\]\.matches\[0\]/);
    expect(() => new HttpRoute(d.chart, 'b', { parents: [RouteParent.service(d.apiService, 80)], rules: [{ backends: [Backend.service(d.apiService, { port: 80, weight: 0 })] }] }))
      .toThrow(/demo\/b: rules\[0\]\.backends: every backend has weight 0/);
    expect(() => new HttpRoute(d.chart, 'c', { parents: [RouteParent.service(d.apiService, 80)], rules: [{ timeouts: { request: Duration.seconds(1), backendRequest: Duration.seconds(2) } }] }))
      .toThrow(/demo\/c: rules\[0\]\.timeouts\.backendRequest: backendRequest is longer than request/);
    const server = new Server(d.chart, 'srv', { workload: d.api, port: 'http' });
    expect(() => new HttpRoute(d.chart, 'd', { parents: [RouteParent.server(server)], retry: { limit: 2 } })).toThrow(/demo\/d: retry: retries and timeouts are applied by clients/);
    expect(() => new HttpRoute(d.chart, 'e', { parents: [] })).toThrow(/demo\/e: parents: the route has no parent/);
    const late = demoApp();
    new HttpRoute(late.chart, 'f', { parents: [RouteParent.service(late.apiService, 8080)] });
    expect(() => Testing.synth(late.chart)).toThrow(LinkerdConfigError);
    expect(() => Testing.synth(late.chart)).toThrow(/demo\/f: parents\[0\]\.port: Service demo\/api has no port 8080 \(ports: 80\)/);
  });
});

describe('GatewayHttpRoute and GatewayGrpcRoute (gateway.networking.k8s.io/v1)', () => {
  test('validate against the bundled Gateway API CRDs', () => {
    const d = demoApp();
    allowMissing(d.app, 'L5D306'); // no route for the probe paths
    const server = new Server(d.chart, 'srv', { metadata: { name: 'api-http' }, workload: d.api, port: 'http' });
    new GatewayHttpRoute(d.chart, 'h', {
      metadata: { name: 'api-split' },
      parents: [RouteParent.service(d.apiService, 80)],
      rules: [{ matches: [HttpRouteMatch.pathPrefix('/v2')], filters: [HttpFilter.requestHeaders({ set: { 'x-canary': '1' } })], backends: [Backend.service(d.apiService, { port: 80 })], timeouts: { request: Duration.seconds(3) } }],
    });
    new GatewayGrpcRoute(d.chart, 'g', {
      metadata: { name: 'api-grpc' },
      parents: [RouteParent.server(server)],
      rules: [{ matches: [GrpcRouteMatch.method('pkg.Users', 'Get'), GrpcRouteMatch.method('pkg.Admin')] }],
    });
    new GatewayGrpcRoute(d.chart, 'g2', {
      metadata: { name: 'api-grpc-out' },
      parents: [RouteParent.service(d.apiService, 80)],
      retry: { grpc: [GrpcRetryCondition.UNAVAILABLE] },
    });
    const objects = Testing.synth(d.chart).filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io/'));
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'gateway.networking.k8s.io/v1 HTTPRoute api-split',
      'gateway.networking.k8s.io/v1 GRPCRoute api-grpc',
      'gateway.networking.k8s.io/v1 GRPCRoute api-grpc-out',
    ]);
    expect(objects[1].spec.rules).toEqual([{ matches: [{ method: { method: 'Get', service: 'pkg.Users', type: 'Exact' } }, { method: { service: 'pkg.Admin', type: 'Exact' } }] }]);
    expect(objects[2].metadata.annotations).toEqual({ 'retry.linkerd.io/grpc': 'unavailable' });
    expectValidObjects(objects, { crds: CRDS() });
  });

  test('fails on conflicting gRPC matches, HTTP retry conditions on a gRPC route, and weight sums of zero', () => {
    const d = demoApp();
    expect(() => new GatewayGrpcRoute(d.chart, 'a', { parents: [RouteParent.service(d.apiService, 80)], rules: [{ matches: [GrpcRouteMatch.method('a.B')] }, { matches: [GrpcRouteMatch.method('a.B')] }] }))
      .toThrow(/demo\/a: rules\[1\]\.matches\[0\]: it matches the same calls as rules\[0\]\.matches\[0\]/);
    expect(() => new GatewayGrpcRoute(d.chart, 'b', { parents: [RouteParent.service(d.apiService, 80)], retry: { http: [HttpRetryCondition.status5xx()] } })).toThrow(/demo\/b: retry\.http/);
    expect(() => new GatewayHttpRoute(d.chart, 'c', { parents: [RouteParent.service(d.apiService, 80)], rules: [{ backends: [Backend.service(d.apiService, { port: 80, weight: 0 })] }] }))
      .toThrow(/demo\/c: rules\[0\]\.backends: every backend has weight 0/);
    expect(() => new GatewayGrpcRoute(d.chart, 'd', { parents: [RouteParent.service(d.apiService, 80)], rules: [{ matches: [GrpcRouteMatch.method('bad name')] }] })).toThrow(/demo\/d: rules\[0\]\.matches\[0\]\.method\.service/);
  });
});

describe('routes to an EgressNetwork', () => {
  test('allow one destination port of an otherwise denied egress network', () => {
    const d = demoApp();
    const egress = new EgressNetwork(d.chart, 'e', { metadata: { name: 'internet', namespace: 'demo' }, trafficPolicy: EgressTrafficPolicy.DENY });
    new GatewayHttpRoute(d.chart, 'r', {
      metadata: { name: 'github' },
      parents: [RouteParent.egressNetwork(egress, 443)],
      hostnames: ['api.github.com'],
      rules: [{ backends: [Backend.egressNetwork(egress, { port: 443 })] }],
    });
    const objects = Testing.synth(d.chart).filter((o) => o.kind === 'EgressNetwork' || o.metadata.name === 'github');
    expect(objects[0].spec).toEqual({ trafficPolicy: 'Deny' });
    expect(objects[1].spec).toEqual({
      hostnames: ['api.github.com'],
      parentRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'internet', namespace: 'demo', port: 443 }],
      rules: [{ backendRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'internet', namespace: 'demo', port: 443 }] }],
    });
    expectValidObjects(objects, { crds: CRDS() });
  });
});
