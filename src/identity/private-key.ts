import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { isValidScalar, publicPointOf, signDeterministic, subjectPublicKeyInfo } from './ecdsa-p256';
import { pemBlocks } from './pem';

/**
 * How a private key is written as PEM. Which one a consumer accepts differs:
 *
 * - the Go identity controller and the Go webhooks (proxy injector, sp-validator, viz) read the
 *   first PEM block with `pkg/tls` `DecodePEMKey`: SEC1, PKCS#1 and PKCS#8;
 * - the Rust policy controller serves the policy-validator webhook through kubert, which loads
 *   only PKCS#8 and PKCS#1 (`kubert/src/server/tls_rustls.rs`), so never SEC1 there.
 */
export enum PrivateKeyEncoding {
  /** SEC1 / RFC 5915, `-----BEGIN EC PRIVATE KEY-----`: what Linkerd writes for keys it generates. */
  SEC1 = 'SEC1',
  /** PKCS#8 / RFC 5208, `-----BEGIN PRIVATE KEY-----`: read by every Linkerd component. */
  PKCS8 = 'PKCS8',
  /** PKCS#1, `-----BEGIN RSA PRIVATE KEY-----` (RSA keys only). */
  PKCS1 = 'PKCS1',
}

const LABELS: Record<PrivateKeyEncoding, string> = {
  [PrivateKeyEncoding.SEC1]: 'EC PRIVATE KEY',
  [PrivateKeyEncoding.PKCS8]: 'PRIVATE KEY',
  [PrivateKeyEncoding.PKCS1]: 'RSA PRIVATE KEY',
};

const NODE_TYPES: Record<PrivateKeyEncoding, 'sec1' | 'pkcs8' | 'pkcs1'> = {
  [PrivateKeyEncoding.SEC1]: 'sec1',
  [PrivateKeyEncoding.PKCS8]: 'pkcs8',
  [PrivateKeyEncoding.PKCS1]: 'pkcs1',
};

/** The PEM label of an encoding, e.g. `EC PRIVATE KEY` for SEC1. */
export function privateKeyPemLabel(encoding: PrivateKeyEncoding): string {
  return LABELS[encoding];
}

/** A private key read from PEM, with what a consumer needs to know about it. */
export interface ParsedPrivateKey {
  /** Encoding of the first PEM block, the one Linkerd's Go loader reads. */
  readonly encoding: PrivateKeyEncoding;
  /** `ec`, `rsa`, … as node:crypto names it. */
  readonly keyType: string;
  /** For EC keys, the curve as Go and WebCrypto name it, e.g. `P-256`. */
  readonly namedCurve?: string;
  /** node:crypto handle to the key. */
  readonly keyObject: KeyObject;
}

const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp224r1: 'P-224',
};

/**
 * Parses a private key the way Linkerd's Go loader does: the first PEM block must be
 * `EC PRIVATE KEY`, `PRIVATE KEY` or `RSA PRIVATE KEY`, and must decode as that encoding.
 * Throws a LinkerdConfigError naming `field` otherwise.
 */
export function parsePrivateKey(scope: IConstruct | string, field: string, pem: string): ParsedPrivateKey {
  const fix = 'give an unencrypted PEM private key: "EC PRIVATE KEY" (SEC1), "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1) as the first block';
  let blocks;
  try {
    blocks = pemBlocks(typeof pem === 'string' ? pem : '');
  } catch (e) {
    throw new LinkerdConfigError(scope, field, `is not a PEM private key: ${(e as Error).message}`, fix);
  }
  if (blocks.length === 0) {
    throw new LinkerdConfigError(scope, field, 'is not a PEM private key: no PEM block found', fix);
  }
  const first = blocks[0];
  const encoding = (Object.keys(LABELS) as PrivateKeyEncoding[]).find((e) => LABELS[e] === first.label);
  if (encoding === undefined) {
    const hint = first.label === 'EC PARAMETERS'
      ? ' (output of "openssl ecparam -genkey" starts with EC PARAMETERS; add -noout or convert with "openssl pkcs8 -topk8 -nocrypt")'
      : '';
    throw new LinkerdConfigError(scope, field,
      `is not a private key: its first PEM block is "${first.label}"${hint}; Linkerd reads only the first block`, fix);
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: Buffer.from(first.der), format: 'der', type: NODE_TYPES[encoding] });
  } catch (e) {
    throw new LinkerdConfigError(scope, field, `is not a valid "${first.label}" key: ${(e as Error).message}`, fix);
  }
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  return {
    encoding,
    keyType: keyObject.asymmetricKeyType ?? 'unknown',
    namedCurve: curve === undefined ? undefined : CURVE_NAMES[curve] ?? curve,
    keyObject,
  };
}

