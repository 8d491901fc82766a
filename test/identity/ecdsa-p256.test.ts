import { createHash, createPublicKey, verify } from 'node:crypto';
import { mapHashToField } from '@noble/curves/abstract/modular';
import { p256 } from '@noble/curves/nist';
import { P256_ORDER, privateKeyObject, publicPoint, publicPointOf, scalarFromBytes, signDeterministic, subjectPublicKeyInfo } from '../../src/identity/ecdsa-p256';

/** @noble/curves, an independent implementation of RFC 6979 over P-256, is the yardstick: the library no longer loads it. */
function bytes(seed: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i * 32 < length; i++) out.set(createHash('sha256').update(`${seed}/${i}`).digest().subarray(0, Math.min(32, length - i * 32)), i * 32);
  return out;
}

const sha256 = (m: Uint8Array) => new Uint8Array(createHash('sha256').update(m).digest());

describe('ECDSA P-256 with node:crypto', () => {
  test('RFC 6979 A.2.5: the test vector for P-256, SHA-256, "sample"', () => {
    const x = new Uint8Array(Buffer.from('C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721', 'hex'));
    const der = Buffer.from(signDeterministic(x, new TextEncoder().encode('sample'))).toString('hex');
    expect(der).toContain('efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716');
    expect(der).toContain('f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8');
  });

  test('signatures, public keys and scalars are the same as @noble/curves gives, for 200 keys and messages', () => {
    for (let i = 0; i < 200; i++) {
      const scalar = scalarFromBytes(bytes(`key ${i}`, 48));
      expect(scalar).toEqual(mapHashToField(bytes(`key ${i}`, 48), p256.CURVE.n));
      expect(publicPoint(privateKeyObject(scalar))).toEqual(p256.getPublicKey(scalar, false));
      expect(publicPointOf(scalar)).toEqual(p256.getPublicKey(scalar, false));
      expect(subjectPublicKeyInfo(publicPointOf(scalar))).toEqual(new Uint8Array(createPublicKey(privateKeyObject(scalar)).export({ type: 'spki', format: 'der' })));
      const message = bytes(`message ${i}`, (i * 37) % 700);
      const ours = signDeterministic(scalar, message);
      expect(ours).toEqual(p256.sign(sha256(message), scalar, { prehash: false, lowS: false, extraEntropy: false }).toBytes('der'));
      // and OpenSSL verifies it
      expect(verify('sha256', message, createPublicKey(privateKeyObject(scalar)), Buffer.from(ours))).toBe(true);
    }
  });

  test('edge scalars: 1 and n-1', () => {
    for (const d of [1n, P256_ORDER - 1n]) {
      const scalar = new Uint8Array(Buffer.from(d.toString(16).padStart(64, '0'), 'hex'));
      expect(publicPoint(privateKeyObject(scalar))).toEqual(p256.getPublicKey(scalar, false));
      expect(signDeterministic(scalar, Uint8Array.of(1, 2, 3))).toEqual(p256.sign(sha256(Uint8Array.of(1, 2, 3)), scalar, { prehash: false, lowS: false, extraEntropy: false }).toBytes('der'));
    }
  });
});
