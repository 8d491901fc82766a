import { X509Certificate } from 'node:crypto';
import { Duration } from 'cdk8s';
import { LinkerdConfigError } from '../../src/errors';
import { ExtendedKeyUsage, KeyUsage } from '../../src/identity/certificate';
import { keyMatchesCertificate } from '../../src/identity/private-key';
import { TrustAnchors } from '../../src/identity/trust-anchors';
import {
  describeWithReference, itWithOpenssl, keyMaterial, nodeKeyPair, oddCertificate, openssl, reference, scope,
} from './support';

const context = { field: 'identity.trustAnchors', keyMaterial: keyMaterial() };

describe('TrustAnchors.generated', () => {
  test('is byte-identical across binds with the same seed', () => {
    // GIVEN
    const anchors = TrustAnchors.generated();
    // WHEN
    const a = anchors.bind(scope(), context);
    const b = TrustAnchors.generated().bind(scope(), { ...context, keyMaterial: keyMaterial() });
    // THEN
    expect(a.pem).toEqual(b.pem);
    expect(a.signer).toEqual(b.signer);
  });

  test('a different seed gives a different anchor', () => {
    // GIVEN / WHEN
    const a = TrustAnchors.generated().bind(scope(), context);
    const b = TrustAnchors.generated().bind(scope(), { ...context, keyMaterial: keyMaterial('another-seed-0123456789') });
    // THEN
    expect(a.pem).not.toEqual(b.pem);
    expect(a.signer!.privateKeyPem).not.toEqual(b.signer!.privateKeyPem);
  });

  test('is a self-signed P-256 CA with pathLen 1, valid ten years from notBefore', () => {
    // GIVEN / WHEN
    const bound = TrustAnchors.generated().bind(scope(), context);
    // THEN
    expect(bound.certificates).toHaveLength(1);
    const [anchor] = bound.certificates;
    expect(anchor).toMatchObject({
      subject: 'CN=root.linkerd.cluster.local', issuer: 'CN=root.linkerd.cluster.local', isCA: true, pathLen: 1,
      keyAlgorithm: 'ECDSA P-256', signatureAlgorithm: 'ECDSA-SHA256', dnsNames: ['root.linkerd.cluster.local'],
      keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN], extendedKeyUsage: undefined,
    });
    expect(anchor.notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
    expect(anchor.notAfter.toISOString()).toEqual('2035-12-30T00:00:00.000Z');
    const node = new X509Certificate(bound.pem);
    expect(node.verify(node.publicKey)).toBe(true);
    expect(bound.pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    expect(bound.signer!.certificatePem).toEqual(bound.pem);
    expect(bound.signer!.privateKeyPem.startsWith('-----BEGIN EC PRIVATE KEY-----')).toBe(true);
    expect(keyMatchesCertificate(bound.signer!.privateKeyPem, bound.pem)).toBe(true);
  });

  test('takes a common name and a validity', () => {
    // GIVEN / WHEN
    const bound = TrustAnchors.generated({ commonName: 'root.example.org', validity: Duration.days(30) }).bind(scope(), context);
    // THEN
    expect(bound.certificates[0]).toMatchObject({ commonName: 'root.example.org', dnsNames: ['root.example.org'] });
    expect(bound.certificates[0].notAfter.toISOString()).toEqual('2026-01-31T00:00:00.000Z');
  });

  itWithOpenssl('openssl accepts it as a strict root', () => {
    // GIVEN
    const bound = TrustAnchors.generated().bind(scope(), context);
    // WHEN
    const out = openssl({ 'ca.pem': bound.pem }, (d) => ['verify', '-x509_strict', '-check_ss_sig', '-CAfile', `${d}/ca.pem`, `${d}/ca.pem`]);
    // THEN
    expect(out).toMatch(/OK/);
  });

  test('fails without key material, naming the field keyMaterial', () => {
    // GIVEN
    const anchors = TrustAnchors.generated();
    // WHEN
    const bind = () => anchors.bind(scope(), { field: 'identity.trustAnchors' });
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: keyMaterial: is required by identity\.trustAnchors: TrustAnchors\.generated\(\)/);
    expect(bind).toThrow(/KeyMaterial\.fromSeed\(/);
  });

  test('fails with a common name that is not a DNS name', () => {
    // GIVEN / WHEN
    const bind = () => TrustAnchors.generated({ commonName: 'Not A DNS Name' }).bind(scope(), context);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.trustAnchors\.commonName: "Not A DNS Name" contains " " \(a space\) and upper-case letters/);
  });

  test('fails with a validity that is not positive', () => {
    // GIVEN / WHEN
    const bind = () => TrustAnchors.generated({ validity: Duration.millis(0) }).bind(scope(), context);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.trustAnchors\.validity: .* is not a positive validity/);
  });
});

