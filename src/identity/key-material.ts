import { hkdfSync } from 'node:crypto';
import { LinkerdConfigError } from '../errors';
import { scalarFromBytes } from './ecdsa-p256';
import { guardProps, required } from '../guards';
import { SEED_KEY_MATERIAL_PROPS, STATE_DIRECTORY_OPTIONS } from './identity-guards';
import { EcdsaP256Key } from './private-key';
import { parseNotBefore } from './source-support';
import { StateDirectory } from './state-directory';

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
 * Two kinds exist: `KeyMaterial.fromSeed` derives every key from one secret (demos, tests, and
 * users who keep the seed in a secret store), `KeyMaterial.fromStateDirectory` keeps randomly
 * generated keys in files of a local directory that stays out of Git. Either way, the same
 * key material gives the same certificates on every synth.
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

  /**
   * Keeps one randomly generated key per label in `directory` (e.g. `.linkerd-state`, which
   * this project's `.gitignore` covers; the directory also gets its own `.gitignore` so that it
   * stays out of Git in any repository). A key is created once, the first time its label is
   * asked for, and read back on every later synth; it is never regenerated: a key file that is
   * listed in the directory's `state.json` but missing or damaged fails the synth with what to
   * restore. Keep the directory in a backup or a secret store: losing it means new keys, and a
   * new trust anchor means a rotation.
   */
  public static fromStateDirectory(directory: string, options: StateDirectoryKeyMaterialOptions = {}): KeyMaterial {
    return new StateDirectoryKeyMaterial(directory, options);
  }

  /** Start of validity of every certificate generated from this key material (a copy). */
  public abstract get notBefore(): Date;

  /** The ECDSA P-256 key for `label`: always the same key for the same label. */
  public abstract ecdsaP256Key(label: string): EcdsaP256Key;
}

/** Options of `KeyMaterial.fromStateDirectory`. */
export interface StateDirectoryKeyMaterialOptions {
  /**
   * Start of validity of every certificate generated from this key material, as in
   * `SeedKeyMaterialProps.notBefore`.
   * @default - the time the state directory was created, as recorded in its `state.json`
   */
  readonly notBefore?: Date | string;

  /**
   * Whether keys may be created: the directory itself when it does not exist (or is empty), and
   * the key of a label asked for the first time. With `false` the directory is only read, and
   * a missing directory or key fails the synth. Pass `false` where the state must already exist,
   * e.g. in CI, so that a lost directory can never turn into new keys.
   * @default true
   */
  readonly create?: boolean;
}

const SCOPE = 'KeyMaterial.fromSeed';
const SALT = new TextEncoder().encode('cdk8s-linkerd/key-material/v1');
class SeedKeyMaterial extends KeyMaterial {
  private readonly seed: Uint8Array;
  private readonly start: Date;
  private readonly keys = new Map<string, EcdsaP256Key>();

  public constructor(props: SeedKeyMaterialProps) {
    super();
    guardProps(SCOPE, '', props, required(SEED_KEY_MATERIAL_PROPS));
    if (typeof props.seed !== 'string' || [...props.seed].length < 16) {
      throw new LinkerdConfigError(SCOPE, 'seed', 'is shorter than 16 characters',
        'use at least 16 characters, better 32 or more random ones (e.g. from "openssl rand -base64 32"), kept in a secret store');
    }
    this.seed = new TextEncoder().encode(props.seed);
    this.start = parseNotBefore(props.notBefore, SCOPE);
  }

  public get notBefore(): Date {
    return new Date(this.start.getTime());
  }

  public ecdsaP256Key(label: string): EcdsaP256Key {
    let key = this.keys.get(label);
    if (key === undefined) {
      // 48 bytes (256 + 128 bits) reduced modulo n-1, plus 1: uniform on [1, n-1] up to 2^-128.
      const okm = new Uint8Array(hkdfSync('sha256', this.seed, SALT, new TextEncoder().encode(label), 48));
      key = EcdsaP256Key.fromScalar(scalarFromBytes(okm));
      this.keys.set(label, key);
    }
    return key;
  }
}

class StateDirectoryKeyMaterial extends KeyMaterial {
  private readonly state: StateDirectory;
  private readonly start: Date;
  private readonly keys = new Map<string, EcdsaP256Key>();

  public constructor(directory: string, options: StateDirectoryKeyMaterialOptions) {
    super();
    guardProps('KeyMaterial.fromStateDirectory', 'options', options, STATE_DIRECTORY_OPTIONS);
    this.state = StateDirectory.open(directory, options.create ?? true);
    this.start = parseNotBefore(options.notBefore ?? this.state.createdAt, 'KeyMaterial.fromStateDirectory');
  }

  public get notBefore(): Date {
    return new Date(this.start.getTime());
  }

  public ecdsaP256Key(label: string): EcdsaP256Key {
    let key = this.keys.get(label);
    if (key === undefined) {
      key = this.state.key(label);
      this.keys.set(label, key);
    }
    return key;
  }
}
