/**
 * Manifest sets for the identity check and CLI tests: a valid generated install, and one broken
 * copy per rule. Every certificate is made here, with this library's issueCertificate and
 * EcdsaP256Key or with node:crypto; none comes from the reference renders.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { Duration, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import {
  CertManagerIssuer, EcdsaP256Key, ExtendedKeyUsage, IssuerCertificate, issueCertificate, KeyMaterial, KeyUsage, LinkerdControlPlane,
  parseCertificates, PrivateKeyEncoding, TrustAnchors, WebhookTls,
} from '../../src';
import { controlPlaneProps, TEST_KEYS } from '../control-plane/fixtures';
import { nodeKeyPair, oddCertificate, scope } from '../identity/support';

export const NOW = new Date('2026-06-01T00:00:00Z');
export const ISSUER_NAME = 'identity.linkerd.cluster.local';
const DAY = 86_400_000;

/** The generated install of test/control-plane/fixtures.ts, as plain objects. */
export function generatedInstall(): any[] {
  return Testing.synth(new LinkerdControlPlane(Testing.app(), 'linkerd-control-plane', controlPlaneProps()));
}

/** The same install with its identity issuer and webhooks from cert-manager. */
export function certManagerInstall(): any[] {
  const anchors = TrustAnchors.generated({ validity: Duration.days(3650) }).bind(scope(), { field: 'a', keyMaterial: TEST_KEYS });
  const tls = WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned() });
  return Testing.synth(new LinkerdControlPlane(Testing.app(), 'linkerd-control-plane', {
    identity: {
      trustAnchors: TrustAnchors.fromPem(anchors.pem),
      issuer: IssuerCertificate.issuedByCertManager({ issuer: CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' }) }),
    },
    proxyInjector: { tls }, spValidator: { tls }, policyValidator: { tls },
  }));
}

/** The trust anchor of the generated install, with its key. */
export function generatedAnchor(): { certificatePem: string; key: EcdsaP256Key } {
  const bound = TrustAnchors.generated({ validity: Duration.days(3650) }).bind(scope(), { field: 'a', keyMaterial: TEST_KEYS });
  return { certificatePem: bound.signer!.certificatePem, key: EcdsaP256Key.fromPem(bound.signer!.privateKeyPem) };
}

export interface IssuerOptions {
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly pathLen?: number;
  /** Sign with another anchor than the install's. */
  readonly foreignAnchor?: boolean;
  readonly keyLabel?: string;
}

/** An ECDSA P-256 issuer made with issueCertificate, signed by the install's anchor unless told otherwise. */
export function issuer(options: IssuerOptions = {}): { certificatePem: string; privateKeyPem: string } {
  const keys = options.foreignAnchor ? KeyMaterial.fromSeed({ seed: 'some other install entirely', notBefore: '2026-01-01' }) : TEST_KEYS;
  const anchorKey = options.foreignAnchor ? keys.ecdsaP256Key('foreign-anchor') : generatedAnchor().key;
  const anchorPem = options.foreignAnchor
    ? issueCertificate({ commonName: 'root.linkerd.cluster.local', notBefore: new Date('2026-01-01'), notAfter: new Date('2036-01-01'), key: anchorKey, isCA: true, pathLen: 1, keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN], serialLabel: 'foreign' })
    : generatedAnchor().certificatePem;
  const key = KeyMaterial.fromSeed({ seed: 'check fixtures issuer keys', notBefore: '2026-01-01' }).ecdsaP256Key(options.keyLabel ?? 'issuer');
  const notBefore = options.notBefore ?? new Date('2026-01-01T00:00:00Z');
  const certificatePem = issueCertificate({
    commonName: ISSUER_NAME,
    dnsNames: [ISSUER_NAME],
    notBefore,
    notAfter: options.notAfter ?? new Date(notBefore.getTime() + 365 * DAY),
    key,
    isCA: true,
    pathLen: options.pathLen ?? 0,
    keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN],
    signer: { certificate: parseCertificates('t', 'anchor', anchorPem)[0], key: anchorKey },
    serialLabel: `fixture:${JSON.stringify(options)}`,
  });
  return { certificatePem, privateKeyPem: key.toPem(PrivateKeyEncoding.SEC1) };
}

/** An RSA 2048 CA issuer signed by the install's anchor (node:crypto). */
export function rsaIssuer(): { certificatePem: string; privateKeyPem: string } {
  const pair = nodeKeyPair({ type: 'rsa', bits: 2048 });
  const anchor = generatedAnchor();
  const certificatePem = oddCertificate({
    commonName: ISSUER_NAME, key: pair.privateKey, isCA: true, pathLen: 0, keyUsage: 32 | 64,
    signer: { key: createPrivateKey(anchor.key.toPem(PrivateKeyEncoding.PKCS8)), commonName: 'root.linkerd.cluster.local' },
  });
  return { certificatePem, privateKeyPem: pair.privateKeyPem };
}

