import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration } from 'cdk8s';
import { LinkerdControlPlane } from '../../src/control-plane/linkerd-control-plane';
import { runSynth } from '../../src/synth';
import { LinkerdConfigError } from '../../src/errors';
import { ExtendedKeyUsage, parseCertificates, verifiesSignedBy } from '../../src/identity/certificate';
import { CertManagerIssuer } from '../../src/identity/cert-manager-issuer';
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

  test('accepts an issuer that outlives the anchor, as Linkerd does, and synth warns with L5D113', () => {
    // GIVEN
    const pair = nodeKeyPair();
    const certificatePem = oddCertificate({
      commonName: 'identity.linkerd.cluster.local', key: pair.privateKey, isCA: true, pathLen: 0,
      signer: { key: createPrivateKey(reference('ca.key')), commonName: 'root.linkerd.cluster.local', subjectDer: anchors().certificates[0].subjectNameDer },
      notBefore: new Date('2026-11-27T07:05:59Z'), notAfter: new Date('2037-01-01T00:00:00Z'),
    });
    const issuer = IssuerCertificate.fromPem({ certificatePem, privateKeyPem: pair.privateKeyPem });
    // WHEN
    const bound = issuer.bind(scope(), context(anchors()));
    const build = () => {
      const app = new App();
      new LinkerdControlPlane(app, 'linkerd', {
        keyMaterial: km, emitGeneratedPrivateKeys: true, identity: { trustAnchors: TrustAnchors.fromPem(reference('ca.crt')), issuer },
      });
      return app;
    };
    const root = mkdtempSync(join(tmpdir(), 'issuer-synth-'));
    const stderr: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { stderr.push(String(chunk)); return true; });
    const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      runSynth(build, join(root, 'dist'));
    } finally {
      write.mockRestore();
      log.mockRestore();
      rmSync(root, { recursive: true, force: true });
    }
    const warnings = stderr.join('').split('\n').filter((l) => l.startsWith('WARNING'));
    // THEN
    expect(bound.notAfter!.toISOString()).toEqual('2037-01-01T00:00:00.000Z');
    expect(process.exitCode ?? 0).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/^WARNING L5D113 Secret linkerd\/linkerd-identity-issuer data\.crt\.pem: issuer certificate .* is valid until 2037-01-01T00:00:00\.000Z, after CN=root\.linkerd\.cluster\.local/)]);
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

