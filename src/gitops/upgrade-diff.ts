import { parse } from 'yaml';
import { ParsedCertificate } from '../identity/certificate';
import { pemBlocks } from '../identity/pem';
import { compareText } from '../order';
import { apiGroupOf, objectKey } from './object-key';
import { SyncWaves } from './sync-waves';

type Manifest = Record<string, any>;

/** What happens to an object between two synths. */
export enum ObjectChangeType {
  ADDED = 'added',
  REMOVED = 'removed',
  CHANGED = 'changed',
}

/** One object that differs between two synths, and what applying the new one does in the cluster. */
export interface ObjectChange {
  /** `Kind namespace/name` (`Kind name` when cluster-scoped). */
  readonly object: string;
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly type: ObjectChangeType;
  /** What applying it does in the cluster, one sentence each. */
  readonly effects: string[];
  /** Changed fields as `path: old -> new` (Secret data redacted), at most a few per object. */
  readonly fields: string[];
  /** Whether it restarts pods, breaks or deletes something: removed objects, rolling pods, dropped CRD versions, anchors removed, immutable fields. */
  readonly disruptive: boolean;
  /** Whether a pod template changes, so that the workload's pods are replaced. */
  readonly podsRoll: boolean;
  /** Whether a certificate (or trust anchor set) is replaced. */
  readonly certificateRotates: boolean;
  /** Whether a CustomResourceDefinition's versions change. */
  readonly crdVersionsChange: boolean;
}

const MAX_FIELDS = 8;
const POD_TEMPLATE_KINDS: Record<string, string> = {
  Deployment: 'spec.template', DaemonSet: 'spec.template', StatefulSet: 'spec.template', ReplicaSet: 'spec.template',
  ReplicationController: 'spec.template', Job: 'spec.template', CronJob: 'spec.jobTemplate.spec.template', Pod: 'spec',
};
const POLICY_GROUPS = new Set(['policy.linkerd.io', 'gateway.networking.k8s.io']);

/** What one change does; collected by the rules below. */
interface Effects {
  readonly lines: string[];
  disruptive: boolean;
  podsRoll: boolean;
  certificateRotates: boolean;
  crdVersionsChange: boolean;
}

/**
 * The upgrade plan between two synthesized installs: per object, what changes and what applying
 * the change does in the cluster (pods that roll, certificates that rotate, CRD versions that
 * change, objects that are removed). `cdk8s-linkerd diff OLD NEW` prints it.
 */
export class UpgradeDiff {
  /** Compares two sets of manifests (e.g. the objects of `dist/` at two commits). */
  public static between(oldObjects: ReadonlyArray<Manifest>, newObjects: ReadonlyArray<Manifest>): UpgradeDiff {
    return new UpgradeDiff(oldObjects.filter(isManifest), newObjects.filter(isManifest));
  }

  /** The objects that differ, in apply order (sync waves of the new install). */
  public readonly changes: ObjectChange[];

  private constructor(oldObjects: Manifest[], newObjects: Manifest[]) {
    const before = new Map(oldObjects.map((o) => [objectKey(o), o]));
    const after = new Map(newObjects.map((o) => [objectKey(o), o]));
    const waves = new SyncWaves([...newObjects, ...oldObjects]);
    const changes: Array<{ change: ObjectChange; wave: number; key: string }> = [];
    for (const [key, o] of after) {
      const previous = before.get(key);
      if (previous === undefined) changes.push({ change: added(o), wave: waves.waveOf(o), key });
      else if (stableJson(previous) !== stableJson(o)) changes.push({ change: changed(previous, o), wave: waves.waveOf(o), key });
    }
    for (const [key, o] of before) {
      if (!after.has(key)) changes.push({ change: removed(o), wave: waves.waveOf(o), key });
    }
    this.changes = changes.sort((a, b) => a.wave - b.wave || compareText(a.key, b.key)).map((c) => c.change);
  }

  /** Whether anything differs. */
  public get hasChanges(): boolean {
    return this.changes.length > 0;
  }

  /** Whether any change is disruptive (see `ObjectChange.disruptive`). */
  public get disruptive(): boolean {
    return this.changes.some((c) => c.disruptive);
  }

