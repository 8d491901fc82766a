import { spawnSync } from 'child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Testing } from 'cdk8s';
import {
  ArgoCdAppOfApps, ArgoCdApplication, ArgoCdRetry, ArgoCdSource, ArgoCdSyncPolicy, Kustomization, runSynth,
} from '../../src';
import { buildApp } from '../../src/main';
import { buildArgoCdExample } from '../../examples';
import { expectValidObjects } from '../support/k8s-schema';
import { parseManifests, readManifests } from '../support/manifests';

const ROOT = path.resolve(__dirname, '..', '..');
const ARGO_CRD_FILE = path.join(ROOT, 'crds', 'vendor', 'argo-cd', 'application-crd.yaml');
const ARGO_CRD = readManifests(ARGO_CRD_FILE);
const K8S_SCHEMA = path.resolve(ROOT, '..', 'shared', 'conformance', 'k8s-schema.py');
const REPO = 'https://github.com/acme/platform.git';

/** Why a tool-dependent test cannot run here, or undefined when it can. */
function missing(command: string, args: string[], what: string): string | undefined {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return run.error || run.status !== 0 ? `${what} not found (${command} ${args.join(' ')} failed)` : undefined;
}
const NO_KUBECTL = missing('kubectl', ['version', '--client'], 'kubectl (Debian package "kubectl"; .ci/run installs it when apt can)');
const NO_K8S_SCHEMA = fs.existsSync(K8S_SCHEMA) ? missing('python3', ['-c', 'import yaml'], 'python3 with PyYAML') : `${K8S_SCHEMA} not found`;
/** `test`, or `test.skip` with the reason in its name. */
const testWith = (reason: string | undefined) => (name: string, fn: () => void) => (reason ? test.skip(`${name} [skipped: ${reason}]`, fn) : test(name, fn));

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-argo-'));
}

/** runSynth, quietly. */
function synth(...args: Parameters<typeof runSynth>): void {
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    runSynth(...args);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  expect(process.exitCode ?? 0).toBe(0);
}

/** `kubectl kustomize <dir>`, parsed. */
function kustomize(dir: string): any[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return parseManifests(run.stdout, `kubectl kustomize ${dir}`);
}

