import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { SyncPhase, SyncWaves, synthesizeManifests } from '../../src';
import { buildApp } from '../../src/main';
import { readManifests } from '../support/manifests';

const ROOT = path.resolve(__dirname, '..', '..');
const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
const group = (o: any) => (String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '');
const label = (o: any) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const isWorkload = (o: any) => ['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'Pod', 'ReplicaSet'].includes(o.kind);
const isControlPlane = (o: any) => o.metadata.labels?.['linkerd.io/control-plane-ns'] !== undefined;

describe('sync waves of the default install (dist/)', () => {
  // GIVEN everything `npm run synth` writes into dist/, sorted as Argo CD sorts a sync: by wave
  const objects = fs.readdirSync(path.join(ROOT, 'dist')).filter((f) => /^\d+-.*\.yaml$/.test(f)).sort().flatMap((f) => readManifests(path.join(ROOT, 'dist', f)));
  const sorted = objects.map((o, i) => ({ o, i })).sort((a, b) => wave(a.o) - wave(b.o) || a.i - b.i).map((e) => e.o);
  const position = new Map(sorted.map((o, i) => [o, i]));

  test('every object carries a wave', () => {
    expect(objects.filter((o) => Number.isNaN(wave(o))).map(label)).toEqual([]);
  });

  test('every CRD comes before any custom resource of it, in an earlier wave', () => {
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.length).toBeGreaterThan(5);
    const customResources = objects.filter((o) => crds.some((c) => c.spec.group === group(o) && c.spec.names.kind === o.kind));
    expect(customResources.map((o) => o.kind).sort()).toEqual(expect.arrayContaining(['AuthorizationPolicy', 'MeshTLSAuthentication', 'Server']));
    for (const cr of customResources) {
      const crd = crds.find((c) => c.spec.group === group(cr) && c.spec.names.kind === cr.kind)!;
      expect({ cr: label(cr), before: position.get(crd)! < position.get(cr)!, earlierWave: wave(crd) < wave(cr) }).toEqual({ cr: label(cr), before: true, earlierWave: true });
    }
  });

  test('the control plane and its webhook configurations come before any meshed workload, in earlier waves', () => {
    const controlPlane = objects.filter((o) => isControlPlane(o) && (isWorkload(o) || /WebhookConfiguration$/.test(o.kind)));
    expect(controlPlane.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']));
    const meshed = objects.filter((o) => isWorkload(o) && !isControlPlane(o));
    // linkerd-viz, the OpenTelemetry collector and the demo: every meshed workload of the install
    expect(meshed.map(label).sort()).toEqual([
      'Deployment demo/api', 'Deployment demo/db', 'Deployment demo/web', 'Deployment linkerd-viz/metrics-api', 'Deployment linkerd-viz/prometheus',
      'Deployment linkerd-viz/tap', 'Deployment linkerd-viz/tap-injector', 'Deployment linkerd-viz/web', 'Deployment observability/otel-collector',
    ]);
    const lastControlPlane = Math.max(...controlPlane.map((o) => position.get(o)!));
    const firstMeshed = Math.min(...meshed.map((o) => position.get(o)!));
    expect(lastControlPlane).toBeLessThan(firstMeshed);
    expect(Math.max(...controlPlane.map(wave))).toBeLessThan(Math.min(...meshed.map(wave)));
  });

  test('control-plane Deployments come before the webhook configurations they serve, in an earlier wave', () => {
    const deployments = objects.filter((o) => isControlPlane(o) && o.kind === 'Deployment');
    const webhooks = objects.filter((o) => /WebhookConfiguration$/.test(o.kind));
    expect(Math.max(...deployments.map(wave))).toBeLessThan(Math.min(...webhooks.map(wave)));
  });

  test('Servers come before the AuthorizationPolicies that target them, in an earlier wave', () => {
    const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy');
    expect(policies.length).toBe(7); // the demo's 3 and linkerd-viz's 4
    for (const policy of policies) {
      const ref = policy.spec.targetRef;
      expect(ref.kind).toBe('Server');
      const server = objects.find((o) => o.kind === 'Server' && o.metadata.name === ref.name && o.metadata.namespace === policy.metadata.namespace)!;
      expect(position.get(server)!).toBeLessThan(position.get(policy)!);
      expect(wave(server)).toBeLessThan(wave(policy));
    }
  });

  test('the meshed namespace comes with its workloads, and nothing in it comes earlier', () => {
    const demo = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'demo')!;
    expect(wave(demo)).toBe(SyncPhase.WORKLOADS.wave);
    expect(objects.filter((o) => o.metadata.namespace === 'demo' && wave(o) < wave(demo)).map(label)).toEqual([]);
  });

  test('CRDs are applied server-side; nothing else needs it', () => {
    const ssa = objects.filter((o) => o.metadata.annotations['argocd.argoproj.io/sync-options'] === 'ServerSideApply=true');
    expect(new Set(ssa.map((o) => o.kind))).toEqual(new Set(['CustomResourceDefinition']));
    expect(ssa.length).toBe(objects.filter((o) => o.kind === 'CustomResourceDefinition').length);
  });
});

