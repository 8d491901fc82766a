import { createPrivateKey, X509Certificate } from 'node:crypto';
import { Duration } from 'cdk8s';
import { LinkerdConfigError } from '../../src/errors';
import { ExtendedKeyUsage, parseCertificates, verifiesSignedBy } from '../../src/identity/certificate';
import { IssuerCertificate, IssuerCertificateBindContext } from '../../src/identity/issuer';
import { encodePem } from '../../src/identity/pem';
import { keyMatchesCertificate, PrivateKeyEncoding } from '../../src/identity/private-key';
import { BoundTrustAnchors, TrustAnchors } from '../../src/identity/trust-anchors';
import {
  describeWithReference, itWithOpenssl, keyMaterial, nodeKeyPair, oddCertificate, openssl, reference, scope,
} from './support';

const km = keyMaterial();
const generatedAnchors = TrustAnchors.generated().bind(scope(), { field: 'identity.trustAnchors', keyMaterial: km });

function context(anchors: BoundTrustAnchors, overrides: Partial<IssuerCertificateBindContext> = {}): IssuerCertificateBindContext {
  return { field: 'identity.issuer', anchors, keyMaterial: km, trustDomain: 'cluster.local', controlPlaneNamespace: 'linkerd', ...overrides };
}

/** A certificate signed by the generated anchor, with a fresh key; for the failure cases. */
function signedByGeneratedAnchor(props: Omit<Parameters<typeof oddCertificate>[0], 'key' | 'signer' | 'commonName'>, keySpec?: Parameters<typeof nodeKeyPair>[0]) {
  const pair = nodeKeyPair(keySpec);
  const certificatePem = oddCertificate({
    commonName: 'identity.linkerd.cluster.local',
    key: pair.privateKey,
    signer: { key: createPrivateKey(generatedAnchors.signer!.privateKeyPem), commonName: 'root.linkerd.cluster.local' },
    ...props,
  });
  return { certificatePem, privateKeyPem: pair.privateKeyPem };
}

