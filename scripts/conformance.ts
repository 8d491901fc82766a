/**
 * `npm run conformance`: synthesizes, through the public API, the configuration equivalent to each
 * upstream reference render, then scores it with ../shared/conformance/conform.py.
 *
 * Prints one line `<reference>: <score>%  strict <score>%` per reference and exits 1 when a score
 * is under its threshold (99.5 %; strict, which also counts what our output has beyond the
 * reference, such as the Namespace and tracing env: 99 %) or `conform.py check` reports an error.
 * The CDK for Terraform helm cases must score 100 % strictly. Names given as arguments select cases.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import {
  CertManagerIssuer, GatewayApiCrds, Heartbeat, IssuerCertificate, KeyMaterial, LinkerdCni, LinkerdControlPlane, LinkerdControlPlaneProps,
  LinkerdCrds, LinkerdMulticluster, LinkerdViz, LinkerdVizProps, synthesizeManifests, TrustAnchors, WebhookTls, writeManifests,
} from '../src';
import { helmCases } from './helm-cases';
import { certificateDifferences, renderHelmReleases } from './helm-releases';
import { injectCases } from './inject-cases';

const ROOT = path.resolve(__dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared');
const REFERENCE = process.env.LINKERD_REFERENCE_DIR ?? path.join(SHARED, 'reference', 'edge-26.8.3');
const CONFORM = path.join(SHARED, 'conformance', 'conform.py');
const OUT = path.join(ROOT, '.conformance');
const MIN_SCORE = 99.5;
/** The strict score also counts fields and objects the reference does not have (conform.py compare --strict). */
const MIN_STRICT_SCORE = 99;
/**
 * Cases whose strict score is shown but not held to the threshold: their references are a
 * handful of objects, so the Namespace the library emits (the charts leave it to the CLI) and the
 * per-object check suppressions outweigh everything else.
 */
const STRICT_INFORMATIONAL = ['cni-plugin', 'multicluster'];

/**
 * The reference is a Helm render, made for no particular delivery tool and on no particular day:
 * no Argo CD sync-wave annotations (they would not change the score, since fields only we have do
 * not count, but every object's would be listed as extra fields and bury real ones; the waves are
 * tested on their own), and no date-dependent checks (the reference certificates are fixed).
 */
const CONFORMANCE_SYNTH = { syncWaves: false, checkDates: false };

const cert = (name: string) => fs.readFileSync(path.join(REFERENCE, 'certs', name), 'utf8');

/** The reference renders' own certificates, and a seed for the webhook certificates upstream generates randomly. */
function referenceIdentity(): Pick<LinkerdControlPlaneProps, 'identity' | 'keyMaterial' | 'emitGeneratedPrivateKeys' | 'heartbeat'> {
  return {
    keyMaterial: KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd conformance webhooks', notBefore: '2026-11-27T00:00:00Z' }),
    emitGeneratedPrivateKeys: true,
    identity: {
      trustAnchors: TrustAnchors.fromPem(cert('ca.crt')),
      issuer: IssuerCertificate.fromPem({ certificatePem: cert('issuer.crt'), privateKeyPem: cert('issuer.key') }),
    },
    heartbeat: Heartbeat.schedule('0 0 * * *'),
  };
}

/** viz alone, against a control plane installed with the defaults; its tap certificates come from a seed. */
function vizKeys(): Pick<LinkerdVizProps, 'keyMaterial' | 'emitGeneratedPrivateKeys'> {
  return {
    keyMaterial: KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd conformance viz', notBefore: '2026-11-27T00:00:00Z' }),
    emitGeneratedPrivateKeys: true,
  };
}

/**
 * Cases whose reference ends with Helm post-install hooks (viz's namespace-metadata Job, its
 * ServiceAccount, Role and RoleBindings): the library declares the Namespace with the metadata
 * that Job patches in, so the hook objects are left out of the comparison, and the line says so.
 */
const HOOKS_REPLACED = new Set(['viz-default', 'viz-ha']);

