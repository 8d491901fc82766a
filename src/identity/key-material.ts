import { mapHashToField } from '@noble/curves/abstract/modular';
import { p256 } from '@noble/curves/nist';
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha2';
import { LinkerdConfigError } from '../errors';
import { EcdsaP256Key } from './private-key';

/** Props of `KeyMaterial.fromSeed`. */
export interface SeedKeyMaterialProps {
  /**
   * Secret from which every private key is derived. At least 16 characters; use 32 or more
   * random characters (e.g. `openssl rand -base64 32`) for anything but a demo.
   *
   * **Whoever knows the seed knows every private key derived from it**: the trust anchor key,
   * the identity issuer key and the webhook keys. Keep it in a secret store and pass it in at
   * synth time (e.g. from an environment variable); never commit it.
   */
  readonly seed: string;

  /**
   * Start of validity of every certificate generated from this key material, as a Date or an
   * ISO 8601 string with an explicit zone (`2026-01-01`, `2026-01-01T00:00:00Z`,
   * `2026-01-01T00:00:00+02:00`). A fixed value keeps the output identical on every synth;
   * change it (or the seed) to issue new certificates. Sub-second precision is dropped:
   * X.509 times are whole seconds.
   */
  readonly notBefore: Date | string;
}

/**
 * Where the private keys of generated certificates come from, and when those certificates
 * start to be valid. A source such as `TrustAnchors.generated()` asks for one ECDSA P-256 key
 * per label (e.g. `trust-anchor:root.linkerd.cluster.local`); the same key material and label
 * always give the same key, so a synth never depends on randomness or on the clock.
 *
 * Only `KeyMaterial.fromSeed` exists today. It suits demos and tests, and users who keep the
 * seed in a secret store. Anyone with the seed has every private key. (A later
 * `KeyMaterial.fromStateDirectory(dir)` can keep randomly generated keys in files instead,
 * behind the same two members.)
 */
export abstract class KeyMaterial {
  /**
   * Derives each key from `seed` with HKDF-SHA256 (salt `cdk8s-linkerd/key-material/v1`,
   * info = the label), mapped without bias onto a P-256 scalar in [1, n-1] (FIPS 186-5 A.2).
   *
   * **Anyone who has the seed has every private key derived from it.**
   */
  public static fromSeed(props: SeedKeyMaterialProps): KeyMaterial {
    return new SeedKeyMaterial(props);
  }

  /** Start of validity of every certificate generated from this key material (a copy). */
  public abstract get notBefore(): Date;

  /** The ECDSA P-256 key for `label`: always the same key for the same label. */
  public abstract ecdsaP256Key(label: string): EcdsaP256Key;
}

const SCOPE = 'KeyMaterial.fromSeed';
const SALT = new TextEncoder().encode('cdk8s-linkerd/key-material/v1');
// Date, or date-time with seconds optional, fraction optional and a mandatory zone: without
// a zone JavaScript reads the time in the local zone of the machine that synthesizes.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Parses and truncates to whole seconds; shared with the sources' validity checks. */
function parseNotBefore(value: Date | string): Date {
  const fix = 'give a Date or an ISO 8601 string with a zone, e.g. "2026-01-01T00:00:00Z"';
  let date: Date;
  if (value instanceof Date) {
    date = new Date(value.getTime());
  } else if (typeof value === 'string' && ISO_8601.test(value)) {
    date = new Date(value);
  } else {
    throw new LinkerdConfigError(SCOPE, 'notBefore', `${JSON.stringify(value)} is not an ISO 8601 date or date-time with a zone`, fix);
  }
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1950 || year > 9999) {
    throw new LinkerdConfigError(SCOPE, 'notBefore', `${JSON.stringify(value)} is not a valid date between the years 1950 and 9999`, fix);
  }
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

class SeedKeyMaterial extends KeyMaterial {
  private readonly seed: Uint8Array;
  private readonly start: Date;
  private readonly keys = new Map<string, EcdsaP256Key>();

  public constructor(props: SeedKeyMaterialProps) {
    super();
    if (typeof props.seed !== 'string' || [...props.seed].length < 16) {
      throw new LinkerdConfigError(SCOPE, 'seed', 'is shorter than 16 characters',
        'use at least 16 characters, better 32 or more random ones (e.g. from "openssl rand -base64 32"), kept in a secret store');
    }
    this.seed = new TextEncoder().encode(props.seed);
    this.start = parseNotBefore(props.notBefore);
  }

  public get notBefore(): Date {
    return new Date(this.start.getTime());
  }

  public ecdsaP256Key(label: string): EcdsaP256Key {
    let key = this.keys.get(label);
    if (key === undefined) {
      // 48 bytes (256 + 128 bits) reduced modulo n-1, plus 1: uniform on [1, n-1] up to 2^-128.
      const okm = hkdf(sha256, this.seed, SALT, new TextEncoder().encode(label), 48);
      key = EcdsaP256Key.fromScalar(mapHashToField(okm, p256.CURVE.n));
      this.keys.set(label, key);
    }
    return key;
  }
}
