import { createPrivateKey, X509Certificate } from 'node:crypto';
import { Duration } from 'cdk8s';
import { LinkerdConfigError } from '../../src/errors';
import { CertManagerIssuer } from '../../src/identity/cert-manager-issuer';
import { ExtendedKeyUsage, KeyUsage, parseCertificates } from '../../src/identity/certificate';
import { keyMatchesCertificate, PrivateKeyEncoding } from '../../src/identity/private-key';
import { WebhookTls, WebhookTlsBindContext } from '../../src/identity/webhook-tls';
import { itWithOpenssl, keyMaterial, nodeKeyPair, oddCertificate, openssl, scope } from './support';

const km = keyMaterial();
const injector: WebhookTlsBindContext = { field: 'proxyInjector.tls', serviceName: 'linkerd-proxy-injector', namespace: 'linkerd', keyMaterial: km };
const policy: WebhookTlsBindContext = { field: 'policyValidator.tls', serviceName: 'linkerd-policy-validator', namespace: 'linkerd', keyMaterial: km };
const DNS = 'linkerd-proxy-injector.linkerd.svc';

/** A self-signed serving certificate with a fresh key, as a user might bring. */
function servingPair(dnsNames = [DNS], keySpec?: Parameters<typeof nodeKeyPair>[0]) {
  const pair = nodeKeyPair(keySpec);
  return { certificatePem: oddCertificate({ commonName: dnsNames[0] ?? 'x', key: pair.privateKey, isCA: false, dnsNames }), privateKeyPem: pair.privateKeyPem, key: pair.privateKey };
}