const b64 = (s: string) => Buffer.from(s.trim(), 'utf8').toString('base64');

export function find(objects: any[], kind: string, name: string): any {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
}

/** A copy of `objects` with the issuer Secret's crt.pem / key.pem replaced. */
export function withIssuer(objects: any[], pem: { certificatePem: string; privateKeyPem: string }): any[] {
  const copy = structuredClone(objects);
  find(copy, 'Secret', 'linkerd-identity-issuer').data = { 'crt.pem': b64(pem.certificatePem), 'key.pem': b64(pem.privateKeyPem) };
  return copy;
}

/** A self-signed serving certificate with the given DNS names (none: no SAN), PKCS#8 key. */
export function servingCertificate(dnsNames: string[]): { certificatePem: string; privateKeyPem: string } {
  const key = KeyMaterial.fromSeed({ seed: 'check fixtures webhook keys', notBefore: '2026-01-01' }).ecdsaP256Key(`serving:${dnsNames.join(',')}`);
  const certificatePem = issueCertificate({
    commonName: dnsNames[0] ?? 'linkerd-proxy-injector',
    ...(dnsNames.length ? { dnsNames } : {}),
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2031-01-01T00:00:00Z'),
    key,
    isCA: false,
    keyUsage: [KeyUsage.DIGITAL_SIGNATURE],
    extendedKeyUsage: [ExtendedKeyUsage.SERVER_AUTH],
    serialLabel: `serving:${dnsNames.join(',')}`,
  });
  return { certificatePem, privateKeyPem: key.toPem(PrivateKeyEncoding.PKCS8) };
}

/** A copy with the proxy injector's Secret and caBundle replaced (the certificate is its own caBundle). */
export function withInjectorCertificate(objects: any[], pem: { certificatePem: string; privateKeyPem: string }, caBundlePem = pem.certificatePem): any[] {
  const copy = structuredClone(objects);
  find(copy, 'Secret', 'linkerd-proxy-injector-k8s-tls').data = { 'tls.crt': b64(pem.certificatePem), 'tls.key': b64(pem.privateKeyPem) };
  find(copy, 'MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config').webhooks[0].clientConfig.caBundle = b64(caBundlePem);
  return copy;
}

/** A copy with the cert-manager Certificate of the identity issuer changed. */
export function withIssuerCertificateSpec(objects: any[], spec: Record<string, unknown>): any[] {
  const copy = structuredClone(objects);
  const cert = copy.find((o: any) => o.kind === 'Certificate' && o.metadata.name === 'linkerd-identity-issuer');
  Object.assign(cert.spec, spec);
  return copy;
}

/** Writes objects as one YAML stream into a fresh temporary directory; returns the directory. */
export function writeManifestDir(objects: any[], name = 'manifests.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-check-'));
  fs.writeFileSync(path.join(dir, name), objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
  return dir;
}

/** The broken sets the CLI must reject, each with the code it must report. */
export function brokenInstalls(): Array<{ name: string; code: string; objects: any[]; now?: string }> {
  const base = generatedInstall();
  const cm = certManagerInstall();
  return [
    { name: 'an expired issuer', code: 'L5D110', now: '2027-06-01T00:00:00Z', objects: withIssuer(base, issuer({ notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') })) },
    { name: 'an issuer not signed by the anchor', code: 'L5D101', objects: withIssuer(base, issuer({ foreignAnchor: true })) },
    { name: 'an RSA issuer', code: 'L5D104', objects: withIssuer(base, rsaIssuer()) },
    { name: 'an issuer with pathlen 1', code: 'L5D103', objects: withIssuer(base, issuer({ pathLen: 1 })) },
    { name: 'an issuer key that does not match the certificate', code: 'L5D105', objects: withIssuer(base, { certificatePem: issuer().certificatePem, privateKeyPem: issuer({ keyLabel: 'other' }).privateKeyPem }) },
    { name: 'an issuer shorter-lived than the issuance lifetime', code: 'L5D112', objects: withIssuer(base, issuer({ notAfter: new Date('2026-01-01T12:00:00Z') })) },
    { name: 'a cert-manager renewBefore not shorter than the duration', code: 'L5D115', objects: withIssuerCertificateSpec(cm, { duration: '48h0m0s', renewBefore: '48h0m0s' }) },
    { name: 'a webhook certificate without the SAN', code: 'L5D120', objects: withInjectorCertificate(base, servingCertificate([])) },
  ];
}