describe('IssuerCertificate.generated', () => {
  test('is byte-identical for the same seed', () => {
    // GIVEN / WHEN
    const a = IssuerCertificate.generated().bind(scope(), context(generatedAnchors));
    const b = IssuerCertificate.generated().bind(scope(), context(generatedAnchors, { keyMaterial: keyMaterial() }));
    // THEN
    expect(a).toEqual(b);
  });

  test('is a P-256 CA with pathLen 0 signed by the anchor, with a SEC1 key', () => {
    // GIVEN / WHEN
    const bound = IssuerCertificate.generated().bind(scope(), context(generatedAnchors));
    // THEN
    expect(bound.scheme).toEqual('linkerd.io/tls');
    expect(bound.privateKeyPem!.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true);
    expect(keyMatchesCertificate(bound.privateKeyPem!, bound.certificatePem!)).toBe(true);
    const [anchor] = generatedAnchors.certificates;
    const node = new X509Certificate(bound.certificatePem!);
    expect(node.verify(new X509Certificate(generatedAnchors.pem).publicKey)).toBe(true);
    expect(node.checkIssued(new X509Certificate(generatedAnchors.pem))).toBe(true);
    const [issuer] = parseCertificates('test', 'x', bound.certificatePem!);
    expect(verifiesSignedBy(issuer, anchor)).toBe(true);
    expect(issuer).toMatchObject({
      subject: 'CN=identity.linkerd.cluster.local', issuer: 'CN=root.linkerd.cluster.local', isCA: true, pathLen: 0,
      keyAlgorithm: 'ECDSA P-256', signatureAlgorithm: 'ECDSA-SHA256', dnsNames: ['identity.linkerd.cluster.local'],
      keyUsage: ['keyCertSign', 'cRLSign'], extendedKeyUsage: undefined, authorityKeyId: anchor.subjectKeyId,
    });
    expect(issuer.notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
    expect(issuer.notAfter.toISOString()).toEqual('2027-01-01T00:00:00.000Z');
    expect(bound.notAfter).toEqual(issuer.notAfter);
    expect(issuer.notAfter.getTime()).toBeLessThanOrEqual(anchor.notAfter.getTime());
  });

  test('names itself after the namespace and trust domain, and takes PKCS#8', () => {
    // GIVEN / WHEN
    const bound = IssuerCertificate.generated({ keyEncoding: PrivateKeyEncoding.PKCS8 })
      .bind(scope(), context(generatedAnchors, { controlPlaneNamespace: 'mesh', trustDomain: 'example.org' }));
    // THEN
    expect(new X509Certificate(bound.certificatePem!).subjectAltName).toEqual('DNS:identity.mesh.example.org');
    expect(bound.privateKeyPem!.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
  });

  itWithOpenssl('openssl verifies the chain strictly', () => {
    // GIVEN
    const bound = IssuerCertificate.generated().bind(scope(), context(generatedAnchors));
    // WHEN
    const out = openssl({ 'ca.pem': generatedAnchors.pem, 'issuer.pem': bound.certificatePem!, 'issuer.key': bound.privateKeyPem! },
      (d) => ['verify', '-x509_strict', '-CAfile', `${d}/ca.pem`, `${d}/issuer.pem`]);
    const key = openssl({ 'issuer.key': bound.privateKeyPem! }, (d) => ['ec', '-in', `${d}/issuer.key`, '-check', '-noout']);
    // THEN
    expect(out).toMatch(/issuer\.pem: OK/);
    expect(key).toMatch(/EC Key valid/);
  });

  test('fails without key material', () => {
    // GIVEN / WHEN
    const bind = () => IssuerCertificate.generated().bind(scope(), context(generatedAnchors, { keyMaterial: undefined }));
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: keyMaterial: is required by identity\.issuer: IssuerCertificate\.generated\(\)/);
  });

  test('fails when the anchors have no signer (fromPem anchors)', () => {
    // GIVEN
    const anchors = TrustAnchors.fromPem(generatedAnchors.pem).bind(scope(), { field: 'identity.trustAnchors' });
    // WHEN
    const bind = () => IssuerCertificate.generated().bind(scope(), context(anchors));
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer: IssuerCertificate\.generated\(\) needs the trust anchor key/);
  });

  test('fails when its validity would end after the anchor', () => {
    // GIVEN
    const anchors = TrustAnchors.generated({ validity: Duration.days(100) }).bind(scope(), { field: 'identity.trustAnchors', keyMaterial: km });
    // WHEN
    const bind = () => IssuerCertificate.generated().bind(scope(), context(anchors));
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\.validity: the issuer would be valid until 2027-01-01T00:00:00\.000Z, after the trust anchor/);
  });

  test('fails with a PKCS#1 key encoding', () => {
    // GIVEN / WHEN
    const bind = () => IssuerCertificate.generated({ keyEncoding: PrivateKeyEncoding.PKCS1 }).bind(scope(), context(generatedAnchors));
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\.keyEncoding: "PKCS1" is not one of "SEC1", "PKCS8"/);
  });
});

describe('IssuerCertificate.external', () => {
  test('switches to kubernetes.io/tls and emits nothing', () => {
    // GIVEN / WHEN
    const bound = IssuerCertificate.external().bind(scope(), context(generatedAnchors, { keyMaterial: undefined }));
    // THEN
    expect(bound).toEqual({ scheme: 'kubernetes.io/tls' });
  });
});

