import { Chart, Testing } from 'cdk8s';
import {
  AuthorizationPolicy, GatewayApiCrds, GatewayGrpcRoute, HttpRoute, HttpRouteMatch, linkerdCrdManifests, MeshTlsAuthentication, NamespaceRef,
  NetworkAuthentication, PodSelector, RouteParent, Server, ServiceAccountRef, ServiceRef,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { allowMissing, demoApp } from './fixtures';

function fixture() {
  const app = Testing.app();
  allowMissing(app, 'L5D305'); // ServiceAccount shop/web
  const chart = new Chart(app, 'c', { namespace: 'shop' });
  const server = new Server(chart, 'srv', { metadata: { name: 'api' }, podSelector: PodSelector.labels({ app: 'api' }), port: 8080 });
  const mtls = new MeshTlsAuthentication(chart, 'm', { metadata: { name: 'web' }, serviceAccounts: [ServiceAccountRef.fromName('web')] });
  const net = new NetworkAuthentication(chart, 'n', { metadata: { name: 'office' }, networks: [{ cidr: '192.168.0.0/16' }] });
  return { chart, server, mtls, net };
}

describe('AuthorizationPolicy', () => {
  test('targets a Server, a route, or its namespace, with one identity and one network requirement', () => {
    // GIVEN
    const { chart, server, mtls, net } = fixture();
    const route = new HttpRoute(chart, 'r', { metadata: { name: 'api-get' }, parents: [RouteParent.server(server)], rules: [{ matches: [HttpRouteMatch.pathPrefix('/api')] }] });
    const grpc = new GatewayGrpcRoute(chart, 'g', { metadata: { name: 'api-grpc' }, parents: [RouteParent.server(server)] });
    // WHEN
    new AuthorizationPolicy(chart, 'p1', { metadata: { name: 'p1' }, target: server, requiredAuthentications: [mtls, net] });
    new AuthorizationPolicy(chart, 'p2', { metadata: { name: 'p2' }, target: route, requiredAuthentications: [ServiceAccountRef.fromName('admin', 'ops')] });
    new AuthorizationPolicy(chart, 'p3', { metadata: { name: 'p3' }, target: NamespaceRef.fromName('shop'), requiredAuthentications: [mtls] });
    new AuthorizationPolicy(chart, 'p4', { metadata: { name: 'p4' }, target: grpc, requiredAuthentications: [net] });
    // THEN
    const objects = Testing.synth(chart);
    const spec = (name: string) => objects.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === name).spec;
    expect(spec('p1')).toEqual({
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api' },
      requiredAuthenticationRefs: [
        { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'web', namespace: 'shop' },
        { group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'office', namespace: 'shop' },
      ],
    });
    expect(spec('p2')).toEqual({ targetRef: { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-get' }, requiredAuthenticationRefs: [{ kind: 'ServiceAccount', name: 'admin', namespace: 'ops' }] });
    expect(spec('p3').targetRef).toEqual({ kind: 'Namespace', name: 'shop' });
    expect(spec('p4').targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'api-grpc' });
    expect(objects.find((o) => o.metadata.name === 'p3').metadata.namespace).toBe('shop');
    expectValidObjects(objects, { crds: linkerdCrdManifests({ gatewayApi: GatewayApiCrds.bundled() }) });
  });

  test('fails on what the admission webhook rejects', () => {
    const { chart, server, mtls, net } = fixture();
    const net2 = new NetworkAuthentication(chart, 'n2', { networks: [{ cidr: '10.0.0.0/8' }] });
    expect(() => new AuthorizationPolicy(chart, 'a', { target: server, requiredAuthentications: [mtls, ServiceAccountRef.fromName('x')] }))
      .toThrow(/c\/a: requiredAuthentications: 2 identity requirements/);
    expect(() => new AuthorizationPolicy(chart, 'b', { target: server, requiredAuthentications: [net, net2] })).toThrow(/c\/b: requiredAuthentications: 2 NetworkAuthentications/);
    expect(() => new AuthorizationPolicy(chart, 'c', { target: server, requiredAuthentications: [] })).toThrow(/c\/c: requiredAuthentications: an empty list admits every client/);
    expect(() => new AuthorizationPolicy(chart, 'd', { metadata: { namespace: 'shop' }, target: NamespaceRef.fromName('prod'), requiredAuthentications: [mtls] }))
      .toThrow(/c\/d: target: Namespace prod is not the policy's namespace shop/);
    expect(() => new AuthorizationPolicy(chart, 'e', { metadata: { namespace: 'other' }, target: server, requiredAuthentications: [mtls] }))
      .toThrow(/c\/e: target: Server api is in namespace shop, the policy in other/);
    const outbound = new HttpRoute(chart, 'out', { parents: [RouteParent.service(ServiceRef.fromName('api', 'shop'), 80)] });
    expect(() => new AuthorizationPolicy(chart, 'f', { target: outbound, requiredAuthentications: [mtls] })).toThrow(/c\/f: target: HTTPRoute .* has no Server parent/);
  });

  test('accepts a cdk8s-plus Namespace as target', () => {
    const d = demoApp();
    const mtls = new MeshTlsAuthentication(d.chart, 'm', { identities: ['*'] });
    new AuthorizationPolicy(d.chart, 'p', { metadata: { name: 'all-meshed' }, target: d.namespace, requiredAuthentications: [mtls] });
    const policy = Testing.synth(d.chart).find((o) => o.kind === 'AuthorizationPolicy');
    expect(policy.metadata.namespace).toBe('demo');
    expect(policy.spec.targetRef).toEqual({ kind: 'Namespace', name: 'demo' });
  });
});