/** Each visible reference and the typed configuration equivalent to its values file. */
const CASES: Record<string, (app: App) => void> = {
  'crds': (app) => { new LinkerdCrds(app, 'linkerd-crds'); },
  'crds-gateway-api': (app) => { new LinkerdCrds(app, 'linkerd-crds', { gatewayApi: GatewayApiCrds.bundled() }); },
  'control-plane-default': (app) => {
    new LinkerdControlPlane(app, 'linkerd-control-plane', referenceIdentity());
  },
  'control-plane-ha': (app) => {
    new LinkerdControlPlane(app, 'linkerd-control-plane', { ...referenceIdentity(), highAvailability: true });
  },
  'control-plane-cni': (app) => {
    new LinkerdControlPlane(app, 'linkerd-control-plane', { ...referenceIdentity(), cni: true });
  },
  'control-plane-external-certs': (app) => {
    new LinkerdControlPlane(app, 'linkerd-control-plane', {
      heartbeat: Heartbeat.schedule('0 0 * * *'),
      identity: {
        trustAnchors: TrustAnchors.fromPem(cert('ca.crt')),
        issuer: IssuerCertificate.external(),
        externalCA: true,
      },
      proxyInjector: { tls: WebhookTls.certManager('linkerd/linkerd-proxy-injector') },
      spValidator: { tls: WebhookTls.certManager('linkerd/linkerd-sp-validator') },
      policyValidator: { tls: WebhookTls.certManager('linkerd/linkerd-policy-validator') },
    });
  },
  'control-plane-podmonitor-noheartbeat': (app) => {
    new LinkerdControlPlane(app, 'linkerd-control-plane', { ...referenceIdentity(), podMonitors: {}, heartbeat: Heartbeat.disabled() });
  },
  'viz-default': (app) => {
    new LinkerdViz(app, 'linkerd-viz', vizKeys());
  },
  'viz-ha': (app) => {
    new LinkerdViz(app, 'linkerd-viz', { ...vizKeys(), highAvailability: true });
  },
  'control-plane-tracing': (app) => {
    new LinkerdControlPlane(app, 'linkerd-control-plane', {
      ...referenceIdentity(),
      controllerTracing: { collectorEndpoint: 'otel-collector.observability.svc.cluster.local:4317' },
      proxy: {
        tracing: {
          collectorEndpoint: 'otel-collector.observability.svc.cluster.local:4317',
          collectorServiceAccount: 'otel-collector',
          collectorNamespace: 'observability',
          serviceName: 'mesh-proxy',
        },
      },
    });
  },
  'cni-plugin': (app) => { new LinkerdCni(app, 'linkerd2-cni'); },
  'multicluster': (app) => {
    new LinkerdMulticluster(app, 'linkerd-multicluster', { controlPlane: LinkerdControlPlane.fromInstalled(app, 'linkerd') });
  },
};

/** Reference files of cases not scored against `<name>.yaml`: the proxy-injection goldens (scripts/inject-cases.ts). */
const REFERENCES: Record<string, string> = {};
for (const [name, c] of Object.entries(injectCases(REFERENCE))) {
  CASES[name] = (app) => c.build(app);
  REFERENCES[name] = c.reference;
}

/**
 * The CDK for Terraform helm path (`LinkerdHelmReleases`, src/cdktf): the official charts, rendered
 * by a real helm with the values and sensitive values of the synthesized `helm_release` resources,
 * plus the stack's `kubernetes_manifest` objects, scored against the native synth of the same
 * props (the reference here), strictly, so that anything Helm adds counts too.
 */
const HELM_CASES: Record<string, () => LinkerdControlPlaneProps> = {
  'helm/control-plane-default': () => referenceIdentity(),
  'helm/control-plane-ha': () => ({ ...referenceIdentity(), highAvailability: true }),
  'helm/control-plane-cni': () => ({ ...referenceIdentity(), cni: true }),
  // No key at all: cert-manager issues the issuer and webhook certificates, and its objects are manifests beside the releases.
  'helm/control-plane-cert-manager': () => {
    const tls = WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned({ name: 'linkerd-webhook-self-signed' }) });
    return {
      heartbeat: Heartbeat.schedule('0 0 * * *'),
      identity: {
        trustAnchors: TrustAnchors.fromPem(cert('ca.crt')),
        issuer: IssuerCertificate.issuedByCertManager({ issuer: CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' }) }),
      },
      proxyInjector: { tls }, spValidator: { tls }, policyValidator: { tls },
    };
  },
};

/** Scores one helm case; returns whether it passed. */
function helmCase(name: string, controlPlane: LinkerdControlPlaneProps): boolean {
  const native = new App();
  const crds = new LinkerdCrds(native, 'linkerd-crds');
  new LinkerdControlPlane(native, 'linkerd-control-plane', controlPlane).addDependency(crds);
  const nativeDir = path.join(OUT, `${name}.native`);
  writeManifests(synthesizeManifests(native, CONFORMANCE_SYNTH), nativeDir);
  const dir = path.join(OUT, name);
  renderHelmReleases({ controlPlane }, path.join(SHARED, 'charts', 'edge-26.8.3'), path.join(SHARED, 'tools', 'helm'), dir);
  // Nothing to excuse here: both sides come from the same props and certificates.
  const passed = report(name, dir, [compare(nativeDir, dir, `${dir}.compare`, true, 100)]);
  const differences = certificateDifferences(nativeDir, dir);
  process.stdout.write(`${name}: certificates, keys, CA bundles and heartbeat schedule ${differences.length === 0 ? 'byte-equal to the native synth' : `DIFFER: ${differences.join('; ')}`}\n`);
  return passed && differences.length === 0;
}

