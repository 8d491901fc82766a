import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LinkerdConfigError } from '../../src/errors';
import { KeyMaterial } from '../../src/identity/key-material';
import { PrivateKeyEncoding } from '../../src/identity/private-key';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-state-'));
}

const LABEL = 'trust-anchor:root.linkerd.cluster.local';
const hex = (km: KeyMaterial, label = LABEL) => Buffer.from(km.ecdsaP256Key(label).publicKey).toString('hex');
const state = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));

describe('KeyMaterial.fromStateDirectory', () => {
  test('creates the directory once, with a .gitignore that keeps it out of Git, and one 0600 key file per label', () => {
    // GIVEN
    const dir = path.join(tempDir(), '.linkerd-state');
    // WHEN
    const km = KeyMaterial.fromStateDirectory(dir);
    const pem = km.ecdsaP256Key(LABEL).toPem(PrivateKeyEncoding.PKCS8);
    km.ecdsaP256Key('identity-issuer:identity.linkerd.cluster.local');
    // THEN
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('*\n');
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toMatch(/Never commit it/);
    const listed = state(dir);
    expect(listed.format).toBe('cdk8s-linkerd/state/v1');
    expect(listed.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Object.keys(listed.keys)).toEqual(['identity-issuer:identity.linkerd.cluster.local', LABEL]);
    const file = path.join(dir, listed.keys[LABEL].file);
    expect(fs.readFileSync(file, 'utf8')).toBe(pem);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o077).toBe(0);
  });

  test('reads the same keys back on every later synth, and defaults notBefore to the creation time', () => {
    // GIVEN
    const dir = tempDir();
    const first = KeyMaterial.fromStateDirectory(dir);
    const key = hex(first);
    // WHEN
    const again = KeyMaterial.fromStateDirectory(dir, { create: false });
    // THEN
    expect(hex(again)).toBe(key);
    expect(again.notBefore.toISOString().replace('.000Z', 'Z')).toBe(state(dir).createdAt);
    expect(KeyMaterial.fromStateDirectory(dir, { notBefore: '2027-01-01' }).notBefore.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  test('keys are random: two directories never share a key', () => {
    expect(hex(KeyMaterial.fromStateDirectory(tempDir()))).not.toBe(hex(KeyMaterial.fromStateDirectory(tempDir())));
  });

  test('an empty directory is initialized', () => {
    const dir = tempDir();
    KeyMaterial.fromStateDirectory(dir).ecdsaP256Key(LABEL);
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(true);
  });

  describe('never regenerates a key', () => {
    test('fails when a listed key file is missing, and does not recreate it', () => {
      // GIVEN
      const dir = tempDir();
      hex(KeyMaterial.fromStateDirectory(dir));
      const file = path.join(dir, state(dir).keys[LABEL].file);
      fs.rmSync(file);
      // WHEN
      const read = () => KeyMaterial.fromStateDirectory(dir).ecdsaP256Key(LABEL);
      // THEN
      expect(read).toThrow(LinkerdConfigError);
      expect(read).toThrow(/^KeyMaterial\.fromStateDirectory: key "trust-anchor:root\.linkerd\.cluster\.local": .* is missing, though state\.json lists it\. Fix: restore the state directory from your backup/);
      expect(fs.existsSync(file)).toBe(false);
    });

    test('fails when a key file is damaged', () => {
      const dir = tempDir();
      hex(KeyMaterial.fromStateDirectory(dir));
      fs.writeFileSync(path.join(dir, state(dir).keys[LABEL].file), 'garbage');
      expect(() => KeyMaterial.fromStateDirectory(dir).ecdsaP256Key(LABEL)).toThrow(/is not an ECDSA P-256 private key/);
    });

    test('fails when a key file holds another key than the one listed', () => {
      const dir = tempDir();
      const km = KeyMaterial.fromStateDirectory(dir);
      km.ecdsaP256Key(LABEL);
      km.ecdsaP256Key('other');
      const listed = state(dir).keys;
      fs.copyFileSync(path.join(dir, listed.other.file), path.join(dir, listed[LABEL].file));
      expect(() => KeyMaterial.fromStateDirectory(dir).ecdsaP256Key(LABEL)).toThrow(/holds another key than the one state\.json lists for it/);
    });

    test('fails when state.json is damaged or lost', () => {
      // GIVEN
      const damaged = tempDir();
      hex(KeyMaterial.fromStateDirectory(damaged));
      fs.writeFileSync(path.join(damaged, 'state.json'), '{ "format": "something else" }');
      const lost = tempDir();
      hex(KeyMaterial.fromStateDirectory(lost));
      fs.rmSync(path.join(lost, 'state.json'));
      // WHEN / THEN
      expect(() => KeyMaterial.fromStateDirectory(damaged)).toThrow(/is not a cdk8s-linkerd\/state\/v1 state file/);
      expect(() => KeyMaterial.fromStateDirectory(lost)).toThrow(/exists but has no state\.json/);
    });

    test('refuses to overwrite a key file that state.json does not list', () => {
      const dir = tempDir();
      const km = KeyMaterial.fromStateDirectory(dir);
      km.ecdsaP256Key(LABEL);
      const listed = state(dir);
      fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ ...listed, keys: {} }));
      expect(() => KeyMaterial.fromStateDirectory(dir).ecdsaP256Key(LABEL)).toThrow(/exists but state\.json does not list it/);
    });

    test('with create: false, a missing directory or an unknown label fails instead of making keys', () => {
      // GIVEN
      const missing = path.join(tempDir(), 'nothing-here');
      const dir = tempDir();
      hex(KeyMaterial.fromStateDirectory(dir));
      // WHEN / THEN
      expect(() => KeyMaterial.fromStateDirectory(missing, { create: false })).toThrow(/does not exist \(or is empty\), and create is false/);
      expect(fs.existsSync(missing)).toBe(false);
      expect(() => KeyMaterial.fromStateDirectory(dir, { create: false }).ecdsaP256Key('new-label')).toThrow(/key "new-label": is not in .*state\.json, and create is false/);
    });
  });

  test('fails on a path that is a file, or no path', () => {
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, 'x');
    expect(() => KeyMaterial.fromStateDirectory(file)).toThrow(/is not a directory/);
    expect(() => KeyMaterial.fromStateDirectory('')).toThrow(/directory: "" is not a directory path/);
  });
});