describeWithReference('TrustAnchors.fromPem with the reference certificates', () => {
  test('keeps the PEM exactly as given, trailing newline included', () => {
    // GIVEN
    const pem = reference('ca.crt');
    // WHEN
    const bound = TrustAnchors.fromPem(pem).bind(scope(), { field: 'identity.trustAnchors' });
    // THEN
    expect(bound.pem).toBe(pem);
    expect(bound.signer).toBeUndefined();
    expect(bound.certificates[0].commonName).toEqual('root.linkerd.cluster.local');
  });

  test('accepts a rotation bundle of two anchors', () => {
    // GIVEN
    const generated = TrustAnchors.generated({ commonName: 'new-root.linkerd.cluster.local' }).bind(scope(), context).pem;
    const bundle = reference('ca.crt') + generated;
    // WHEN
    const bound = TrustAnchors.fromPem(bundle).bind(scope(), { field: 'identity.trustAnchors' });
    // THEN
    expect(bound.pem).toBe(bundle);
    expect(bound.certificates.map((c) => c.commonName)).toEqual(['root.linkerd.cluster.local', 'new-root.linkerd.cluster.local']);
  });

  test('fails when an anchor of the bundle is not a CA', () => {
    // GIVEN
    const key = nodeKeyPair().privateKey;
    const leaf = oddCertificate({ commonName: 'leaf', key, isCA: false });
    // WHEN
    const bind = () => TrustAnchors.fromPem(reference('ca.crt') + leaf).bind(scope(), { field: 'identity.trustAnchors' });
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: identity\.trustAnchors: certificate 2 \(CN=leaf\) is not a CA/);
  });

  test('fails when a block is not a certificate', () => {
    // GIVEN / WHEN
    const bind = () => TrustAnchors.fromPem(reference('ca.key')).bind(scope(), { field: 'identity.trustAnchors' });
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.trustAnchors: PEM block 1 is "EC PRIVATE KEY", not a CERTIFICATE/);
  });
});

describe('TrustAnchors.fromPem', () => {
  test('accepts an RSA 2048 anchor signed with SHA256-RSA', () => {
    // GIVEN
    const pem = oddCertificate({ commonName: 'rsa-root', key: nodeKeyPair({ type: 'rsa', bits: 2048 }).privateKey, isCA: true });
    // WHEN / THEN
    expect(TrustAnchors.fromPem(pem).bind(scope(), { field: 'identity.trustAnchors' }).certificates[0].keyAlgorithm).toEqual('RSA 2048');
  });

  test.each([
    ['not PEM', () => 'nothing here', /holds no PEM certificate/],
    ['a P-384 anchor', () => oddCertificate({ commonName: 'r', key: nodeKeyPair({ type: 'ec', curve: 'P-384' }).privateKey, isCA: true }), /uses the curve P-384; Linkerd requires P-256/],
    ['an ECDSA-SHA384 signature', () => oddCertificate({ commonName: 'r', key: nodeKeyPair().privateKey, hash: 'sha384', isCA: true }), /is signed with ECDSA-SHA384/],
    ['an RSA 3072 anchor', () => oddCertificate({ commonName: 'r', key: nodeKeyPair({ type: 'rsa', bits: 3072 }).privateKey, isCA: true }), /has an RSA 3072 key/],
    ['an anchor without basicConstraints', () => oddCertificate({ commonName: 'r', key: nodeKeyPair().privateKey }), /is not a CA/],
    ['an anchor whose EKU excludes serverAuth', () => oddCertificate({ commonName: 'r', key: nodeKeyPair().privateKey, isCA: true, extendedKeyUsage: [ExtendedKeyUsage.CLIENT_AUTH] }), /extendedKeyUsage without serverAuth/],
  ])('fails with %s', (_what, pem, message) => {
    // GIVEN
    const anchors = TrustAnchors.fromPem(pem());
    // WHEN
    const bind = () => anchors.bind(scope(), { field: 'identity.trustAnchors' });
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: identity\.trustAnchors: /);
    expect(bind).toThrow(message);
  });
});

