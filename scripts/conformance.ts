/**
 * `npm run conformance`: synthesizes, through the public API, the configuration equivalent to each
 * upstream reference render, then scores it with ../shared/conformance/conform.py.
 *
 * Prints one line `<reference>: <score>%` per reference and exits 1 when any score is under the
 * threshold (99.5 %) or `conform.py check` reports an error. `--strict` also counts what our output
 * has beyond the reference (extra fields and objects, such as the Namespace and tracing env), with
 * a threshold of 99 %. Names given as arguments select cases.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import {
  GatewayApiCrds, Heartbeat, IssuerCertificate, KeyMaterial, LinkerdControlPlane, LinkerdControlPlaneProps, LinkerdCrds,
  LinkerdViz, LinkerdVizProps, synthesizeManifests, TrustAnchors, WebhookTls, writeManifests,
} from '../src';
import { injectCases } from './inject-cases';

const ROOT = path.resolve(__dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared');
const REFERENCE = process.env.LINKERD_REFERENCE_DIR ?? path.join(SHARED, 'reference', 'edge-26.8.3');
const CONFORM = path.join(SHARED, 'conformance', 'conform.py');
const OUT = path.join(ROOT, '.conformance');
const MIN_SCORE = 99.5;
/** `--strict` also counts fields and objects the reference does not have (conform.py compare --strict). */
const MIN_STRICT_SCORE = 99;

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
};

/** Reference files of cases not scored against `<name>.yaml`: the proxy-injection goldens (scripts/inject-cases.ts). */
const REFERENCES: Record<string, string> = {};
for (const [name, c] of Object.entries(injectCases(REFERENCE))) {
  CASES[name] = (app) => c.build(app);
  REFERENCES[name] = c.reference;
}

/** Writes `reference` without its Helm hook objects to `out`; returns the file and how many were dropped. */
function withoutHelmHooks(reference: string, out: string): { file: string; hooks: number } {
  const docs = parseAllDocuments(fs.readFileSync(reference, 'utf8')).map((d) => d.toJS()).filter((d) => d && typeof d === 'object');
  const kept = docs.filter((d) => d.metadata?.annotations?.['helm.sh/hook'] === undefined);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, kept.map((d) => `---\n${stringify(d)}`).join(''));
  return { file: out, hooks: docs.length - kept.length };
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
  const strict = process.argv.includes('--strict');
  const only = process.argv.slice(2).filter((a) => a !== '--strict');
  const minScore = strict ? MIN_STRICT_SCORE : MIN_SCORE;
  let failed = false;
  for (const [name, build] of Object.entries(CASES)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const app = new App();
    build(app);
    const dir = path.join(OUT, name);
    writeManifests(synthesizeManifests(app), dir);
    const report = `${dir}${strict ? '.strict' : ''}.compare`;
    let reference = REFERENCES[name] ?? path.join(REFERENCE, `${name}.yaml`);
    let note = '';
    if (HOOKS_REPLACED.has(name)) {
      const { file, hooks } = withoutHelmHooks(reference, `${dir}.reference.yaml`);
      reference = file;
      note = `; ${hooks} Helm hook objects left out, replaced by the Namespace`;
    }
    const compare = python(['compare', reference, dir, '--show', '30', '--json', `${report}.json`, ...(strict ? ['--strict'] : [])]);
    fs.writeFileSync(`${report}.txt`, compare.stdout);
    const score = /conformance: ([\d.]+)%/.exec(compare.stdout)?.[1];
    const checked = python(['check', dir]);
    fs.writeFileSync(`${dir}.check.txt`, checked.stdout);
    const summary = /check: .*/.exec(checked.stdout)?.[0] ?? 'check: no summary';
    const ok = score !== undefined && Number(score) >= minScore && checked.status === 0;
    failed ||= !ok;
    process.stdout.write(`${name}: ${score ?? '?'}%${strict ? ' strict' : ''}  (${summary}${note})${ok ? '' : `  FAILED, see .conformance/${path.basename(report)}.txt and ${name}.check.txt`}\n`);
  }
  if (failed) process.exitCode = 1;
}

main();
