/**
 * `npm run conformance`: synthesizes, through the public API, the configuration equivalent to each
 * upstream reference render, then scores it with ../shared/conformance/conform.py.
 *
 * Prints one line `<reference>: <score>%` per reference and exits 1 when any score is under the
 * threshold or `conform.py check` reports an error.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import {
  GatewayApiCrds, Heartbeat, IssuerCertificate, KeyMaterial, LinkerdCni, LinkerdControlPlane, LinkerdControlPlaneProps, LinkerdCrds, LinkerdMulticluster,
  synthesizeManifests, TrustAnchors, WebhookTls, writeManifests,
} from '../src';
import { helmCases } from './helm-cases';
import { injectCases } from './inject-cases';

const ROOT = path.resolve(__dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared');
const REFERENCE = process.env.LINKERD_REFERENCE_DIR ?? path.join(SHARED, 'reference', 'edge-26.8.3');
const CONFORM = path.join(SHARED, 'conformance', 'conform.py');
const OUT = path.join(ROOT, '.conformance');
const MIN_SCORE = 99.5;

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
    writeManifests(synthesizeManifests(app), dir);
    const compare = python(['compare', REFERENCES[name] ?? path.join(REFERENCE, `${name}.yaml`), dir, '--show', '30', '--json', `${dir}.compare.json`]);
    fs.writeFileSync(`${dir}.compare.txt`, compare.stdout);
    const score = /conformance: ([\d.]+)%/.exec(compare.stdout)?.[1];
    const checked = python(['check', dir]);
    fs.writeFileSync(`${dir}.check.txt`, checked.stdout);
    const summary = /check: .*/.exec(checked.stdout)?.[0] ?? 'check: no summary';
    const ok = score !== undefined && Number(score) >= MIN_SCORE && checked.status === 0;
    failed ||= !ok;
    process.stdout.write(`${name}: ${score ?? '?'}%  (${summary})${ok ? '' : `  FAILED, see .conformance/${name}.compare.txt and .check.txt`}\n`);
  }
  if (failed) process.exitCode = 1;
}

main();
