import { spawnSync } from 'child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { LinkerdControlPlane, linkerdCrdManifests, runSynth } from '../../src';
import { hashDirectory, runNode } from '../support/determinism';
import { expectValidObjects } from '../support/k8s-schema';
import { readManifests } from '../support/manifests';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'src', 'main.js');
const CDK8S_CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
/** What `npm run synth` writes: dist/ and, beside it, reports/ and argocd/. */
const OUTPUTS = ['dist', 'reports', 'argocd'];

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-'));
}

/** Runs the synth entry point with its output in `<fresh dir>/dist`; returns that fresh directory. */
function synthMain(env: Record<string, string> = {}, fakeDate?: string): { root: string; status: number | null; stdout: string; stderr: string } {
  const root = tempDir();
  const result = runNode(MAIN, [], { CDK8S_OUTDIR: path.join(root, 'dist'), ...env }, { fakeDate });
  return { root, ...result };
}

/** runSynth with stdout and stderr captured; returns them and resets the exit code it set. */
function captureSynth(fn: () => void): { stdout: string; stderr: string; exitCode: number } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: any) => { stdout.push(String(c)); return true; });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => { stderr.push(String(c)); return true; });
  const before = process.exitCode;
  try {
    fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { stdout: stdout.join(''), stderr: stderr.join(''), exitCode };
}

/** An app whose one Deployment carries a misspelt proxy annotation. */
function typoApp(): App {
  const app = new App();
  const chart = new Chart(app, 'shop');
  LinkerdControlPlane.fromInstalled(chart, 'mesh');
  new ApiObject(chart, 'web', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-log-levl': 'debug' } },
        spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.0' }] },
      },
    },
  });
  return app;
}

describe('npm run synth', () => {
  beforeAll(() => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the tests with \`npm test\`, which compiles first`);
  });

  test('two synths in different time zones, on different (fake) dates, are byte-identical and report the same', () => {
    // GIVEN
    // WHEN
    const first = synthMain({ TZ: 'Pacific/Kiritimati' }, '2026-03-01T12:00:00Z');
    const second = synthMain({ TZ: 'America/Adak' }, '2031-12-31T23:59:59Z');
    // THEN the demo pins the date its certificates are judged at, so neither date fails it
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(first.stderr).toMatch(/^(WARNING [^\n]+\n)*cdk8s-linkerd: \d+ objects in \d+ files, \d+ warnings?\n$/);
    expect(second.stderr).toBe(first.stderr);
    expect(hashDirectory(second.root)).toEqual(hashDirectory(first.root));
  });

  test('the committed dist/, reports/ and argocd/ are what `npm run synth` writes', () => {
    const { root, status } = synthMain();
    expect(status).toBe(0);
    for (const dir of OUTPUTS) expect({ dir, files: hashDirectory(path.join(ROOT, dir)) }).toEqual({ dir, files: hashDirectory(path.join(root, dir)) });
  });

  test('dist/ holds only manifests (one file per chart, numbered in apply order, and the identity examples); reports and Argo CD Applications sit beside it', () => {
    const { root, stdout } = synthMain();
    expect(Object.keys(hashDirectory(path.join(root, 'dist')))).toEqual([
      '.cdk8s-linkerd-files', '01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml', '03-observability.yaml', '04-linkerd-viz.yaml', '05-demo.yaml',
      'examples/bring-your-own-pem/01-linkerd-control-plane.yaml',
      'examples/cert-manager/01-linkerd-control-plane.yaml',
      'examples/cluster-references/01-linkerd-control-plane.yaml',
      'examples/generated/01-linkerd-control-plane.yaml',
    ]);
    expect(Object.keys(hashDirectory(path.join(root, 'reports')))).toEqual(['.cdk8s-linkerd-files', 'mesh-policy.json', 'mesh-policy.md']);
    expect(Object.keys(hashDirectory(path.join(root, 'argocd')))).toEqual(['.cdk8s-linkerd-files', '01-linkerd-apps.yaml', 'kustomization.yaml']);
    // every written file is listed on stdout, the list of owned files is not
    expect(stdout.trim().split('\n')).toHaveLength(13);
  });

  test('every object of the default mesh validates against the Kubernetes schemas and our CRDs', () => {
    const objects = ['01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml', '03-observability.yaml', '04-linkerd-viz.yaml', '05-demo.yaml'].flatMap((f) => readManifests(path.join(ROOT, 'dist', f)));
    expect(objects.length).toBeGreaterThan(40);
    expectValidObjects(objects, { crds: linkerdCrdManifests() });
  });
});

