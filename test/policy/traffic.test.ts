import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  FailureAccrual, GatewayApiCrds, GrpcRetryCondition, HttpMethod, HttpRetryCondition, HttpRouteMatch, linkerdCrdManifests, ServiceRef, TrafficPolicy, TrafficSplit,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { allowMissing, demoApp } from './fixtures';

describe('TrafficPolicy', () => {
  test('writes retries, timeouts and failure accrual on the Service', () => {
    const d = demoApp();
    new TrafficPolicy(d.chart, 'tp', {
      service: d.apiService,
      retry: { limit: 2, http: [HttpRetryCondition.status5xx(), HttpRetryCondition.status(429)], grpc: [GrpcRetryCondition.UNAVAILABLE, GrpcRetryCondition.CANCELLED] },
      timeouts: { request: Duration.seconds(30), response: Duration.seconds(5) },
      failureAccrual: FailureAccrual.consecutive({ maxFailures: 5, minPenalty: Duration.seconds(2), maxPenalty: Duration.minutes(1), jitterRatio: 0.3 }),
    });
    const svc = Testing.synth(d.chart).find((o) => o.kind === 'Service' && o.metadata.name === 'api');
    expect(svc.metadata.annotations).toEqual({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio': '0.3',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '5',
      'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '1m',
      'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '2s',
      'retry.linkerd.io/grpc': 'unavailable,cancelled',
      'retry.linkerd.io/http': '5xx,429',
      'retry.linkerd.io/limit': '2',
      'timeout.linkerd.io/request': '30s',
      'timeout.linkerd.io/response': '5s',
    });
  });

  test('unified failure accrual adds the success-rate settings', () => {
    const d = demoApp();
    new TrafficPolicy(d.chart, 'tp', { service: d.dbService, failureAccrual: FailureAccrual.unified({ successRateThreshold: 0.8, successRateWindow: Duration.seconds(30), successRateMinRequests: 20 }) });
    const svc = Testing.synth(d.chart).find((o) => o.kind === 'Service' && o.spec.clusterIP === 'None');
    expect(svc.metadata.annotations).toEqual({
      'balancer.linkerd.io/failure-accrual': 'unified',
      'balancer.alpha.linkerd.io/failure-accrual-success-rate-min-requests': '20',
      'balancer.alpha.linkerd.io/failure-accrual-success-rate-threshold': '0.8',
      'balancer.alpha.linkerd.io/failure-accrual-success-rate-window': '30s',
    });
  });

  test('fails on values the policy controller would reject', () => {
    const d = demoApp();
    const service = d.apiService;
    expect(() => new TrafficPolicy(d.chart, 'a', { service, retry: { limit: 0 } })).toThrow(/demo\/a: retry\.limit: 0 is not a retry limit/);
    expect(() => new TrafficPolicy(d.chart, 'b', { service, retry: { http: [HttpRetryCondition.statusRange(504, 500)] } })).toThrow(/demo\/b: retry\.http\[0\]: 504-500/);
    expect(() => new TrafficPolicy(d.chart, 'c', { service, timeouts: { request: Duration.millis(0.5) } })).toThrow(/demo\/c: timeouts\.request/);
    expect(() => new TrafficPolicy(d.chart, 'd', { service, failureAccrual: FailureAccrual.consecutive({ minPenalty: Duration.minutes(2), maxPenalty: Duration.minutes(1) }) }))
      .toThrow(/demo\/d: failureAccrual\.minPenalty: minPenalty \(120000ms\) exceeds maxPenalty \(60000ms\)/);
    expect(() => new TrafficPolicy(d.chart, 'e', { service, failureAccrual: FailureAccrual.unified({ successRateThreshold: 1.5 }) })).toThrow(/demo\/e: failureAccrual\.successRateThreshold/);
    expect(() => new TrafficPolicy(d.chart, 'f', { service: d.api, retry: { limit: 1 } })).toThrow(/demo\/f: service: Deployment api is not a Service/);
    expect(() => new TrafficPolicy(d.chart, 'g', { service })).toThrow(/demo\/g: retry: nothing is configured/);
  });
});

describe('TrafficSplit', () => {
  test('a canary: 90/10 between two versions behind the apex Service', () => {
    // GIVEN
    const d = demoApp();
    const v2 = new kplus.Service(d.chart, 'api-v2', { metadata: { name: 'api-v2' }, ports: [{ port: 80, targetPort: 8080 }] });
    // WHEN
    const split = new TrafficSplit(d.chart, 'canary', {
      metadata: { name: 'api-canary' },
      service: d.apiService,
      port: 80,
      backends: [{ service: d.apiService, weight: 90 }, { service: v2, weight: 10 }],
      matches: [HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET })],
    });
    // THEN
    const route = Testing.synth(d.chart).find((o) => o.kind === 'HTTPRoute');
    expect(split.route.name).toBe('api-canary');
    expect(route.spec.rules).toEqual([{
      backendRefs: [{ name: 'api', namespace: 'demo', port: 80, weight: 90 }, { name: 'api-v2', namespace: 'demo', port: 80, weight: 10 }],
      matches: [{ method: 'GET', path: { type: 'PathPrefix', value: '/api' } }],
    }]);
    expectValidObjects([route], { crds: linkerdCrdManifests() });
  });

  test('can use the Gateway API HTTPRoute', () => {
    const d = demoApp();
    allowMissing(d.app, 'L5D308'); // Service api-blue
    new TrafficSplit(d.chart, 'split', { service: d.apiService, port: 80, backends: [{ service: ServiceRef.fromName('api-blue'), weight: 1 }], gatewayApi: true });
    const route = Testing.synth(d.chart).find((o) => o.kind === 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expectValidObjects([route], { crds: linkerdCrdManifests({ gatewayApi: GatewayApiCrds.bundled() }) });
  });

  test('fails when every weight is zero, and on no backend', () => {
    const d = demoApp();
    expect(() => new TrafficSplit(d.chart, 'a', { service: d.apiService, port: 80, backends: [{ service: d.apiService, weight: 0 }] }))
      .toThrow(/^demo\/a: backends: every backend has weight 0/);
    expect(() => new TrafficSplit(d.chart, 'b', { service: d.apiService, port: 80, backends: [] })).toThrow(/demo\/b: backends: no backend is given/);
    expect(() => new TrafficSplit(d.chart, 'c', { service: d.apiService, port: 80, backends: [{ service: d.apiService, weight: -1 }] })).toThrow(/rules\[0\]\.backends\[0\]\.weight: -1 is not a weight/);
  });
});
