import { createPublicKey } from 'node:crypto';
import { ParsedCertificate } from '../identity/certificate';
import { LabelSelectorJson, selectorMatches as labelSelectorMatches } from '../policy/label-selector';
import { pemBlocks } from '../identity/pem';
import { ParsedPrivateKey, parsePrivateKey } from '../identity/private-key';
import { parseYaml11 } from '../yaml';
import { CheckContext, describeObject, Finding, Severity } from './finding';

/**
 * Reading identity material out of manifests, for the identity rules (`identity-*.ts`). Every
 * reader returns `undefined` or an error text instead of throwing: the rules turn those into
 * findings.
 */

export type Manifest = Record<string, any>;

/** The objects of a run by `group/kind` and by `group/kind/name`, built once per run: lookups stay linear overall. */
const INDEX = new WeakMap<CheckContext, { byKind: Map<string, Manifest[]>; byName: Map<string, Manifest[]> }>();

function index(context: CheckContext): { byKind: Map<string, Manifest[]>; byName: Map<string, Manifest[]> } {
  let built = INDEX.get(context);
  if (!built) {
    built = { byKind: new Map(), byName: new Map() };
    for (const o of context.objects) {
      if (!o || typeof o !== 'object' || typeof o.kind !== 'string') continue;
      const kindKey = `${apiGroup(o)}/${o.kind}`;
      const nameKey = `${kindKey}/${o.metadata?.name}`;
      if (!built.byKind.has(kindKey)) built.byKind.set(kindKey, []);
      built.byKind.get(kindKey)!.push(o);
      if (!built.byName.has(nameKey)) built.byName.set(nameKey, []);
      built.byName.get(nameKey)!.push(o);
    }
    INDEX.set(context, built);
  }
  return built;
}

/** Objects of a kind (and API group, `''` for core), in the order given. */
export function objectsOf(context: CheckContext, group: string, kind: string): Manifest[] {
  return index(context).byKind.get(`${group}/${kind}`) ?? [];
}

