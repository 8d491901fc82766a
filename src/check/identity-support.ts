import { createPublicKey } from 'node:crypto';
import { ParsedCertificate } from '../identity/certificate';
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

/** Objects of a kind (and API group, `''` for core), in the order given. */
export function objectsOf(context: CheckContext, group: string, kind: string): Manifest[] {
  // The rules ask many times per run: sort the objects by kind once.
  let byKind = BY_KIND.get(context);
  if (!byKind) {
    byKind = new Map();
    for (const o of context.objects) {
      if (!o || typeof o.kind !== 'string') continue;
      const key = `${apiGroup(o)}/${o.kind}`;
      const list = byKind.get(key);
      if (list) list.push(o);
      else byKind.set(key, [o]);
    }
    BY_KIND.set(context, byKind);
  }
  return byKind.get(`${group}/${kind}`) ?? [];
}

const BY_KIND = new WeakMap<CheckContext, Map<string, Manifest[]>>();

export function apiGroup(o: Manifest): string {
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The object of that kind, namespace and name, if the set has it. */
export function findObject(context: CheckContext, group: string, kind: string, namespace: string | undefined, name: string): Manifest | undefined {
  return objectsOf(context, group, kind).find((o) => o.metadata?.name === name && (namespace === undefined || (o.metadata?.namespace ?? '') === namespace));
}

/** A Secret's `data` (decoded as UTF-8) merged with its `stringData`. Values that are not valid base64 are left out. */
export function secretData(secret: Manifest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries<any>(secret.data ?? {})) {
    if (typeof v === 'string' && /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(v)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  for (const [k, v] of Object.entries<any>(secret.stringData ?? {})) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The certificates of a PEM text, or an error when it holds none or a block is not a certificate. */
export function readCertificates(pem: unknown): { certificates?: ParsedCertificate[]; error?: string } {
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

/** Whether a metav1 LabelSelector selects an object with these labels. */
export function selectorMatches(selector: Manifest | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries<any>(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as Manifest[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    const ok = e.operator === 'In' ? has && values.includes(labels[e.key])
      : e.operator === 'NotIn' ? !has || !values.includes(labels[e.key])
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

/** Builds findings for one rule, with the object described the same way everywhere. */
export class FindingSink {
  public readonly findings: Finding[] = [];

  public error(code: string, object: Manifest | undefined, field: string | undefined, message: string): void {
    this.add(code, Severity.ERROR, object, field, message);
  }

  public warning(code: string, object: Manifest | undefined, field: string | undefined, message: string): void {
    this.add(code, Severity.WARNING, object, field, message);
  }

  private add(code: string, severity: Severity, object: Manifest | undefined, field: string | undefined, message: string): void {
    this.findings.push({ code, severity, object: object ? describeObject(object) : undefined, field, message });
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
