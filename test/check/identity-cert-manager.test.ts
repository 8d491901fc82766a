import { runChecks, Severity } from '../../src';
import { IDENTITY_CERT_MANAGER_RULE } from '../../src/check/identity-cert-manager';
import { certManagerInstall, find, generatedInstall, NOW, withIssuerCertificateSpec } from './identity-fixtures';

const rules = [IDENTITY_CERT_MANAGER_RULE];
const run = (objects: any[]) => runChecks(objects, { rules, now: NOW });
const codes = (objects: any[]) => run(objects).map((f) => `${f.code} ${f.field}`);

describe('cert-manager and trust-manager checks (L5D115-L5D118)', () => {
  test('the cert-manager install has no finding', () => {
    expect(run(certManagerInstall())).toEqual([]);
  });

  test.each([
    ['renewBefore equal to the duration', { duration: '48h0m0s', renewBefore: '48h0m0s' }, 'L5D115 spec.renewBefore', /is not shorter than the duration 2d/],
    ['renewBefore longer than the duration', { duration: '2h', renewBefore: '3h' }, 'L5D115 spec.renewBefore', /renewBefore 3h is not shorter than the duration 2h/],
    ['a duration under one hour', { duration: '30m', renewBefore: '10m' }, 'L5D115 spec.duration', /shorter than cert-manager's minimum of 1h/],
    ['renewBefore under five minutes', { duration: '48h', renewBefore: '1m' }, 'L5D115 spec.renewBefore', /shorter than cert-manager's minimum of 5m/],
    ['a duration that is not a Go duration', { duration: '2 days' }, 'L5D115 spec.duration', /"2 days" is not a Go duration/],
    ['renewBefore and renewBeforePercentage together', { renewBeforePercentage: 50 }, 'L5D115 spec.renewBefore', /both set/],
  ])('reports %s', (_what, spec, code, message) => {
    // GIVEN
    const objects = withIssuerCertificateSpec(certManagerInstall(), spec);
    // WHEN
    const findings = run(objects);
    // THEN
    expect(codes(objects)).toContain(code);
    expect(findings.find((f) => `${f.code} ${f.field}` === code)!.message).toMatch(message);
    expect(findings.every((f) => f.severity === Severity.ERROR && f.object === 'Certificate linkerd/linkerd-identity-issuer')).toBe(true);
  });

  test('the identity issuer must be renewed with more than the issuance lifetime left (L5D116)', () => {
    // GIVEN renewal 24h before expiry, with a 24h issuance lifetime and 20s of skew
    const objects = withIssuerCertificateSpec(certManagerInstall(), { renewBefore: '24h0m0s' });
    // WHEN / THEN
    expect(run(objects).map((f) => [f.code, f.message])).toEqual([
      ['L5D116', 'the identity issuer is renewed 1d before it expires, not more than the issuance lifetime plus clock skew (86420s); use e.g. duration 48h with renewBefore 25h'],
    ]);
  });

  test('cert-manager\'s default renewal (2/3 through) counts: a 48h issuer without renewBefore is renewed 16h before expiry', () => {
    const objects = certManagerInstall();
    delete find(objects, 'Certificate', 'linkerd-identity-issuer').spec.renewBefore;
    expect(codes(objects)).toEqual(['L5D116 spec']);
  });

  test('renewBeforePercentage is understood', () => {
    const objects = certManagerInstall();
    const spec = find(objects, 'Certificate', 'linkerd-identity-issuer').spec;
    delete spec.renewBefore;
    spec.renewBeforePercentage = 60;
    expect(run(objects)).toEqual([]);
  });

  test('the identity issuer Certificate must be an ECDSA P-256 CA read with scheme kubernetes.io/tls (L5D117)', () => {
    // GIVEN
    const objects = withIssuerCertificateSpec(certManagerInstall(), { isCA: false, privateKey: { algorithm: 'RSA', size: 2048 }, usages: ['client auth'] });
    const identity = find(objects, 'Deployment', 'linkerd-identity').spec.template.spec.containers.find((c: any) => c.name === 'identity');
    identity.args = identity.args.map((a: string) => a.replace('-identity-scheme=kubernetes.io/tls', '-identity-scheme=linkerd.io/tls'));
    // WHEN / THEN
    expect(codes(objects)).toEqual(['L5D117 spec.isCA', 'L5D117 spec.privateKey', 'L5D117 spec.secretName', 'L5D117 spec.usages']);
  });

  test('the trust-manager Bundle must write ca-bundle.crt into the control-plane namespace (L5D118)', () => {
    // GIVEN
    const objects = certManagerInstall();
    const bundle = find(objects, 'Bundle', 'linkerd-identity-trust-roots');
    bundle.spec.target = { configMap: { key: 'roots.pem' }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'elsewhere' } } };
    bundle.spec.sources = [{ inLine: 'garbage' }];
    // WHEN / THEN
    expect(codes(objects)).toEqual(['L5D118 spec.sources[0].inLine', 'L5D118 spec.target.configMap.key', 'L5D118 spec.target.namespaceSelector']);
  });

  test('a Bundle for a control plane that emits its own trust-roots ConfigMap is two writers (L5D118)', () => {
    // GIVEN the generated install plus the Bundle of the cert-manager one
    const objects = [...generatedInstall(), find(certManagerInstall(), 'Bundle', 'linkerd-identity-trust-roots')];
    // WHEN / THEN
    expect(run(objects)[0].message).toMatch(/two writers of one ConfigMap/);
  });

  test('namespace labels count for the Bundle selector', () => {
    const objects = certManagerInstall();
    find(objects, 'Bundle', 'linkerd-identity-trust-roots').spec.target.namespaceSelector = { matchLabels: { 'linkerd.io/is-control-plane': 'true' } };
    expect(run(objects)).toEqual([]);
    find(objects, 'Namespace', 'linkerd').metadata.labels['linkerd.io/is-control-plane'] = 'false';
    expect(codes(objects)).toEqual(['L5D118 spec.target.namespaceSelector']);
  });
});