describe('SyncWaves', () => {
  const namespace = (name: string, meta: any = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...meta } });
  const object = (apiVersion: string, kind: string, name: string, ns?: string, meta: any = {}) => ({ apiVersion, kind, metadata: { name, namespace: ns, ...meta } });

  test('one table by kind: control-plane workloads and webhooks early, everything else with the workloads', () => {
    // GIVEN
    const cp = { labels: { 'linkerd.io/control-plane-ns': 'linkerd' } };
    const objects = [
      namespace('linkerd', { labels: { 'linkerd.io/is-control-plane': 'true' } }),
      object('apps/v1', 'Deployment', 'linkerd-destination', 'linkerd', cp),
      object('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config', undefined, cp),
      object('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'tap-injector', undefined),
      object('apps/v1', 'Deployment', 'shop', 'shop'),
      object('v1', 'ConfigMap', 'settings', 'shop'),
      object('example.com/v1', 'Widget', 'w', 'shop'),
      object('policy.linkerd.io/v1beta3', 'Server', 's', 'shop'),
      object('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r', 'shop'),
      object('policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', 'a', 'shop'),
    ];
    // WHEN
    const waves = new SyncWaves(objects);
    // THEN
    expect(objects.map((o) => `${o.metadata.name}=${waves.phaseOf(o).name}`)).toEqual([
      'linkerd=config', 'linkerd-destination=control-plane', 'linkerd-proxy-injector-webhook-config=webhooks', 'tap-injector=workloads',
      'shop=workloads', 'settings=config', 'w=workloads', 's=policy-targets', 'r=routes', 'a=authorizations',
    ]);
  });

  test('the CNI plugin runs on every node before the control plane starts', () => {
    const cni = { labels: { 'linkerd.io/cni-resource': 'true' } };
    const objects = [namespace('linkerd-cni', cni), object('apps/v1', 'DaemonSet', 'linkerd-cni', 'linkerd-cni', cni), object('v1', 'ConfigMap', 'linkerd-cni-config', 'linkerd-cni', cni)];
    const waves = new SyncWaves(objects);
    expect(objects.map((o) => waves.phaseOf(o))).toEqual([SyncPhase.CONFIG, SyncPhase.CONFIG, SyncPhase.CONFIG]);
    expect(waves.phaseOf(objects[1]).wave).toBeLessThan(SyncPhase.CONTROL_PLANE.wave);
  });

  test('a wave set on the object wins, and sorting is stable within a wave', () => {
    const first = object('v1', 'ConfigMap', 'first', 'x');
    const pinned = object('v1', 'ConfigMap', 'pinned', 'x', { annotations: { 'argocd.argoproj.io/sync-wave': '-10' } });
    const second = object('v1', 'ConfigMap', 'second', 'x');
    const waves = new SyncWaves([first, pinned, second]);
    expect(waves.sort([first, pinned, second]).map((o) => o.metadata.name)).toEqual(['pinned', 'first', 'second']);
    expect(waves.annotate(pinned).metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-10' });
  });

  test('objects too large for client-side apply get ServerSideApply, keeping other sync options', () => {
    const big = object('v1', 'ConfigMap', 'big', 'x', { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } });
    (big as any).data = { blob: 'x'.repeat(300 * 1024) };
    expect(new SyncWaves([big]).annotate(big).metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,ServerSideApply=true');
  });

  test('phases are in apply order, with unknown kinds in wave 0 like objects Argo CD finds without a wave', () => {
    expect(SyncPhase.all().map((p) => p.wave)).toEqual([...SyncPhase.all().map((p) => p.wave)].sort((a, b) => a - b));
    expect(SyncPhase.WORKLOADS.wave).toBe(0);
  });
});

describe('synth order', () => {
  test('files are numbered by dependency whatever the construction order', () => {
    // GIVEN the default install's charts, constructed in reverse order and without addDependency
    const reference = buildApp();
    const app = new App();
    for (const chart of [...reference.charts].reverse()) {
      const copy = new Chart(app, chart.node.id);
      for (const o of chart.toJson()) new ApiObject(copy, `${o.kind}-${o.metadata.namespace ?? ''}-${o.metadata.name}`, o);
    }
    // WHEN
    const files = synthesizeManifests(app, { checkDates: false });
    // THEN
    expect(files.map((f) => f.name)).toEqual(['01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml', '03-observability.yaml', '04-linkerd-viz.yaml', '05-demo.yaml']);
  });

  test('with syncWaves: false the order stays and no Argo CD annotation is added', () => {
    const files = synthesizeManifests(buildApp(), { syncWaves: false, checkDates: false });
    expect(files.map((f) => f.name)).toEqual(['01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml', '03-observability.yaml', '04-linkerd-viz.yaml', '05-demo.yaml']);
    expect(files.map((f) => f.content).join('')).not.toContain('argocd.argoproj.io');
    const kinds = files[1].objects.map((o) => o.kind);
    expect(kinds.lastIndexOf('Deployment')).toBeLessThan(kinds.indexOf('MutatingWebhookConfiguration'));
  });
});