  /** One line of counts. */
  public summary(): string {
    const count = (type: ObjectChangeType) => this.changes.filter((c) => c.type === type).length;
    const n = (k: keyof ObjectChange) => this.changes.filter((c) => c[k] === true).length;
    return `${count(ObjectChangeType.CHANGED)} changed, ${count(ObjectChangeType.ADDED)} added, ${count(ObjectChangeType.REMOVED)} removed; `
      + `${n('podsRoll')} ${n('podsRoll') === 1 ? 'workload rolls' : 'workloads roll'}, `
      + `${n('certificateRotates')} ${n('certificateRotates') === 1 ? 'certificate rotates' : 'certificates rotate'}, `
      + `${n('crdVersionsChange')} CRD version ${n('crdVersionsChange') === 1 ? 'change' : 'changes'}, ${n('disruptive')} disruptive`;
  }

  /** The plan as text: one block per object, `+` added, `-` removed, `~` changed, `!` marking disruptive ones. */
  public render(): string {
    const lines: string[] = [];
    for (const c of this.changes) {
      const sign = c.type === ObjectChangeType.ADDED ? '+' : c.type === ObjectChangeType.REMOVED ? '-' : '~';
      lines.push(`${sign}${c.disruptive ? '!' : ' '} ${c.object}${c.group ? ` (${c.group})` : ''}`);
      for (const e of c.effects) lines.push(`      ${e}`);
      for (const f of c.fields) lines.push(`        ${f}`);
    }
    return lines.map((l) => `${l}\n`).join('');
  }
}

function isManifest(o: unknown): o is Manifest {
  return o !== null && typeof o === 'object' && typeof (o as Manifest).kind === 'string'
    && !String((o as Manifest).apiVersion ?? '').startsWith('kustomize.config.k8s.io/');
}

function label(o: Manifest): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name}`;
}

function change(o: Manifest, type: ObjectChangeType, effects: Effects, fields: string[] = []): ObjectChange {
  return {
    object: label(o), group: apiGroupOf(o), type, effects: effects.lines, fields,
    disruptive: effects.disruptive, podsRoll: effects.podsRoll, certificateRotates: effects.certificateRotates, crdVersionsChange: effects.crdVersionsChange,
  };
}

function noEffects(): Effects {
  return { lines: [], disruptive: false, podsRoll: false, certificateRotates: false, crdVersionsChange: false };
}

function added(o: Manifest): ObjectChange {
  const e = noEffects();
  if (o.kind === 'CustomResourceDefinition') {
    e.lines.push(`new API ${o.spec?.names?.kind}.${o.spec?.group}, versions ${crdVersions(o).map((v) => v.name).join(', ')}`);
  } else if (POD_TEMPLATE_KINDS[o.kind]) {
    e.lines.push('created: new pods start');
  } else {
    e.lines.push('created');
  }
  return change(o, ObjectChangeType.ADDED, e);
}

function removed(o: Manifest): ObjectChange {
  const e = noEffects();
  e.disruptive = true;
  e.lines.push('removed: a pruning sync deletes it (Argo CD with prune, kubectl apply --prune); without pruning it stays, orphaned');
  if (o.kind === 'CustomResourceDefinition') e.lines.push(`deleting the CRD deletes every ${o.spec?.names?.kind} in the cluster`);
  else if (o.kind === 'Namespace') e.lines.push('deleting the namespace deletes everything in it');
  else if (POD_TEMPLATE_KINDS[o.kind]) e.lines.push('its pods are deleted');
  else if (POLICY_GROUPS.has(apiGroupOf(o))) e.lines.push('the traffic it allowed or shaped falls back to the remaining policy (under default-deny: denied)');
  for (const c of certificatesIn(o)) e.lines.push(`certificate ${c.key} (${c.certificate.subject}) is no longer provided`);
  return change(o, ObjectChangeType.REMOVED, e);
}

function changed(before: Manifest, after: Manifest): ObjectChange {
  const e = noEffects();
  const diffs = leafDiff(before, after, '', after.kind === 'Secret');
  podTemplateEffects(before, after, diffs, e);
  certificateEffects(before, after, e);
  crdEffects(before, after, e);
  webhookEffects(before, after, diffs, e);
  serviceEffects(before, after, e);
  namespaceEffects(before, after, e);
  if (POLICY_GROUPS.has(apiGroupOf(after))) e.lines.push('policy changes take effect within seconds, without restarting pods');
  if (after.kind === 'ConfigMap' && after.metadata?.name === 'linkerd-config') {
    e.lines.push('mesh configuration changes: the control plane reads it at start (its pods roll through checksum/config); the injector uses it for pods created from now on');
  }
  if (e.lines.length === 0) e.lines.push('updated in place');
  const fields = diffs.map((d) => d.text);
  return change(after, ObjectChangeType.CHANGED, e, fields.length > MAX_FIELDS ? [...fields.slice(0, MAX_FIELDS), `... and ${fields.length - MAX_FIELDS} more fields`] : fields);
}

function podTemplateEffects(before: Manifest, after: Manifest, diffs: LeafDiff[], e: Effects): void {
  const templatePath = POD_TEMPLATE_KINDS[after.kind];
  if (!templatePath || !POD_TEMPLATE_KINDS[before.kind]) return;
  if (stableJson(at(before, 'spec.selector')) !== stableJson(at(after, 'spec.selector')) && after.kind !== 'Pod' && after.kind !== 'CronJob') {
    e.disruptive = true;
    e.lines.push('spec.selector is immutable: the apply fails until the object is deleted and created again (its pods restart)');
  }
  const templateChanges = diffs.filter((d) => d.path === templatePath || d.path.startsWith(`${templatePath}.`));
  if (templateChanges.length > 0) {
    const reasons = rollReasons(templateChanges.map((d) => d.path.slice(templatePath.length + 1)), before, after, templatePath);
    if (after.kind === 'CronJob') {
      e.lines.push(`jobs started from now on use the new pod template (${reasons}); running jobs are left alone`);
    } else if (after.kind === 'Job' || after.kind === 'Pod') {
      e.disruptive = true;
      e.podsRoll = true;
      e.lines.push(`a ${after.kind}'s pod template is immutable (${reasons}): the apply fails until it is deleted and created again`);
    } else {
      e.disruptive = true;
      e.podsRoll = true;
      e.lines.push(`pods roll (${after.kind === 'StatefulSet' ? 'one at a time, by the update strategy' : 'rolling update'}): ${reasons}`);
    }
  }
  const replicas = [at(before, 'spec.replicas'), at(after, 'spec.replicas')];
  if (replicas[0] !== replicas[1]) e.lines.push(`scales from ${replicas[0] ?? 'the default'} to ${replicas[1] ?? 'the default'} replicas, without restarting the others`);
}

