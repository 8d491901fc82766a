/**
 * Bring your own PEM: the trust anchor, the identity issuer and the webhook serving certificates
 * come from files you made (with step, openssl or your PKI). The issuer's and the webhooks'
 * private keys are passed through props named `privateKeyPem` and end up in Secrets of the
 * output, so keep it out of Git (README, "Keys and Git"). The anchor's key is never needed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { IssuerCertificate, LinkerdControlPlane, TrustAnchors, WebhookTls } from '../src';
import { ExampleOptions, pemDirectory } from './options';

export function buildBringYourOwnPemExample(options: ExampleOptions = {}): App {
  const dir = pemDirectory(options);
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  const webhookTls = (service: string) => WebhookTls.fromPem({
    certificatePem: read(`${service}.crt`),
    privateKeyPem: read(`${service}.key`),
    caBundlePem: read('webhook-ca.crt'),
  });
  const app = new App();
  new LinkerdControlPlane(app, 'linkerd-control-plane', {
    identity: {
      trustAnchors: TrustAnchors.fromPem(read('ca.crt')),
      issuer: IssuerCertificate.fromPem({ certificatePem: read('issuer.crt'), privateKeyPem: read('issuer.key') }),
    },
    proxyInjector: { tls: webhookTls('linkerd-proxy-injector') },
    spValidator: { tls: webhookTls('linkerd-sp-validator') },
    policyValidator: { tls: webhookTls('linkerd-policy-validator') },
  });
  return app;
}
