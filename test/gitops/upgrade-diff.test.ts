import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration } from 'cdk8s';
import {
  Client, IssuerCertificate, KeyMaterial, LinkerdControlPlane, LinkerdCrds, MeshPolicy, ObjectChangeType, runSynth,
  ServiceAccountRef, UpgradeDiff,
} from '../../src';
import { main } from '../../src/cli';
import { DemoApp } from '../../src/demo';
import { TrustAnchors } from '../../src/identity';
import { readManifests } from '../support/manifests';

interface MeshOptions {
  readonly version?: string;
  readonly replicas?: number;
  /** Whether an admin ServiceAccount may call api too (the policy change). */
  readonly adminToApi?: boolean;
  readonly issuerNotBefore?: string;
}

/** A mesh with the demo app and its policy; the options are what the two synths differ in. */
function mesh(options: MeshOptions = {}): App {
  const app = new App();
  const crds = new LinkerdCrds(app, 'linkerd-crds');
  const controlPlane = new LinkerdControlPlane(app, 'linkerd-control-plane', {
    keyMaterial: KeyMaterial.fromSeed({ seed: 'upgrade diff test', notBefore: '2026-11-01T00:00:00Z' }),
    emitGeneratedPrivateKeys: true,
    identity: {
      trustAnchors: TrustAnchors.generated({ validity: Duration.days(3650) }),
      issuer: IssuerCertificate.generated({ validity: Duration.days(365), notBefore: options.issuerNotBefore }),
    },
    version: options.version,
    controllerReplicas: options.replicas,
  });
  controlPlane.addDependency(crds);
  const demo = new DemoApp(app, 'demo', { mesh: controlPlane });
  const policy = new MeshPolicy(demo, 'policy', { metricsScrapers: [Client.meshTls(ServiceAccountRef.fromName('prometheus', 'linkerd-viz'))] });
  policy.denyByDefault(demo.namespaceObject);
  policy.allow(Client.workload(demo.web.deployment), demo.api.deployment, { port: 'http' });
  if (options.adminToApi) policy.allow(Client.meshTls(ServiceAccountRef.fromName('admin', 'ops')), demo.api.deployment, { port: 'http' });
  return app;
}

/** Synthesizes into `<dir>/dist` and returns that directory. */
function synthTo(dir: string, build: () => App): string {
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  let stderr = '';
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => { stderr += String(c); return true; });
  try {
    runSynth(build, path.join(dir, 'dist'), { checkDates: false, suppress: ['L5D305'] });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  expect({ exitCode: process.exitCode ?? 0, stderr }).toEqual({ exitCode: 0, stderr: expect.stringMatching(/^cdk8s-linkerd: \d+ objects/) });
  return path.join(dir, 'dist');
}

function objectsOf(dir: string): any[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => readManifests(path.join(dir, f)));
}

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = main(args, (s) => { stdout += s; }, (s) => { stderr += s; });
  return { status, stdout, stderr };
}

describe('UpgradeDiff between two synths that differ in version, replicas and a policy', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-diff-'));
  const before = synthTo(path.join(root, 'old'), () => mesh());
  const after = synthTo(path.join(root, 'new'), () => mesh({ version: 'edge-26.9.1', replicas: 3, adminToApi: true }));
  const diff = UpgradeDiff.between(objectsOf(before), objectsOf(after));
  const find = (object: string) => diff.changes.find((c) => c.object === object)!;

  test('every control-plane Deployment rolls for the new images, and scales without a restart of the others', () => {
    // GIVEN / WHEN (above) / THEN
    const destination = find('Deployment linkerd/linkerd-destination');
    expect(destination.type).toBe(ObjectChangeType.CHANGED);
    expect(destination.podsRoll).toBe(true);
    expect(destination.disruptive).toBe(true);
    expect(destination.effects).toEqual(expect.arrayContaining([
      expect.stringMatching(/^pods roll \(rolling update\): .*destination image cr\.l5d\.io\/linkerd\/controller:edge-26\.8\.3 -> cr\.l5d\.io\/linkerd\/controller:edge-26\.9\.1/),
      'scales from 1 to 3 replicas, without restarting the others',
    ]));
    for (const name of ['linkerd-identity', 'linkerd-proxy-injector']) expect(find(`Deployment linkerd/${name}`).podsRoll).toBe(true);
    expect(destination.fields).toEqual(expect.arrayContaining(['spec.replicas: 1 -> 3']));
  });

  test('meshed workloads with a static proxy roll for the new proxy version; webhook-injected ones do not change', () => {
    expect(find('Deployment demo/db').effects[0]).toMatch(/^pods roll .*proxy version changed/);
    expect(diff.changes.find((c) => c.object === 'Deployment demo/web')).toBeUndefined();
  });

  test('the mesh configuration document is compared field by field', () => {
    expect(find('ConfigMap linkerd/linkerd-config').fields).toEqual(expect.arrayContaining([
      'data.values.controllerReplicas: 1 -> 3', 'data.values.linkerdVersion: edge-26.8.3 -> edge-26.9.1',
    ]));
  });

  test('the policy change adds an authentication and an authorization, which take effect without restarts', () => {
    const added = diff.changes.filter((c) => c.type === ObjectChangeType.ADDED).map((c) => c.object);
    expect(added).toEqual(['MeshTLSAuthentication demo/sa-admin', 'AuthorizationPolicy demo/api-http-from-sa-admin']);
    expect(find('AuthorizationPolicy demo/api-http-from-sa-admin').disruptive).toBe(false);
  });

  test('in apply order (sync waves), with a summary line', () => {
    const kinds = diff.changes.map((c) => c.object.split(' ')[0]);
    expect(kinds.indexOf('Deployment')).toBeLessThan(kinds.indexOf('AuthorizationPolicy'));
    expect(diff.summary()).toMatch(/^\d+ changed, 2 added, 0 removed; \d+ workloads roll, 0 certificates rotate, 0 CRD version changes, \d+ disruptive$/);
  });

  test('cdk8s-linkerd diff prints the plan and exits 3 for disruptive changes; 0 for identical synths', () => {
    const result = cli(['diff', before, after]);
    expect(result.status).toBe(3);
    expect(result.stdout).toMatch(/^~! Deployment linkerd\/linkerd-destination \(apps\)\n {6}pods roll/m);
    expect(result.stdout).toMatch(/^\+  AuthorizationPolicy demo\/api-http-from-sa-admin \(policy\.linkerd\.io\)\n {6}created$/m);
    expect(result.stdout).toMatch(/\ndiff: \d+ changed, 2 added, 0 removed; .*\n$/);
    const same = cli(['diff', before, synthTo(path.join(root, 'same'), () => mesh())]);
    expect(same).toEqual({ status: 0, stdout: `diff: no changes between ${before} and ${path.join(root, 'same', 'dist')}\n`, stderr: '' });
  });

  test('--json carries the same plan', () => {
    const result = cli(['diff', before, after, '--json']);
    const plan = JSON.parse(result.stdout);
    expect(plan.sets).toHaveLength(1);
    expect(plan.sets[0].changes.map((c: any) => c.object)).toEqual(diff.changes.map((c) => c.object));
  });
});

