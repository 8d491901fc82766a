import { Duration, Testing } from 'cdk8s';
import {
  CertManagerIssuer, IssuerCertificate, LinkerdConfigError, LinkerdControlPlane, LinkerdControlPlaneProps, TrustAnchors, TrustRootsConfigMap, WebhookTls,
} from '../../src';
import { controlPlaneProps, find, OUR_CRDS, podSpec, TEST_KEYS } from '../control-plane/fixtures';
import { expectValidObjects } from '../support/k8s-schema';
import { privateKeyLocations, scope } from './support';

const anchorPem = TrustAnchors.generated({ validity: Duration.days(3650) }).bind(scope(), { field: 'a', keyMaterial: TEST_KEYS }).pem;
const certManagerTls = WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned() });

function synth(props: Partial<LinkerdControlPlaneProps>): any[] {
  return Testing.synth(new LinkerdControlPlane(Testing.app(), 'linkerd-control-plane', props as LinkerdControlPlaneProps));
}

function certManagerProps(overrides: Partial<LinkerdControlPlaneProps> = {}): Partial<LinkerdControlPlaneProps> {
  return {
    identity: {
      trustAnchors: TrustAnchors.fromPem(anchorPem),
      issuer: IssuerCertificate.issuedByCertManager({ issuer: CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' }) }),
    },
    proxyInjector: { tls: certManagerTls },
    spValidator: { tls: certManagerTls },
    policyValidator: { tls: certManagerTls },
    ...overrides,
  };
}

describe('identity modes of the control plane', () => {
  describe('generated', () => {
    test('fails unless the private keys in the output are acknowledged, naming each Secret', () => {
      // GIVEN / WHEN
      const make = () => synth({ ...controlPlaneProps(), emitGeneratedPrivateKeys: undefined });
      // THEN
      expect(make).toThrow(LinkerdConfigError);
      expect(make).toThrow('linkerd-control-plane: emitGeneratedPrivateKeys: is not set, but the output would hold private keys generated from keyMaterial: '
        + 'Secret linkerd/linkerd-identity-issuer (key.pem), Secret linkerd/linkerd-proxy-injector-k8s-tls (tls.key), '
        + 'Secret linkerd/linkerd-sp-validator-k8s-tls (tls.key), Secret linkerd/linkerd-policy-validator-k8s-tls (tls.key). '
        + 'Fix: set emitGeneratedPrivateKeys: true');
    });

    test('keys given as privateKeyPem need no acknowledgement', () => {
      const generated = synth(controlPlaneProps());
      const data = (name: string) => find(generated, 'Secret', name).data;
      const pem = (b64: string) => Buffer.from(b64, 'base64').toString();
      const fromPem = (service: string) => WebhookTls.fromPem({ certificatePem: pem(data(`${service}-k8s-tls`)['tls.crt']), privateKeyPem: pem(data(`${service}-k8s-tls`)['tls.key']) });
      expect(() => synth({
        identity: {
          trustAnchors: TrustAnchors.fromPem(anchorPem),
          issuer: IssuerCertificate.fromPem({ certificatePem: pem(data('linkerd-identity-issuer')['crt.pem']), privateKeyPem: pem(data('linkerd-identity-issuer')['key.pem']) }),
        },
        proxyInjector: { tls: fromPem('linkerd-proxy-injector') },
        spValidator: { tls: fromPem('linkerd-sp-validator') },
        policyValidator: { tls: fromPem('linkerd-policy-validator') },
      })).not.toThrow();
    });

    test('private keys appear only in the issuer and webhook Secrets, never the anchor\'s', () => {
      const objects = synth(controlPlaneProps());
      expect(privateKeyLocations(objects)).toEqual([
        'Secret linkerd/linkerd-proxy-injector-k8s-tls.data.tls.key',
        'Secret linkerd/linkerd-sp-validator-k8s-tls.data.tls.key',
        'Secret linkerd/linkerd-policy-validator-k8s-tls.data.tls.key',
        'Secret linkerd/linkerd-identity-issuer.data.key.pem',
      ]);
    });
  });

  describe('cert-manager', () => {
    const objects = synth(certManagerProps());

    test('emits the Issuers, the Certificates and the trust-manager Bundle, and no Secret or trust-roots ConfigMap', () => {
      expect(objects.filter((o) => /cert-manager\.io/.test(o.apiVersion)).map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
        'Issuer linkerd/linkerd-trust-anchor',
        'Certificate linkerd/linkerd-identity-issuer',
        'Bundle /linkerd-identity-trust-roots',
        'Issuer linkerd/linkerd-self-signed',
        'Certificate linkerd/linkerd-proxy-injector',
        'Certificate linkerd/linkerd-sp-validator',
        'Certificate linkerd/linkerd-policy-validator',
      ]);
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      expect(objects.find((o) => o.metadata.name === 'linkerd-identity-trust-roots' && o.kind === 'ConfigMap')).toBeUndefined();
    });

    test('switches the control plane to externalCA and scheme kubernetes.io/tls, and injects the webhook CAs', () => {
      const identity = podSpec(objects, 'linkerd-identity').containers.find((c: any) => c.name === 'identity');
      expect(identity.args).toContain('-identity-scheme=kubernetes.io/tls');
      const values = find(objects, 'ConfigMap', 'linkerd-config').data.values;
      expect(values).toMatch(/externalCA: true/);
      expect(values).toMatch(/scheme: kubernetes\.io\/tls/);
      for (const [kind, name, certificate] of [
        ['MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config', 'linkerd-proxy-injector'],
        ['ValidatingWebhookConfiguration', 'linkerd-policy-validator-webhook-config', 'linkerd-policy-validator'],
      ]) {
        const config = find(objects, kind, name);
        expect(config.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': `linkerd/${certificate}` });
        expect(config.webhooks[0].clientConfig.caBundle).toBeUndefined();
      }
    });

    test('has no private key anywhere', () => {
      expect(privateKeyLocations(objects)).toEqual([]);
    });

    test('every object validates strictly, cert-manager and trust-manager kinds included', () => {
      expectValidObjects(objects, { crds: OUR_CRDS });
    });

    test('the trust-roots ConfigMap can still be emitted, or left to someone else', () => {
      const emitted = synth(certManagerProps({ identity: { ...certManagerProps().identity!, trustRootsConfigMap: TrustRootsConfigMap.emitted() } }));
      expect(find(emitted, 'ConfigMap', 'linkerd-identity-trust-roots')).toBeDefined();
      expect(emitted.find((o) => o.kind === 'Bundle')).toBeUndefined();
      const external = synth(certManagerProps({ identity: { ...certManagerProps().identity!, externalCA: true } }));
      expect(external.find((o) => o.kind === 'Bundle' || o.metadata.name === 'linkerd-identity-trust-roots')).toBeUndefined();
    });

    test('commonLabels reach the cert-manager objects', () => {
      const labelled = synth(certManagerProps({ commonLabels: { team: 'mesh' } }));
      expect(find(labelled, 'Certificate', 'linkerd-identity-issuer').metadata.labels).toEqual({
        'linkerd.io/control-plane-component': 'identity', 'linkerd.io/control-plane-ns': 'linkerd', 'team': 'mesh',
      });
    });

    test('fails when two different issuers would share a name', () => {
      const clash = WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned({ name: 'linkerd-trust-anchor' }) });
      expect(() => synth(certManagerProps({ proxyInjector: { tls: clash } })))
        .toThrow(/linkerd-control-plane: identity: two different Issuer objects would both be named linkerd\/linkerd-trust-anchor/);
    });

    test('fails when trustRootsConfigMap and externalCA are both given', () => {
      expect(() => synth(certManagerProps({ identity: { ...certManagerProps().identity!, externalCA: true, trustRootsConfigMap: TrustRootsConfigMap.external() } })))
        .toThrow(/identity\.externalCA: is given together with identity\.trustRootsConfigMap/);
    });
  });

  describe('cluster references', () => {
    const objects = synth({
      identity: {
        trustAnchors: TrustAnchors.fromPem(anchorPem),
        issuer: IssuerCertificate.fromExistingSecret({ scheme: 'linkerd.io/tls' }),
        trustRootsConfigMap: TrustRootsConfigMap.external(),
      },
      proxyInjector: { tls: WebhookTls.external({ caBundlePem: anchorPem }) },
      spValidator: { tls: WebhookTls.external({ caBundlePem: anchorPem }) },
      policyValidator: { tls: WebhookTls.fromSecretCa('linkerd/linkerd-webhook-ca') },
    });

    test('emits no Secret, no trust-roots ConfigMap and no private key, and reads the issuer with the scheme given', () => {
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      expect(objects.find((o) => o.metadata.name === 'linkerd-identity-trust-roots')).toBeUndefined();
      expect(privateKeyLocations(objects)).toEqual([]);
      expect(podSpec(objects, 'linkerd-identity').containers.find((c: any) => c.name === 'identity').args).toContain('-identity-scheme=linkerd.io/tls');
      expectValidObjects(objects, { crds: OUR_CRDS });
    });
  });

  test('fails without trust anchors or issuer', () => {
    expect(() => synth({ identity: { issuer: IssuerCertificate.generated() } as any })).toThrow(/identity\.trustAnchors: is required/);
    expect(() => synth({ identity: { trustAnchors: TrustAnchors.generated() } as any, keyMaterial: TEST_KEYS })).toThrow(/identity\.issuer: is required/);
  });
});
