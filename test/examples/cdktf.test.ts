import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashDirectory, runNode } from '../support/determinism';

const SCRIPT = path.resolve(__dirname, '..', '..', 'lib', 'examples', 'cdktf', 'main.js');

/** Runs the example as `cdktf synth` does (its cdktf.json `app`), into a fresh CDKTF_OUTDIR. */
function synthExample(env: Record<string, string> = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-cdktf-'));
  const result = runNode(SCRIPT, [], { CDKTF_OUTDIR: outdir, ...env });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return outdir;
}

const stackConfig = (outdir: string, stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));

describe('examples/cdktf', () => {
  beforeAll(() => {
    if (!fs.existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run the tests with \`npm test\`, which compiles first`);
  });

  test('cdktf.json runs the compiled example with node', () => {
    const cdktfJson = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'cdktf', 'cdktf.json'), 'utf8'));
    expect(cdktfJson).toMatchObject({ language: 'typescript', app: 'node ../../lib/examples/cdktf/main.js' });
  });

  test('synthesizes the CRD and mesh stacks and the helm stack, deterministically', () => {
    // WHEN the example is synthesized twice
    const first = synthExample();
    const second = synthExample();
    // THEN it has three stacks, the mesh one depending on the CRD one
    const manifest = JSON.parse(fs.readFileSync(path.join(first, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['linkerd-crds', 'linkerd-helm', 'linkerd-mesh']);
    expect(manifest.stacks['linkerd-mesh'].dependencies).toEqual(['linkerd-crds']);
    const crds = stackConfig(first, 'linkerd-crds');
    expect(Object.values(crds.resource.kubernetes_manifest).every((r: any) => r.manifest.kind === 'CustomResourceDefinition')).toBe(true);
    expect(Object.keys(stackConfig(first, 'linkerd-helm').resource.helm_release)).toEqual(['linkerd-control-plane', 'linkerd-crds']);
    expect(stackConfig(first, 'linkerd-mesh').resource.kubernetes_manifest['apps_Deployment_linkerd_linkerd-destination'].manifest.spec.replicas).toBe(3);
    // and the same bytes every time
    expect(hashDirectory(second)).toEqual(hashDirectory(first));
  });

  test('keys follow LINKERD_SEED', () => {
    const demo = stackConfig(synthExample(), 'linkerd-helm').resource.helm_release['linkerd-control-plane'].set_sensitive;
    const own = stackConfig(synthExample({ LINKERD_SEED: 'another seed of at least sixteen characters' }), 'linkerd-helm')
      .resource.helm_release['linkerd-control-plane'].set_sensitive;
    expect(own.map((s: any) => s.name)).toEqual(demo.map((s: any) => s.name));
    expect(own[0].value).not.toBe(demo[0].value);
  });
});