describe('UpgradeDiff effects', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-diff-'));

  test('a new issuer certificate rotates: who signs from now on; certificate data is never printed', () => {
    const before = objectsOf(synthTo(path.join(root, 'a'), () => mesh()));
    const after = objectsOf(synthTo(path.join(root, 'b'), () => mesh({ issuerNotBefore: '2026-12-01T00:00:00Z' })));
    const issuer = UpgradeDiff.between(before, after).changes.find((c) => c.object === 'Secret linkerd/linkerd-identity-issuer')!;
    expect(issuer.certificateRotates).toBe(true);
    expect(issuer.effects[0]).toMatch(/^certificate crt\.pem rotates: CN=identity\.linkerd\.cluster\.local valid until 2027-11-01T00:00:00\.000Z -> CN=identity\.linkerd\.cluster\.local valid until 2027-12-01T00:00:00\.000Z$/);
    expect(issuer.effects[1]).toMatch(/identity controller loads the new issuer/);
    expect(issuer.fields).toEqual(['data.crt.pem: (secret data changed)', 'data.key.pem: (secret data changed)']);
  });

  test('removed objects, CRD versions and immutable selectors are disruptive', () => {
    const crd = (versions: any[]) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'servers.policy.linkerd.io' }, spec: { group: 'policy.linkerd.io', names: { kind: 'Server' }, versions } });
    const deployment = (app: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } } });
    const gone = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old' } };
    const diff = UpgradeDiff.between(
      [crd([{ name: 'v1beta1', served: true, storage: true }, { name: 'v1beta2', served: true, storage: false }]), deployment('web'), gone],
      [crd([{ name: 'v1beta2', served: true, storage: true }, { name: 'v1beta3', served: true, storage: false }]), deployment('web2')],
    );
    const byObject = Object.fromEntries(diff.changes.map((c) => [c.object, c]));
    expect(byObject['CustomResourceDefinition servers.policy.linkerd.io'].effects).toEqual([
      'storage version becomes v1beta2: objects are stored as v1beta2 when next written; existing ones keep their stored version until then',
      'version v1beta3 added, served',
      'version v1beta1 removed: objects still stored as v1beta1 can no longer be read; migrate them first',
    ]);
    expect(byObject['CustomResourceDefinition servers.policy.linkerd.io'].crdVersionsChange).toBe(true);
    expect(byObject['Deployment shop/web'].effects[0]).toMatch(/^spec\.selector is immutable/);
    expect(byObject['Namespace old'].type).toBe(ObjectChangeType.REMOVED);
    expect(byObject['Namespace old'].effects).toContain('deleting the namespace deletes everything in it');
    expect(diff.changes.every((c) => c.disruptive)).toBe(true);
  });

  test('usage errors exit 2 with the usage text', () => {
    const result = cli(['diff', root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^cdk8s-linkerd: diff needs two directories \(OLD_DIR NEW_DIR\), got 1\nusage: cdk8s-linkerd diff OLD_DIR NEW_DIR/);
    expect(cli(['diff', root, path.join(root, 'missing')]).status).toBe(2);
  });
});
