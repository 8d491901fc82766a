import { Client, HttpMethod, HttpRouteMatch, MeshPolicy, meshPolicyFiles, policyGraph, ServiceAccountRef } from '../../src';
import { demoApp, synthAll } from './fixtures';
import { cleanMesh, namespace, workload } from './manifests';

/** web -> api (GET /api/* only) -> db, default deny, probes and Prometheus allowed, web open to anyone. */
function webApiDb(): any[] {
  const d = demoApp();
  const policy = new MeshPolicy(d.chart, 'policy', { metricsScrapers: [Client.meshTls(ServiceAccountRef.fromName('prometheus', 'linkerd-viz'))] });
  policy.denyByDefault(d.namespace);
  policy.allow(Client.anyone(), d.web, { port: 'http' });
  policy.allow(Client.workload(d.web), d.api, { port: 'http', routes: [HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET })] });
  policy.allow(Client.workload(d.api), d.db, { port: 'postgres' });
  return synthAll(d.app);
}

function port(graph: ReturnType<typeof policyGraph>, id: string) {
  const found = graph.json.ports.find((p) => p.id === id);
  if (!found) throw new Error(`no port ${id}: ${graph.json.ports.map((p) => p.id).join(', ')}`);
  return found;
}

function allowed(graph: ReturnType<typeof policyGraph>, portId: string): Record<string, string[]> {
  return Object.fromEntries(port(graph, portId).routes.map((r) => [r.label, r.allowed]));
}

