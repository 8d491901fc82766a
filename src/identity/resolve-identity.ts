import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { BoundIssuerCertificate, IssuerCertificate } from './issuer';
import { KeyMaterial } from './key-material';
import { LinkerdIdentityProps } from './linkerd-identity';
import { IdentityManifest } from './manifest';
import { BoundTrustAnchors, TrustAnchors } from './trust-anchors';
import { TrustRootsConfigMap } from './trust-roots';

/**
 * Binds the sources of `LinkerdIdentityProps` together. Internal to the library: the control
 * plane calls it; not re-exported by the barrel.
 */

/** What the identity needs from the control plane. */
export interface IdentityResolveContext {
  readonly keyMaterial?: KeyMaterial;
  readonly namespace: string;
  readonly trustDomain: string;
  readonly issuanceLifetime: Duration;
  readonly clockSkewAllowance: Duration;
}

/** The identity, bound and validated. */
export interface ResolvedIdentity {
  readonly anchors: BoundTrustAnchors;
  readonly issuer: BoundIssuerCertificate;
  /** Linkerd's `identity.externalCA`: the trust-roots ConfigMap is not emitted. */
  readonly externalCA: boolean;
  /** cert-manager and trust-manager objects to emit. */
  readonly manifests: IdentityManifest[];
}

export function resolveIdentity(scope: IConstruct, props: LinkerdIdentityProps, context: IdentityResolveContext): ResolvedIdentity {
  if (!(props.trustAnchors instanceof TrustAnchors)) {
    throw new LinkerdConfigError(scope, 'identity.trustAnchors', 'is required',
      'pass trustAnchors: TrustAnchors.generated(), TrustAnchors.fromPem(caCrt) or TrustAnchors.bundle(old, new)');
  }
  if (!(props.issuer instanceof IssuerCertificate)) {
    throw new LinkerdConfigError(scope, 'identity.issuer', 'is required',
      'pass issuer: IssuerCertificate.generated(), .fromPem({ certificatePem, privateKeyPem }), .fromExistingSecret() or .issuedByCertManager({ issuer })');
  }
  const anchors = props.trustAnchors.bind(scope, { field: 'identity.trustAnchors', keyMaterial: context.keyMaterial });
  const issuer = props.issuer.bind(scope, {
    field: 'identity.issuer',
    anchors,
    keyMaterial: context.keyMaterial,
    trustDomain: context.trustDomain,
    controlPlaneNamespace: context.namespace,
    issuanceLifetime: context.issuanceLifetime,
    clockSkewAllowance: context.clockSkewAllowance,
  });
  if (props.trustRootsConfigMap !== undefined && props.externalCA !== undefined) {
    throw new LinkerdConfigError(scope, 'identity.externalCA', 'is given together with identity.trustRootsConfigMap',
      'give only trustRootsConfigMap (TrustRootsConfigMap.external() is what externalCA: true means)');
  }
  const certManagerIssuer = (issuer.manifests ?? []).some((m) => m.kind === 'Certificate');
  const trustRoots = props.trustRootsConfigMap
    ?? (props.externalCA === true ? TrustRootsConfigMap.external()
      : props.externalCA === undefined && certManagerIssuer ? TrustRootsConfigMap.trustManager() : TrustRootsConfigMap.emitted());
  const roots = trustRoots.bind(scope, { field: 'identity.trustRootsConfigMap', namespace: context.namespace, trustAnchorsPem: anchors.pem });
  return {
    anchors,
    issuer,
    externalCA: roots.externalCA,
    manifests: [...(issuer.manifests ?? []), ...(roots.manifests ?? [])],
  };
}
