import { createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerdConfigError } from '../errors';
import { EcdsaP256Key } from './private-key';
import { compareText } from '../order';

/**
 * The files behind `KeyMaterial.fromStateDirectory`. Internal to `src/identity/`: not re-exported.
 *
 *   <directory>/.gitignore        "*": the directory stays out of Git wherever it is
 *   <directory>/README.md         what the directory is and how to keep it
 *   <directory>/state.json        format, creation time, and every key: label -> file, public key
 *   <directory>/keys/<name>.pem   one PKCS#8 private key per label, mode 0600
 *
 * `state.json` is the list of keys that must exist: a listed key whose file is missing, does not
 * parse, or holds another key fails loudly and is never replaced.
 */

const SCOPE = 'KeyMaterial.fromStateDirectory';
const FORMAT = 'cdk8s-linkerd/state/v1';
const STATE_FILE = 'state.json';
const README = `# cdk8s-linkerd state

This directory holds the private keys of the certificates cdk8s-linkerd generates (trust anchor,
identity issuer, webhooks), one PKCS#8 file per key under keys/, listed in state.json.

- Never commit it: the .gitignore next to this file keeps it out of Git.
- Back it up, or keep it in a secret store: every synth reads these keys, and a lost trust
  anchor key means a trust-anchor rotation.
- A key listed in state.json whose file is missing or damaged fails the synth; restore the file
  rather than deleting the entry, which would mint a new key.
`;

interface KeyEntry {
  readonly file: string;
  /** Uncompressed public point, hex: detects a key file replaced by another key. */
  readonly publicKey: string;
}

interface StateFile {
  readonly format: string;
  readonly createdAt: string;
  readonly keys: Record<string, KeyEntry>;
}

function fail(field: string, problem: string, fix: string): never {
  throw new LinkerdConfigError(SCOPE, field, problem, fix);
}

const RESTORE = 'restore the state directory from your backup; cdk8s-linkerd never replaces a key it created, since a new key means new certificates (and, for the trust anchor, a rotation)';

/** Write to a temporary file and rename, so that a crash never leaves a half-written file. */
function writeAtomically(file: string, content: string, mode: number): void {
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, content, { mode });
  fs.renameSync(temporary, file);
}

/** A file name for a label: readable, and unique through a hash of the exact label. */
function keyFileName(label: string): string {
  const readable = label.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'key';
  return `keys/${readable}-${createHash('sha256').update(label).digest('hex').slice(0, 12)}.pem`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export class StateDirectory {
  /** Opens `directory`, creating it (when `create`) if it does not exist or is empty. */
  public static open(directory: string, create: boolean): StateDirectory {
    if (typeof directory !== 'string' || directory.length === 0) {
      fail('directory', `${JSON.stringify(directory)} is not a directory path`, 'pass a path such as ".linkerd-state"');
    }
    const root = path.resolve(directory);
    const stateFile = path.join(root, STATE_FILE);
    if (!fs.existsSync(root) || (fs.statSync(root).isDirectory() && fs.readdirSync(root).length === 0)) {
      if (!create) {
        fail('directory', `${root} does not exist (or is empty), and create is false`,
          `${RESTORE}; to start a new state directory with new keys on purpose, pass create: true once`);
      }
      fs.mkdirSync(path.join(root, 'keys'), { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(root, '.gitignore'), '*\n');
      fs.writeFileSync(path.join(root, 'README.md'), README);
      const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      writeAtomically(stateFile, `${JSON.stringify({ format: FORMAT, createdAt, keys: {} }, null, 2)}\n`, 0o600);
    } else if (!fs.statSync(root).isDirectory()) {
      fail('directory', `${root} is not a directory`, 'pass the path of a directory (it is created when missing)');
    } else if (!fs.existsSync(stateFile)) {
      fail('directory', `${root} exists but has no ${STATE_FILE}: it is not a cdk8s-linkerd state directory, or ${STATE_FILE} was lost`,
        `${RESTORE}; or point fromStateDirectory at another (new or empty) directory`);
    }
    return new StateDirectory(root, create, StateDirectory.read(stateFile));
  }

  private static read(stateFile: string): StateFile {
    let parsed: any;
    try {
      parsed = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    } catch (e) {
      fail('directory', `${stateFile} is not valid JSON (${(e as Error).message})`, RESTORE);
    }
    const keysValid = parsed && typeof parsed.keys === 'object' && parsed.keys !== null
      && Object.values(parsed.keys).every((k: any) => k && typeof k.file === 'string' && typeof k.publicKey === 'string');
    if (!parsed || parsed.format !== FORMAT || typeof parsed.createdAt !== 'string' || !keysValid) {
      fail('directory', `${stateFile} is not a ${FORMAT} state file (damaged, or written by another tool)`, RESTORE);
    }
    return parsed as StateFile;
  }

  /** When the directory was created (ISO 8601, whole seconds): the default `notBefore`. */
  public readonly createdAt: string;

  private constructor(private readonly root: string, private readonly create: boolean, private state: StateFile) {
    this.createdAt = state.createdAt;
  }

  /** The key of `label`: read back when it is listed, else created (when allowed) and listed. */
  public key(label: string): EcdsaP256Key {
    const entry = this.state.keys[label];
    return entry === undefined ? this.createKey(label) : this.readKey(label, entry);
  }

  private readKey(label: string, entry: KeyEntry): EcdsaP256Key {
    const file = path.join(this.root, entry.file);
    if (!fs.existsSync(file)) {
      fail(`key "${label}"`, `${file} is missing, though ${STATE_FILE} lists it`, RESTORE);
    }
    let key: EcdsaP256Key;
    try {
      key = EcdsaP256Key.fromPem(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      fail(`key "${label}"`, `${file} is not an ECDSA P-256 private key (${(e as Error).message})`, RESTORE);
    }
    if (hex(key.publicKey) !== entry.publicKey) {
      fail(`key "${label}"`, `${file} holds another key than the one ${STATE_FILE} lists for it`, RESTORE);
    }
    return key;
  }

  private createKey(label: string): EcdsaP256Key {
    if (!this.create) {
      fail(`key "${label}"`, `is not in ${path.join(this.root, STATE_FILE)}, and create is false`,
        'run once with create: true to add the key (a new certificate needs a new key), or restore the state directory from your backup');
    }
    const relative = keyFileName(label);
    const file = path.join(this.root, relative);
    if (fs.existsSync(file)) {
      fail(`key "${label}"`, `${file} exists but ${STATE_FILE} does not list it`, `${RESTORE}; cdk8s-linkerd does not overwrite it`);
    }
    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const key = EcdsaP256Key.fromPem(pem);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    // Re-read before writing, so that keys another synth added meanwhile are kept.
    const current = StateDirectory.read(path.join(this.root, STATE_FILE));
    this.state = { ...current, keys: { ...current.keys, [label]: { file: relative, publicKey: hex(key.publicKey) } } };
    const sorted = { ...this.state, keys: Object.fromEntries(Object.entries(this.state.keys).sort(([a], [b]) => compareText(a, b))) };
    writeAtomically(path.join(this.root, STATE_FILE), `${JSON.stringify(sorted, null, 2)}\n`, 0o600);
    return key;
  }
}