describeWithReference('IssuerCertificate.fromPem with the reference certificates', () => {
  const anchors = (): BoundTrustAnchors => TrustAnchors.fromPem(reference('ca.crt')).bind(scope(), { field: 'identity.trustAnchors' });

  test('accepts the reference issuer and keeps the PEM as given', () => {
    // GIVEN
    const props = { certificatePem: reference('issuer.crt'), privateKeyPem: reference('issuer.key') };
    // WHEN
    const bound = IssuerCertificate.fromPem(props).bind(scope(), context(anchors(), { keyMaterial: undefined }));
    // THEN
    expect(bound).toEqual({ scheme: 'linkerd.io/tls', ...props, notAfter: new Date('2031-11-27T07:05:59Z') });
  });

  test('accepts a PKCS#8 key', () => {
    // GIVEN
    const pkcs8 = createPrivateKey(reference('issuer.key')).export({ type: 'pkcs8', format: 'pem' }) as string;
    // WHEN / THEN
    expect(IssuerCertificate.fromPem({ certificatePem: reference('issuer.crt'), privateKeyPem: pkcs8 })
      .bind(scope(), context(anchors())).privateKeyPem).toBe(pkcs8);
  });

  test.each([
    ['the certificate is a key', () => ({ certificatePem: reference('issuer.key'), privateKeyPem: reference('issuer.key') }),
      /identity\.issuer\.certificatePem: PEM block 1 is "EC PRIVATE KEY", not a CERTIFICATE/],
    ['the key is a certificate', () => ({ certificatePem: reference('issuer.crt'), privateKeyPem: reference('issuer.crt') }),
      /identity\.issuer\.privateKeyPem: is not a private key: its first PEM block is "CERTIFICATE"/],
    ['the key starts with EC PARAMETERS', () => ({
      certificatePem: reference('issuer.crt'),
      privateKeyPem: encodePem('EC PARAMETERS', Uint8Array.of(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07)) + reference('issuer.key'),
    }), /identity\.issuer\.privateKeyPem: is not a private key: its first PEM block is "EC PARAMETERS"/],
    ['the key belongs to another certificate', () => ({ certificatePem: reference('issuer.crt'), privateKeyPem: reference('ca.key') }),
      /identity\.issuer\.privateKeyPem: does not match issuer certificate CN=identity\.linkerd\.cluster\.local/],
    ['the anchor is given as the issuer', () => ({ certificatePem: reference('ca.crt'), privateKeyPem: reference('ca.key') }),
      /identity\.issuer\.certificatePem: issuer certificate CN=root\.linkerd\.cluster\.local has pathlen 1/],
  ])('fails when %s', (_what, props, message) => {
    // GIVEN
    const issuer = IssuerCertificate.fromPem(props());
    // WHEN
    const bind = () => issuer.bind(scope(), context(anchors()));
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\./);
    expect(bind).toThrow(message);
  });

  test('fails when no anchor signed the issuer', () => {
    // GIVEN
    const issuer = IssuerCertificate.fromPem({ certificatePem: reference('issuer.crt'), privateKeyPem: reference('issuer.key') });
    // WHEN
    const bind = () => issuer.bind(scope(), context(generatedAnchors));
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\.certificatePem: issuer certificate CN=identity\.linkerd\.cluster\.local is not signed by any trust anchor/);
  });

  test('fails when the issuer outlives the anchor', () => {
    // GIVEN
    const pair = nodeKeyPair();
    const certificatePem = oddCertificate({
      commonName: 'identity.linkerd.cluster.local', key: pair.privateKey, isCA: true, pathLen: 0,
      signer: { key: createPrivateKey(reference('ca.key')), commonName: 'root.linkerd.cluster.local', subjectDer: anchors().certificates[0].subjectNameDer },
      notBefore: new Date('2026-11-27T07:05:59Z'), notAfter: new Date('2037-01-01T00:00:00Z'),
    });
    // WHEN
    const bind = () => IssuerCertificate.fromPem({ certificatePem, privateKeyPem: pair.privateKeyPem }).bind(scope(), context(anchors()));
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\.certificatePem: issuer certificate CN=identity\.linkerd\.cluster\.local is valid until 2037-01-01T00:00:00\.000Z, after CN=root\.linkerd\.cluster\.local/);
  });
});

