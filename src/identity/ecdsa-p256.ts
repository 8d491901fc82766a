import { createECDH, createHash, createHmac, createPrivateKey, KeyObject } from 'node:crypto';
import { bitString, objectIdentifier, sequence, smallInteger, Tag, tlv, unsignedInteger } from './der';

/**
 * ECDSA over P-256 with node:crypto (OpenSSL) doing the curve arithmetic, and signatures made
 * deterministic as RFC 6979 §3.2 specifies: the nonce comes from HMAC-SHA256 over the key and
 * the message digest, so the same key and message always give the same signature, byte for byte
 * what @noble/curves' `p256.sign(digest, key, { lowS: false, extraEntropy: false })` gives. node:crypto
 * cannot sign with a chosen nonce, so the signature is assembled here from `k·G`, which OpenSSL
 * computes (ECDH public key of the scalar k). Internal to `src/identity/`.
 */

/** Order of the P-256 base point. */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const PRIME256V1 = '1.2.840.10045.3.1.7';

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** 32 bytes, big-endian. */
export function bigIntTo32Bytes(n: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
}

/** Whether 32 bytes are a valid private scalar: in [1, n-1]. */
export function isValidScalar(scalar: Uint8Array): boolean {
  const d = bytesToBigInt(scalar);
  return scalar.length === 32 && d > 0n && d < P256_ORDER;
}

/** The key of a scalar, as an OpenSSL key object (SEC1 DER without the public key, which OpenSSL derives). */
export function privateKeyObject(scalar: Uint8Array): KeyObject {
  const der = sequence(smallInteger(1), tlv(Tag.OCTET_STRING, scalar), tlv(0xa0, objectIdentifier(PRIME256V1)));
  return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'sec1' });
}

/** The uncompressed public point `04 || x || y` of a scalar, `scalar·G` (OpenSSL's ECDH, which takes no key parsing). */
export function publicPointOf(scalar: Uint8Array): Uint8Array {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  return new Uint8Array(ecdh.getPublicKey());
}

/** DER SubjectPublicKeyInfo of a P-256 public point (id-ecPublicKey, prime256v1). */
export function subjectPublicKeyInfo(point: Uint8Array): Uint8Array {
  return sequence(sequence(objectIdentifier('1.2.840.10045.2.1'), objectIdentifier(PRIME256V1)), bitString(point));
}

/** The uncompressed public point `04 || x || y` of a key object. */
export function publicPoint(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return Uint8Array.from([4, ...Buffer.from(jwk.x as string, 'base64url'), ...Buffer.from(jwk.y as string, 'base64url')]);
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** a⁻¹ mod m (m prime, a not 0 mod m), by the extended Euclidean algorithm. */
function invert(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

/** RFC 6979 §3.2 nonce generator (HMAC_DRBG with SHA-256) for private key `x` and digest `h1`. */
function* nonces(x: Uint8Array, h1: Uint8Array): Generator<bigint> {
  const hmac = (key: Uint8Array, ...parts: Uint8Array[]) => {
    const h = createHmac('sha256', key);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  };
  const seed = Uint8Array.from([...x, ...bigIntTo32Bytes(mod(bytesToBigInt(h1), P256_ORDER))]);
  let v = new Uint8Array(32).fill(1);
  let k = new Uint8Array(32);
  k = hmac(k, v, Uint8Array.of(0), seed);
  v = hmac(k, v);
  k = hmac(k, v, Uint8Array.of(1), seed);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v);
    yield bytesToBigInt(v);
    k = hmac(k, v, Uint8Array.of(0));
    v = hmac(k, v);
  }
}

/** DER ECDSA-Sig-Value over SHA-256(message) with the private scalar `d`, deterministic per RFC 6979 (s not normalized to low-S). */
export function signDeterministic(scalar: Uint8Array, message: Uint8Array): Uint8Array {
  const digest = new Uint8Array(createHash('sha256').update(message).digest());
  const d = bytesToBigInt(scalar);
  const e = mod(bytesToBigInt(digest), P256_ORDER);
  for (const k of nonces(scalar, digest)) {
    if (k <= 0n || k >= P256_ORDER) continue;
    const r = mod(bytesToBigInt(publicPointOf(bigIntTo32Bytes(k)).subarray(1, 33)), P256_ORDER);
    if (r === 0n) continue;
    const s = mod(invert(k, P256_ORDER) * mod(e + r * d, P256_ORDER), P256_ORDER);
    if (s === 0n) continue;
    return sequence(unsignedInteger(bigIntTo32Bytes(r)), unsignedInteger(bigIntTo32Bytes(s)));
  }
  throw new Error('unreachable');
}

/**
 * A private scalar from at least 48 uniform bytes: (OS2IP(bytes) mod (n-1)) + 1, uniform on
 * [1, n-1] up to 2^-128 (FIPS 186-5 A.2.1), as @noble/curves' `mapHashToField`.
 */
export function scalarFromBytes(bytes: Uint8Array): Uint8Array {
  return bigIntTo32Bytes(mod(bytesToBigInt(bytes), P256_ORDER - 1n) + 1n);
}