/** Why a pod template changed, in words: images, config checksum, trust anchors, anything else. */
function rollReasons(paths: string[], before: Manifest, after: Manifest, templatePath: string): string {
  const reasons: string[] = [];
  const images = (o: Manifest) => {
    const spec = at(o, `${templatePath}.spec`) ?? {};
    return new Map<string, string>([...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: Manifest) => [c.name, c.image]));
  };
  const oldImages = images(before);
  for (const [name, image] of images(after)) {
    const previous = oldImages.get(name);
    if (previous !== undefined && previous !== image) reasons.push(`${name} image ${previous} -> ${image}`);
  }
  const annotation = (key: string) => paths.some((p) => p === `metadata.annotations.${key}`);
  if (annotation('checksum/config')) reasons.push('config checksum changed');
  if (annotation('linkerd.io/trust-root-sha256')) reasons.push('trust anchors changed');
  if (annotation('linkerd.io/proxy-version')) reasons.push('proxy version changed');
  const other = [...new Set(paths.filter((p) => !/^metadata\.annotations\.(checksum\/config|linkerd\.io\/trust-root-sha256|linkerd\.io\/proxy-version)$/.test(p)
    && !/\.image$/.test(p)).map((p) => p.replace(/\[[^\]]*\]/g, '[]').split('.').slice(0, 4).join('.')))];
  if (other.length > 0) reasons.push(`also ${other.slice(0, 4).join(', ')}${other.length > 4 ? ', ...' : ''}`);
  return reasons.join('; ') || 'template changed';
}

