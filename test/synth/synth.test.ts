import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { LinkerdControlPlane, runSynth } from '../../src';
import { hashDirectory, runNode } from '../support/determinism';
import { readManifests } from '../support/manifests';
import { expectValidObjects } from '../support/k8s-schema';
import { linkerdCrdManifests } from '../../src';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'src', 'main.js');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-'));
}

describe('npm run synth', () => {
  beforeAll(() => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the tests with \`npm test\`, which compiles first`);
  });

  test('two synths in different time zones, on different (fake) dates, are byte-identical', () => {
    // GIVEN
    const a = tempDir();
    const b = tempDir();
    // WHEN
    const first = runNode(MAIN, [], { CDK8S_OUTDIR: a, TZ: 'Pacific/Kiritimati' }, { fakeDate: '2026-03-01T12:00:00Z' });
    const second = runNode(MAIN, [], { CDK8S_OUTDIR: b, TZ: 'America/Adak' }, { fakeDate: '2031-12-31T23:59:59Z' });
    // THEN
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(hashDirectory(b)).toEqual(hashDirectory(a));
  });

  test('the committed dist/ is what `npm run synth` writes', () => {
    const out = tempDir();
    const result = runNode(MAIN, [], { CDK8S_OUTDIR: out });
    expect(result.status).toBe(0);
    expect(hashDirectory(path.join(ROOT, 'dist'))).toEqual(hashDirectory(out));
  });

  test('writes one file per chart, numbered in apply order, the policy graph, and one directory per identity example', () => {
    const out = tempDir();
    runNode(MAIN, [], { CDK8S_OUTDIR: out });
    expect(Object.keys(hashDirectory(out))).toEqual([
      '01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml', '03-linkerd-viz.yaml', '04-observability.yaml', '05-demo.yaml',
      'examples/bring-your-own-pem/01-linkerd-control-plane.yaml',
      'examples/cert-manager/01-linkerd-control-plane.yaml',
      'examples/cluster-references/01-linkerd-control-plane.yaml',
      'examples/generated/01-linkerd-control-plane.yaml',
      'mesh-policy.json', 'mesh-policy.md',
    ]);
  });

  test('every object of the default mesh validates against the Kubernetes schemas and our CRDs', () => {
    const objects = ['01-linkerd-crds.yaml', '02-linkerd-control-plane.yaml', '03-linkerd-viz.yaml', '04-observability.yaml', '05-demo.yaml'].flatMap((f) => readManifests(path.join(ROOT, 'dist', f)));
    expect(objects.length).toBeGreaterThan(40);
    expectValidObjects(objects, { crds: linkerdCrdManifests() });
  });
});

describe('runSynth', () => {
  test('fails on bad input with one line naming the construct and field, and leaves the output untouched', () => {
    // GIVEN an output directory from an earlier, good synth
    const out = tempDir();
    fs.writeFileSync(path.join(out, '01-previous.yaml'), 'kind: Previous\n');
    const before = hashDirectory(out);
    const stderr: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { stderr.push(String(chunk)); return true; });
    // WHEN a build fails deep in the second chart
    try {
      runSynth(() => {
        const app = new App();
        new LinkerdControlPlane(app, 'linkerd-control-plane', { identity: {} as any, controllerReplicas: 0 } as any);
        return app;
      }, out);
    } finally {
      write.mockRestore();
    }
    // THEN
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    expect(stderr.join('')).toMatch(/synth failed, nothing was written\.\nlinkerd-control-plane: /);
    expect(stderr.join('')).not.toMatch(/\n\s+at /);
    expect(hashDirectory(out)).toEqual(before);
  });

  test('replaces the output directory as a whole', () => {
    const out = tempDir();
    fs.writeFileSync(path.join(out, 'stale.yaml'), 'kind: Stale\n');
    const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      runSynth(() => {
        const app = new App();
        return app;
      }, out);
    } finally {
      log.mockRestore();
    }
    expect(fs.readdirSync(out).sort()).toEqual(['mesh-policy.json', 'mesh-policy.md']);
  });
});