describe('WebhookTls.generated', () => {
  test('is byte-identical for the same seed and differs per service', () => {
    // GIVEN / WHEN
    const a = WebhookTls.generated().bind(scope(), injector);
    const b = WebhookTls.generated().bind(scope(), { ...injector, keyMaterial: keyMaterial() });
    const other = WebhookTls.generated().bind(scope(), { ...injector, serviceName: 'linkerd-sp-validator' });
    // THEN
    expect(a).toEqual(b);
    expect(other.secret!.privateKeyPem).not.toEqual(a.secret!.privateKeyPem);
  });

  test('is a self-signed non-CA serving certificate for <service>.<namespace>.svc, its own caBundle, with a PKCS#8 key', () => {
    // GIVEN / WHEN
    const bound = WebhookTls.generated().bind(scope(), injector);
    // THEN
    expect(bound.caBundlePem).toEqual(bound.secret!.certificatePem);
    expect(bound.injectCaFrom).toBeUndefined();
    expect(bound.secret!.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(keyMatchesCertificate(bound.secret!.privateKeyPem, bound.secret!.certificatePem)).toBe(true);
    const node = new X509Certificate(bound.secret!.certificatePem);
    expect(node.verify(node.publicKey)).toBe(true);
    const [cert] = parseCertificates('test', 'x', bound.secret!.certificatePem);
    expect(cert).toMatchObject({
      subject: `CN=${DNS}`, issuer: `CN=${DNS}`, isCA: false, dnsNames: [DNS], keyAlgorithm: 'ECDSA P-256',
      signatureAlgorithm: 'ECDSA-SHA256', keyUsage: [KeyUsage.DIGITAL_SIGNATURE],
      extendedKeyUsage: [ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH],
    });
    expect(cert.notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
    expect(cert.notAfter.toISOString()).toEqual('2035-12-30T00:00:00.000Z');
  });

  test('takes a validity and, for Go webhooks, a SEC1 key', () => {
    // GIVEN / WHEN
    const bound = WebhookTls.generated({ validity: Duration.days(365), keyEncoding: PrivateKeyEncoding.SEC1 }).bind(scope(), injector);
    // THEN
    expect(bound.secret!.privateKeyPem.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true);
    expect(parseCertificates('t', 'x', bound.secret!.certificatePem)[0].notAfter.toISOString()).toEqual('2027-01-01T00:00:00.000Z');
  });

  itWithOpenssl('openssl verifies it as a TLS server certificate against itself', () => {
    // GIVEN
    const bound = WebhookTls.generated().bind(scope(), injector);
    // WHEN
    const out = openssl({ 'tls.crt': bound.secret!.certificatePem, 'ca.crt': bound.caBundlePem! },
      (d) => ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', DNS, '-CAfile', `${d}/ca.crt`, `${d}/tls.crt`]);
    // THEN
    expect(out).toMatch(/tls\.crt: OK/);
  });

  test('fails without key material', () => {
    // GIVEN / WHEN
    const bind = () => WebhookTls.generated().bind(scope(), { ...injector, keyMaterial: undefined });
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: keyMaterial: is required by proxyInjector\.tls: WebhookTls\.generated\(\)/);
  });

  test('gives the policy validator a PKCS#8 key by default', () => {
    // GIVEN / WHEN
    const bound = WebhookTls.generated().bind(scope(), policy);
    // THEN
    expect(bound.secret!.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(parseCertificates('t', 'x', bound.caBundlePem!)[0].dnsNames).toEqual(['linkerd-policy-validator.linkerd.svc']);
  });

  test('fails with a SEC1 key for the policy validator, which the Rust policy controller cannot load', () => {
    // GIVEN / WHEN
    const bind = () => WebhookTls.generated({ keyEncoding: PrivateKeyEncoding.SEC1 }).bind(scope(), policy);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: policyValidator\.tls\.keyEncoding: the server of linkerd-policy-validator\.linkerd\.svc cannot load SEC1 keys \(it accepts PKCS8, PKCS1\)/);
  });

  test('fails with a PKCS#1 key encoding', () => {
    // GIVEN / WHEN
    const bind = () => WebhookTls.generated({ keyEncoding: PrivateKeyEncoding.PKCS1 }).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.keyEncoding: PKCS#1 holds only RSA keys/);
  });
});

describe('WebhookTls.fromPem', () => {
  test('emits the given certificate and key; the caBundle defaults to the certificate', () => {
    // GIVEN
    const { certificatePem, privateKeyPem } = servingPair();
    // WHEN
    const bound = WebhookTls.fromPem({ certificatePem, privateKeyPem }).bind(scope(), { ...injector, keyMaterial: undefined });
    // THEN
    expect(bound).toEqual({ secret: { certificatePem, privateKeyPem }, caBundlePem: certificatePem });
  });

  test('accepts an RSA certificate signed by a CA given as caBundle', () => {
    // GIVEN
    const ca = nodeKeyPair();
    const caPem = oddCertificate({ commonName: 'webhook-ca', key: ca.privateKey, isCA: true });
    const leaf = nodeKeyPair({ type: 'rsa', bits: 2048 });
    const certificatePem = oddCertificate({ commonName: DNS, key: leaf.privateKey, dnsNames: [DNS], signer: { key: ca.privateKey, commonName: 'webhook-ca' } });
    // WHEN
    const bound = WebhookTls.fromPem({ certificatePem, privateKeyPem: leaf.privateKeyPem, caBundlePem: caPem }).bind(scope(), injector);
    // THEN
    expect(bound.caBundlePem).toBe(caPem);
  });

  test('fails when the certificate lacks the <service>.<namespace>.svc SAN', () => {
    // GIVEN
    const pair = servingPair(['linkerd-proxy-injector.other.svc']);
    // WHEN
    const bind = () => WebhookTls.fromPem(pair).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(LinkerdConfigError);
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.certificatePem: certificate CN=linkerd-proxy-injector\.other\.svc lacks the DNS SAN "linkerd-proxy-injector\.linkerd\.svc" \(it has "linkerd-proxy-injector\.other\.svc"\)/);
  });

  test('fails when the key does not match', () => {
    // GIVEN
    const pair = servingPair();
    // WHEN
    const bind = () => WebhookTls.fromPem({ certificatePem: pair.certificatePem, privateKeyPem: nodeKeyPair().privateKeyPem }).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.privateKeyPem: does not match certificate/);
  });

  test('fails when the key is not a private key', () => {
    // GIVEN
    const pair = servingPair();
    // WHEN
    const bind = () => WebhookTls.fromPem({ certificatePem: pair.certificatePem, privateKeyPem: pair.certificatePem }).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.privateKeyPem: is not a private key/);
  });

  test('fails when the certificate is not a certificate', () => {
    // GIVEN
    const pair = servingPair();
    // WHEN
    const bind = () => WebhookTls.fromPem({ certificatePem: pair.privateKeyPem, privateKeyPem: pair.privateKeyPem }).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.certificatePem: PEM block 1 is "PRIVATE KEY", not a CERTIFICATE/);
  });

  test('fails when the caBundle does not verify the certificate', () => {
    // GIVEN
    const pair = servingPair();
    const unrelated = servingPair().certificatePem;
    // WHEN
    const bind = () => WebhookTls.fromPem({ ...pair, caBundlePem: unrelated }).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.caBundlePem: does not verify certificate CN=linkerd-proxy-injector\.linkerd\.svc/);
  });

  test('fails with a SEC1 key for the policy validator', () => {
    // GIVEN
    const pair = servingPair(['linkerd-policy-validator.linkerd.svc']);
    const sec1 = createPrivateKey(pair.privateKeyPem).export({ type: 'sec1', format: 'pem' }) as string;
    // WHEN
    const bind = () => WebhookTls.fromPem({ certificatePem: pair.certificatePem, privateKeyPem: sec1 }).bind(scope(), policy);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: policyValidator\.tls\.privateKeyPem: is a "EC PRIVATE KEY" key, which the server of linkerd-policy-validator\.linkerd\.svc cannot load/);
    expect(bind).toThrow(/openssl pkcs8 -topk8 -nocrypt/);
  });

  test('fails with two private keys', () => {
    // GIVEN
    const pair = servingPair();
    // WHEN
    const bind = () => WebhookTls.fromPem({ certificatePem: pair.certificatePem, privateKeyPem: pair.privateKeyPem + nodeKeyPair().privateKeyPem }).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.privateKeyPem: holds 2 private keys/);
  });
});