describe('IssuerCertificate.generated under a bundle (rotation)', () => {
  const current = TrustAnchors.generated();
  const next = TrustAnchors.generated({ commonName: 'root-2.linkerd.cluster.local', notBefore: '2026-06-01T00:00:00Z' });
  const both = TrustAnchors.bundle(current, next).bind(scope(), { field: 'identity.trustAnchors', keyMaterial: km });

  test('signedBy picks the anchor; the default start is the signer\'s, the key stays unless notBefore is given', () => {
    // GIVEN / WHEN
    const old = IssuerCertificate.generated({ signedBy: current }).bind(scope(), context(both));
    const switched = IssuerCertificate.generated({ signedBy: next }).bind(scope(), context(both));
    const rekeyed = IssuerCertificate.generated({ signedBy: next, notBefore: '2026-06-01T00:00:00Z' }).bind(scope(), context(both));
    // THEN
    const [oldCert] = parseCertificates('t', 'x', old.certificatePem!);
    const [newCert] = parseCertificates('t', 'x', switched.certificatePem!);
    expect(oldCert.issuer).toBe('CN=root.linkerd.cluster.local');
    expect(newCert.issuer).toBe('CN=root-2.linkerd.cluster.local');
    expect(verifiesSignedBy(newCert, both.certificates[1])).toBe(true);
    expect(newCert.notBefore.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(switched.privateKeyPem).toEqual(old.privateKeyPem);
    expect(rekeyed.privateKeyPem).not.toEqual(old.privateKeyPem);
    expect(rekeyed.generated).toBe(true);
  });

  test.each([
    ['no signedBy with two generated anchors', {}, /identity\.issuer: the trust anchors hold 2 generated anchors/],
    ['a signedBy that is not in the bundle', { signedBy: TrustAnchors.generated({ commonName: 'elsewhere.example' }) }, /identity\.issuer\.signedBy: signedBy is not one of the generated anchors/],
  ])('fails with %s', (_what, props, message) => {
    expect(() => IssuerCertificate.generated(props).bind(scope(), context(both))).toThrow(message);
  });
});

describe('issuer validity against the issuance lifetime', () => {
  test('a generated issuer must outlive the issuance lifetime', () => {
    const bind = () => IssuerCertificate.generated({ validity: Duration.hours(12) }).bind(scope(), context(generatedAnchors, { issuanceLifetime: Duration.hours(24) }));
    expect(bind).toThrow(/^test\/linkerd: identity\.issuer\.validity: 12 hours is shorter than the issuance lifetime of workload certificates \(1 day\)/);
  });

  test('so must an issuer given as PEM', () => {
    const pem = signedByGeneratedAnchor({ isCA: true, pathLen: 0, keyUsage: 32 | 64, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T06:00:00Z') });
    const bind = () => IssuerCertificate.fromPem(pem).bind(scope(), context(generatedAnchors, { issuanceLifetime: Duration.hours(24) }));
    expect(bind).toThrow(/identity\.issuer\.certificatePem: issuer certificate CN=identity\.linkerd\.cluster\.local is valid for 6 hours, less than the issuance lifetime/);
  });
});

describe('IssuerCertificate.fromExistingSecret', () => {
  test('emits nothing and reads the keys of the scheme given', () => {
    expect(IssuerCertificate.fromExistingSecret().bind(scope(), context(generatedAnchors))).toEqual({ scheme: 'kubernetes.io/tls' });
    expect(IssuerCertificate.fromExistingSecret({ scheme: 'linkerd.io/tls' }).bind(scope(), context(generatedAnchors))).toEqual({ scheme: 'linkerd.io/tls' });
    expect(IssuerCertificate.external().bind(scope(), context(generatedAnchors))).toEqual({ scheme: 'kubernetes.io/tls' });
  });

  test('fails with an unknown scheme', () => {
    expect(() => IssuerCertificate.fromExistingSecret({ scheme: 'tls' as any }).bind(scope(), context(generatedAnchors)))
      .toThrow(/identity\.issuer\.scheme: "tls" is not one of "kubernetes.io\/tls", "linkerd.io\/tls"/);
  });
});

describe('IssuerCertificate.issuedByCertManager', () => {
  const ca = CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' });

  test('emits the CA Issuer and an ECDSA P-256 CA Certificate writing linkerd-identity-issuer, and no key', () => {
    // GIVEN / WHEN
    const bound = IssuerCertificate.issuedByCertManager({ issuer: ca }).bind(scope(), context(generatedAnchors, { issuanceLifetime: Duration.hours(24) }));
    // THEN
    expect(bound.scheme).toBe('kubernetes.io/tls');
    expect(bound.privateKeyPem).toBeUndefined();
    expect(bound.manifests).toEqual([
      {
        apiVersion: 'cert-manager.io/v1', kind: 'Issuer', name: 'linkerd-trust-anchor', namespace: 'linkerd', component: 'identity',
        body: { spec: { ca: { secretName: 'linkerd-trust-anchor' } } },
      },
      {
        apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'linkerd-identity-issuer', namespace: 'linkerd', component: 'identity',
        body: {
          spec: {
            secretName: 'linkerd-identity-issuer',
            duration: '48h0m0s',
            renewBefore: '25h0m0s',
            issuerRef: { name: 'linkerd-trust-anchor', kind: 'Issuer', group: 'cert-manager.io' },
            commonName: 'identity.linkerd.cluster.local',
            dnsNames: ['identity.linkerd.cluster.local'],
            isCA: true,
            privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
            usages: ['cert sign', 'crl sign', 'server auth', 'client auth'],
          },
        },
      },
    ]);
  });

  test('refers to an existing ClusterIssuer without emitting it, and follows namespace and trust domain', () => {
    const bound = IssuerCertificate.issuedByCertManager({ issuer: CertManagerIssuer.fromClusterIssuerName('linkerd-trust-anchor'), duration: Duration.days(7), renewBefore: Duration.days(3) })
      .bind(scope(), context(generatedAnchors, { controlPlaneNamespace: 'mesh', trustDomain: 'example.org' }));
    expect(bound.manifests!.map((m) => m.kind)).toEqual(['Certificate']);
    expect(bound.manifests![0].body.spec).toMatchObject({
      duration: '168h0m0s', renewBefore: '72h0m0s', commonName: 'identity.mesh.example.org',
      issuerRef: { name: 'linkerd-trust-anchor', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect(bound.manifests![0].namespace).toBe('mesh');
  });

  test('leaves out a common name over 64 characters, which cert-manager rejects', () => {
    const bound = IssuerCertificate.issuedByCertManager({ issuer: ca }).bind(scope(), context(generatedAnchors, { trustDomain: 'a-very-long-trust-domain-name.for-an-organization.example.org' }));
    const spec = bound.manifests![1].body.spec as any;
    expect(spec.commonName).toBeUndefined();
    expect(spec.dnsNames).toEqual(['identity.linkerd.a-very-long-trust-domain-name.for-an-organization.example.org']);
  });

  test.each([
    ['a self-signed issuer', { issuer: CertManagerIssuer.selfSigned() }, /identity\.issuer\.issuer: is a selfSigned issuer, but the identity issuer must be signed by a trust anchor/],
    ['no issuer', {} as any, /identity\.issuer\.issuer: is required/],
    ['renewBefore not above the issuance lifetime plus skew', { issuer: ca, renewBefore: Duration.hours(24) }, /identity\.issuer\.renewBefore: 24h0m0s is not longer than the issuance lifetime plus the clock skew allowance \(24h0m0s \+ 20s\)/],
    ['renewBefore not below the duration', { issuer: ca, duration: Duration.hours(25), renewBefore: Duration.hours(25) }, /identity\.issuer\.renewBefore: 25h0m0s is not shorter than the duration \(25h0m0s\)/],
    ['a duration under an hour', { issuer: ca, duration: Duration.minutes(30), renewBefore: Duration.minutes(10) }, /identity\.issuer\.duration: 30m0s is shorter than cert-manager's minimum of one hour/],
  ])('fails with %s', (_what, props, message) => {
    const bind = () => IssuerCertificate.issuedByCertManager(props).bind(scope(), context(generatedAnchors, { issuanceLifetime: Duration.hours(24) }));
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(message);
  });
});