/** One score of `dir`: its line and whether it reached `min`. */
interface Score {
  readonly label: string;
  readonly score?: string;
  readonly min: number;
  readonly report: string;
}

/** Compares `dir` with `reference` (strictly: extra fields and objects count too), keeping the report beside it. */
function compare(reference: string, dir: string, report: string, strict: boolean, min: number): Score {
  const result = python(['compare', reference, dir, '--show', '30', '--json', `${report}.json`, ...(strict ? ['--strict'] : [])]);
  fs.writeFileSync(`${report}.txt`, result.stdout);
  return { label: strict ? 'strict ' : '', score: /conformance: ([\d.]+)%/.exec(result.stdout)?.[1], min, report: path.relative(OUT, `${report}.txt`) };
}

/** Checks `dir`, prints its line (every score and the check summary), and returns whether everything passed. */
function report(name: string, dir: string, scores: Score[], note = ''): boolean {
  const checked = python(['check', dir]);
  fs.writeFileSync(`${dir}.check.txt`, checked.stdout);
  const summary = /check: .*/.exec(checked.stdout)?.[0] ?? 'check: no summary';
  const failedScores = scores.filter((s) => s.score === undefined || Number(s.score) < s.min);
  const ok = failedScores.length === 0 && checked.status === 0;
  const shown = scores.map((s) => `${s.label}${s.score ?? '?'}%`).join('  ');
  const where = [...failedScores.map((s) => s.report), ...(checked.status === 0 ? [] : [path.relative(OUT, `${dir}.check.txt`)])];
  process.stdout.write(`${name}: ${shown}  (${summary}${note})${ok ? '' : `  FAILED, see ${where.map((w) => `.conformance/${w}`).join(' and ')}`}\n`);
  return ok;
}

/** Writes `reference` without its Helm hook objects to `out`; returns the file and how many were dropped. */
function withoutHelmHooks(reference: string, out: string): { file: string; hooks: number } {
  const docs = parseAllDocuments(fs.readFileSync(reference, 'utf8')).map((d) => d.toJS()).filter((d) => d && typeof d === 'object');
  const kept = docs.filter((d) => d.metadata?.annotations?.['helm.sh/hook'] === undefined);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, kept.map((d) => `---\n${stringify(d)}`).join(''));
  return { file: out, hooks: docs.length - kept.length };
}

/** Cases scored against a helm render made when they run (scripts/helm-cases.ts). */
const RENDER_REFERENCE: Record<string, () => void> = {};
for (const [name, c] of Object.entries(helmCases(REFERENCE, SHARED, OUT, referenceIdentity))) {
  CASES[name] = (app) => c.build(app);
  REFERENCES[name] = c.reference;
  RENDER_REFERENCE[name] = () => c.renderReference();
}

function python(args: string[]): { status: number; stdout: string } {
  const result = spawnSync('python3', [CONFORM, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: `${result.stdout}${result.stderr}` };
}

function main(): void {
  if (!fs.existsSync(REFERENCE) || !fs.existsSync(CONFORM)) {
    process.stderr.write(`conformance: ${REFERENCE} or ${CONFORM} not found; nothing to compare against\n`);
    process.exitCode = 1;
    return;
  }
  const only = process.argv.slice(2);
  let failed = false;
  for (const [name, build] of Object.entries(CASES)) {
    if (only.length > 0 && !only.includes(name)) continue;
    RENDER_REFERENCE[name]?.();
    const app = new App();
    build(app);
    const dir = path.join(OUT, name);
    // .conformance/ is this script's scratch space: each case starts from an empty directory.
    fs.rmSync(dir, { recursive: true, force: true });
    writeManifests(synthesizeManifests(app, CONFORMANCE_SYNTH), dir);
    let reference = REFERENCES[name] ?? path.join(REFERENCE, `${name}.yaml`);
    let note = '';
    if (HOOKS_REPLACED.has(name)) {
      const { file, hooks } = withoutHelmHooks(reference, `${dir}.reference.yaml`);
      reference = file;
      note = `; ${hooks} Helm hook objects left out, replaced by the Namespace`;
    }
    // Strictly, what we emit beyond the reference counts too (the Namespace, tracing env, ...).
    const strictMin = STRICT_INFORMATIONAL.some((prefix) => name.startsWith(prefix)) ? 0 : MIN_STRICT_SCORE;
    const scores = [compare(reference, dir, `${dir}.compare`, false, MIN_SCORE), compare(reference, dir, `${dir}.strict.compare`, true, strictMin)];
    failed = !report(name, dir, scores, note) || failed;
  }
  for (const [name, props] of Object.entries(HELM_CASES)) {
    if (only.length > 0 && !only.includes(name)) continue;
    failed = !helmCase(name, props()) || failed;
  }
  if (failed) process.exitCode = 1;
}

main();
