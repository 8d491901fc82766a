import { App, Duration, Testing } from 'cdk8s';
import { IssuerCertificate, KeyMaterial, LinkerdControlPlane, linkerdCrdManifests, runChecks, Severity, synthesizeManifests, TrustAnchors } from '../../src';
import { addDemoApp, DemoApp, DemoTier } from '../../src/demo';
import { installedMesh } from '../mesh/fixtures';
import { parseManifests } from '../support/manifests';
import { expectValidObjects } from '../support/k8s-schema';

function demo(): { app: App; demo: DemoApp; objects: any[] } {
  const app = Testing.app();
  const d = new DemoApp(app, 'demo', { mesh: installedMesh(app) });
  return { app, demo: d, objects: Testing.synth(d) };
}

const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const podOf = (objects: any[], name: string) => find(objects, 'Deployment', name).spec.template;

describe('DemoApp', () => {
  test('matches the snapshot', () => {
    expect(demo().objects).toMatchSnapshot();
  });

  test('every object validates strictly against the Kubernetes schemas', () => {
    expectValidObjects(demo().objects);
  });

  test('three tiers, each with a Deployment, a ServiceAccount and a Service in the demo namespace', () => {
    // GIVEN / WHEN
    const { demo: d, objects } = demo();
    // THEN
    expect(d.tiers.map((t) => t.name)).toEqual(['web', 'api', 'db']);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/api', 'Deployment/db', 'Deployment/web', 'Namespace/demo',
      'Service/api', 'Service/db', 'Service/web', 'ServiceAccount/api', 'ServiceAccount/db', 'ServiceAccount/web',
    ]);
    for (const tier of d.tiers) {
      const pod = podOf(objects, tier.name);
      expect(pod.spec.serviceAccountName).toBe(tier.serviceAccount.name);
      const app = pod.spec.containers.find((c: any) => c.name === tier.name);
      expect(app.ports).toEqual([{ containerPort: DemoTier.PORT, name: 'http' }]);
      expect(app.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: DemoTier.PORT });
      expect(app.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: DemoTier.PORT });
      const service = find(objects, 'Service', tier.name);
      expect(service.metadata.namespace).toBe('demo');
      for (const [k, v] of Object.entries(service.spec.selector)) expect(pod.metadata.labels[k]).toBe(v);
    }
    expect(find(objects, 'Namespace', 'demo').metadata.namespace).toBeUndefined();
  });

  test('web calls api, which calls db', () => {
    const { objects } = demo();
    expect(podOf(objects, 'web').spec.containers[0].command).toContain('--backend-url=http://api.demo.svc.cluster.local:9898/echo');
    expect(podOf(objects, 'api').spec.containers[0].command).toContain('--backend-url=http://db.demo.svc.cluster.local:9898/echo');
    expect(podOf(objects, 'db').spec.containers[0].command.join(' ')).not.toContain('backend');
  });

  test('is meshed in both modes: web by its namespace, api by annotations, db statically', () => {
    const { demo: d, objects } = demo();
    expect(find(objects, 'Namespace', 'demo').metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-log-format': 'json' });
    expect(podOf(objects, 'web').metadata.annotations).toBeUndefined();
    expect(podOf(objects, 'api').metadata.annotations).toEqual({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-cpu-request': '20m',
      'config.linkerd.io/proxy-memory-limit': '128Mi',
      'config.linkerd.io/proxy-memory-request': '32Mi',
    });
    const db = podOf(objects, 'db');
    expect(db.spec.initContainers.map((c: any) => c.name)).toEqual(['linkerd-init', 'linkerd-proxy']);
    const env = Object.fromEntries(db.spec.initContainers[1].env.map((e: any) => [e.name, e.value]));
    // the static proxy inherits the namespace's settings, as the injector would
    expect(env.LINKERD2_PROXY_LOG_FORMAT).toBe('json');
    expect(env.LINKERD2_PROXY_INBOUND_PORTS).toBe('9898');
    expect(d.meshing.db.skipReason).toBeUndefined();
  });

  test('with a control plane in the same app: applied after it, and every object passes the checks', () => {
    // GIVEN
    const app = new App();
    const controlPlane = new LinkerdControlPlane(app, 'linkerd-control-plane', {
      keyMaterial: KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd demo test, not secret', notBefore: '2026-01-01T00:00:00Z' }),
      emitGeneratedPrivateKeys: true,
      identity: { trustAnchors: TrustAnchors.generated({ validity: Duration.days(3650) }), issuer: IssuerCertificate.generated({ validity: Duration.days(365) }) },
    });
    // WHEN
    addDemoApp(app, controlPlane);
    const files = synthesizeManifests(app);
    // THEN
    expect(files.map((f) => f.name)).toEqual(['01-linkerd-control-plane.yaml', '02-demo.yaml']);
    const objects = files.flatMap((f) => parseManifests(f.content));
    expectValidObjects(objects, { crds: linkerdCrdManifests() });
    expect(runChecks(objects).filter((f) => f.severity === Severity.ERROR)).toEqual([]);
    const db = find(objects, 'Deployment', 'db').spec.template;
    expect(db.metadata.annotations['linkerd.io/trust-root-sha256'])
      .toBe(find(objects, 'Deployment', 'linkerd-destination').spec.template.metadata.annotations['linkerd.io/trust-root-sha256']);
  });

  test('traceAttributes become api\'s span attributes, where the mesh traces', () => {
    const app = Testing.app();
    const mesh = installedMesh(app, { proxy: { tracing: { collectorEndpoint: 'otel:4317', collectorServiceAccount: 'otel', collectorNamespace: 'o11y' } } });
    const objects = Testing.synth(new DemoApp(app, 'demo', { mesh, traceAttributes: { 'deployment.environment': 'demo' } }));
    expect(podOf(objects, 'api').metadata.annotations['resource.opentelemetry.io/deployment.environment']).toBe('demo');
  });

  test('is deterministic', () => {
    expect(JSON.stringify(demo().objects)).toBe(JSON.stringify(demo().objects));
  });
});
