import { X509Certificate } from 'node:crypto';
import { ExtendedKeyUsage, KeyUsage, parseCertificates } from '../../src/identity/certificate';
import { issueCertificate, IssueCertificateProps } from '../../src/identity/issue-certificate';
import { PrivateKeyEncoding } from '../../src/identity/private-key';
import { itWithOpenssl, keyMaterial, openssl } from './support';

const km = keyMaterial();
const notBefore = new Date('2026-01-01T00:00:00Z');
const rootKey = km.ecdsaP256Key('root');
const rootProps: IssueCertificateProps = {
  commonName: 'root.example',
  dnsNames: ['root.example'],
  notBefore,
  notAfter: new Date('2036-01-01T00:00:00Z'),
  key: rootKey,
  isCA: true,
  pathLen: 1,
  keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN],
  serialLabel: 'root',
};
const rootPem = issueCertificate(rootProps);
const [root] = parseCertificates('test', 'root', rootPem);
const leafKey = km.ecdsaP256Key('leaf');
const leafProps: IssueCertificateProps = {
  commonName: 'leaf.example',
  dnsNames: ['leaf.example', 'alt.example'],
  notBefore,
  notAfter: new Date('2027-01-01T00:00:00Z'),
  key: leafKey,
  isCA: false,
  keyUsage: [KeyUsage.DIGITAL_SIGNATURE],
  extendedKeyUsage: [ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH],
  signer: { certificate: root, key: rootKey },
  serialLabel: 'leaf',
};

describe('issueCertificate', () => {
  test('is byte-identical for the same props', () => {
    // GIVEN / WHEN / THEN
    expect(issueCertificate(rootProps)).toEqual(rootPem);
    expect(issueCertificate(leafProps)).toEqual(issueCertificate(leafProps));
  });

  test('self-signed CA: extensions, signature and validity', () => {
    // GIVEN / WHEN
    const node = new X509Certificate(rootPem);
    // THEN
    expect(node.verify(node.publicKey)).toBe(true);
    expect(node.ca).toBe(true);
    expect(root).toMatchObject({
      subject: 'CN=root.example', issuer: 'CN=root.example', isCA: true, pathLen: 1,
      keyAlgorithm: 'ECDSA P-256', signatureAlgorithm: 'ECDSA-SHA256', dnsNames: ['root.example'],
      keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN], extendedKeyUsage: undefined, authorityKeyId: undefined,
    });
    expect(root.notBefore).toEqual(notBefore);
    expect(root.notAfter).toEqual(new Date('2036-01-01T00:00:00Z'));
    expect(root.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
  });

  test('signed leaf: verifies with the signer key, carries AKI, EKU and SANs', () => {
    // GIVEN / WHEN
    const [leaf] = parseCertificates('test', 'leaf', issueCertificate(leafProps));
    // THEN
    expect(leaf.toNodeCertificate().verify(root.toNodeCertificate().publicKey)).toBe(true);
    expect(leaf.toNodeCertificate().checkIssued(root.toNodeCertificate())).toBe(true);
    expect(leaf).toMatchObject({
      issuer: 'CN=root.example', isCA: false, pathLen: undefined, dnsNames: ['leaf.example', 'alt.example'],
      keyUsage: [KeyUsage.DIGITAL_SIGNATURE], authorityKeyId: root.subjectKeyId,
    });
    expect(leaf.extendedKeyUsage).toEqual([ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH]);
  });

  test('serial numbers are positive, 16 bytes, and change with the validity', () => {
    // GIVEN
    const reissued = issueCertificate({ ...rootProps, notAfter: new Date('2035-01-01T00:00:00Z') });
    // WHEN
    const serials = [rootPem, reissued].map((p) => parseCertificates('test', 's', p)[0].serialNumber);
    // THEN
    for (const serial of serials) {
      expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    }
    expect(serials[0]).not.toEqual(serials[1]);
  });

  test('sub-second times are truncated and years from 2050 use GeneralizedTime', () => {
    // GIVEN / WHEN
    const [cert] = parseCertificates('test', 'x', issueCertificate({
      ...rootProps, notBefore: new Date('2026-01-01T00:00:00.750Z'), notAfter: new Date('2060-06-01T12:00:00Z'),
    }));
    // THEN
    expect(cert.notBefore.toISOString()).toEqual('2026-01-01T00:00:00.000Z');
    expect(cert.notAfter.toISOString()).toEqual('2060-06-01T12:00:00.000Z');
  });

  test('fails on preconditions the sources guarantee', () => {
    // GIVEN / WHEN / THEN
    expect(() => issueCertificate({ ...rootProps, notAfter: notBefore })).toThrow(/notAfter must come after notBefore/);
    expect(() => issueCertificate({ ...rootProps, isCA: false })).toThrow(/pathLen needs isCA/);
    const [leaf] = parseCertificates('test', 'leaf', issueCertificate(leafProps));
    expect(() => issueCertificate({ ...leafProps, signer: { certificate: leaf, key: leafKey } })).toThrow(/signer is not a CA/);
  });

  itWithOpenssl('openssl verifies the chain and prints the extensions', () => {
    // GIVEN
    const files = { 'root.pem': rootPem, 'leaf.pem': issueCertificate(leafProps), 'leaf.key': leafKey.toPem(PrivateKeyEncoding.PKCS8) };
    // WHEN
    const verified = openssl(files, (d) => ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', `${d}/root.pem`, `${d}/leaf.pem`]);
    const text = openssl(files, (d) => ['x509', '-in', `${d}/leaf.pem`, '-noout', '-text']);
    // THEN
    expect(verified).toMatch(/leaf\.pem: OK/);
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(text).toMatch(/DNS:leaf\.example, DNS:alt\.example/);
  });
});
