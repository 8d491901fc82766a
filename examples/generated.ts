/**
 * Generated identity: this library makes the trust anchor, the identity issuer and the webhook
 * certificates (ECDSA P-256, deterministic signatures) from key material you control.
 *
 * - `KeyMaterial.fromSeed({ seed, notBefore })`: every key is derived from a secret seed you
 *   keep in a secret store and pass in at synth time;
 * - `KeyMaterial.fromStateDirectory('.linkerd-state')`: random keys, created once in a local
 *   directory that stays out of Git and that you back up.
 *
 * Either way, re-synthesizing gives the same bytes. The output holds the issuer's and the
 * webhooks' private keys (never the anchor's), hence `emitGeneratedPrivateKeys: true`; keep it
 * out of Git (README, "Keys and Git").
 */
import { App, Duration } from 'cdk8s';
import { IssuerCertificate, KeyMaterial, LinkerdControlPlane, TrustAnchors } from '../src';
import { DEMO_NOT_BEFORE, DEMO_SEED, ExampleOptions } from './options';

export function buildGeneratedExample(options: ExampleOptions = {}): App {
  const app = new App();
  new LinkerdControlPlane(app, 'linkerd-control-plane', {
    // A real cluster: KeyMaterial.fromSeed({ seed: process.env.LINKERD_SEED!, ... }) or
    // KeyMaterial.fromStateDirectory('.linkerd-state').
    keyMaterial: options.keyMaterial ?? KeyMaterial.fromSeed({ seed: DEMO_SEED, notBefore: options.notBefore ?? DEMO_NOT_BEFORE }),
    emitGeneratedPrivateKeys: true,
    identity: {
      trustAnchors: TrustAnchors.generated({ validity: Duration.days(3650) }),
      issuer: IssuerCertificate.generated({ validity: Duration.days(730) }),
    },
  });
  return app;
}
