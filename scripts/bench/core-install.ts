/**
 * Bench target: the core install, as a user's compiled synth script would write it. CRDs and the
 * control plane in one app, with the trust anchor and the identity issuer brought as PEM (the
 * configuration of the reference render `control-plane-default`, whose webhook certificates the
 * chart generates and we derive from a seed), synthesized with `runSynth` into $CDK8S_OUTDIR.
 *
 *   node lib/scripts/bench/core-install.js <directory with ca.crt, issuer.crt and issuer.key>
 *
 * It imports the package entry point only, so it loads what a user's script loads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { Heartbeat, IssuerCertificate, KeyMaterial, LinkerdControlPlane, LinkerdCrds, runSynth, TrustAnchors } from '../../src';

const certs = process.argv[2];
if (!certs) throw new Error('usage: core-install <directory with ca.crt, issuer.crt and issuer.key>');
const read = (name: string) => fs.readFileSync(path.join(certs, name), 'utf8');

runSynth(() => {
  const app = new App();
  const crds = new LinkerdCrds(app, 'linkerd-crds');
  const controlPlane = new LinkerdControlPlane(app, 'linkerd-control-plane', {
    keyMaterial: KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd bench webhooks', notBefore: '2026-11-27T00:00:00Z' }),
    emitGeneratedPrivateKeys: true,
    identity: {
      trustAnchors: TrustAnchors.fromPem(read('ca.crt')),
      issuer: IssuerCertificate.fromPem({ certificatePem: read('issuer.crt'), privateKeyPem: read('issuer.key') }),
    },
    heartbeat: Heartbeat.schedule('0 0 * * *'),
  });
  controlPlane.addDependency(crds);
  return app;
});
