import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPublicKey, sign } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension, BasicConstraintsExtension, ExtendedKeyUsageExtension, KeyUsagesExtension,
  SubjectAlternativeNameExtension, SubjectKeyIdentifierExtension, X509Certificate as PeculiarCertificate,
} from '@peculiar/x509';
import { parseAllDocuments } from 'yaml';
import { ParsedCertificate } from '../../src/identity/certificate';
import { bitString, explicit, objectIdentifier, sequence, set, smallInteger, Tag, time, tlv } from '../../src/identity/der';
import {
  authorityKeyIdentifierExtension, basicConstraintsExtension, dnsSubjectAltNameExtension, extendedKeyUsageExtension, keyUsageExtension,
  subjectKeyIdentifierExtension,
} from '../../src/identity/extensions';
import { encodePem, pemBlocks } from '../../src/identity/pem';
import { HAVE_REFERENCE, nodeKeyPair, oddCertificate, reference } from './support';

/** @peculiar/x509, an independent implementation, is the yardstick: the library no longer loads it. */
const raw = (x: { rawData: ArrayBuffer }) => Buffer.from(x.rawData).toString('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('X.509 extensions are encoded as @peculiar/x509 encodes them', () => {
  test('basicConstraints, every CA flag, path length and criticality', () => {
    for (const ca of [true, false]) {
      for (const pathLen of [undefined, 0, 1, 5, 127, 128, 300]) {
        for (const critical of [true, false]) {
          expect(hex(basicConstraintsExtension(ca, pathLen, critical))).toEqual(raw(new BasicConstraintsExtension(ca, pathLen, critical)));
        }
      }
    }
  });

  test('keyUsage, every combination of the nine bits', () => {
    for (let flags = 1; flags < 512; flags++) {
      for (const critical of [true, false]) expect(hex(keyUsageExtension(flags, critical))).toEqual(raw(new KeyUsagesExtension(flags, critical)));
    }
  });

  test('extendedKeyUsage, subject and authority key identifiers, DNS subjectAltNames', () => {
    const ekus = [['1.3.6.1.5.5.7.3.1'], ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'], ['2.5.29.37.0'], ['1.2.3.4.5.6.7.8.9.100000']];
    for (const e of ekus) expect(hex(extendedKeyUsageExtension(e, false))).toEqual(raw(new ExtendedKeyUsageExtension(e, false)));
    const id = '83c3689b44189e2b755cd16f4e9891b7c2414dd6';
    expect(hex(subjectKeyIdentifierExtension(id, false))).toEqual(raw(new SubjectKeyIdentifierExtension(id, false)));
    expect(hex(authorityKeyIdentifierExtension(id, false))).toEqual(raw(new AuthorityKeyIdentifierExtension(id, false)));
    const names = ['linkerd-proxy-injector.linkerd.svc', 'x'.repeat(200), 'a.b'];
    expect(hex(dnsSubjectAltNameExtension(names, false))).toEqual(raw(new SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value })), false)));
  });
});

/** Every certificate in a PEM text or a base64 Secret value found in the YAML files under `dir`. */
function certificatesUnder(dir: string): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      const text = /^[A-Za-z0-9+/=\s]{100,}$/.test(v) ? Buffer.from(v, 'base64').toString('utf8') : v;
      if (text.includes('-----BEGIN CERTIFICATE-----')) out.push(...pemBlocks(text).filter((b) => b.label === 'CERTIFICATE').map((b) => encodePem('CERTIFICATE', b.der)));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(e.name)) parseAllDocuments(fs.readFileSync(p, 'utf8')).forEach((doc) => visit(doc.toJS()));
    else if (/\.crt$/.test(e.name)) visit(fs.readFileSync(p, 'utf8'));
  });
  walk(dir);
  return [...new Set(out)];
}

/** A self-signed certificate with an arbitrary subject Name (given as DER) and validity. */
function withName(subject: Uint8Array, notAfter = new Date('2027-01-01T00:00:00Z')): string {
  const { privateKey } = nodeKeyPair();
  const algorithm = sequence(objectIdentifier('1.2.840.10045.4.3.2'));
  const tbs = sequence(explicit(0, smallInteger(2)), smallInteger(7), algorithm, subject, sequence(time(new Date('2026-01-01T00:00:00Z')), time(notAfter)),
    subject, new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })));
  return encodePem('CERTIFICATE', sequence(tbs, algorithm, bitString(new Uint8Array(sign('sha256', tbs, privateKey)))));
}