describe('WebhookTls.certManager and fromSecretCa', () => {
  test('certManager emits only the inject-ca-from reference', () => {
    // GIVEN / WHEN
    const bound = WebhookTls.certManager('linkerd/linkerd-proxy-injector').bind(scope(), { ...injector, keyMaterial: undefined });
    // THEN
    expect(bound).toEqual({ injectCaFrom: 'linkerd/linkerd-proxy-injector' });
  });

  test('fromSecretCa emits only the inject-ca-from-secret reference', () => {
    // GIVEN / WHEN
    const bound = WebhookTls.fromSecretCa('cert-manager/linkerd-webhook-ca').bind(scope(), injector);
    // THEN
    expect(bound).toEqual({ injectCaFromSecret: 'cert-manager/linkerd-webhook-ca' });
  });

  test.each([
    ['no namespace', 'linkerd-proxy-injector', /"linkerd-proxy-injector" is not written as "<namespace>\/<name>"/],
    ['three parts', 'a/b/c', /"a\/b\/c" is not written as "<namespace>\/<name>"/],
    ['an empty name', 'linkerd/', /is not written as "<namespace>\/<name>"/],
    ['an invalid namespace', 'Linkerd/x', /"Linkerd" has upper-case letters; a DNS label is lower case\. Fix: use "linkerd"/],
  ])('fails with %s', (_what, reference, message) => {
    // GIVEN / WHEN
    const certManager = () => WebhookTls.certManager(reference).bind(scope(), injector);
    const secret = () => WebhookTls.fromSecretCa(reference).bind(scope(), injector);
    // THEN
    expect(certManager).toThrow(LinkerdConfigError);
    expect(certManager).toThrow(/^test\/linkerd: proxyInjector\.tls\.certificate: /);
    expect(certManager).toThrow(message);
    expect(secret).toThrow(/^test\/linkerd: proxyInjector\.tls\.secret: /);
  });
});