describe('TrustAnchors.generated with its own start or key material', () => {
  test('an own notBefore gives an own key and a certificate starting then', () => {
    // GIVEN / WHEN
    const base = TrustAnchors.generated().bind(scope(), context);
    const later = TrustAnchors.generated({ notBefore: '2026-06-01T00:00:00Z' }).bind(scope(), context);
    // THEN
    expect(later.certificates[0].notBefore.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(later.certificates[0].notAfter.toISOString()).toBe('2036-05-29T00:00:00.000Z');
    expect(later.signer!.privateKeyPem).not.toEqual(base.signer!.privateKeyPem);
    expect(TrustAnchors.generated({ notBefore: '2026-06-01T00:00:00Z' }).bind(scope(), context).pem).toEqual(later.pem);
  });

  test('takes its own key material', () => {
    const own = TrustAnchors.generated({ keyMaterial: keyMaterial('a seed just for the anchor') }).bind(scope(), { field: 'x' });
    expect(own.certificates[0].subject).toBe('CN=root.linkerd.cluster.local');
  });

  test('fails with a notBefore without a zone', () => {
    expect(() => TrustAnchors.generated({ notBefore: '2026-06-01T00:00:00' }).bind(scope(), context))
      .toThrow(/^test\/linkerd: identity\.trustAnchors\.notBefore: "2026-06-01T00:00:00" is not an ISO 8601 date/);
  });
});

describe('TrustAnchors.bundle', () => {
  const current = TrustAnchors.generated();
  const next = TrustAnchors.generated({ commonName: 'root-2.linkerd.cluster.local', notBefore: '2026-06-01T00:00:00Z' });

  test('joins the anchors in order, keeping each PEM as given, and lists every generated signer', () => {
    // GIVEN
    const pem = TrustAnchors.generated({ commonName: 'pem-root.linkerd.cluster.local' }).bind(scope(), context).pem.trim(); // no trailing newline
    // WHEN
    const bound = TrustAnchors.bundle(TrustAnchors.fromPem(pem), current, next).bind(scope(), context);
    // THEN
    expect(bound.certificates.map((c) => c.commonName)).toEqual(['pem-root.linkerd.cluster.local', 'root.linkerd.cluster.local', 'root-2.linkerd.cluster.local']);
    expect(bound.pem).toBe(`${pem}\n${current.bind(scope(), context).pem}${next.bind(scope(), context).pem}`);
    expect(bound.signers!.map((s) => s.source)).toEqual([current, next]);
    expect(bound.signer).toBeUndefined();
  });

  test('a bundle of one generated anchor still has its signer', () => {
    const bound = TrustAnchors.bundle(current).bind(scope(), context);
    expect(bound.signer).toEqual(current.bind(scope(), context).signer);
  });

  test.each([
    ['no anchors', () => TrustAnchors.bundle(), /needs one or more TrustAnchors/],
    ['the same anchor twice', () => TrustAnchors.bundle(current, TrustAnchors.generated()), /certificate 2 \(CN=root.linkerd.cluster.local\) is the same certificate as certificate 1/],
    ['two generated anchors of one name', () => TrustAnchors.bundle(current, TrustAnchors.generated({ notBefore: '2026-06-01' })), /two generated anchors are both named CN=root.linkerd.cluster.local/],
    ['a bad member', () => TrustAnchors.bundle(current, TrustAnchors.fromPem('nope')), /identity\.trustAnchors\[1\]: holds no PEM certificate/],
  ])('fails with %s', (_what, make, message) => {
    expect(() => make().bind(scope(), context)).toThrow(LinkerdConfigError);
    expect(() => make().bind(scope(), context)).toThrow(message);
  });
});
