import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicConstraintsExtension, ExtendedKeyUsageExtension, KeyUsagesExtension, SubjectAlternativeNameExtension,
} from '@peculiar/x509';
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  bitString, directoryString, explicit, objectIdentifier, sequence, set, smallInteger, time,
} from '../../src/identity/der';
import { KeyMaterial } from '../../src/identity/key-material';
import { encodePem } from '../../src/identity/pem';

/** Test helpers for test/identity; not a test file. */

export const REFERENCE_CERTS = '/work/shared/reference/edge-26.8.3/certs';
export const HAVE_REFERENCE = existsSync(join(REFERENCE_CERTS, 'ca.crt'));
/** `describe` when the reference certificates are present, else `describe.skip`. */
export const describeWithReference = HAVE_REFERENCE ? describe : describe.skip;

/** Reads a reference file at test time (never copied into the repository). */
export function reference(name: 'ca.crt' | 'ca.key' | 'issuer.crt' | 'issuer.key'): string {
  return readFileSync(join(REFERENCE_CERTS, name), 'utf8');
}

/** A construct at path `test/linkerd`, standing in for the control plane. */
export function scope(): Construct {
  return new Construct(Testing.chart(), 'linkerd');
}

export const SEED = 'test-seed-0123456789-abcdefghij';
export const NOT_BEFORE = '2026-01-01T00:00:00Z';

export function keyMaterial(seed = SEED, notBefore: Date | string = NOT_BEFORE): KeyMaterial {
  return KeyMaterial.fromSeed({ seed, notBefore });
}

const HAVE_OPENSSL = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
/** `it` when the openssl CLI is installed, else `it.skip`. */
export const itWithOpenssl = HAVE_OPENSSL ? it : it.skip;

/** Runs openssl with files written to a temporary directory; returns stdout and stderr; throws on a non-zero exit. */
export function openssl(files: Record<string, string>, args: (dir: string) => string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-linkerd-identity-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content);
    }
    const run = spawnSync('openssl', args(dir), { encoding: 'utf8' });
    if (run.status !== 0) {
      throw new Error(`openssl failed (${run.status}): ${run.stderr}`);
    }
    return `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type KeySpec = { type: 'ec'; curve: 'P-256' | 'P-384' } | { type: 'rsa'; bits: number };

/** A fresh (random) node:crypto key pair, for certificates the library itself never makes. */
export function nodeKeyPair(spec: KeySpec = { type: 'ec', curve: 'P-256' }): { privateKey: KeyObject; privateKeyPem: string } {
  const pair = spec.type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: spec.curve })
    : generateKeyPairSync('rsa', { modulusLength: spec.bits });
  return {
    privateKey: pair.privateKey,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

export interface OddCertificateProps {
  readonly commonName: string;
  readonly key: KeyObject;
  /** Signer's private key and common name (or exact subject DER); default self-signed. */
  readonly signer?: { key: KeyObject; commonName: string; subjectDer?: Uint8Array };
  /** 'sha256' | 'sha384'; the signature algorithm follows the signer's key type. */
  readonly hash?: 'sha256' | 'sha384';
  readonly isCA?: boolean;
  readonly pathLen?: number;
  /** @peculiar KeyUsageFlags number. */
  readonly keyUsage?: number;
  readonly extendedKeyUsage?: string[];
  readonly dnsNames?: string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const SIG_OIDS: Record<string, string> = {
  'ec/sha256': '1.2.840.10045.4.3.2',
  'ec/sha384': '1.2.840.10045.4.3.3',
  'rsa/sha256': '1.2.840.113549.1.1.11',
  'rsa/sha384': '1.2.840.113549.1.1.12',
};

function nameDer(cn: string): Uint8Array {
  return sequence(set(sequence(objectIdentifier('2.5.4.3'), directoryString(cn))));
}

/**
 * Builds a certificate with node:crypto keys of any type, for the failure cases: P-384 and
 * RSA keys, SHA-384 signatures, odd extensions.
 */
export function oddCertificate(props: OddCertificateProps): string {
  const signerKey = props.signer?.key ?? props.key;
  const hash = props.hash ?? 'sha256';
  const sigOid = SIG_OIDS[`${signerKey.asymmetricKeyType}/${hash}`];
  const algorithm = signerKey.asymmetricKeyType === 'rsa'
    ? sequence(objectIdentifier(sigOid), Uint8Array.of(0x05, 0x00))
    : sequence(objectIdentifier(sigOid));
  const spki = new Uint8Array(createPublicKey(props.key).export({ type: 'spki', format: 'der' }));
  const extensions: Uint8Array[] = [];
  if (props.isCA !== undefined) {
    extensions.push(new Uint8Array(new BasicConstraintsExtension(props.isCA, props.pathLen, true).rawData));
  }
  if (props.keyUsage !== undefined) {
    extensions.push(new Uint8Array(new KeyUsagesExtension(props.keyUsage, true).rawData));
  }
  if (props.extendedKeyUsage) {
    extensions.push(new Uint8Array(new ExtendedKeyUsageExtension(props.extendedKeyUsage).rawData));
  }
  if (props.dnsNames) {
    extensions.push(new Uint8Array(new SubjectAlternativeNameExtension(props.dnsNames.map((value) => ({ type: 'dns' as const, value }))).rawData));
  }
  const notBefore = props.notBefore ?? new Date('2026-01-01T00:00:00Z');
  const notAfter = props.notAfter ?? new Date('2027-01-01T00:00:00Z');
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    smallInteger(Math.floor(Math.random() * 1e9) + 1),
    algorithm,
    props.signer?.subjectDer ?? nameDer(props.signer?.commonName ?? props.commonName),
    sequence(time(notBefore), time(notAfter)),
    nameDer(props.commonName),
    spki,
    ...(extensions.length ? [explicit(3, sequence(...extensions))] : []),
  );
  const signature = new Uint8Array(sign(hash, tbs, signerKey));
  return encodePem('CERTIFICATE', sequence(tbs, algorithm, bitString(signature)));
}

/** Where a private key shows up among the objects: raw text or base64 of it, in any string. */
export function privateKeyLocations(objects: any[]): string[] {
  const found: string[] = [];
  const walk = (value: any, where: string) => {
    if (typeof value === 'string') {
      const decoded = /^[A-Za-z0-9+/=\s]{40,}$/.test(value) ? Buffer.from(value, 'base64').toString('latin1') : '';
      if (/PRIVATE KEY/.test(value) || /PRIVATE KEY/.test(decoded)) found.push(where);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${where}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
    }
  };
  for (const o of objects) walk(o, `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
  return found;
}

const CONFORM = join(__dirname, '..', '..', '..', 'shared', 'conformance', 'conform.py');
export const HAVE_CONFORM = existsSync(CONFORM) && spawnSync('python3', ['-c', 'import yaml, cryptography'], { stdio: 'ignore' }).status === 0;
/** `it` when ../shared/conformance/conform.py (and its Python modules) are present, else `it.skip`. */
export const itWithConform = HAVE_CONFORM ? it : it.skip;

/** Runs `conform.py check <dir>`: its exit status and report. It judges validity by the real clock. */
export function conformCheck(dir: string): { status: number | null; output: string } {
  const run = spawnSync('python3', [CONFORM, 'check', dir], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Midnight UTC `days` days before today, as ISO 8601: a start of validity that conform.py, which uses the real clock, accepts. */
export function daysAgo(days: number): string {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - days)).toISOString().replace('.000Z', 'Z');
}