describe('IssuerCertificate.fromPem', () => {
  test.each([
    ['the issuer is not a CA', () => signedByGeneratedAnchor({ isCA: false }), /is not a CA/],
    ['the issuer has no basicConstraints', () => signedByGeneratedAnchor({}), /is not a CA/],
    ['the issuer has pathlen 1', () => signedByGeneratedAnchor({ isCA: true, pathLen: 1 }), /has pathlen 1; it must be 0 or absent/],
    ['the issuer key is P-384', () => signedByGeneratedAnchor({ isCA: true, pathLen: 0 }, { type: 'ec', curve: 'P-384' }), /has a ECDSA P-384 key; Linkerd requires ECDSA P-256/],
    ['the issuer key is RSA', () => signedByGeneratedAnchor({ isCA: true, pathLen: 0 }, { type: 'rsa', bits: 2048 }), /has a RSA 2048 key; Linkerd requires ECDSA P-256/],
    ['the issuer is signed with ECDSA-SHA384', () => signedByGeneratedAnchor({ isCA: true, pathLen: 0, hash: 'sha384' }), /is signed with ECDSA-SHA384; Linkerd requires ECDSA-SHA256/],
    ['the issuer key usage lacks keyCertSign', () => signedByGeneratedAnchor({ isCA: true, pathLen: 0, keyUsage: 1 }), /keyUsage without keyCertSign/],
    ['the issuer EKU lacks serverAuth', () => signedByGeneratedAnchor({ isCA: true, pathLen: 0, extendedKeyUsage: [ExtendedKeyUsage.CLIENT_AUTH] }), /extendedKeyUsage without serverAuth/],
  ])('fails when %s', (_what, props, message) => {
    // GIVEN
    const issuer = IssuerCertificate.fromPem(props());
    // WHEN
    const bind = () => issuer.bind(scope(), context(generatedAnchors));
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\.certificatePem: /);
    expect(bind).toThrow(message);
  });

  test('accepts a chain with an intermediate under an anchor without pathlen', () => {
    // GIVEN
    const root = nodeKeyPair();
    const mid = nodeKeyPair();
    const leaf = nodeKeyPair();
    const rootPem = oddCertificate({ commonName: 'root', key: root.privateKey, isCA: true });
    const midPem = oddCertificate({ commonName: 'mid', key: mid.privateKey, isCA: true, signer: { key: root.privateKey, commonName: 'root' } });
    const issuerPem = oddCertificate({ commonName: 'identity', key: leaf.privateKey, isCA: true, pathLen: 0, signer: { key: mid.privateKey, commonName: 'mid' } });
    const anchors = TrustAnchors.fromPem(rootPem).bind(scope(), { field: 'identity.trustAnchors' });
    // WHEN
    const bound = IssuerCertificate.fromPem({ certificatePem: issuerPem + midPem, privateKeyPem: leaf.privateKeyPem }).bind(scope(), context(anchors));
    // THEN
    expect(bound.certificatePem).toEqual(issuerPem + midPem);
  });

  test('fails when the anchor has pathlen 0', () => {
    // GIVEN
    const root = nodeKeyPair();
    const leaf = nodeKeyPair();
    const rootPem = oddCertificate({ commonName: 'root', key: root.privateKey, isCA: true, pathLen: 0 });
    const issuerPem = oddCertificate({ commonName: 'identity', key: leaf.privateKey, isCA: true, pathLen: 0, signer: { key: root.privateKey, commonName: 'root' } });
    const anchors = TrustAnchors.fromPem(rootPem).bind(scope(), { field: 'identity.trustAnchors' });
    // WHEN
    const bind = () => IssuerCertificate.fromPem({ certificatePem: issuerPem, privateKeyPem: leaf.privateKeyPem }).bind(scope(), context(anchors));
    // THEN
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\.certificatePem: trust anchor CN=root has pathlen 0 but 1 CA certificate\(s\) sit below it/);
  });
});
