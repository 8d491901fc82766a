import { ExtendedKeyUsage, issueCertificate, KeyMaterial, KeyUsage, parseCertificates, PrivateKeyEncoding, runChecks, Severity } from '../../src';
import { IDENTITY_CERTIFICATE_RULE } from '../../src/check/identity-certificates';
import {
  brokenInstalls, find, generatedAnchor, generatedInstall, issuer, ISSUER_NAME, NOW, withIssuer,
} from './identity-fixtures';

const rules = [IDENTITY_CERTIFICATE_RULE];
/** `now` null: no date, so the date-dependent checks are skipped. */
const run = (objects: any[], now: Date | null = NOW, horizon?: number) => runChecks(objects, { rules, now: now ?? undefined, expiryHorizonDays: horizon });
const codes = (objects: any[], now: Date | null = NOW) => [...new Set(run(objects, now).map((f) => f.code))].sort();
const b64 = (s: string) => Buffer.from(s.trim()).toString('base64');

describe('identity certificate checks (L5D100-L5D113)', () => {
  test('a generated install has no finding, with or without a date', () => {
    // GIVEN
    const objects = generatedInstall();
    // WHEN / THEN
    expect(run(objects)).toEqual([]);
    expect(run(objects, null)).toEqual([]);
  });

  test.each(brokenInstalls().filter((b) => b.code <= 'L5D113'))('reports $code for $name', ({ code, objects, now }) => {
    // WHEN
    const findings = run(objects, now ? new Date(now) : NOW);
    // THEN
    const finding = findings.find((f) => f.code === code);
    expect(finding).toBeDefined();
    expect(finding!.severity).toBe(Severity.ERROR);
    expect(finding!.object).toMatch(/^Secret linkerd\/linkerd-identity-issuer$/);
  });

  test('date-dependent findings need a date: an expired issuer passes without one', () => {
    // GIVEN
    const objects = withIssuer(generatedInstall(), issuer({ notAfter: new Date('2026-03-01T00:00:00Z') }));
    // WHEN / THEN
    expect(codes(objects, null)).toEqual([]);
    expect(codes(objects, NOW)).toEqual(['L5D110']);
    expect(run(objects, NOW)[0].message).toMatch(/issuer certificate CN=identity.linkerd.cluster.local expired on 2026-03-01T00:00:00.000Z/);
  });

  test('a certificate that is not valid yet is an error', () => {
    const objects = withIssuer(generatedInstall(), issuer({ notBefore: new Date('2026-09-01T00:00:00Z') }));
    expect(run(objects).map((f) => f.message)).toEqual([expect.stringMatching(/is not valid before 2026-09-01/)]);
  });

  test('expiry within the horizon is a warning, and the horizon is configurable', () => {
    // GIVEN an issuer that ends 30 days after NOW
    const objects = withIssuer(generatedInstall(), issuer({ notAfter: new Date(NOW.getTime() + 30 * 86_400_000) }));
    // WHEN / THEN
    expect(run(objects).map((f) => [f.code, f.severity])).toEqual([['L5D111', Severity.WARNING]]);
    expect(run(objects, NOW, 10)).toEqual([]);
  });

  test('an issuer that expires before now + the issuance lifetime is an error', () => {
    const objects = withIssuer(generatedInstall(), issuer({ notAfter: new Date(NOW.getTime() + 3_600_000) }));
    expect(codes(objects)).toEqual(['L5D111', 'L5D112']);
    expect(run(objects).find((f) => f.code === 'L5D112')!.message).toMatch(/before now \+ the issuance lifetime \(1d\)/);
  });

  test('the issuance lifetime is read from the identity controller args', () => {
    // GIVEN an issuer valid 2 days, and a 72h issuance lifetime
    const objects = withIssuer(generatedInstall(), issuer({ notAfter: new Date('2026-01-03T00:00:00Z') }));
    const identity = find(objects, 'Deployment', 'linkerd-identity').spec.template.spec.containers.find((c: any) => c.name === 'identity');
    identity.args = identity.args.map((a: string) => a.replace(/^-identity-issuance-lifetime=.*/, '-identity-issuance-lifetime=72h0m0s'));
    // WHEN / THEN
    expect(run(objects, null).map((f) => f.message)).toEqual([expect.stringMatching(/valid for 2d in all, less than the issuance lifetime of 3d/)]);
  });

  test('reports unreadable anchors and issuer certificates (L5D100)', () => {
    // GIVEN
    const objects = generatedInstall();
    find(objects, 'ConfigMap', 'linkerd-identity-trust-roots').data['ca-bundle.crt'] = 'not a certificate';
    find(objects, 'Secret', 'linkerd-identity-issuer').data['crt.pem'] = b64('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n');
    // WHEN
    const findings = run(objects);
    // THEN
    expect(findings.map((f) => [f.code, f.object, f.field])).toEqual([
      ['L5D100', 'ConfigMap linkerd/linkerd-identity-trust-roots', 'data.ca-bundle.crt'],
      ['L5D100', 'Secret linkerd/linkerd-identity-issuer', 'data.crt.pem'],
    ]);
  });

  test('an issuer that is not a CA is reported (L5D102)', () => {
    const anchor = generatedAnchor();
    const key = KeyMaterial.fromSeed({ seed: 'not-a-ca issuer key!!', notBefore: '2026-01-01' }).ecdsaP256Key('k');
    const certificatePem = issueCertificate({
      commonName: ISSUER_NAME, notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01'), key, isCA: false,
      keyUsage: [KeyUsage.DIGITAL_SIGNATURE], serialLabel: 'not-ca',
      signer: { certificate: parseCertificates('t', 'a', anchor.certificatePem)[0], key: anchor.key },
    });
    expect(codes(withIssuer(generatedInstall(), { certificatePem, privateKeyPem: key.toPem(PrivateKeyEncoding.SEC1) }))).toEqual(['L5D102']);
  });

  test('an issuer whose extendedKeyUsage lacks serverAuth is reported (L5D107)', () => {
    const anchor = generatedAnchor();
    const key = KeyMaterial.fromSeed({ seed: 'eku issuer key material', notBefore: '2026-01-01' }).ecdsaP256Key('k');
    const certificatePem = issueCertificate({
      commonName: ISSUER_NAME, notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01'), key, isCA: true, pathLen: 0,
      keyUsage: [KeyUsage.KEY_CERT_SIGN], extendedKeyUsage: [ExtendedKeyUsage.CLIENT_AUTH], serialLabel: 'eku',
      signer: { certificate: parseCertificates('t', 'a', anchor.certificatePem)[0], key: anchor.key },
    });
    expect(codes(withIssuer(generatedInstall(), { certificatePem, privateKeyPem: key.toPem(PrivateKeyEncoding.SEC1) }))).toEqual(['L5D107']);
  });

  test('issuer Secret keys must match -identity-scheme (L5D106)', () => {
    // GIVEN an install whose identity controller expects kubernetes.io/tls but whose Secret has crt.pem / key.pem
    const objects = generatedInstall();
    const identity = find(objects, 'Deployment', 'linkerd-identity').spec.template.spec.containers.find((c: any) => c.name === 'identity');
    identity.args = identity.args.map((a: string) => a.replace('-identity-scheme=linkerd.io/tls', '-identity-scheme=kubernetes.io/tls'));
    // WHEN / THEN
    expect(run(objects).map((f) => [f.code, f.message])).toEqual([
      ['L5D106', 'the identity controller runs with -identity-scheme=kubernetes.io/tls, which reads tls.crt and tls.key, but the Secret has crt.pem, key.pem'],
    ]);
  });

  test('a private key in a ConfigMap is reported (L5D108)', () => {
    const objects = generatedInstall();
    find(objects, 'ConfigMap', 'linkerd-identity-trust-roots').data['ca-bundle.crt'] += `\n${issuer().privateKeyPem}`;
    expect(codes(objects)).toContain('L5D108');
  });

  test('an anchor with pathlen 0 cannot have the issuer below it (L5D103), and an issuer outliving its anchor warns (L5D113)', () => {
    // GIVEN an anchor with pathlen 0, valid one year, and an issuer valid two years under it
    const key = KeyMaterial.fromSeed({ seed: 'pathlen zero anchor!!', notBefore: '2026-01-01' }).ecdsaP256Key('anchor');
    const anchorPem = issueCertificate({
      commonName: 'root.linkerd.cluster.local', notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01'), key, isCA: true, pathLen: 0,
      keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN], serialLabel: 'pathlen-0',
    });
    const issuerKey = KeyMaterial.fromSeed({ seed: 'pathlen zero issuer!!', notBefore: '2026-01-01' }).ecdsaP256Key('issuer');
    const issuerPem = issueCertificate({
      commonName: ISSUER_NAME, notBefore: new Date('2026-01-01'), notAfter: new Date('2028-01-01'), key: issuerKey, isCA: true, pathLen: 0,
      keyUsage: [KeyUsage.KEY_CERT_SIGN], serialLabel: 'below-pathlen-0', signer: { certificate: parseCertificates('t', 'a', anchorPem)[0], key },
    });
    const objects = withIssuer(generatedInstall(), { certificatePem: issuerPem, privateKeyPem: issuerKey.toPem(PrivateKeyEncoding.PKCS8) });
    find(objects, 'ConfigMap', 'linkerd-identity-trust-roots').data['ca-bundle.crt'] = anchorPem.trim();
    // WHEN / THEN
    expect(run(objects, null).map((f) => [f.code, f.severity])).toEqual([['L5D103', Severity.ERROR], ['L5D113', Severity.WARNING]]);
  });

  test('falls back to linkerd-config for the anchors when the trust-roots ConfigMap is not in the set', () => {
    // GIVEN
    const objects = withIssuer(generatedInstall(), issuer({ foreignAnchor: true })).filter((o) => o.metadata.name !== 'linkerd-identity-trust-roots');
    // WHEN / THEN
    expect(run(objects)[0].message).toMatch(/not signed by any trust anchor in linkerd-config identityTrustAnchorsPEM/);
  });

  test('checks nothing without an identity in the set', () => {
    expect(run([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' }, data: { a: 'b' } }])).toEqual([]);
  });

  test('keeps working on the generated identity of the default validity', () => {
    // the control plane's own defaults must lint clean for their whole life minus the horizon
    const objects = generatedInstall();
    expect(codes(objects, new Date('2026-11-01T00:00:00Z'))).toEqual([]);
    expect(codes(objects, new Date('2026-12-01T00:00:00Z'))).toEqual(['L5D111']);
  });
});
