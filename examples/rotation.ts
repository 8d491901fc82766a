/**
 * Trust-anchor rotation in three synths, each valid on its own. Apply each step's output and let
 * it roll out (every proxy restarted or re-issued) before the next one:
 *
 * 1. add the new anchor to the bundle: proxies trust both anchors; the issuer is still signed
 *    by the old one.
 * 2. switch the issuer: it is now signed by the new anchor (and gets a new key); workload
 *    certificates from the old issuer stay valid, since the old anchor is still trusted.
 * 3. drop the old anchor, once every workload certificate comes from the new issuer (they live
 *    24h by default, so wait at least that long after step 2).
 *
 * With PEM files the same steps read `TrustAnchors.fromPem(oldCa + newCa)` and
 * `IssuerCertificate.fromPem(...)` of the old, then the new issuer; with cert-manager, point the
 * CA Issuer at the new anchor's Secret in step 2.
 */
import { App, Duration } from 'cdk8s';
import { IssuerCertificate, KeyMaterial, LinkerdControlPlane, TrustAnchors } from '../src';
import { DEMO_NOT_BEFORE, DEMO_SEED, ExampleOptions } from './options';

/** Options of the rotation example. */
export interface RotationOptions extends ExampleOptions {
  /**
   * Start of validity of the new anchor and the new issuer.
   * @default '2026-11-15T00:00:00Z'
   */
  readonly rotatedAt?: string;
}

export type RotationStep = 'rotation-1-add-anchor' | 'rotation-2-switch-issuer' | 'rotation-3-drop-old-anchor';

/** The three steps of the rotation, in order. */
export function rotationSteps(options: RotationOptions = {}): Array<{ step: RotationStep; build: () => App }> {
  const build = (step: 1 | 2 | 3) => (): App => {
    const keyMaterial = options.keyMaterial ?? KeyMaterial.fromSeed({ seed: DEMO_SEED, notBefore: options.notBefore ?? DEMO_NOT_BEFORE });
    const rotatedAt = options.rotatedAt ?? '2026-11-15T00:00:00Z';
    // The anchor in use today, and its successor: its own name, its own start, hence its own key.
    const current = TrustAnchors.generated({ validity: Duration.days(3650) });
    const next = TrustAnchors.generated({ commonName: 'root-2.linkerd.cluster.local', notBefore: rotatedAt, validity: Duration.days(3650) });
    const oldIssuer = IssuerCertificate.generated({ signedBy: current, validity: Duration.days(730) });
    const newIssuer = IssuerCertificate.generated({ signedBy: next, notBefore: rotatedAt, validity: Duration.days(730) });
    const app = new App();
    new LinkerdControlPlane(app, 'linkerd-control-plane', {
      keyMaterial,
      emitGeneratedPrivateKeys: true,
      identity: {
        trustAnchors: step === 3 ? next : TrustAnchors.bundle(current, next),
        issuer: step === 1 ? oldIssuer : newIssuer,
      },
    });
    return app;
  };
  return [
    { step: 'rotation-1-add-anchor', build: build(1) },
    { step: 'rotation-2-switch-issuer', build: build(2) },
    { step: 'rotation-3-drop-old-anchor', build: build(3) },
  ];
}
