import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { LinkerdConfigError } from '../../src/errors';
import { encodePem } from '../../src/identity/pem';
import {
  EcdsaP256Key, keyMatchesCertificate, parsePrivateKey, POLICY_CONTROLLER_KEY_ENCODINGS, PrivateKeyEncoding,
} from '../../src/identity/private-key';
import {
  describeWithReference, itWithOpenssl, keyMaterial, nodeKeyPair, openssl, reference,
} from './support';

describe('EcdsaP256Key', () => {
  const key = keyMaterial().ecdsaP256Key('private-key-test');

  test('writes SEC1 and PKCS#8 PEM of the same key', () => {
    // GIVEN / WHEN
    const sec1 = key.toPem(PrivateKeyEncoding.SEC1);
    const pkcs8 = key.toPem(PrivateKeyEncoding.PKCS8);
    // THEN
    expect(sec1).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+-----END EC PRIVATE KEY-----\n$/);
    expect(pkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    expect(parsePrivateKey('x', 'k', sec1)).toMatchObject({ encoding: PrivateKeyEncoding.SEC1, keyType: 'ec', namedCurve: 'P-256' });
    expect(parsePrivateKey('x', 'k', pkcs8)).toMatchObject({ encoding: PrivateKeyEncoding.PKCS8, keyType: 'ec', namedCurve: 'P-256' });
    expect(Buffer.from(EcdsaP256Key.fromPem(sec1).publicKey)).toEqual(Buffer.from(key.publicKey));
    expect(Buffer.from(EcdsaP256Key.fromPem(pkcs8).publicKey)).toEqual(Buffer.from(key.publicKey));
  });

  test('signs deterministically (RFC 6979) and node:crypto verifies the signature', () => {
    // GIVEN
    const message = new TextEncoder().encode('to be signed');
    // WHEN
    const a = key.sign(message);
    const b = key.sign(message);
    // THEN
    expect(Buffer.from(a)).toEqual(Buffer.from(b));
    const publicKey = createPublicKey({ key: Buffer.from(key.subjectPublicKeyInfo), format: 'der', type: 'spki' });
    expect(verify('sha256', message, publicKey, a)).toBe(true);
    expect(verify('sha256', new TextEncoder().encode('other'), publicKey, a)).toBe(false);
  });

  test('fails to read a key that is not EC P-256', () => {
    // GIVEN
    const p384 = nodeKeyPair({ type: 'ec', curve: 'P-384' }).privateKeyPem;
    // WHEN / THEN
    expect(() => EcdsaP256Key.fromPem(p384)).toThrow(/expected an EC P-256 private key/);
    expect(() => key.toPem(PrivateKeyEncoding.PKCS1)).toThrow(/PKCS#1 holds only RSA keys/);
  });

  itWithOpenssl('openssl reads both encodings', () => {
    // GIVEN / WHEN
    const out = openssl({ 'k.pem': key.toPem(PrivateKeyEncoding.SEC1) }, (d) => ['ec', '-in', `${d}/k.pem`, '-check', '-noout']);
    const text = openssl({ 'k.pem': key.toPem(PrivateKeyEncoding.PKCS8) }, (d) => ['pkey', '-in', `${d}/k.pem`, '-noout', '-text']);
    // THEN
    expect(out).toMatch(/EC Key valid/i);
    expect(text).toMatch(/prime256v1/);
  });
});

describe('parsePrivateKey', () => {
  test('reads RSA PKCS#1 keys', () => {
    // GIVEN
    const { privateKey } = nodeKeyPair({ type: 'rsa', bits: 2048 });
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    // WHEN / THEN
    expect(parsePrivateKey('x', 'k', pkcs1)).toMatchObject({ encoding: PrivateKeyEncoding.PKCS1, keyType: 'rsa' });
  });

  test('the policy controller does not load SEC1', () => {
    // GIVEN / WHEN / THEN
    expect(POLICY_CONTROLLER_KEY_ENCODINGS).not.toContain(PrivateKeyEncoding.SEC1);
    expect(POLICY_CONTROLLER_KEY_ENCODINGS).toContain(PrivateKeyEncoding.PKCS8);
  });

  test('fails when the first block is EC PARAMETERS (openssl ecparam -genkey output)', () => {
    // GIVEN
    const sec1 = keyMaterial().ecdsaP256Key('x').toPem(PrivateKeyEncoding.SEC1);
    const withParams = `${encodePem('EC PARAMETERS', Uint8Array.of(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07))}${sec1}`;
    // WHEN / THEN
    expect(() => parsePrivateKey('test/linkerd', 'identity.issuer.privateKeyPem', withParams))
      .toThrow(/test\/linkerd: identity\.issuer\.privateKeyPem: is not a private key: its first PEM block is "EC PARAMETERS"/);
  });

  test('fails on a certificate, on garbage and on a mislabelled key', () => {
    // GIVEN
    const pkcs8Der = Buffer.from(keyMaterial().ecdsaP256Key('x').toPem(PrivateKeyEncoding.PKCS8).split('\n').slice(1, -2).join(''), 'base64');
    // WHEN / THEN
    expect(() => parsePrivateKey('s', 'f', encodePem('CERTIFICATE', Uint8Array.of(1)))).toThrow(LinkerdConfigError);
    expect(() => parsePrivateKey('s', 'f', 'not pem')).toThrow(/s: f: is not a PEM private key: no PEM block found/);
    expect(() => parsePrivateKey('s', 'f', encodePem('RSA PRIVATE KEY', pkcs8Der))).toThrow(/s: f: is not a valid "RSA PRIVATE KEY" key/);
  });
});

describeWithReference('keyMatchesCertificate with the reference certificates', () => {
  test('the issuer key matches the issuer certificate, not the anchor', () => {
    // GIVEN
    const key = reference('issuer.key');
    // WHEN / THEN
    expect(keyMatchesCertificate(key, reference('issuer.crt'))).toBe(true);
    expect(keyMatchesCertificate(key, reference('ca.crt'))).toBe(false);
    expect(keyMatchesCertificate('garbage', reference('ca.crt'))).toBe(false);
    expect(new X509Certificate(reference('issuer.crt')).checkPrivateKey(parsePrivateKey('x', 'k', key).keyObject)).toBe(true);
  });
});
