import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration } from 'cdk8s';
import { rotationSteps } from '../../examples';
import {
  chainToAnchor, EcdsaP256Key, IssuerCertificate, issueCertificate, KeyMaterial, KeyUsage, LinkerdControlPlane, parseCertificates, runChecks,
  synthesizeManifests, TrustAnchors, writeManifests,
} from '../../src';
import { parseManifests } from '../support/manifests';
import { conformCheck, daysAgo, itWithConform, scope } from './support';

const NOW = new Date('2026-12-01T00:00:00Z');

function objectsOf(app: App, now?: Date): any[] {
  return synthesizeManifests(app, { now }).flatMap((f) => parseManifests(f.content));
}
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const decode = (b64: string) => Buffer.from(b64, 'base64').toString();
const anchorsOf = (objects: any[]) => parseCertificates('t', 'anchors', find(objects, 'ConfigMap', 'linkerd-identity-trust-roots').data['ca-bundle.crt']);
const issuerOf = (objects: any[]) => parseCertificates('t', 'issuer', decode(find(objects, 'Secret', 'linkerd-identity-issuer').data['crt.pem']))[0];

describe('trust-anchor rotation in three synths (generated identity)', () => {
  const steps = rotationSteps();
  const outputs = steps.map((s) => objectsOf(s.build(), NOW));

  test('each step synthesizes, and our checks find nothing even judged at a date', () => {
    for (const objects of outputs) expect(runChecks(objects, { now: NOW })).toEqual([]);
  });

  test('step 1 adds the new anchor; step 2 switches the issuer to it; step 3 drops the old anchor', () => {
    // THEN
    expect(anchorsOf(outputs[0]).map((c) => c.commonName)).toEqual(['root.linkerd.cluster.local', 'root-2.linkerd.cluster.local']);
    expect(issuerOf(outputs[0]).issuer).toBe('CN=root.linkerd.cluster.local');
    expect(anchorsOf(outputs[1]).map((c) => c.commonName)).toEqual(['root.linkerd.cluster.local', 'root-2.linkerd.cluster.local']);
    expect(issuerOf(outputs[1]).issuer).toBe('CN=root-2.linkerd.cluster.local');
    expect(anchorsOf(outputs[2]).map((c) => c.commonName)).toEqual(['root-2.linkerd.cluster.local']);
    expect(find(outputs[2], 'Secret', 'linkerd-identity-issuer')).toEqual(find(outputs[1], 'Secret', 'linkerd-identity-issuer'));
    // the new issuer has a new key
    expect(find(outputs[1], 'Secret', 'linkerd-identity-issuer').data['key.pem']).not.toEqual(find(outputs[0], 'Secret', 'linkerd-identity-issuer').data['key.pem']);
  });

  test('each step changes only what it must', () => {
    const changed = (a: any[], b: any[]) => b.filter((o) => JSON.stringify(o) !== JSON.stringify(find(a, o.kind, o.metadata.name))).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    // anchors feed the trust-roots ConfigMap, linkerd-config, and every pod's trust-root-sha256 annotation
    expect(changed(outputs[0], outputs[1])).toEqual(['ConfigMap/linkerd-config', 'Deployment/linkerd-proxy-injector', 'Secret/linkerd-identity-issuer']);
    expect(changed(outputs[1], outputs[2])).toEqual([
      'ConfigMap/linkerd-config', 'ConfigMap/linkerd-identity-trust-roots',
      'Deployment/linkerd-destination', 'Deployment/linkerd-identity', 'Deployment/linkerd-proxy-injector',
    ]);
  });

  test('workload certificates of the old issuer stay trusted until step 3, which is why it waits', () => {
    // GIVEN a workload certificate the old issuer signed before the switch
    const oldIssuer = find(outputs[0], 'Secret', 'linkerd-identity-issuer').data;
    const issuerCert = parseCertificates('t', 'i', decode(oldIssuer['crt.pem']))[0];
    const leaf = parseCertificates('t', 'leaf', issueCertificate({
      commonName: 'web.default.serviceaccount.identity.linkerd.cluster.local', notBefore: NOW, notAfter: new Date(NOW.getTime() + 86_400_000),
      key: KeyMaterial.fromSeed({ seed: 'a workload key for the test', notBefore: NOW }).ecdsaP256Key('web'), isCA: false,
      keyUsage: [KeyUsage.DIGITAL_SIGNATURE], signer: { certificate: issuerCert, key: EcdsaP256Key.fromPem(decode(oldIssuer['key.pem'])) }, serialLabel: 'leaf',
    }))[0];
    // WHEN / THEN
    expect(chainToAnchor(leaf, [issuerCert], anchorsOf(outputs[1]))).toBeDefined();
    expect(chainToAnchor(leaf, [issuerCert], anchorsOf(outputs[2]))).toBeUndefined();
  });

  test('fails when the old anchor is dropped while the issuer is still signed by it', () => {
    // GIVEN step 3's anchors with step 1's issuer
    const keyMaterial = KeyMaterial.fromSeed({ seed: 'rotation test seed, not secret', notBefore: '2026-11-01T00:00:00Z' });
    const current = TrustAnchors.generated();
    const next = TrustAnchors.generated({ commonName: 'root-2.linkerd.cluster.local', notBefore: '2026-11-15T00:00:00Z' });
    // WHEN / THEN
    expect(() => new LinkerdControlPlane(new App(), 'linkerd-control-plane', {
      keyMaterial, emitGeneratedPrivateKeys: true, identity: { trustAnchors: next, issuer: IssuerCertificate.generated({ signedBy: current }) },
    })).toThrow(/identity\.issuer\.signedBy: signedBy is not one of the generated anchors of identity\.trustAnchors/);
  });

  itWithConform('conform.py check finds no error in any step (certificates dated around today)', () => {
    const fresh = rotationSteps({ notBefore: daysAgo(3), rotatedAt: daysAgo(1) });
    for (const step of fresh) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-linkerd-${step.step}-`));
      writeManifests(synthesizeManifests(step.build(), { now: new Date() }), dir);
      const result = conformCheck(dir);
      expect({ step: step.step, output: result.output }).toEqual({ step: step.step, output: expect.stringMatching(/check: 0 errors, \d+ warnings over \d+ objects/) });
      expect(result.status).toBe(0);
    }
  });
});

describe('trust-anchor rotation with PEM files', () => {
  // GIVEN anchors and issuers made elsewhere (here: by this library, standing in for step or openssl)
  const keys = KeyMaterial.fromSeed({ seed: 'pem rotation test seed', notBefore: '2026-11-01T00:00:00Z' });
  const oldAnchor = TrustAnchors.generated({ validity: Duration.days(3650) });
  const newAnchor = TrustAnchors.generated({ commonName: 'root-2.linkerd.cluster.local', notBefore: '2026-11-15T00:00:00Z' });
  const both = TrustAnchors.bundle(oldAnchor, newAnchor).bind(scope(), { field: 'a', keyMaterial: keys });
  const issue = (signedBy: TrustAnchors) => IssuerCertificate.generated({ signedBy, notBefore: signedBy === newAnchor ? '2026-11-15T00:00:00Z' : undefined })
    .bind(scope(), { field: 'i', anchors: both, keyMaterial: keys, trustDomain: 'cluster.local', controlPlaneNamespace: 'linkerd' });
  const oldIssuer = issue(oldAnchor);
  const newIssuer = issue(newAnchor);
  const [oldPem, newPem] = both.signers!.map((s) => s.certificatePem);

  const step = (anchorsPem: string, issuer: { certificatePem?: string; privateKeyPem?: string }) => {
    const app = new App();
    new LinkerdControlPlane(app, 'linkerd-control-plane', {
      keyMaterial: keys,
      emitGeneratedPrivateKeys: true,
      identity: { trustAnchors: TrustAnchors.fromPem(anchorsPem), issuer: IssuerCertificate.fromPem({ certificatePem: issuer.certificatePem!, privateKeyPem: issuer.privateKeyPem! }) },
    });
    return app;
  };

  test('each step is valid on its own, and skipping step 2 fails', () => {
    for (const app of [step(oldPem + newPem, oldIssuer), step(oldPem + newPem, newIssuer), step(newPem, newIssuer)]) {
      expect(runChecks(objectsOf(app, NOW), { now: NOW })).toEqual([]);
    }
    expect(() => step(newPem, oldIssuer)).toThrow(/identity\.issuer\.certificatePem: issuer certificate CN=identity\.linkerd\.cluster\.local is not signed by any trust anchor/);
  });
});