export function apiGroup(o: Manifest): string {
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The object of that kind, namespace and name, if the set has it. */
export function findObject(context: CheckContext, group: string, kind: string, namespace: string | undefined, name: string): Manifest | undefined {
  return (index(context).byName.get(`${group}/${kind}/${name}`) ?? []).find((o) => namespace === undefined || (o.metadata?.namespace ?? '') === namespace);
}

/** A `data` value that is not valid base64: kept, so that readers report it as such. */
export class InvalidBase64 {
  public constructor(public readonly length: number) {}
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard base64 as the API server does (Go's encoding/base64, which skips line
 * breaks), or returns InvalidBase64: wrong characters, length or padding.
 */
export function decodeBase64(text: unknown): string | InvalidBase64 {
  if (typeof text !== 'string') return new InvalidBase64(0);
  const compact = text.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) return new InvalidBase64(text.length);
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** A Secret's `data` (decoded as UTF-8) merged with its `stringData`; values that are not valid base64 stay as InvalidBase64. */
export function secretData(secret: Manifest): Record<string, string | InvalidBase64> {
  const out: Record<string, string | InvalidBase64> = {};
  for (const [k, v] of Object.entries<any>(secret.data ?? {})) out[k] = decodeBase64(v);
  for (const [k, v] of Object.entries<any>(secret.stringData ?? {})) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

const NOT_BASE64 = 'is not valid base64 (the API server rejects the object)';

/** The certificates of a PEM text, or an error when it holds none or a block is not a certificate. */
export function readCertificates(pem: unknown): { certificates?: ParsedCertificate[]; error?: string } {
  if (pem instanceof InvalidBase64) return { error: NOT_BASE64 };
  if (typeof pem !== 'string') return { error: 'is not text' };
  let blocks;
  try {
    blocks = pemBlocks(pem);
  } catch (e) {
    return { error: `is not PEM: ${(e as Error).message}` };
  }
  if (blocks.length === 0) return { error: 'holds no PEM certificate' };
  const certificates: ParsedCertificate[] = [];
  for (const [i, block] of blocks.entries()) {
    if (block.label !== 'CERTIFICATE') return { error: `PEM block ${i + 1} is "${block.label}", not a CERTIFICATE` };
    try {
      certificates.push(ParsedCertificate.fromDer(block.der));
    } catch (e) {
      return { error: `PEM block ${i + 1} is not a valid X.509 certificate: ${(e as Error).message}` };
    }
  }
  return { certificates };
}

/** A private key read the way Linkerd's Go loader reads it (first PEM block), or an error. */
export function readPrivateKey(pem: unknown): { key?: ParsedPrivateKey; error?: string } {
  if (pem instanceof InvalidBase64) return { error: NOT_BASE64 };
  try {
    return { key: parsePrivateKey('check', 'key', typeof pem === 'string' ? pem : '') };
  } catch (e) {
    // "check: key: <problem>. Fix: ..." -> "<problem>"
    return { error: (e as Error).message.replace(/^check: key: /, '').replace(/\. Fix: .*$/s, '') };
  }
}

/** Whether the private key belongs to the certificate (same public key). */
export function keyMatches(key: ParsedPrivateKey, certificate: ParsedCertificate): boolean {
  try {
    const ours = createPublicKey(key.keyObject).export({ type: 'spki', format: 'der' });
    const theirs = certificate.toNodeCertificate().publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(ours, theirs) === 0;
  } catch {
    return false;
  }
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration (`48h0m0s`, `1.5h`, `90m`), or undefined when it is not one. */
export function parseGoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$/.test(text)) return text === '0' ? 0 : undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(amount) * GO_UNITS[unit];
  return total;
}

/** Human form of milliseconds: `25h`, `90d`, `45m`. */
export function humanDuration(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** The `values` document of `linkerd-config` in `namespace`, parsed (YAML 1.1, as the injector reads it). */
export function linkerdValues(context: CheckContext, namespace: string): Record<string, any> | undefined {
  // Several rules read the same document in one run; parse it once per run.
  const perRun = VALUES.get(context) ?? new Map<string, Record<string, any> | undefined>();
  VALUES.set(context, perRun);
  if (!perRun.has(namespace)) perRun.set(namespace, parseValues(context, namespace));
  return perRun.get(namespace);
}

const VALUES = new WeakMap<CheckContext, Map<string, Record<string, any> | undefined>>();

function parseValues(context: CheckContext, namespace: string): Record<string, any> | undefined {
  const config = findObject(context, '', 'ConfigMap', namespace, 'linkerd-config');
  const text = config?.data?.values;
  if (typeof text !== 'string') return undefined;
  try {
    const values = parseYaml11(text) as any;
    return values && typeof values === 'object' ? values : undefined;
  } catch {
    return undefined;
  }
}

/** Flags of the identity controller container (`-name=value`) in `namespace`. */
export function identityFlags(context: CheckContext, namespace: string): Record<string, string> | undefined {
  const perRun = FLAGS.get(context) ?? new Map<string, Record<string, string> | undefined>();
  FLAGS.set(context, perRun);
  if (!perRun.has(namespace)) perRun.set(namespace, readIdentityFlags(context, namespace));
  return perRun.get(namespace);
}

const FLAGS = new WeakMap<CheckContext, Map<string, Record<string, string> | undefined>>();

function readIdentityFlags(context: CheckContext, namespace: string): Record<string, string> | undefined {
  for (const d of objectsOf(context, 'apps', 'Deployment')) {
    if ((d.metadata?.namespace ?? '') !== namespace) continue;
    const containers: Manifest[] = d.spec?.template?.spec?.containers ?? [];
    const identity = containers.find((c) => Array.isArray(c.args) && c.args[0] === 'identity');
    if (!identity) continue;
    const flags: Record<string, string> = {};
    for (const a of identity.args.slice(1)) {
      const m = /^--?([^=]+)=(.*)$/.exec(String(a));
      if (m) flags[m[1]] = m[2];
    }
    return flags;
  }
  return undefined;
}

/** Issuance lifetime and clock skew allowance of the identity controller in `namespace` (args, else linkerd-config, else Linkerd's defaults). */
export function issuanceTimes(context: CheckContext, namespace: string): { lifetime: number; skew: number } {
  const flags = identityFlags(context, namespace) ?? {};
  const issuer = linkerdValues(context, namespace)?.identity?.issuer ?? {};
  return {
    lifetime: parseGoDuration(flags['identity-issuance-lifetime']) ?? parseGoDuration(issuer.issuanceLifetime) ?? 86_400_000,
    skew: parseGoDuration(flags['identity-clock-skew-allowance']) ?? parseGoDuration(issuer.clockSkewAllowance) ?? 20_000,
  };
}

/** Namespaces that hold a Linkerd control plane in this set: linkerd-config, the identity Deployment or the issuer Secret. */
export function controlPlaneNamespaces(context: CheckContext): string[] {
  const namespaces = new Set<string>();
  for (const o of context.objects) {
    if (!o?.metadata) continue;
    const ns = o.metadata.namespace ?? '';
    if (o.kind === 'ConfigMap' && (o.metadata.name === 'linkerd-config' || o.metadata.name === 'linkerd-identity-trust-roots')) namespaces.add(ns);
    if (o.kind === 'Secret' && o.metadata.name === 'linkerd-identity-issuer') namespaces.add(ns);
    if (o.kind === 'Deployment' && o.metadata.name === 'linkerd-identity') namespaces.add(ns);
  }
  return [...namespaces].sort();
}

/** Whether a metav1 LabelSelector selects an object with these labels (the policy model's matcher). */
export function selectorMatches(selector: Manifest | undefined, labels: Record<string, string>): boolean {
  return labelSelectorMatches(selector as LabelSelectorJson | undefined, labels);
}

/**
 * What to change for each identity code, in the manifest and in the cdk8s-linkerd prop that
 * produces it; a finding may give a more specific fix.
 */
export const IDENTITY_FIXES: Readonly<Record<string, string>> = {
  L5D100: 'give PEM certificates ("-----BEGIN CERTIFICATE-----" blocks) and nothing else (cdk8s-linkerd: identity.trustAnchors, identity.issuer)',
  L5D101: 'sign the issuer with a trust anchor, or add the anchor that signed it to the trust anchors (identity.trustAnchors; keep the old and the new anchor during a rotation)',
  L5D102: 'issue the certificate as a CA: basicConstraints CA:TRUE, and keyUsage with keyCertSign if it has a keyUsage',
  L5D103: 'give the issuer pathlen 0 or none, and the trust anchor pathlen 1 or more, or none',
  L5D104: 'issue it with an ECDSA P-256 key signed with ECDSA-SHA256 (an anchor may also be RSA 2048/4096 with SHA256-RSA)',
  L5D105: 'put the issuer\'s own ECDSA private key first in the key file, unencrypted PEM ("EC PRIVATE KEY" or "PRIVATE KEY") (cdk8s-linkerd: identity.issuer privateKeyPem)',
  L5D106: 'use crt.pem/key.pem with -identity-scheme=linkerd.io/tls, or tls.crt/tls.key with kubernetes.io/tls (cdk8s-linkerd: IssuerCertificate.fromExistingSecret({ scheme }))',
  L5D107: 'issue the certificate without an extendedKeyUsage extension, or with serverAuth in it',
  L5D108: 'move the private key into a Secret; a ConfigMap is readable by everyone who can read the namespace',
  L5D110: 'issue a certificate valid now (a generated one: set keyMaterial\'s notBefore and the validity), and plan its rotation',
  L5D111: 'renew or rotate it before it expires (README, "Identity"), or pass --horizon-days to change when this warns',
  L5D112: 'issue the issuer for longer than the issuance lifetime (identity.issuer validity), or shorten identity.issuanceLifetime',
  L5D113: 'end the issuer\'s validity no later than the CA above it (identity.issuer validity)',
  L5D115: 'give Go durations with duration of at least 1h, renewBefore of at least 5m and below duration, and only one of renewBefore and renewBeforePercentage',
  L5D116: 'renew earlier: renewBefore above the issuance lifetime plus the clock skew allowance, e.g. duration 48h and renewBefore 25h for 24h (identity.issuer: IssuerCertificate.issuedByCertManager({ duration, renewBefore }))',
  L5D117: 'request isCA: true, privateKey { algorithm: ECDSA, size: 256 } and usages with server auth, and run the identity controller with -identity-scheme=kubernetes.io/tls (IssuerCertificate.issuedByCertManager does all of this)',
  L5D118: 'write key ca-bundle.crt into the control-plane namespace only, from at least one source, and do not also emit the ConfigMap (identity.trustRootsConfigMap: TrustRootsConfigMap.trustManager())',
  L5D120: 'issue the serving certificate with the DNS name <service>.<namespace>.svc (cdk8s-linkerd: <webhook>.tls)',
  L5D121: 'set caBundle to the CA that signed the serving certificate, or annotate cert-manager.io/inject-ca-from: <namespace>/<Certificate>',
  L5D122: 'put the serving certificate and its own private key into tls.crt and tls.key, PEM, base64 in data',
  L5D123: 'encode the policy validator\'s key as PKCS#8 (cert-manager: privateKey.encoding: PKCS8; cdk8s-linkerd does so by default)',
};

/** Builds findings for one rule, with the object described the same way everywhere. */
export class FindingSink {
  public readonly findings: Finding[] = [];

  /** An error; `fix` defaults to the code's fix in IDENTITY_FIXES. */
  public error(code: string, object: Manifest | undefined, field: string | undefined, message: string, fix?: string): void {
    this.add(code, Severity.ERROR, object, field, message, fix);
  }

  public warning(code: string, object: Manifest | undefined, field: string | undefined, message: string, fix?: string): void {
    this.add(code, Severity.WARNING, object, field, message, fix);
  }

  private add(code: string, severity: Severity, object: Manifest | undefined, field: string | undefined, message: string, fix?: string): void {
    this.findings.push({ code, severity, object: object ? describeObject(object) : undefined, field, message, fix: fix ?? IDENTITY_FIXES[code] });
  }
}

/** `CN=…` of a certificate, for messages. */
export function subjectOf(c: ParsedCertificate): string {
  return c.subject || `serial ${c.serialNumber}`;
}

/**
 * The date-dependent findings of one certificate: L5D110 (expired or not yet valid, error) and
 * L5D111 (expires within the horizon, warning). Nothing without `context.now`.
 */
export function validityFindings(sink: FindingSink, context: CheckContext, object: Manifest, field: string, label: string, c: ParsedCertificate): void {
  const now = context.now;
  if (now === undefined) return;
  if (c.notBefore.getTime() > now.getTime()) {
    sink.error('L5D110', object, field, `${label} is not valid before ${c.notBefore.toISOString()} (now is ${now.toISOString()})`);
  } else if (c.notAfter.getTime() < now.getTime()) {
    sink.error('L5D110', object, field, `${label} expired on ${c.notAfter.toISOString()} (now is ${now.toISOString()})`);
  } else if (c.notAfter.getTime() < now.getTime() + context.expiryHorizonDays * 86_400_000) {
    sink.warning('L5D111', object, field, `${label} expires on ${c.notAfter.toISOString()}, within ${context.expiryHorizonDays} days of ${now.toISOString()}`);
  }
}