/**
 * True when the private key in `keyPem` belongs to the first certificate in `certificatePem`
 * (their public keys are equal). False when either does not parse.
 */
export function keyMatchesCertificate(keyPem: string, certificatePem: string): boolean {
  try {
    const ours = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const theirs = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(ours, theirs) === 0;
  } catch {
    return false;
  }
}

/**
 * An ECDSA P-256 private key that signs deterministically: ECDSA over SHA-256 with the nonce
 * derived per RFC 6979, so the same key and message always give the same signature.
 */
export class EcdsaP256Key {
  /** The key whose secret scalar is `scalar` (32 bytes, big-endian, in [1, n-1]). */
  public static fromScalar(scalar: Uint8Array): EcdsaP256Key {
    if (!isValidScalar(scalar)) {
      throw new Error('EcdsaP256Key: the scalar must be 32 bytes in [1, n-1]');
    }
    return new EcdsaP256Key(Uint8Array.from(scalar));
  }

  /** Reads an EC P-256 private key from PEM (SEC1 or PKCS#8). Throws a plain Error for anything else. */
  public static fromPem(pem: string): EcdsaP256Key {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`EcdsaP256Key: expected an EC P-256 private key, got ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
    }
    const jwk = key.export({ format: 'jwk' });
    return EcdsaP256Key.fromScalar(new Uint8Array(Buffer.from(jwk.d as string, 'base64url')));
  }

  private readonly scalar: Uint8Array;
  private readonly point: Uint8Array;
  private key?: KeyObject;

  private constructor(scalar: Uint8Array) {
    this.scalar = scalar;
    this.point = publicPointOf(scalar);
  }

  /** The public key as an uncompressed point (65 bytes, `04 || x || y`). */
  public get publicKey(): Uint8Array {
    return Uint8Array.from(this.point);
  }

  /** DER SubjectPublicKeyInfo of the public key. */
  public get subjectPublicKeyInfo(): Uint8Array {
    return subjectPublicKeyInfo(this.point);
  }

  /** DER ECDSA-Sig-Value over SHA-256(message), deterministic per RFC 6979. */
  public sign(message: Uint8Array): Uint8Array {
    return signDeterministic(this.scalar, message);
  }

  /** The private key as PEM, ending in a newline. */
  public toPem(encoding: PrivateKeyEncoding): string {
    if (encoding === PrivateKeyEncoding.PKCS1) {
      throw new Error('EcdsaP256Key: PKCS#1 holds only RSA keys; use SEC1 or PKCS8');
    }
    return this.keyObject().export({ type: NODE_TYPES[encoding] as 'sec1' | 'pkcs8', format: 'pem' }) as string;
  }

  /** The node:crypto key, with the public key so that its PEM carries it, as keys written by Linkerd and OpenSSL do. */
  private keyObject(): KeyObject {
    this.key ??= createPrivateKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.from(this.point.subarray(1, 33)).toString('base64url'),
        y: Buffer.from(this.point.subarray(33, 65)).toString('base64url'),
        d: Buffer.from(this.scalar).toString('base64url'),
      },
      format: 'jwk',
    });
    return this.key;
  }
}

/**
 * Encodings the Go components load (`pkg/tls/codec.go` `DecodePEMKey`, first PEM block only):
 * the identity controller's issuer key and the proxy-injector, sp-validator and viz webhooks.
 */
export const GO_KEY_ENCODINGS: readonly PrivateKeyEncoding[] = [PrivateKeyEncoding.SEC1, PrivateKeyEncoding.PKCS1, PrivateKeyEncoding.PKCS8];

/**
 * Encodings the Rust policy controller loads for the policy-validator webhook (kubert
 * `server/tls_rustls.rs`: PKCS#8, else PKCS#1; exactly one key). SEC1 is not among them.
 */
export const POLICY_CONTROLLER_KEY_ENCODINGS: readonly PrivateKeyEncoding[] = [PrivateKeyEncoding.PKCS8, PrivateKeyEncoding.PKCS1];