function certificateEffects(before: Manifest, after: Manifest, e: Effects): void {
  const old = new Map(certificatesIn(before).map((c) => [c.key, c.certificate]));
  const current = certificatesIn(after);
  const isTrustRoots = after.kind === 'ConfigMap' && after.metadata?.name === 'linkerd-identity-trust-roots';
  if (isTrustRoots) {
    const was = certificatesIn(before).map((c) => c.certificate);
    const now = current.map((c) => c.certificate);
    const addedAnchors = now.filter((c) => !was.some((w) => w.fingerprintSha256 === c.fingerprintSha256));
    const droppedAnchors = was.filter((w) => !now.some((c) => c.fingerprintSha256 === w.fingerprintSha256));
    if (addedAnchors.length + droppedAnchors.length === 0) return;
    e.certificateRotates = true;
    for (const c of addedAnchors) e.lines.push(`trust anchor added: ${c.subject}, valid until ${c.notAfter.toISOString()}`);
    for (const c of droppedAnchors) e.lines.push(`trust anchor removed: ${c.subject}; proxies that restart stop trusting certificates it signed`);
    e.lines.push('meshed pods pick the new anchors up when they restart (their linkerd.io/trust-root-sha256 changes)');
    if (droppedAnchors.length > 0) e.disruptive = true;
    return;
  }
  for (const { key, certificate } of current) {
    const previous = old.get(key);
    if (previous === undefined || previous.fingerprintSha256 === certificate.fingerprintSha256) continue;
    e.certificateRotates = true;
    e.lines.push(`certificate ${key} rotates: ${previous.subject} valid until ${previous.notAfter.toISOString()} -> ${certificate.subject} valid until ${certificate.notAfter.toISOString()}`);
  }
  if (e.certificateRotates && after.kind === 'Secret' && after.metadata?.name === 'linkerd-identity-issuer') {
    e.lines.push('the identity controller loads the new issuer without restarting; workload certificates issued from now on are signed by it (existing ones stay valid until they expire, 24h by default)');
  }
}

function crdEffects(before: Manifest, after: Manifest, e: Effects): void {
  if (after.kind !== 'CustomResourceDefinition') return;
  const old = new Map(crdVersions(before).map((v) => [v.name, v]));
  const current = new Map(crdVersions(after).map((v) => [v.name, v]));
  const lines: string[] = [];
  for (const [name, v] of current) {
    const p = old.get(name);
    if (!p) lines.push(`version ${name} added${v.served ? ', served' : ''}${v.storage ? ', storage' : ''}`);
    else {
      if (p.served && !v.served) { lines.push(`version ${name} no longer served: clients and manifests using it fail`); e.disruptive = true; }
      if (!p.served && v.served) lines.push(`version ${name} served again`);
      if (!p.storage && v.storage) lines.push(`storage version becomes ${name}: objects are stored as ${name} when next written; existing ones keep their stored version until then`);
      if (stableJson(p.schema) !== stableJson(v.schema)) lines.push(`schema of ${name} changes`);
      if (!p.deprecated && v.deprecated) lines.push(`version ${name} deprecated`);
    }
  }
  for (const name of old.keys()) {
    if (!current.has(name)) {
      lines.push(`version ${name} removed: objects still stored as ${name} can no longer be read; migrate them first`);
      e.disruptive = true;
    }
  }
  if (lines.some((l) => !l.startsWith('schema of'))) e.crdVersionsChange = true;
  e.lines.push(...lines);
}

function webhookEffects(before: Manifest, after: Manifest, diffs: LeafDiff[], e: Effects): void {
  if (after.kind !== 'MutatingWebhookConfiguration' && after.kind !== 'ValidatingWebhookConfiguration' && after.kind !== 'APIService') return;
  if (diffs.some((d) => /caBundle$/.test(d.path))) {
    e.certificateRotates = true;
    e.lines.push('the API server trusts a new CA for this webhook: the serving certificate must be signed by it when the change lands (same sync)');
  }
  if (stableJson(at(before, 'webhooks')?.map((w: Manifest) => w.failurePolicy)) !== stableJson(at(after, 'webhooks')?.map((w: Manifest) => w.failurePolicy))) {
    e.lines.push('failure policy changes: what happens to admissions while the webhook is down');
  }
}

function serviceEffects(before: Manifest, after: Manifest, e: Effects): void {
  if (after.kind !== 'Service' || apiGroupOf(after) !== '') return;
  if (at(before, 'spec.clusterIP') !== at(after, 'spec.clusterIP') && at(before, 'spec.clusterIP') !== undefined) {
    e.disruptive = true;
    e.lines.push('spec.clusterIP is immutable: the apply fails until the Service is deleted and created again');
  }
  if (stableJson(at(before, 'spec.selector')) !== stableJson(at(after, 'spec.selector'))) e.lines.push('traffic goes to the pods of the new selector');
  if (stableJson(at(before, 'spec.ports')) !== stableJson(at(after, 'spec.ports'))) e.lines.push('ports change: clients of removed ports fail');
}

