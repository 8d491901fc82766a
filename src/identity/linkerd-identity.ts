import { Duration } from 'cdk8s';
import { IssuerCertificate } from './issuer';
import { TrustAnchors } from './trust-anchors';
import { TrustRootsConfigMap } from './trust-roots';

/**
 * The mesh identity of a control plane: which anchors every proxy trusts, who signs workload
 * certificates, and who writes the trust-roots ConfigMap. The three usual set-ups:
 *
 * - generated: `TrustAnchors.generated()` + `IssuerCertificate.generated()`, keys from the
 *   control plane's `keyMaterial` (a seed, or a state directory kept out of Git);
 * - bring your own: `TrustAnchors.fromPem(ca.crt)` + `IssuerCertificate.fromPem({ certificatePem,
 *   privateKeyPem })`, or `IssuerCertificate.fromExistingSecret()` with
 *   `TrustRootsConfigMap.external()` so that no key is emitted at all;
 * - cert-manager: `TrustAnchors.fromPem(ca.crt)` + `IssuerCertificate.issuedByCertManager({ issuer })`,
 *   which also emits a trust-manager Bundle for the trust roots (no key is emitted).
 *
 * The control plane emits what these sources need (issuer Secret, trust-roots ConfigMap,
 * cert-manager and trust-manager objects) and configures the identity controller accordingly.
 */
export interface LinkerdIdentityProps {
  /**
   * The trust anchor bundle every proxy trusts (`identityTrustAnchorsPEM`). It is needed in every
   * set-up, even when the ConfigMap comes from elsewhere: it feeds `linkerd-config` and the
   * `linkerd.io/trust-root-sha256` pod annotation. Use `TrustAnchors.bundle(old, new)` during a
   * rotation.
   */
  readonly trustAnchors: TrustAnchors;
  /** The intermediate CA the identity controller issues workload certificates with. */
  readonly issuer: IssuerCertificate;
  /**
   * Who writes the ConfigMap `linkerd-identity-trust-roots`.
   * @default - TrustRootsConfigMap.trustManager() with IssuerCertificate.issuedByCertManager(),
   * TrustRootsConfigMap.external() with `externalCA: true`, else TrustRootsConfigMap.emitted()
   */
  readonly trustRootsConfigMap?: TrustRootsConfigMap;
  /**
   * Shorthand for `trustRootsConfigMap: TrustRootsConfigMap.external()` (Linkerd's
   * `identity.externalCA`): the ConfigMap is managed outside this library.
   * @default false
   */
  readonly externalCA?: boolean;
  /** Trust domain of workload identities. @default - the cluster domain */
  readonly trustDomain?: string;
  /**
   * Proxies authenticate to the identity controller with a projected, audience-bound token
   * (`identity.serviceAccountTokenProjection`). Off, they use the pod's automounted
   * ServiceAccount token, and a pod with `automountServiceAccountToken: false` cannot be meshed.
   * @default true
   */
  readonly serviceAccountTokenProjection?: boolean;
  /** Lifetime of workload certificates. @default Duration.hours(24) */
  readonly issuanceLifetime?: Duration;
  /** Clock skew tolerated when issuing. @default Duration.seconds(20) */
  readonly clockSkewAllowance?: Duration;
}
