/**
 * The default-deny policy of the demo app (src/demo/demo-policy.ts): only web -> api -> db,
 * probes and Prometheus scrapes get through.
 */
import { App, Testing } from 'cdk8s';
import { linkerdCrdManifests, policyGraph, runChecks, Severity } from '../../src';
import { DemoApp } from '../../src/demo';
import { applyDemoPolicy } from '../../src/demo/demo-policy';
import { installedMesh } from '../mesh/fixtures';
import { expectValidObjects } from '../support/k8s-schema';

function build(): { app: App; demo: DemoApp; objects: any[] } {
  const app = Testing.app();
  const demo = new DemoApp(app, 'demo', { mesh: installedMesh(app) });
  applyDemoPolicy(demo);
  return { app, demo, objects: app.charts.flatMap((c) => c.toJson()) };
}

describe('the demo app under default deny', () => {
  test('every policy object validates against the CRDs', () => {
    expectValidObjects(build().objects, { crds: linkerdCrdManifests() });
  });

  test('no check finds an error: probes and scrapes pass', () => {
    const findings = runChecks(build().objects);
    expect(findings.filter((f) => f.severity === Severity.ERROR)).toEqual([]);
    // linkerd-viz is installed separately, so its Prometheus account is not among these manifests
    expect(findings.filter((f) => f.code.startsWith('L5D3')).map((f) => f.code)).toEqual(['L5D305']);
  });

  test('only web -> api -> db is allowed, plus kubelet and Prometheus', () => {
    const graph = policyGraph(build().objects);
    const on = (id: string) => Object.fromEntries(graph.json.ports.find((p) => p.id === id)!.routes.map((r) => [r.label, r.allowed]));
    expect(on('demo/Deployment/web:9898')['* /*']).toEqual([]);
    expect(on('demo/Deployment/api:9898')['* /*']).toEqual(['identity:demo/web']);
    expect(on('demo/Deployment/db:9898')['* /*']).toEqual(['identity:demo/api']);
    for (const tier of ['web', 'api', 'db']) {
      // probes come from the probe networks, 0.0.0.0/0 and ::/0: anyone may probe
      expect(on(`demo/Deployment/${tier}:9898`)['GET /healthz or GET /readyz']).toEqual(['anyone']);
      expect(on(`demo/Deployment/${tier}:4191`)['* /*']).toEqual(['identity:linkerd-viz/prometheus']);
    }
    const edges = graph.markdown.split('\n').filter((l) => l.includes('-->') && !l.startsWith('  anyone'));
    expect(edges).toEqual([
      '  identity_linkerd_viz_prometheus -->|"linkerd-admin"| workload_demo_api',
      '  identity_linkerd_viz_prometheus -->|"linkerd-admin"| workload_demo_db',
      '  identity_linkerd_viz_prometheus -->|"linkerd-admin"| workload_demo_web',
      '  workload_demo_api -->|"http"| workload_demo_db',
      '  workload_demo_web -->|"http"| workload_demo_api',
    ]);
  });
});
