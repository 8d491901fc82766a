import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BLOCK = path.join(__dirname, 'block-cdktf.js');
const PEERS = ['cdktf', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'];

/** Runs a script with node in the repository root, optionally with the CDKTF packages unresolvable. */
function node(args: string[], options: { blockCdktf: boolean; env?: Record<string, string> }) {
  const preload = options.blockCdktf ? ['--require', BLOCK] : [];
  return spawnSync(process.execPath, [...preload, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '', TZ: 'UTC', LANG: 'C', ...options.env },
  });
}

function compiledModules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'cdktf' ? [] : compiledModules(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js'))) throw new Error('lib/ is missing: run the tests with `npm test`, which compiles first');
});

describe('CDK for Terraform packages are optional', () => {
  test('the package declares them as optional peers, installed here only as devDependencies', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const name of PEERS) {
      expect(pkg.peerDependencies[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(pkg.devDependencies[name]).toBeDefined();
      expect(pkg.dependencies[name]).toBeUndefined();
    }
    expect(pkg.exports['.']).toEqual({ types: './lib/src/index.d.ts', default: './lib/src/index.js' });
    expect(pkg.exports['./cdktf']).toEqual({ types: './lib/src/cdktf/index.d.ts', default: './lib/src/cdktf/index.js' });
    expect(pkg.main).toBe('lib/src/index.js');
    expect(pkg.types).toBe('lib/src/index.d.ts');
  });

  test('the core entry point and every core module load with the CDKTF packages unresolvable', () => {
    // GIVEN every compiled module outside lib/src/cdktf
    const modules = compiledModules(path.join(ROOT, 'lib', 'src')).filter((m) => !m.endsWith('cli.js'));
    const script = `
      const core = require('cdk8s-linkerd');
      if (typeof core.LinkerdControlPlane !== 'function') throw new Error('no LinkerdControlPlane');
      for (const m of ${JSON.stringify(modules)}) require(m);
      try { require('cdk8s-linkerd/cdktf'); console.log('cdktf entry loaded'); } catch (e) { console.log('cdktf entry: ' + e.code + ' ' + e.message); }`;
    // WHEN they are required with cdktf and the providers missing
    const result = node(['-e', script], { blockCdktf: true });
    // THEN the core loads, and only the optional entry point fails, for want of cdktf
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(modules.length).toBeGreaterThan(50);
    expect(result.stdout.trim()).toBe("cdktf entry: MODULE_NOT_FOUND Cannot find module 'cdktf'");
  });

  test('npm run synth and the check CLI work with the CDKTF packages unresolvable', () => {
    // dist/ inside a scratch directory: reports/ and argocd/ are written beside it
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-no-cdktf-')), 'dist');
    const synth = node(['lib/src/main.js', outdir], { blockCdktf: true });
    // stderr carries only the check warnings and the summary line, never a module error
    expect(synth.stderr).not.toMatch(/Cannot find module|unexpected error/);
    expect(synth.stderr).toMatch(/^cdk8s-linkerd: \d+ objects in \d+ files, \d+ warnings?\n$/m);
    expect(synth.status).toBe(0);
    expect(fs.readdirSync(outdir)).toEqual(expect.arrayContaining(['01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml']));
    const check = node(['lib/src/cli.js', 'check', outdir, '--now', 'none'], { blockCdktf: true });
    expect(check.stdout).toMatch(/check: 0 errors/);
    expect(check.status).toBe(0);
  });

  test('with the peers installed, cdk8s-linkerd/cdktf resolves through the exports map', () => {
    const result = node(['-e', "console.log(Object.keys(require('cdk8s-linkerd/cdktf')).sort().join(' '))"], { blockCdktf: false });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('KubernetesManifests LinkerdHelmReleases LinkerdManifestStacks MeshSource ObjectSelection');
  });
});