describe('runSynth', () => {
  test('fails on bad input with one line naming the construct and field, and leaves the output untouched', () => {
    // GIVEN an output directory from an earlier, good synth
    const out = path.join(tempDir(), 'dist');
    captureSynth(() => runSynth(typoFreeApp, out));
    fs.writeFileSync(path.join(out, 'kustomization.yaml'), 'resources: []\n');
    const before = hashDirectory(out);
    // WHEN a build fails deep in the second chart
    const result = captureSynth(() => runSynth(() => {
      const app = new App();
      new LinkerdControlPlane(app, 'linkerd-control-plane', { identity: {} as any, controllerReplicas: 0 } as any);
      return app;
    }, out));
    // THEN
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/synth failed, nothing was written\.\nlinkerd-control-plane: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(hashDirectory(out)).toEqual(before);
  });

  test('an annotation typo fails runSynth, and prints nothing as written', () => {
    const out = path.join(tempDir(), 'dist');
    const result = captureSynth(() => runSynth(typoApp, out));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^cdk8s-linkerd: synth failed, nothing was written\.\nshop\/web: the annotation config\.linkerd\.io\/proxy-log-levl: ERROR L5D201 .*did you mean "config\.linkerd\.io\/proxy-log-level"/);
    expect(result.stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('replaces the files it wrote and removes those it no longer writes; foreign files survive', () => {
    // GIVEN a first synth with policy (so reports are written), and files of the user's beside its own
    const root = tempDir();
    const out = path.join(root, 'dist');
    const withPolicy = () => {
      const app = new App();
      const chart = new Chart(app, 'shop');
      new ApiObject(chart, 'server', { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'web', namespace: 'shop' }, spec: { podSelector: {}, port: 8080 } });
      return app;
    };
    captureSynth(() => runSynth(withPolicy, out, { checkDates: false }));
    expect(fs.readdirSync(path.join(root, 'reports')).sort()).toEqual(['.cdk8s-linkerd-files', 'mesh-policy.json', 'mesh-policy.md']);
    fs.writeFileSync(path.join(out, 'kustomization.yaml'), 'resources: [01-shop.yaml]\n');
    fs.writeFileSync(path.join(root, 'reports', 'NOTES.md'), 'mine\n');
    // WHEN the next synth has another chart and no policy
    const result = captureSynth(() => runSynth(() => {
      const app = new App();
      new ApiObject(new Chart(app, 'billing'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'billing' } });
      return app;
    }, out));
    // THEN
    expect(result.exitCode).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.cdk8s-linkerd-files', '01-billing.yaml', 'kustomization.yaml']);
    expect(fs.readFileSync(path.join(out, 'kustomization.yaml'), 'utf8')).toBe('resources: [01-shop.yaml]\n');
    expect(fs.readdirSync(path.join(root, 'reports'))).toEqual(['NOTES.md']);
    expect(result.stderr).toBe('cdk8s-linkerd: 1 objects in 1 files, 0 warnings\n');
  });

  test('refuses an output directory it did not create, and writes nothing anywhere', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'dist'));
    fs.writeFileSync(path.join(root, 'dist', 'app.yaml'), 'kind: Mine\n');
    const result = captureSynth(() => runSynth([
      { build: () => new App() },
      { outdir: 'argocd', build: () => new App(), kustomization: true },
    ], path.join(root, 'dist')));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/dist is not empty and was not created by cdk8s-linkerd \(it has no \.cdk8s-linkerd-files\)\. Fix: choose a new or empty output directory/);
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });

  test('a kustomization lists the files of its target', () => {
    const root = tempDir();
    captureSynth(() => runSynth([{ build: typoFreeApp, kustomization: true }], path.join(root, 'dist')));
    expect(fs.readFileSync(path.join(root, 'dist', 'kustomization.yaml'), 'utf8')).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - 01-shop.yaml\nsortOptions:\n  order: fifo\n');
  });
});

function typoFreeApp(): App {
  const app = new App();
  new ApiObject(new Chart(app, 'shop'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' } });
  return app;
}

describe('cdk8s synth (the cdk8s CLI, as cdk8s.yaml runs it)', () => {
  /** A project whose cdk8s.yaml runs an app like ours: `runSynth(build, 'dist')`, the CLI's output a scratch directory. */
  function project(typo: boolean): string {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node app.js\noutput: .cdk8s.out\n');
    fs.writeFileSync(path.join(dir, 'app.js'), `
      const { App, ApiObject, Chart } = require(${JSON.stringify(require.resolve('cdk8s'))});
      const { LinkerdControlPlane, runSynth } = require(${JSON.stringify(path.join(ROOT, 'lib', 'src'))});
      runSynth(() => {
        const app = new App();
        const chart = new Chart(app, 'shop');
        LinkerdControlPlane.fromInstalled(chart, 'mesh');
        const annotations = { 'linkerd.io/inject': 'enabled', ${typo ? "'config.linkerd.io/proxy-log-levl'" : "'config.linkerd.io/proxy-log-level'"}: 'debug' };
        new ApiObject(chart, 'web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
          spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' }, annotations },
            spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.0' }] } } } });
        return app;
      }, 'dist');
    `);
    return dir;
  }
  const cdk8sSynth = (cwd: string) => spawnSync(process.execPath, [CDK8S_CLI, 'synth', '--check-upgrade=false'], { cwd, encoding: 'utf8', timeout: 120_000 });

  test('writes dist/ safely, keeping foreign files, and gives the CLI a copy in its own directory', () => {
    // GIVEN a first synth, then a kustomization of the user's in dist/
    const dir = project(false);
    expect(cdk8sSynth(dir).status).toBe(0);
    fs.writeFileSync(path.join(dir, 'dist', 'kustomization.yaml'), 'resources: [01-shop.yaml]\n');
    // WHEN
    const again = cdk8sSynth(dir);
    // THEN
    expect(again.status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['.cdk8s-linkerd-files', '01-shop.yaml', 'kustomization.yaml']);
    expect(fs.readFileSync(path.join(dir, '.cdk8s.out', '01-shop.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'dist', '01-shop.yaml'), 'utf8'));
  });

  test('an annotation typo fails the checks: non-zero exit, dist/ untouched', () => {
    const dir = project(false);
    expect(cdk8sSynth(dir).status).toBe(0);
    const before = hashDirectory(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'app.js'), fs.readFileSync(path.join(project(true), 'app.js'), 'utf8'));
    const failed = cdk8sSynth(dir);
    expect(failed.status).not.toBe(0);
    expect(`${failed.stdout}${failed.stderr}`).toMatch(/ERROR L5D201 .*proxy-log-levl/);
    expect(hashDirectory(path.join(dir, 'dist'))).toEqual(before);
  });
});