describe('ArgoCdApplication', () => {
  test('syncs automatically with prune, self-heal, prune-last and retries with backoff by default', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new ArgoCdApplication(chart, 'linkerd', { source: ArgoCdSource.directory({ repoUrl: REPO, path: 'dist' }) });
    // THEN
    const [application] = Testing.synth(chart);
    expect(application).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'linkerd', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: REPO, path: 'dist', targetRevision: 'HEAD', directory: { recurse: false } },
        destination: { server: 'https://kubernetes.default.svc' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m0s' } },
          syncOptions: ['PruneLast=true'],
        },
      },
    });
    expectValidObjects([application], { crds: ARGO_CRD });
  });

  test('takes a manual policy, its own retries and sync options, a wave and cascading deletion', () => {
    const chart = Testing.chart();
    new ArgoCdApplication(chart, 'app', {
      name: 'shop', namespace: 'gitops', project: 'platform', destinationNamespace: 'shop', syncWave: 2, cascadeDelete: true,
      source: ArgoCdSource.kustomize({ repoUrl: REPO, path: 'overlays/prod', targetRevision: 'v1.2.0' }),
      syncPolicy: ArgoCdSyncPolicy.manual({ retry: ArgoCdRetry.backoff({ limit: 2, duration: Duration.seconds(30), maxDuration: Duration.minutes(10) }), syncOptions: ['CreateNamespace=true'] }),
    });
    const [application] = Testing.synth(chart);
    expect(application.metadata).toEqual({
      name: 'shop', namespace: 'gitops', annotations: { 'argocd.argoproj.io/sync-wave': '2' }, finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
    expect(application.spec.source).toEqual({ repoURL: REPO, path: 'overlays/prod', targetRevision: 'v1.2.0', kustomize: {} });
    expect(application.spec.syncPolicy).toEqual({ retry: { limit: 2, backoff: { duration: '30s', factor: 2, maxDuration: '10m0s' } }, syncOptions: ['CreateNamespace=true'] });
    expect(application.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expectValidObjects([application], { crds: ARGO_CRD });
  });

  test('fails on bad input with the field and the fix', () => {
    const chart = Testing.chart();
    expect(() => ArgoCdSource.directory({ repoUrl: '', path: 'dist' })).toThrow(/ArgoCdSource: repoUrl: is empty/);
    expect(() => ArgoCdSource.directory({ repoUrl: REPO, path: '../dist' })).toThrow(/path: "\.\.\/dist" is not a directory inside the repository/);
    expect(() => ArgoCdSyncPolicy.automated({ syncOptions: ['ServerSideApply'] })).toThrow(/syncOptions\[0\]: "ServerSideApply" is not a sync option/);
    expect(() => ArgoCdRetry.backoff({ limit: 0 })).toThrow(/limit: 0 is not a positive integer/);
    expect(() => new ArgoCdApplication(chart, 'Bad_Name', { source: ArgoCdSource.directory({ repoUrl: REPO, path: 'dist' }) })).toThrow(/Bad_Name: name: "Bad_Name" contains "_" and upper-case letters.*Fix: use "bad_name"/);
    expect(() => new ArgoCdApplication(chart, 'x', { source: ArgoCdSource.directory({ repoUrl: REPO, path: 'dist' }), syncWave: 1.5 })).toThrow(/syncWave: 1.5 is not a whole number/);
  });
});

describe('ArgoCdAppOfApps', () => {
  test('a root that watches its own directory, and children in wave order', () => {
    const app = new App();
    const apps = new ArgoCdAppOfApps(app, 'platform', { source: ArgoCdSource.kustomize({ repoUrl: REPO, path: 'argocd' }), project: 'platform' });
    apps.addApplication('linkerd', { source: ArgoCdSource.directory({ repoUrl: REPO, path: 'dist' }) });
    apps.addApplication('shop', { source: ArgoCdSource.directory({ repoUrl: REPO, path: 'apps/shop' }), project: 'shop' });
    const objects = Testing.synth(apps);
    expect(objects.map((o) => [o.metadata.name, o.metadata.annotations?.['argocd.argoproj.io/sync-wave'], o.spec.project, o.spec.source.path])).toEqual([
      ['platform', undefined, 'platform', 'argocd'],
      ['linkerd', '0', 'platform', 'dist'],
      ['shop', '1', 'shop', 'apps/shop'],
    ]);
  });
});

describe('the Argo CD example (argocd/ beside dist/)', () => {
  const objects = readManifests(path.join(ROOT, 'argocd', '01-linkerd-apps.yaml'));

  test('is an app of apps: the root watches argocd/ (a kustomization), the child syncs dist/ without its examples', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name} -> ${o.spec.source.path}`)).toEqual([
      'Application argocd/linkerd-apps -> argocd',
      'Application argocd/linkerd -> dist',
    ]);
    expect(objects[1].spec.source.directory).toEqual({ recurse: false });
    expect(fs.readFileSync(path.join(ROOT, 'argocd', 'kustomization.yaml'), 'utf8')).toBe(new Kustomization({ resources: ['01-linkerd-apps.yaml'] }).render());
  });

  test('validates against the vendored Argo CD CRD (ajv)', () => {
    expectValidObjects(objects, { crds: ARGO_CRD });
    expect(Testing.synth(buildArgoCdExample({ repoUrl: 'https://git.example.com/x.git' }).charts[0])[0].spec.source.repoURL).toBe('https://git.example.com/x.git');
  });

  testWith(NO_K8S_SCHEMA)('validates with ../shared/conformance/k8s-schema.py --crds <vendored Argo CD CRD>', () => {
    const run = spawnSync('python3', [K8S_SCHEMA, path.join(ROOT, 'argocd', '01-linkerd-apps.yaml'), '--crds', ARGO_CRD_FILE, '--require-schemas'], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toMatch(/k8s-schema: 2 objects, 0 invalid/);
    expect(run.status).toBe(0);
  });

  testWith(NO_KUBECTL)('kubectl kustomize over argocd/ yields exactly its Applications', () => {
    expect(kustomize(path.join(ROOT, 'argocd'))).toEqual(objects);
  });
});

describe('Kustomization', () => {
  testWith(NO_KUBECTL)('kubectl kustomize over a synthesized mesh with kustomization: true yields exactly the synthesized objects, in order', () => {
    // GIVEN the default mesh synthesized with a kustomization.yaml, beside a file of the user's
    const dist = path.join(tempDir(), 'dist');
    synth([{ build: buildApp, kustomization: true }], dist, { now: new Date('2026-12-01T00:00:00Z') });
    const files = fs.readdirSync(dist).filter((f) => /^\d+-.*\.yaml$/.test(f)).sort();
    expect(files).toEqual(['01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml', '03-observability.yaml', '04-linkerd-viz.yaml', '05-demo.yaml']);
    // WHEN
    const built = kustomize(dist);
    // THEN
    const synthesized = files.flatMap((f) => readManifests(path.join(dist, f)));
    expect(built.length).toBe(synthesized.length);
    expect(built).toEqual(synthesized);
  });
});
