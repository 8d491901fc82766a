/**
 * cert-manager: cert-manager issues the identity issuer from the trust anchor (a CA Issuer over
 * the Secret `linkerd-trust-anchor`, which you create once from the anchor's certificate and
 * key: `kubectl create secret tls linkerd-trust-anchor --cert=ca.crt --key=ca.key -n linkerd`),
 * renews it every day (48h certificates renewed 25h before expiry, more than the 24h issuance
 * lifetime), trust-manager writes the trust-roots ConfigMap from a Bundle, and cert-manager
 * issues the webhook serving certificates (PKCS#8 keys) and injects their CA. The control plane
 * runs with `externalCA` and `-identity-scheme=kubernetes.io/tls`. No private key is emitted: the
 * output only needs the anchor's public certificate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import {
  CertManagerIssuer, IssuerCertificate, LinkerdControlPlane, TrustAnchors, WebhookTls,
} from '../src';
import { ExampleOptions, pemDirectory } from './options';

export function buildCertManagerExample(options: ExampleOptions = {}): App {
  const caCrt = fs.readFileSync(path.join(pemDirectory(options), 'ca.crt'), 'utf8');
  // Each webhook certificate signs itself and is its own CA; cainjector copies it into the caBundle.
  const webhookTls = WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned({ name: 'linkerd-webhook-self-signed' }) });
  const app = new App();
  new LinkerdControlPlane(app, 'linkerd-control-plane', {
    identity: {
      trustAnchors: TrustAnchors.fromPem(caCrt),
      issuer: IssuerCertificate.issuedByCertManager({
        issuer: CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' }),
      }),
      // trustRootsConfigMap: TrustRootsConfigMap.trustManager() is the default with cert-manager.
    },
    proxyInjector: { tls: webhookTls },
    spValidator: { tls: webhookTls },
    policyValidator: { tls: webhookTls },
  });
  return app;
}
