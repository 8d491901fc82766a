/**
 * Cluster references: the issuer Secret, the trust-roots ConfigMap and the webhook serving
 * Secrets already exist in the cluster (made once by `linkerd install`, by your secret store's
 * operator, or by hand), and the output only refers to them. No private key is emitted; the
 * output needs the public certificates only: the trust anchors (for `linkerd-config` and the
 * `linkerd.io/trust-root-sha256` annotation) and the CA that verifies the webhooks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { IssuerCertificate, LinkerdControlPlane, TrustAnchors, TrustRootsConfigMap, WebhookTls } from '../src';
import { ExampleOptions, pemDirectory } from './options';

export function buildClusterReferencesExample(options: ExampleOptions = {}): App {
  const dir = pemDirectory(options);
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  // The Secrets linkerd-{proxy-injector,sp-validator,policy-validator}-k8s-tls exist; this CA verifies them.
  const webhookTls = WebhookTls.external({ caBundlePem: read('webhook-ca.crt') });
  const app = new App();
  new LinkerdControlPlane(app, 'linkerd-control-plane', {
    identity: {
      trustAnchors: TrustAnchors.fromPem(read('ca.crt')),
      // Secret linkerd-identity-issuer with crt.pem and key.pem, as `linkerd install` writes it.
      issuer: IssuerCertificate.fromExistingSecret({ scheme: 'linkerd.io/tls' }),
      // ConfigMap linkerd-identity-trust-roots with ca-bundle.crt, holding the same anchors.
      trustRootsConfigMap: TrustRootsConfigMap.external(),
    },
    proxyInjector: { tls: webhookTls },
    spValidator: { tls: webhookTls },
    policyValidator: { tls: webhookTls },
  });
  return app;
}
