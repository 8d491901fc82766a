import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DefaultInboundPolicy, LinkerdConfigError, PodSelector, ProxyProtocol, Server } from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { demoApp, policyCrds } from './fixtures';

describe('Server', () => {
  test('selects a cdk8s-plus workload\'s pods by its selector, in its namespace', () => {
    // GIVEN
    const d = demoApp();
    // WHEN
    new Server(d.chart, 'srv', { metadata: { name: 'api-http' }, workload: d.api, port: 'http', proxyProtocol: ProxyProtocol.HTTP1, accessPolicy: DefaultInboundPolicy.CLUSTER_AUTHENTICATED });
    // THEN
    const server = Testing.synth(d.chart).find((o) => o.kind === 'Server');
    expect(server).toEqual({
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'Server',
      metadata: { name: 'api-http', namespace: 'demo' },
      spec: {
        accessPolicy: 'cluster-authenticated',
        podSelector: { matchLabels: { 'cdk8s.io/metadata.addr': expect.stringMatching(/^demo-api-/) } },
        port: 'http',
        proxyProtocol: 'HTTP/1',
      },
    });
    expectValidObjects([server], { crds: policyCrds() });
  });

  test('takes an explicit selector, including every pod of the namespace', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ns' });
    new Server(chart, 'a', { metadata: { name: 'a' }, podSelector: PodSelector.labels({ app: 'a' }), port: 8080 });
    new Server(chart, 'all', { metadata: { name: 'all' }, podSelector: PodSelector.all(), port: 'linkerd-admin' });
    const [a, all] = Testing.synth(chart);
    expect(a.spec).toEqual({ podSelector: { matchLabels: { app: 'a' } }, port: 8080 });
    expect(all.spec).toEqual({ podSelector: {}, port: 'linkerd-admin' });
    expectValidObjects([a, all], { crds: policyCrds() });
  });

  test('fails on a port name the workload does not declare, naming the construct path and field', () => {
    const d = demoApp();
    new Server(d.chart, 'srv', { workload: d.api, port: 'grpc' });
    expect(() => Testing.synth(d.chart)).toThrow(LinkerdConfigError);
    expect(() => Testing.synth(d.chart)).toThrow(/^demo\/srv: port: Deployment demo\/api declares no TCP port named "grpc" \(named ports: http, metrics\)/);
  });

  test('accepts the proxy admin port, which injection adds', () => {
    const d = demoApp();
    new Server(d.chart, 'srv', { workload: d.db, port: 'linkerd-admin' });
    expect(() => Testing.synth(d.chart)).not.toThrow();
  });

  test('fails on bad props', () => {
    const d = demoApp();
    expect(() => new Server(d.chart, 'a', { port: 80 } as any)).toThrow(/demo\/a: workload: give exactly one of workload and podSelector/);
    expect(() => new Server(d.chart, 'b', { podSelector: PodSelector.labels({}), port: 80 })).toThrow(/demo\/b: podSelector: the selector is empty/);
    expect(() => new Server(d.chart, 'c', { workload: d.api, port: 70000 })).toThrow(/demo\/c: port: 70000 is not a TCP port/);
    expect(() => new Server(d.chart, 'd', { workload: d.api, port: 'HTTP_PORT' })).toThrow(/demo\/d: port: "HTTP_PORT" is neither a port number nor a port name/);
    expect(() => new Server(d.chart, 'e', { workload: d.apiService, port: 80 })).toThrow(/demo\/e: workload: Service api is not a Deployment/);
    // (constructs that failed above stay in the tree, so the last case gets a chart of its own)
    const chart = new Chart(Testing.app(), 'c', { namespace: 'x' });
    const emptySelector = new kplus.Deployment(chart, 'empty', { select: false, containers: [{ image: 'x', portNumber: 80, securityContext: { ensureNonRoot: false } }] });
    new Server(chart, 'f', { workload: emptySelector, port: 80 });
    expect(() => Testing.synth(chart)).toThrow(/c\/f: workload: Deployment .* has an empty selector/);
  });
});