describe('policyGraph', () => {
  test('the matrix of web -> api -> db: who may reach which port and route', () => {
    // WHEN
    const graph = policyGraph(webApiDb());
    // THEN every meshed port is listed, with what governs it
    expect(graph.json.ports.map((p) => [p.id, p.governedBy])).toEqual([
      ['demo/Deployment/api:4191', 'Server demo/linkerd-admin'],
      ['demo/Deployment/api:8080', 'Server demo/api-http'],
      ['demo/Deployment/api:9090', 'default:deny'],
      ['demo/Deployment/web:4191', 'Server demo/linkerd-admin'],
      ['demo/Deployment/web:8080', 'Server demo/web-http'],
      ['demo/StatefulSet/db:4191', 'Server demo/linkerd-admin'],
      ['demo/StatefulSet/db:5432', 'Server demo/db-postgres'],
    ]);
    // web may GET /api/* on api and nothing else; probes come from anywhere, so anyone may probe
    expect(allowed(graph, 'demo/Deployment/api:8080')).toEqual({
      '* /*': [],
      'GET /api/*': ['identity:demo/web'],
      'GET /ready': ['anyone'],
    });
    // only api reaches the database
    expect(allowed(graph, 'demo/StatefulSet/db:5432')).toEqual({ '* /*': ['identity:demo/api'] });
    // Prometheus scrapes every proxy; probes of the proxy pass through the controller's probe route
    for (const w of ['Deployment/api', 'Deployment/web', 'StatefulSet/db']) {
      expect(allowed(graph, `demo/${w}:4191`)).toEqual({ '* /*': ['identity:linkerd-viz/prometheus'], 'GET /live or GET /ready': ['anyone'] });
    }
    // the metrics port of api is closed by the default deny
    expect(allowed(graph, 'demo/Deployment/api:9090')).toEqual({ '* /*': [] });
    // web is open to anyone: written as such, not as a list of every client
    expect(allowed(graph, 'demo/Deployment/web:8080')['* /*']).toEqual(['anyone']);
  });

  test('groups clients: one entry per identity with the workloads that run as it, and the stand-ins', () => {
    const graph = policyGraph(webApiDb());
    expect(graph.json.clients.map((c) => [c.id, c.kind, c.workloads])).toEqual([
      ['anyone', 'anyone', undefined],
      ['meshed', 'meshed', undefined],
      ['kubelet', 'kubelet', undefined],
      ['identity:demo/api', 'identity', ['Deployment demo/api']],
      ['identity:demo/db', 'identity', ['StatefulSet demo/db']],
      ['identity:demo/web', 'identity', ['Deployment demo/web']],
      ['identity:linkerd-viz/prometheus', 'identity', undefined],
    ]);
    expect(graph.json.clients.find((c) => c.id === 'identity:demo/web')!.identity).toEqual('web.demo.serviceaccount.identity.linkerd.cluster.local');
  });

  test('writes "any meshed client" as one group, with kubelet and networks admitted besides', () => {
    // GIVEN api admits any meshed client, and a network without identity
    const d = demoApp();
    const policy = new MeshPolicy(d.chart, 'policy');
    policy.denyByDefault(d.namespace);
    policy.allow(Client.anyAuthenticated(), d.api, { port: 'http' });
    // WHEN
    const graph = policyGraph(synthAll(d.app));
    // THEN
    expect(allowed(graph, 'demo/Deployment/api:8080')['* /*']).toEqual(['meshed']);
    expect(graph.markdown).toContain('| Deployment api | 8080 (http) | Server demo/api-http | * /* (default) | any meshed client |');
  });

  test('grows linearly: a mesh where every workload is open to anyone lists "anyone" once per route', () => {
    // GIVEN 60 meshed workloads with probes, under the default policy all-unauthenticated
    const objects = [namespace('big', { 'linkerd.io/inject': 'enabled' })];
    for (let i = 0; i < 60; i++) objects.push(workload(`w${i}`, 'big', { httpProbes: [[8080, '/ready']] }));
    // WHEN
    const graph = policyGraph(objects);
    // THEN every route says anyone, and the clients are the stand-ins plus one identity per workload
    const routes = graph.json.ports.flatMap((p) => p.routes);
    expect(routes.length).toBeGreaterThan(60);
    expect(new Set(routes.map((r) => r.allowed.join(',')))).toEqual(new Set(['anyone']));
    expect(graph.json.clients).toHaveLength(3 + 60);
    // and the Markdown summarizes instead of drawing 60 workloads
    expect(graph.markdown).toContain('60 meshed workloads: more than 50, so the graph and the allow matrix are left out here');
    expect(graph.markdown).toContain('| big | 60 | 120 | 0 | 120 | 0 | 0 |');
    expect(graph.markdown).not.toContain('```mermaid');
  });

  test('the Markdown has a Mermaid graph of the intended calls and the matrix', () => {
    const { markdown } = policyGraph(webApiDb());
    expect(markdown).toContain('```mermaid\nflowchart LR\n  subgraph ns_demo["demo"]');
    const edges = markdown.split('\n').filter((l) => l.includes('-->'));
    expect(edges).toEqual([
      '  anyone -->|"http: GET /ready, linkerd-admin: GET /live or GET /ready"| workload_demo_api',
      '  anyone -->|"linkerd-admin: GET /live or GET /ready"| workload_demo_db',
      '  anyone -->|"http, linkerd-admin: GET /live or GET /ready"| workload_demo_web',
      '  identity_linkerd_viz_prometheus -->|"linkerd-admin"| workload_demo_api',
      '  identity_linkerd_viz_prometheus -->|"linkerd-admin"| workload_demo_db',
      '  identity_linkerd_viz_prometheus -->|"linkerd-admin"| workload_demo_web',
      '  workload_demo_api -->|"postgres"| workload_demo_db',
      '  workload_demo_web -->|"http: GET /api/*"| workload_demo_api',
    ]);
    expect(markdown).toContain('| Deployment api | 8080 (http) | Server demo/api-http | GET /api/* (HTTPRoute api-http-get-api) | web (demo) |');
    expect(markdown).toContain('| StatefulSet db | 5432 (postgres) | Server demo/db-postgres | * /* (default) | api (demo) |');
    expect(markdown.endsWith('\n')).toBe(true);
  });

  test('is deterministic: the same for the same objects in any order', () => {
    const objects = webApiDb();
    const a = policyGraph(objects);
    const b = policyGraph([...objects].reverse());
    expect(JSON.stringify(b.json)).toEqual(JSON.stringify(a.json));
    expect(b.markdown).toEqual(a.markdown);
  });

  test('reads plain manifests too, and lists workloads policy does not apply to', () => {
    const objects = [...cleanMesh(), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'tool', namespace: 'demo' }, spec: { template: { metadata: { annotations: { 'linkerd.io/inject': 'disabled' } }, spec: { containers: [] } } } }];
    const graph = policyGraph(objects);
    expect(graph.json.unmeshed).toEqual(['Deployment demo/tool']);
    expect(allowed(graph, 'demo/StatefulSet/db:5432')).toEqual({ 'any connection': ['identity:demo/api'] });
    expect(graph.markdown).toContain('## Not meshed');
  });

  test('limits the ports to chosen namespaces', () => {
    const graph = policyGraph(webApiDb(), { namespaces: ['elsewhere'] });
    expect(graph.json.ports).toEqual([]);
  });
});

describe('meshPolicyFiles', () => {
  test('renders mesh-policy.md and mesh-policy.json from synthesized manifest files', () => {
    // GIVEN the files synth would write
    const { Yaml } = require('cdk8s') as typeof import('cdk8s');
    const objects = webApiDb();
    const files = [{ name: '01-demo.yaml', content: Yaml.stringify(...objects) }];
    // WHEN
    const out = meshPolicyFiles(files);
    // THEN
    expect(out.map((f) => f.name)).toEqual(['mesh-policy.md', 'mesh-policy.json']);
    expect(out[0].content).toEqual(policyGraph(objects).markdown);
    expect(JSON.parse(out[1].content)).toEqual(JSON.parse(JSON.stringify(policyGraph(objects).json)));
  });
});