function namespaceEffects(before: Manifest, after: Manifest, e: Effects): void {
  if (after.kind !== 'Namespace' || apiGroupOf(after) !== '') return;
  const inject = (o: Manifest) => o.metadata?.annotations?.['linkerd.io/inject'];
  if (inject(before) !== inject(after)) {
    e.lines.push(`linkerd.io/inject ${inject(before) ?? '(none)'} -> ${inject(after) ?? '(none)'}: applies to pods created from now on; restart workloads to change existing pods`);
  }
  const configChanged = Object.keys({ ...before.metadata?.annotations, ...after.metadata?.annotations })
    .some((k) => k.startsWith('config.linkerd.io/') && before.metadata?.annotations?.[k] !== after.metadata?.annotations?.[k]);
  if (configChanged) e.lines.push('namespace proxy configuration changes: applies to pods created from now on');
}

/** Certificates in a Secret's data or a ConfigMap's data, by key. */
function certificatesIn(o: Manifest): Array<{ key: string; certificate: ParsedCertificate }> {
  const texts: Array<[string, string]> = [];
  if (o.kind === 'Secret' && apiGroupOf(o) === '') {
    for (const [k, v] of Object.entries<any>(o.data ?? {})) if (typeof v === 'string') texts.push([k, Buffer.from(v, 'base64').toString('utf8')]);
    for (const [k, v] of Object.entries<any>(o.stringData ?? {})) if (typeof v === 'string') texts.push([k, v]);
  } else if (o.kind === 'ConfigMap' && apiGroupOf(o) === '') {
    for (const [k, v] of Object.entries<any>(o.data ?? {})) if (typeof v === 'string' && v.includes('-----BEGIN CERTIFICATE-----')) texts.push([k, v]);
  }
  const out: Array<{ key: string; certificate: ParsedCertificate }> = [];
  for (const [key, text] of texts) {
    if (!text.includes('-----BEGIN CERTIFICATE-----')) continue;
    try {
      const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
      blocks.forEach((b, i) => out.push({ key: blocks.length > 1 ? `${key}[${i}]` : key, certificate: ParsedCertificate.fromDer(b.der) }));
    } catch {
      // Not readable as certificates: the field diff still shows the change.
    }
  }
  return out;
}

function crdVersions(crd: Manifest): Array<{ name: string; served: boolean; storage: boolean; deprecated: boolean; schema: unknown }> {
  return (crd.spec?.versions ?? []).map((v: Manifest) => ({ name: v.name, served: v.served === true, storage: v.storage === true, deprecated: v.deprecated === true, schema: v.schema }));
}

interface LeafDiff {
  readonly path: string;
  readonly text: string;
}

/**
 * Leaf fields that differ, as paths (`spec.template.spec.containers[name=proxy].image`). Lists of
 * named items are matched by name; Secret data is never printed.
 */
function leafDiff(a: unknown, b: unknown, path: string, redact: boolean, out: LeafDiff[] = []): LeafDiff[] {
  if (stableJson(a) === stableJson(b)) return out;
  // A document in a string (linkerd-config's `values`): compare its fields.
  const [da, db] = [embeddedDocument(a), embeddedDocument(b)];
  if (da !== undefined && db !== undefined && !redact) return leafDiff(da, db, path, redact, out);
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) leafDiff(a[k], b[k], path ? `${path}.${k}` : k, redact, out);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (l: unknown[]) => l.every((x) => isPlainObject(x) && typeof x.name === 'string');
    if (named(a) && named(b)) {
      const byName = (l: any[]) => new Map(l.map((x) => [x.name, x]));
      const [ma, mb] = [byName(a), byName(b)];
      for (const n of [...new Set([...ma.keys(), ...mb.keys()])]) leafDiff(ma.get(n), mb.get(n), `${path}[name=${n}]`, redact, out);
      return out;
    }
    if (a.length === b.length) {
      a.forEach((x, i) => leafDiff(x, b[i], `${path}[${i}]`, redact, out));
      return out;
    }
  }
  const hidden = redact && /^(data|stringData)(\.|$)/.test(path);
  out.push({ path, text: `${path}: ${hidden ? '(secret data changed)' : `${short(a)} -> ${short(b)}`}` });
  return out;
}

/** The mapping a multi-line YAML or JSON string holds, if it holds one. */
function embeddedDocument(v: unknown): Record<string, any> | undefined {
  if (typeof v !== 'string' || !v.includes('\n')) return undefined;
  try {
    const doc = parse(v);
    return isPlainObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

function short(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = typeof v === 'string' && !v.includes('\n') ? v : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function at(o: Manifest, path: string): any {
  return path.split('.').reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), o);
}

/** JSON with sorted keys, so that key order never counts as a change. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, value) => (isPlainObject(value) ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]])) : value)) ?? 'undefined';
}
