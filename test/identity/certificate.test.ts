import { LinkerdConfigError } from '../../src/errors';
import {
  chainToAnchor, ExtendedKeyUsage, KeyUsage, parseCertificates, verifiesSignedBy,
} from '../../src/identity/certificate';
import { encodePem } from '../../src/identity/pem';
import { describeWithReference, nodeKeyPair, oddCertificate, reference } from './support';

describeWithReference('parseCertificates with the reference certificates', () => {
  test('reads the anchor and the issuer', () => {
    // GIVEN / WHEN
    const [anchor] = parseCertificates('test', 'anchors', reference('ca.crt'));
    const [issuer] = parseCertificates('test', 'issuer', reference('issuer.crt'));
    // THEN
    expect(anchor).toMatchObject({
      commonName: 'root.linkerd.cluster.local',
      isCA: true,
      pathLen: 1,
      keyType: 'ec',
      namedCurve: 'P-256',
      keyAlgorithm: 'ECDSA P-256',
      signatureAlgorithm: 'ECDSA-SHA256',
      dnsNames: ['root.linkerd.cluster.local'],
      keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN],
      extendedKeyUsage: undefined,
      serialNumber: '1a2b3c01',
    });
    expect(issuer).toMatchObject({ commonName: 'identity.linkerd.cluster.local', isCA: true, pathLen: 0, dnsNames: ['identity.linkerd.cluster.local'] });
    expect(issuer.notBefore.toISOString()).toEqual('2026-11-27T07:05:59.000Z');
    expect(issuer.notAfter.toISOString()).toEqual('2031-11-27T07:05:59.000Z');
    expect(issuer.authorityKeyId).toEqual(anchor.subjectKeyId);
    expect(anchor.allowsServerAuth()).toBe(true);
  });

  test('verifiesSignedBy checks name and signature', () => {
    // GIVEN
    const [anchor] = parseCertificates('test', 'anchors', reference('ca.crt'));
    const [issuer] = parseCertificates('test', 'issuer', reference('issuer.crt'));
    // WHEN / THEN
    expect(verifiesSignedBy(issuer, anchor)).toBe(true);
    expect(verifiesSignedBy(anchor, anchor)).toBe(true);
    expect(verifiesSignedBy(anchor, issuer)).toBe(false);
    expect(chainToAnchor(issuer, [], [anchor])).toEqual([anchor]);
    expect(chainToAnchor(anchor, [], [anchor])).toEqual([]);
    expect(chainToAnchor(anchor, [], [issuer])).toBeUndefined();
  });

  test('a bundle keeps its order', () => {
    // GIVEN / WHEN
    const certs = parseCertificates('test', 'anchors', reference('ca.crt') + reference('issuer.crt'));
    // THEN
    expect(certs.map((c) => c.commonName)).toEqual(['root.linkerd.cluster.local', 'identity.linkerd.cluster.local']);
  });

  test('fails when a block is a private key', () => {
    // GIVEN
    const pem = reference('ca.crt') + reference('ca.key');
    // WHEN / THEN
    expect(() => parseCertificates('test/linkerd', 'identity.trustAnchors', pem))
      .toThrow(/test\/linkerd: identity\.trustAnchors: PEM block 2 is "EC PRIVATE KEY", not a CERTIFICATE \(a private key does not belong here\)/);
  });
});

describe('parseCertificates', () => {
  test('reads RSA keys, SHA-384 signatures and extended key usages', () => {
    // GIVEN
    const rsa = nodeKeyPair({ type: 'rsa', bits: 2048 });
    const pem = oddCertificate({
      commonName: 'rsa', key: rsa.privateKey, hash: 'sha384', isCA: false, extendedKeyUsage: [ExtendedKeyUsage.CLIENT_AUTH],
    });
    // WHEN
    const [cert] = parseCertificates('test', 'x', pem);
    // THEN
    expect(cert).toMatchObject({ keyType: 'rsa', rsaBits: 2048, keyAlgorithm: 'RSA 2048', signatureAlgorithm: 'SHA384-RSA', isCA: false, pathLen: undefined, keyUsage: undefined });
    expect(cert.extendedKeyUsage).toEqual([ExtendedKeyUsage.CLIENT_AUTH]);
    expect(cert.allowsServerAuth()).toBe(false);
    expect(cert.allowsKeyUsage(KeyUsage.KEY_CERT_SIGN)).toBe(true);
  });

  test.each([
    ['empty text', '', /holds no PEM certificate/],
    ['text without PEM', 'hello', /holds no PEM certificate/],
    ['bad DER', encodePem('CERTIFICATE', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)), /PEM block 1 is not a valid X\.509 certificate/],
    ['bad base64', '-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n', /is not PEM: PEM block 1 \("CERTIFICATE"\) is not valid base64/],
  ])('fails on %s', (_what, pem, message) => {
    // GIVEN / WHEN
    const parse = () => parseCertificates('test/linkerd', 'identity.trustAnchors', pem);
    // THEN
    expect(parse).toThrow(LinkerdConfigError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^test\/linkerd: identity\.trustAnchors: /);
  });
});