const attr = (oid: string, tag: number, value: Uint8Array) => sequence(objectIdentifier(oid), tlv(tag, value));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('certificates are read as @peculiar/x509 reads them', () => {
  const cases: string[] = [
    ...certificatesUnder(path.join(__dirname, '..', '..', 'dist')),
    ...certificatesUnder(path.join(__dirname, '..', '..', 'examples', 'pem')),
    ...(HAVE_REFERENCE ? [reference('ca.crt'), reference('issuer.crt')] : []),
    oddCertificate({ commonName: 'odd', key: nodeKeyPair().privateKey, isCA: true, pathLen: 3, keyUsage: 1 | 4 | 256, extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'], dnsNames: ['a.example', 'b.example'] }),
    oddCertificate({ commonName: 'rsa', key: nodeKeyPair({ type: 'rsa', bits: 2048 }).privateKey, isCA: false, keyUsage: 0x80, notAfter: new Date('2061-05-04T03:02:01Z') }),
    withName(sequence(
      set(attr('2.5.4.6', Tag.PRINTABLE_STRING, utf8('DE'))),
      set(attr('2.5.4.10', Tag.UTF8_STRING, utf8('Ächt, "quoted" + <more>; \\ ')), attr('2.5.4.11', 0x16, utf8('#ia5'))),
      set(attr('2.5.4.3', Tag.UTF8_STRING, utf8(' lead\ttab\nline'))),
      set(attr('1.2.3.4', 0x12, utf8('12345'))), // NumericString: not a DirectoryString type, printed as #hex
      set(attr('2.5.4.12', 0x1e, Uint8Array.of(0, 0x54, 0, 0xe4))),
    ), new Date('2055-01-01T00:00:00Z')),
  ];

  test.each(cases.map((pem, i) => [i, pem]))('certificate %i', (_i, pem) => {
    const ours = ParsedCertificate.fromDer(pemBlocks(pem)[0].der);
    const theirs = new PeculiarCertificate(pem);
    const bc = theirs.getExtension(BasicConstraintsExtension);
    const ku = theirs.getExtension(KeyUsagesExtension);
    const eku = theirs.getExtension(ExtendedKeyUsageExtension);
    const san = theirs.getExtension(SubjectAlternativeNameExtension);
    expect({
      subject: ours.subject, issuer: ours.issuer, commonName: ours.commonName, serialNumber: ours.serialNumber,
      notBefore: ours.notBefore.toISOString(), notAfter: ours.notAfter.toISOString(), isCA: ours.isCA, pathLen: ours.pathLen,
      keyUsage: ours.keyUsage, extendedKeyUsage: ours.extendedKeyUsage, dnsNames: ours.dnsNames,
      subjectKeyId: ours.subjectKeyId, authorityKeyId: ours.authorityKeyId,
    }).toEqual({
      subject: theirs.subject, issuer: theirs.issuer, commonName: theirs.subjectName.getField('CN')[0], serialNumber: theirs.serialNumber.toLowerCase(),
      notBefore: theirs.notBefore.toISOString(), notAfter: theirs.notAfter.toISOString(), isCA: bc?.ca === true, pathLen: bc?.ca === true ? bc.pathLength : undefined,
      keyUsage: ku ? (['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly']
        .filter((_, bit) => (ku.usages & (1 << bit)) !== 0)) : undefined,
      extendedKeyUsage: eku ? eku.usages.map(String) : undefined,
      dnsNames: san ? san.names.items.filter((n) => n.type === 'dns').map((n) => n.value) : [],
      subjectKeyId: theirs.getExtension(SubjectKeyIdentifierExtension)?.keyId?.toLowerCase(),
      authorityKeyId: theirs.getExtension(AuthorityKeyIdentifierExtension)?.keyId?.toLowerCase(),
    });
  });

  test('the cases cover the committed output', () => {
    expect(cases.length).toBeGreaterThan(10);
  });
});
