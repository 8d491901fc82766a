import { createPrivateKey } from 'node:crypto';
import { runChecks, Severity } from '../../src';
import { IDENTITY_WEBHOOK_RULE } from '../../src/check/identity-webhooks';
import {
  certManagerInstall, find, generatedInstall, NOW, servingCertificate, withInjectorCertificate,
} from './identity-fixtures';

const rules = [IDENTITY_WEBHOOK_RULE];
const run = (objects: any[], now: Date | undefined = NOW) => runChecks(objects, { rules, now });
const codes = (objects: any[]) => run(objects).map((f) => `${f.code} ${f.object} ${f.field}`);
const DNS = 'linkerd-proxy-injector.linkerd.svc';
const b64 = (s: string) => Buffer.from(s.trim()).toString('base64');

describe('webhook TLS checks (L5D120-L5D123)', () => {
  test('generated and cert-manager webhooks have no finding', () => {
    expect(run(generatedInstall())).toEqual([]);
    expect(run(certManagerInstall())).toEqual([]);
  });

  test('a serving certificate without the <service>.<namespace>.svc SAN (L5D120)', () => {
    // GIVEN a certificate for another name
    const objects = withInjectorCertificate(generatedInstall(), servingCertificate(['linkerd-proxy-injector.other.svc']));
    // WHEN / THEN
    expect(codes(objects)).toEqual(['L5D120 Secret linkerd/linkerd-proxy-injector-k8s-tls data.tls.crt']);
    expect(run(objects)[0].message).toMatch(/lacks the DNS SAN linkerd-proxy-injector.linkerd.svc \(has linkerd-proxy-injector.other.svc\)/);
  });

  test('a cert-manager Certificate without the dnsName (L5D120)', () => {
    const objects = certManagerInstall();
    find(objects, 'Certificate', 'linkerd-sp-validator').spec.dnsNames = ['linkerd-sp-validator'];
    expect(codes(objects)).toEqual(['L5D120 Certificate linkerd/linkerd-sp-validator spec.dnsNames']);
  });

  test('a caBundle that does not verify the serving certificate (L5D121)', () => {
    // GIVEN a proper serving certificate but the caBundle of another one
    const objects = withInjectorCertificate(generatedInstall(), servingCertificate([DNS]), servingCertificate([DNS, 'x.example']).certificatePem);
    // WHEN / THEN
    expect(codes(objects)).toEqual(['L5D121 MutatingWebhookConfiguration linkerd-proxy-injector-webhook-config webhooks[0].clientConfig.caBundle']);
  });

  test('no caBundle and no injection annotation, or a malformed annotation (L5D121)', () => {
    // GIVEN
    const objects = generatedInstall();
    delete find(objects, 'ValidatingWebhookConfiguration', 'linkerd-sp-validator-webhook-config').webhooks[0].clientConfig.caBundle;
    const policy = find(objects, 'ValidatingWebhookConfiguration', 'linkerd-policy-validator-webhook-config');
    delete policy.webhooks[0].clientConfig.caBundle;
    policy.metadata.annotations = { 'cert-manager.io/inject-ca-from': 'linkerd-policy-validator' };
    // WHEN / THEN
    expect(codes(objects)).toEqual([
      'L5D121 ValidatingWebhookConfiguration linkerd-policy-validator-webhook-config metadata.annotations.cert-manager.io/inject-ca-from',
      'L5D121 ValidatingWebhookConfiguration linkerd-sp-validator-webhook-config webhooks[0].clientConfig.caBundle',
    ]);
  });

  test('a serving key that does not match its certificate (L5D122)', () => {
    const good = servingCertificate([DNS]);
    const objects = withInjectorCertificate(generatedInstall(), { certificatePem: good.certificatePem, privateKeyPem: servingCertificate([DNS, 'other']).privateKeyPem });
    expect(codes(objects)).toEqual(['L5D122 Secret linkerd/linkerd-proxy-injector-k8s-tls data.tls.key']);
  });

  test('a SEC1 key for the policy validator (L5D123), fine for the Go webhooks', () => {
    // GIVEN the generated policy-validator key re-encoded as SEC1
    const objects = generatedInstall();
    const secret = find(objects, 'Secret', 'linkerd-policy-validator-k8s-tls');
    const pkcs8 = Buffer.from(secret.data['tls.key'], 'base64').toString();
    secret.data['tls.key'] = b64(createPrivateKey(pkcs8).export({ type: 'sec1', format: 'pem' }));
    const injector = find(objects, 'Secret', 'linkerd-proxy-injector-k8s-tls');
    injector.data['tls.key'] = b64(createPrivateKey(Buffer.from(injector.data['tls.key'], 'base64').toString()).export({ type: 'sec1', format: 'pem' }));
    // WHEN / THEN
    expect(codes(objects)).toEqual(['L5D123 Secret linkerd/linkerd-policy-validator-k8s-tls data.tls.key']);
  });

  test('a cert-manager Certificate for the policy validator without PKCS8 encoding (L5D123)', () => {
    // GIVEN
    const objects = certManagerInstall();
    delete find(objects, 'Certificate', 'linkerd-policy-validator').spec.privateKey.encoding;
    find(objects, 'Certificate', 'linkerd-proxy-injector').spec.privateKey.encoding = 'PKCS1';
    // WHEN / THEN
    expect(codes(objects)).toEqual(['L5D123 Certificate linkerd/linkerd-policy-validator spec.privateKey.encoding']);
  });

  test('serving certificates get the date-dependent checks', () => {
    const objects = generatedInstall();
    const findings = run(objects, new Date('2035-12-01T00:00:00Z'));
    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ['L5D111', Severity.WARNING], ['L5D111', Severity.WARNING], ['L5D111', Severity.WARNING],
    ]);
  });
});
