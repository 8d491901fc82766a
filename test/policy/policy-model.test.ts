import { PolicyModel } from '../../src';
import {
  authorizationPolicy, exact, httpRoute, meshTls, meshTlsRef, namespace, prefix, server, serviceAccount, toRoute, toServer, workload,
} from './manifests';

type Obj = Record<string, any>;

function model(objects: Obj[]) {
  const m = PolicyModel.fromObjects(objects);
  const w = (name: string) => m.workloads.find((x) => x.name === name)!;
  return {
    m,
    /** May `client` (a workload name, `kubelet`) send `method path` to `target:port`? */
    may(client: string, target: string, port: number, method?: string, path?: string): boolean {
      const c = client === 'kubelet' ? m.kubeletClient() : m.workloadClient(w(client));
      return m.decide(c, m.portPolicy(w(target), port), method ? { method, path: path! } : undefined).allowed;
    },
  };
}

const meshed = (ns = 'demo', policy?: string) => namespace(ns, { 'linkerd.io/inject': 'enabled', ...(policy ? { 'config.linkerd.io/default-inbound-policy': policy } : {}) });
const base = (policy?: string) => [meshed('demo', policy), workload('web', 'demo'), workload('api', 'demo', { httpProbes: [[8080, '/ready']] }), workload('tool', 'other')];

describe('PolicyModel', () => {
  test('default policies: all-unauthenticated, cluster-authenticated, deny, and probes under deny', () => {
    expect(model(base()).may('tool', 'api', 8080, 'GET', '/')).toBe(true);
    const clusterAuth = model(base('cluster-authenticated'));
    expect(clusterAuth.may('web', 'api', 8080, 'GET', '/')).toBe(true);
    expect(clusterAuth.may('tool', 'api', 8080, 'GET', '/')).toBe(false); // not meshed: no identity
    const deny = model(base('deny'));
    expect(deny.may('web', 'api', 8080, 'GET', '/')).toBe(false);
    expect(deny.may('kubelet', 'api', 8080, 'GET', '/ready')).toBe(true);
    expect(deny.may('kubelet', 'api', 8080, 'GET', '/other')).toBe(false);
  });

  test('a pod annotation wins over its namespace, and identity-required ports need a meshed client', () => {
    const objects = [meshed('demo', 'deny'), workload('web', 'demo'), workload('api', 'demo', {
      annotations: { 'config.linkerd.io/default-inbound-policy': 'all-unauthenticated', 'config.linkerd.io/proxy-require-identity-inbound-ports': '8080' },
    }), workload('tool', 'other')];
    expect(model(objects).may('web', 'api', 8080, 'GET', '/')).toBe(true);
    expect(model(objects).may('tool', 'api', 8080, 'GET', '/')).toBe(false);
  });

  test('a Server denies all but its authorizations; routes narrow requests; server authorizations apply to every route', () => {
    const objects = [
      ...base(), serviceAccount('web', 'demo'), serviceAccount('api', 'demo'),
      server('api-http', 'demo', { matchLabels: { app: 'api' } }, 'http'),
      meshTls('web', 'demo', { identityRefs: [{ kind: 'ServiceAccount', name: 'web' }] }),
    ];
    // a Server with no authorization denies everyone, but the controller still admits probes
    expect(model(objects).may('web', 'api', 8080, 'GET', '/')).toBe(false);
    expect(model(objects).may('kubelet', 'api', 8080, 'GET', '/ready')).toBe(true);
    // a route with its own authorization
    const routed = [...objects, httpRoute('get-api', 'demo', [toServer('api-http')], [{ matches: [prefix('/api', 'GET')] }]), authorizationPolicy('p', 'demo', toRoute('get-api'), [meshTlsRef('web')])];
    expect(model(routed).may('web', 'api', 8080, 'GET', '/api/x')).toBe(true);
    expect(model(routed).may('web', 'api', 8080, 'POST', '/api/x')).toBe(false); // no route: 404
    expect(model(routed).may('kubelet', 'api', 8080, 'GET', '/ready')).toBe(false); // routes replace the probe route
    // an authorization on the Server covers every route
    const serverWide = [...routed, httpRoute('probes', 'demo', [toServer('api-http')], [{ matches: [exact('/ready', 'GET')] }]),
      authorizationPolicy('all-web', 'demo', { kind: 'Namespace', name: 'demo' }, [meshTlsRef('web')])];
    expect(model(serverWide).may('web', 'api', 8080, 'GET', '/ready')).toBe(true);
    expect(model(serverWide).may('kubelet', 'api', 8080, 'GET', '/ready')).toBe(false);
  });

  test('the oldest Server (by name) wins a port; accessPolicy opens a Server to a default policy', () => {
    const objects = [...base(), server('b', 'demo', { matchLabels: { app: 'api' } }, 8080), { ...server('a', 'demo', { matchLabels: { app: 'api' } }, 'http'), spec: { podSelector: { matchLabels: { app: 'api' } }, port: 'http', accessPolicy: 'all-authenticated' } }];
    const { m, may } = model(objects);
    expect(m.portPolicy(m.workloads.find((w) => w.name === 'api')!, 8080).server?.name).toBe('a');
    expect(may('web', 'api', 8080, 'GET', '/')).toBe(true);
    expect(may('tool', 'api', 8080, 'GET', '/')).toBe(false);
  });

  test('ServerAuthorizations select Servers by name or label; without networks they admit the cluster networks', () => {
    const objects = [...base(), { ...server('api-http', 'demo', { matchLabels: { app: 'api' } }, 8080), metadata: { name: 'api-http', namespace: 'demo', labels: { tier: 'api' } } },
      { apiVersion: 'policy.linkerd.io/v1beta1', kind: 'ServerAuthorization', metadata: { name: 'sa', namespace: 'demo' }, spec: { server: { selector: { matchLabels: { tier: 'api' } } }, client: { meshTLS: { unauthenticatedTLS: true } } } }];
    expect(model(objects).may('web', 'api', 8080, 'GET', '/')).toBe(true);
    expect(model(objects).may('tool', 'api', 8080, 'GET', '/')).toBe(false);
  });

  test('opaque ports are judged per connection', () => {
    const objects = [...base(), server('api-tcp', 'demo', { matchLabels: { app: 'api' } }, 8080, 'opaque'), authorizationPolicy('p', 'demo', toServer('api-tcp'), [{ kind: 'ServiceAccount', name: 'web' }])];
    const { may } = model(objects);
    expect(may('web', 'api', 8080)).toBe(true);
    expect(may('kubelet', 'api', 8080, 'GET', '/ready')).toBe(false);
  });

  test('reads the identity domain and the control plane namespace from the policy controller', () => {
    const controller = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'linkerd-destination', namespace: 'mesh' },
      spec: { template: { spec: { containers: [{ name: 'policy', command: ['/linkerd-policy-controller'], args: ['--identity-domain=example.org', '--control-plane-namespace=mesh', '--probe-networks=10.0.0.0/8'] }] } } },
    };
    const { m } = model([...base(), controller]);
    expect(m.identityOf('web', 'demo')).toBe('web.demo.serviceaccount.identity.mesh.example.org');
    expect(m.cluster.probeNetworks.map(String)).toEqual(['10.0.0.0/8']);
  });
});
