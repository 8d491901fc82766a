import { createECDH, hkdfSync } from 'node:crypto';
import { LinkerdConfigError } from '../../src/errors';
import { KeyMaterial } from '../../src/identity/key-material';
import { PrivateKeyEncoding } from '../../src/identity/private-key';
import { keyMaterial, NOT_BEFORE, SEED } from './support';

describe('KeyMaterial.fromSeed', () => {
  test('the same seed and label give byte-identical keys', () => {
    // GIVEN
    const a = keyMaterial();
    const b = keyMaterial();
    // WHEN
    const pemA = a.ecdsaP256Key('trust-anchor:root.linkerd.cluster.local').toPem(PrivateKeyEncoding.SEC1);
    const pemB = b.ecdsaP256Key('trust-anchor:root.linkerd.cluster.local').toPem(PrivateKeyEncoding.SEC1);
    // THEN
    expect(pemA).toEqual(pemB);
    expect(pemA.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true);
  });

  test('different labels and different seeds give different keys', () => {
    // GIVEN
    const km = keyMaterial();
    const other = keyMaterial(`${SEED}!`);
    // WHEN
    const keys = [
      km.ecdsaP256Key('a').publicKey,
      km.ecdsaP256Key('b').publicKey,
      other.ecdsaP256Key('a').publicKey,
    ].map((k) => Buffer.from(k).toString('hex'));
    // THEN
    expect(new Set(keys).size).toEqual(3);
  });

  test('derivation is pinned: a change would silently replace every generated key', () => {
    // GIVEN
    const km = KeyMaterial.fromSeed({ seed: '0123456789abcdef', notBefore: '2026-01-01' });
    // WHEN
    const point = Buffer.from(km.ecdsaP256Key('label').publicKey).toString('hex');
    // THEN
    expect(point).toMatchSnapshot();
  });

  test('keys follow the documented derivation: HKDF-SHA256 to 48 bytes, mod (n-1), plus 1', () => {
    // GIVEN
    const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const okm = Buffer.from(hkdfSync('sha256', SEED, 'cdk8s-linkerd/key-material/v1', 'some-label', 48));
    const scalar = (BigInt(`0x${okm.toString('hex')}`) % (n - 1n)) + 1n;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(scalar.toString(16).padStart(64, '0'), 'hex'));
    // WHEN
    const ours = keyMaterial().ecdsaP256Key('some-label').publicKey;
    // THEN
    expect(Buffer.from(ours).toString('hex')).toEqual(ecdh.getPublicKey('hex', 'uncompressed'));
  });

  test('notBefore accepts a Date or ISO 8601 with a zone, and keeps whole seconds', () => {
    // GIVEN / WHEN / THEN
    expect(keyMaterial(SEED, '2026-01-01').notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
    expect(keyMaterial(SEED, '2026-01-01T02:00:00+02:00').notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
    expect(keyMaterial(SEED, new Date('2026-03-04T05:06:07.890Z')).notBefore.toISOString()).toEqual('2026-03-04T05:06:07.000Z');
    expect(keyMaterial(SEED, NOT_BEFORE).notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
  });

  test('notBefore returns a copy', () => {
    // GIVEN
    const km = keyMaterial();
    // WHEN
    km.notBefore.setUTCFullYear(2000);
    // THEN
    expect(km.notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
  });

  test('fails with a seed shorter than 16 characters', () => {
    // GIVEN / WHEN
    const make = () => KeyMaterial.fromSeed({ seed: 'too-short', notBefore: NOT_BEFORE });
    // THEN
    expect(make).toThrow(LinkerdConfigError);
    expect(make).toThrow(/KeyMaterial\.fromSeed: seed: is shorter than 16 characters/);
  });

  test.each([
    ['a time without a zone', '2026-01-01T00:00:00'],
    ['free text', 'January 1, 2026'],
    ['an impossible date', '2026-13-45'],
    ['an invalid Date', new Date('nope')],
  ])('fails with notBefore as %s', (_what, notBefore) => {
    // GIVEN / WHEN
    const make = () => KeyMaterial.fromSeed({ seed: SEED, notBefore });
    // THEN
    expect(make).toThrow(LinkerdConfigError);
    expect(make).toThrow(/KeyMaterial\.fromSeed: notBefore: /);
  });
});