describe('WebhookTls.external', () => {
  test('emits the caBundle only', () => {
    // GIVEN
    const { certificatePem } = servingPair();
    // WHEN
    const bound = WebhookTls.external({ caBundlePem: certificatePem }).bind(scope(), injector);
    // THEN
    expect(bound).toEqual({ caBundlePem: certificatePem });
  });

  test('fails when the caBundle is not PEM certificates', () => {
    // GIVEN / WHEN
    const bind = () => WebhookTls.external({ caBundlePem: 'nope' }).bind(scope(), injector);
    // THEN
    expect(bind).toThrow(/^test\/linkerd: proxyInjector\.tls\.caBundlePem: holds no PEM certificate/);
  });
});

describe('WebhookTls.issuedByCertManager', () => {
  const selfSigned = CertManagerIssuer.selfSigned({ name: 'linkerd-webhooks' });

  test('emits the Issuer and a Certificate writing <service>-k8s-tls with a PKCS#8 ECDSA key, and the inject-ca-from reference', () => {
    // GIVEN / WHEN
    const bound = WebhookTls.issuedByCertManager({ issuer: selfSigned }).bind(scope(), policy);
    // THEN
    expect(bound.secret).toBeUndefined();
    expect(bound.caBundlePem).toBeUndefined();
    expect(bound.injectCaFrom).toBe('linkerd/linkerd-policy-validator');
    expect(bound.manifests).toEqual([
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', name: 'linkerd-webhooks', namespace: 'linkerd', body: { spec: { selfSigned: {} } } },
      {
        apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'linkerd-policy-validator', namespace: 'linkerd',
        body: {
          spec: {
            secretName: 'linkerd-policy-validator-k8s-tls',
            duration: '8760h0m0s',
            renewBefore: '2160h0m0s',
            issuerRef: { name: 'linkerd-webhooks', kind: 'Issuer', group: 'cert-manager.io' },
            commonName: 'linkerd-policy-validator.linkerd.svc',
            dnsNames: ['linkerd-policy-validator.linkerd.svc'],
            privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
            usages: ['server auth'],
          },
        },
      },
    ]);
  });

  test('the Go webhooks get PKCS#8 too, and the durations are props', () => {
    const bound = WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.fromClusterIssuerName('webhooks'), duration: Duration.days(30), renewBefore: Duration.days(10) }).bind(scope(), injector);
    expect(bound.manifests!.map((m) => m.kind)).toEqual(['Certificate']);
    expect(bound.manifests![0].body.spec).toMatchObject({ duration: '720h0m0s', renewBefore: '240h0m0s', privateKey: { encoding: 'PKCS8' } });
  });

  test('generated serving certificates say so, the others do not', () => {
    expect(WebhookTls.generated().bind(scope(), injector).generated).toBe(true);
    expect(WebhookTls.issuedByCertManager({ issuer: selfSigned }).bind(scope(), injector).generated).toBeUndefined();
  });

  test.each([
    ['no issuer', {} as any, /proxyInjector\.tls\.issuer: is required/],
    ['renewBefore not below the duration', { issuer: selfSigned, duration: Duration.days(30), renewBefore: Duration.days(30) }, /proxyInjector\.tls\.renewBefore: 720h0m0s is not shorter than the duration/],
  ])('fails with %s', (_what, props, message) => {
    expect(() => WebhookTls.issuedByCertManager(props).bind(scope(), injector)).toThrow(message);
  });
});
