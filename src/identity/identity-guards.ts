import { arrayOf, enumOf, Guard, instanceOf, is, lazy, required, struct, union } from '../guards';
import type { CertificateAndKeyPem } from './certificate';
import { CertManagerIssuer, CertManagerCaIssuerProps, CertManagerSelfSignedIssuerProps } from './cert-manager-issuer';
import {
  CertManagerIssuerCertificateProps, ExistingIssuerSecretProps, GeneratedIssuerCertificateProps, IssuerCertificate,
} from './issuer';
import { KeyMaterial, SeedKeyMaterialProps, StateDirectoryKeyMaterialOptions } from './key-material';
import type { LinkerdIdentityProps } from './linkerd-identity';
import { PrivateKeyEncoding } from './private-key';
import { GeneratedTrustAnchorsProps, TrustAnchors } from './trust-anchors';
import { TrustManagerBundleProps, TrustManagerKeyReference, TrustRootsConfigMap } from './trust-roots';
import {
  CertManagerWebhookTlsProps, ExternalWebhookTlsProps, GeneratedWebhookTlsProps, WebhookTls, WebhookTlsPemProps,
} from './webhook-tls';

/**
 * Runtime guards (src/guards.ts) of the identity props and of the props of the identity
 * sources' factories. Internal: not re-exported by the barrel. The factories keep what they are
 * given and check it when they are bound, where the construct path and the full field are known.
 */

const notBefore = union(is.date, is.string);
const keyEncoding = enumOf('PrivateKeyEncoding', PrivateKeyEncoding as unknown as Record<string, string>);

export const KEY_MATERIAL = lazy(() => instanceOf(KeyMaterial, 'KeyMaterial',
  'KeyMaterial.fromSeed({ seed, notBefore }) or KeyMaterial.fromStateDirectory(".linkerd-state")'));
export const TRUST_ANCHORS = lazy(() => instanceOf(TrustAnchors, 'TrustAnchors',
  'TrustAnchors.generated(), TrustAnchors.fromPem(caCrt) or TrustAnchors.bundle(old, new)'));
export const ISSUER_CERTIFICATE = lazy(() => instanceOf(IssuerCertificate, 'IssuerCertificate',
  'IssuerCertificate.generated(), .fromPem({ certificatePem, privateKeyPem }), .fromExistingSecret() or .issuedByCertManager({ issuer })'));
export const WEBHOOK_TLS = lazy(() => instanceOf(WebhookTls, 'WebhookTls',
  'WebhookTls.generated(), .fromPem({ … }), .issuedByCertManager({ issuer }), .certManager("ns/name"), .fromSecretCa("ns/name") or .external({ caBundlePem })'));
export const CERT_MANAGER_ISSUER = lazy(() => instanceOf(CertManagerIssuer, 'CertManagerIssuer',
  'CertManagerIssuer.ca({ secretName }), .clusterCa({ secretName }), .selfSigned(), .fromIssuerName(name) or .fromClusterIssuerName(name)'));
const TRUST_ROOTS_CONFIG_MAP = lazy(() => instanceOf(TrustRootsConfigMap, 'TrustRootsConfigMap',
  'TrustRootsConfigMap.emitted(), .external() or .trustManager({ … })'));

export const LINKERD_IDENTITY_PROPS: Guard = lazy(() => struct<LinkerdIdentityProps>({
  trustAnchors: required(TRUST_ANCHORS),
  issuer: required(ISSUER_CERTIFICATE),
  trustRootsConfigMap: TRUST_ROOTS_CONFIG_MAP,
  externalCA: is.boolean,
  trustDomain: is.string,
  issuanceLifetime: is.duration,
  clockSkewAllowance: is.duration,
  serviceAccountTokenProjection: is.boolean,
}, 'a LinkerdIdentityProps', 'pass identity: { trustAnchors, issuer }, e.g. { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated() }'));

export const SEED_KEY_MATERIAL_PROPS: Guard = struct<SeedKeyMaterialProps>({
  seed: required(is.string), notBefore: required(notBefore),
}, 'a SeedKeyMaterialProps ({ seed, notBefore })');

export const STATE_DIRECTORY_OPTIONS: Guard = struct<StateDirectoryKeyMaterialOptions>({ notBefore, create: is.boolean });

export const GENERATED_TRUST_ANCHORS_PROPS: Guard = lazy(() => struct<GeneratedTrustAnchorsProps>({
  commonName: is.string, validity: is.duration, notBefore, keyMaterial: KEY_MATERIAL,
}));

export const CERTIFICATE_AND_KEY_PEM: Guard = struct<CertificateAndKeyPem>({
  certificatePem: required(is.string), privateKeyPem: required(is.string),
}, 'a { certificatePem, privateKeyPem } pair');

export const GENERATED_ISSUER_PROPS: Guard = lazy(() => struct<GeneratedIssuerCertificateProps>({
  validity: is.duration, keyEncoding, signedBy: TRUST_ANCHORS, notBefore,
}));

export const EXISTING_ISSUER_SECRET_PROPS: Guard = struct<ExistingIssuerSecretProps>({ scheme: is.string });

export const CERT_MANAGER_ISSUER_CERTIFICATE_PROPS: Guard = lazy(() => struct<CertManagerIssuerCertificateProps>({
  issuer: required(CERT_MANAGER_ISSUER), duration: is.duration, renewBefore: is.duration,
}));

export const GENERATED_WEBHOOK_TLS_PROPS: Guard = struct<GeneratedWebhookTlsProps>({ validity: is.duration, keyEncoding });

export const WEBHOOK_TLS_PEM_PROPS: Guard = struct<WebhookTlsPemProps>({
  certificatePem: required(is.string), privateKeyPem: required(is.string), caBundlePem: is.string,
});

export const CERT_MANAGER_WEBHOOK_TLS_PROPS: Guard = lazy(() => struct<CertManagerWebhookTlsProps>({
  issuer: required(CERT_MANAGER_ISSUER), duration: is.duration, renewBefore: is.duration,
}));

export const EXTERNAL_WEBHOOK_TLS_PROPS: Guard = struct<ExternalWebhookTlsProps>({ caBundlePem: required(is.string) });

export const CERT_MANAGER_CA_ISSUER_PROPS: Guard = struct<CertManagerCaIssuerProps>({ secretName: required(is.string), name: is.string });

export const CERT_MANAGER_SELF_SIGNED_ISSUER_PROPS: Guard = struct<CertManagerSelfSignedIssuerProps>({ name: is.string });

const KEY_REFERENCE = struct<TrustManagerKeyReference>({ name: required(is.string), key: required(is.string) }, 'a { name, key } reference');

export const TRUST_MANAGER_BUNDLE_PROPS: Guard = struct<TrustManagerBundleProps>({
  inlineTrustAnchors: is.boolean, secretSources: arrayOf(KEY_REFERENCE), configMapSources: arrayOf(KEY_REFERENCE),
});
