import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEMO_PEM_DIRECTORY, DEMO_PEM_NOT_BEFORE, demoPem, exampleApps, ExampleMode, rotationApps, writeDemoPem,
} from '../../examples';
import { KeyMaterial, runChecks, synthesizeManifests, writeManifests } from '../../src';
import { OUR_CRDS } from '../control-plane/fixtures';
import { conformCheck, daysAgo, itWithConform, privateKeyLocations } from '../identity/support';
import { hashDirectory, runNode } from '../support/determinism';
import { expectValidObjects } from '../support/k8s-schema';
import { parseManifests } from '../support/manifests';

const ROOT = path.resolve(__dirname, '..', '..');
const LIB = path.join(ROOT, 'lib');
const MODES: ExampleMode[] = ['generated', 'bring-your-own-pem', 'cluster-references', 'cert-manager'];

function tempDir(prefix = 'cdk8s-linkerd-example-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const synth = (mode: ExampleMode) => synthesizeManifests(exampleApps().find((e) => e.mode === mode)!.build());
const objectsOf = (mode: ExampleMode) => synth(mode).flatMap((f) => parseManifests(f.content));

describe('examples', () => {
  test('there is one example per identity mode', () => {
    expect(exampleApps().map((e) => e.mode)).toEqual(MODES);
  });

  describe.each(MODES)('%s', (mode) => {
    test('synthesizes twice to byte-identical output', () => {
      // GIVEN / WHEN
      const first = synth(mode);
      const second = synth(mode);
      // THEN
      expect(second).toEqual(first);
      expect(first.map((f) => f.name)).toEqual(['01-linkerd-control-plane.yaml']);
    });

    test('every object validates strictly against the Kubernetes, Linkerd, cert-manager and trust-manager schemas', () => {
      expectValidObjects(objectsOf(mode), { crds: OUR_CRDS });
    });

    test('our checks find nothing, judged a month after the demo certificates start', () => {
      expect(runChecks(objectsOf(mode), { now: new Date('2026-12-01T00:00:00Z') })).toEqual([]);
    });
  });

  test.each(['cluster-references', 'cert-manager'] as ExampleMode[])('%s: no PRIVATE KEY anywhere in the output, base64 decoded or not', (mode) => {
    // GIVEN
    const files = synth(mode);
    // THEN
    for (const file of files) expect(file.content).not.toMatch(/PRIVATE KEY/);
    expect(privateKeyLocations(files.flatMap((f) => parseManifests(f.content)))).toEqual([]);
  });

  test.each(['generated', 'bring-your-own-pem'] as ExampleMode[])('%s: private keys only in the issuer and webhook Secrets', (mode) => {
    expect(privateKeyLocations(objectsOf(mode))).toEqual([
      'Secret linkerd/linkerd-proxy-injector-k8s-tls.data.tls.key',
      'Secret linkerd/linkerd-sp-validator-k8s-tls.data.tls.key',
      'Secret linkerd/linkerd-policy-validator-k8s-tls.data.tls.key',
      'Secret linkerd/linkerd-identity-issuer.data.key.pem',
    ]);
  });

  test('the committed demo PEM files are what examples/demo-pem.ts makes', () => {
    const expected = demoPem(DEMO_PEM_NOT_BEFORE);
    expect(fs.readdirSync(DEMO_PEM_DIRECTORY).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, content] of Object.entries(expected)) expect(fs.readFileSync(path.join(DEMO_PEM_DIRECTORY, name), 'utf8')).toBe(content);
  });

  test('separate processes, time zones and (fake) dates write byte-identical examples, rotation steps included', () => {
    // GIVEN a script that writes every example the way `npm run synth` will
    const script = path.join(tempDir(), 'write-examples.js');
    fs.writeFileSync(script, `
      const path = require('path');
      const { exampleApps, rotationApps } = require(${JSON.stringify(path.join(LIB, 'examples'))});
      const { synthesizeManifests, writeManifests } = require(${JSON.stringify(path.join(LIB, 'src'))});
      // Without date-dependent checks: what is compared is the output, on dates the certificates are not valid at.
      for (const { mode, build } of [...exampleApps(), ...rotationApps()]) writeManifests(synthesizeManifests(build(), { checkDates: false }), path.join(process.env.OUT, mode));
    `);
    const a = tempDir();
    const b = tempDir();
    // WHEN
    const first = runNode(script, [], { OUT: a, TZ: 'Pacific/Kiritimati' }, { fakeDate: '2026-03-01T12:00:00Z' });
    const second = runNode(script, [], { OUT: b, TZ: 'America/Adak' }, { fakeDate: '2031-12-31T23:59:59Z' });
    // THEN
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(Object.keys(hashDirectory(a)).filter((f) => !f.endsWith('/.cdk8s-linkerd-files'))).toEqual([...MODES, ...rotationApps().map((r) => r.mode)].sort().map((m) => `${m}/01-linkerd-control-plane.yaml`));
    expect(hashDirectory(b)).toEqual(hashDirectory(a));
  });

  test('the generated example with a state directory: keys made once, then every synth, in any process, is identical', () => {
    // GIVEN a fresh state directory, filled by a first synth at one date
    const state = path.join(tempDir(), '.linkerd-state');
    const script = path.join(tempDir(), 'generated-with-state.js');
    fs.writeFileSync(script, `
      const { buildGeneratedExample } = require(${JSON.stringify(path.join(LIB, 'examples'))});
      const { KeyMaterial, synthesizeManifests, writeManifests } = require(${JSON.stringify(path.join(LIB, 'src'))});
      const keyMaterial = KeyMaterial.fromStateDirectory(process.env.STATE, { create: process.env.CREATE === 'true' });
      writeManifests(synthesizeManifests(buildGeneratedExample({ keyMaterial }), { checkDates: false }), process.env.OUT);
    `);
    const a = tempDir();
    const b = tempDir();
    const c = tempDir();
    // WHEN
    const created = runNode(script, [], { STATE: state, CREATE: 'true', OUT: a }, { fakeDate: '2026-11-01T08:30:00Z' });
    const later = runNode(script, [], { STATE: state, CREATE: 'false', OUT: b, TZ: 'Asia/Kolkata' }, { fakeDate: '2029-05-05T05:05:05Z' });
    const inProcess = synthesizeManifests(exampleApps({ keyMaterial: KeyMaterial.fromStateDirectory(state, { create: false }) })[0].build());
    writeManifests(inProcess, c);
    // THEN
    expect(created.stderr).toBe('');
    expect(later.stderr).toBe('');
    expect(hashDirectory(b)).toEqual(hashDirectory(a));
    expect(hashDirectory(c)).toEqual(hashDirectory(a));
    expect(JSON.parse(fs.readFileSync(path.join(state, 'state.json'), 'utf8')).createdAt).toBe('2026-11-01T08:30:00Z');
    expect(fs.readFileSync(path.join(a, '01-linkerd-control-plane.yaml'), 'utf8')).not.toMatch(/cdk8s-linkerd example mesh/);
  });

  test('the generated example with a state directory fails when a key file is lost', () => {
    const state = path.join(tempDir(), '.linkerd-state');
    synthesizeManifests(exampleApps({ keyMaterial: KeyMaterial.fromStateDirectory(state) })[0].build());
    const listed = JSON.parse(fs.readFileSync(path.join(state, 'state.json'), 'utf8')).keys;
    fs.rmSync(path.join(state, listed['trust-anchor:root.linkerd.cluster.local'].file));
    expect(() => exampleApps({ keyMaterial: KeyMaterial.fromStateDirectory(state) })[0].build()).toThrow(/is missing, though state\.json lists it/);
  });

  itWithConform('conform.py check finds no error in any example (certificates dated around today)', () => {
    // GIVEN demo PEM files and generated certificates that start two days ago
    const notBefore = daysAgo(2);
    const pemDirectory = tempDir();
    writeDemoPem(pemDirectory, notBefore);
    for (const { mode, build } of exampleApps({ notBefore, pemDirectory })) {
      const dir = path.join(tempDir(), mode);
      writeManifests(synthesizeManifests(build(), { now: new Date() }), dir);
      // WHEN
      const result = conformCheck(dir);
      // THEN
      expect({ mode, output: result.output }).toEqual({ mode, output: expect.stringMatching(/check: 0 errors, \d+ warnings over \d+ objects/) });
      expect(result.status).toBe(0);
    }
  });

  test('cdk8s-linkerd check passes on every example, as written', () => {
    const cli = path.join(LIB, 'src', 'cli.js');
    for (const { mode, build } of exampleApps()) {
      const dir = path.join(tempDir(), mode);
      writeManifests(synthesizeManifests(build()), dir);
      const result = runNode(cli, ['check', dir, '--now', '2026-12-01T00:00:00Z']);
      expect({ mode, stdout: result.stdout }).toEqual({ mode, stdout: expect.stringMatching(/^check: 0 errors, 0 warnings over \d+ objects\n$/) });
      expect(result.status).toBe(0);
    }
  });
});
