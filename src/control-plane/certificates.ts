import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { BoundIssuerCertificate, BoundTrustAnchors, IdentityManifest, WebhookTls } from '../identity';
import { resolveIdentity } from '../identity/resolve-identity';
import { prune } from '../proxy/proxy-builder';
import { b64, ControlPlaneContext } from './context';
import { LinkerdControlPlaneProps } from './control-plane-props';
import { trustDomainOf, WebhookValues } from './values';
import { BoundWebhooks, WEBHOOKS } from './webhooks';

/** The identity and webhook certificates, bound, and the cert-manager objects they ask for. */
export interface ResolvedCertificates {
  readonly anchors: BoundTrustAnchors;
  readonly issuer: BoundIssuerCertificate;
  readonly webhooks: BoundWebhooks;
  readonly manifests: IdentityManifest[];
}

/** Binds the identity and webhook TLS sources and records what they resolved to in `ctx.values`. */
export function resolveCertificates(ctx: ControlPlaneContext, props: LinkerdControlPlaneProps): ResolvedCertificates {
  const { chart, namespace: ns, values } = ctx;
  const identity = resolveIdentity(chart, props.identity, {
    keyMaterial: props.keyMaterial,
    namespace: ns,
    trustDomain: trustDomainOf(values),
    issuanceLifetime: props.identity.issuanceLifetime ?? Duration.hours(24),
    clockSkewAllowance: props.identity.clockSkewAllowance ?? Duration.seconds(20),
  });
  const { anchors, issuer } = identity;
  values.identityTrustAnchorsPEM = anchors.pem;
  values.identity.externalCA = identity.externalCA;
  values.identity.issuer.scheme = issuer.scheme;
  values.identity.issuer.tls.crtPEM = issuer.certificatePem ?? '';
  const generatedKeys: string[] = issuer.generated && issuer.privateKeyPem ? [`Secret ${ns}/linkerd-identity-issuer (key.pem)`] : [];
  const manifests: IdentityManifest[] = [...identity.manifests];
  const webhooks: BoundWebhooks = new Map();
  for (const spec of WEBHOOKS) {
    const source = props[spec.propsKey]?.tls ?? WebhookTls.generated();
    const bound = source.bind(chart, { field: `${spec.propsKey}.tls`, serviceName: spec.service, namespace: ns, keyMaterial: props.keyMaterial, acceptedKeyEncodings: spec.keyEncodings });
    webhooks.set(spec.valuesKey, bound);
    if (bound.generated && bound.secret) generatedKeys.push(`Secret ${ns}/${spec.service}-k8s-tls (tls.key)`);
    manifests.push(...(bound.manifests ?? []).map((m) => ({ ...m, component: m.component ?? (m.kind === 'Certificate' ? spec.component : undefined) })));
    const wv = values[spec.valuesKey] as WebhookValues;
    wv.externalSecret = bound.secret === undefined;
    wv.injectCaFrom = bound.injectCaFrom ?? '';
    wv.injectCaFromSecret = bound.injectCaFromSecret ?? '';
    // Upstream keeps a caBundle value only when it was given explicitly; a generated cert is its own bundle.
    wv.caBundle = bound.secret === undefined ? bound.caBundlePem ?? '' : '';
    wv.crtPEM = '';
  }
  requireGeneratedKeysAcknowledged(chart, generatedKeys, props.emitGeneratedPrivateKeys);
  return { anchors, issuer, webhooks, manifests: uniqueManifests(chart, manifests) };
}

/**
 * Private keys generated from key material reach the output only when the user said so
 * (`emitGeneratedPrivateKeys`); `generatedKeys` describes where each would be written.
 */
export function requireGeneratedKeysAcknowledged(scope: IConstruct, generatedKeys: string[], acknowledged: boolean | undefined): void {
  if (generatedKeys.length > 0 && acknowledged !== true) {
    throw new LinkerdConfigError(scope, 'emitGeneratedPrivateKeys',
      `is not set, but the output would hold private keys generated from keyMaterial: ${generatedKeys.join(', ')}`,
      'set emitGeneratedPrivateKeys: true to acknowledge it and keep the output out of Git (README, "Keys and Git"), '
      + 'or let cert-manager issue them (IssuerCertificate.issuedByCertManager, WebhookTls.issuedByCertManager) so that no key is emitted');
  }
}

/** The same Issuer may serve several Certificates: keep one copy, and fail on two different objects of one name. */
export function uniqueManifests(scope: IConstruct, manifests: IdentityManifest[]): IdentityManifest[] {
  const byKey = new Map<string, IdentityManifest>();
  for (const m of manifests) {
    const key = `${m.apiVersion.split('/')[0]}/${m.kind}/${m.namespace ?? ''}/${m.name}`;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, m);
    } else if (JSON.stringify(seen.body) !== JSON.stringify(m.body)) {
      throw new LinkerdConfigError(scope, 'identity', `two different ${m.kind} objects would both be named ${m.namespace ? `${m.namespace}/` : ''}${m.name}`,
        'give the cert-manager issuers of the identity issuer and of the webhooks different names, or use the same issuer for both');
    }
  }
  return [...byKey.values()];
}

/** The issuer Secret when this library holds the issuer key, and the trust-roots ConfigMap unless the CA is external. */
export function renderIdentityObjects(ctx: ControlPlaneContext, issuer: { scheme: string; certificatePem?: string; privateKeyPem?: string }): void {
  if (issuer.scheme === 'linkerd.io/tls' && issuer.certificatePem && issuer.privateKeyPem) {
    ctx.obj('identity-issuer', 'v1', 'Secret', ctx.componentMeta('linkerd-identity-issuer', 'identity'), {
      data: { 'crt.pem': b64(issuer.certificatePem.trim()), 'key.pem': b64(issuer.privateKeyPem.trim()) },
    });
  }
  if (!ctx.values.identity.externalCA) {
    ctx.obj('identity-trust-roots', 'v1', 'ConfigMap', ctx.componentMeta('linkerd-identity-trust-roots', 'identity'), {
      data: { 'ca-bundle.crt': ctx.values.identityTrustAnchorsPEM.trim() },
    });
  }
}

/** cert-manager Issuers and Certificates, and the trust-manager Bundle, that the identity sources ask for. */
export function renderCertManagerObjects(ctx: ControlPlaneContext, manifests: IdentityManifest[]): void {
  renderIdentityManifests(ctx.chart, manifests, (m) => {
    const meta = ctx.componentMeta(m.name, m.component, { namespaced: m.namespace !== undefined });
    return { ...meta, labels: { ...meta.labels, ...ctx.values.commonLabels } };
  });
}

/**
 * Emits the objects identity and webhook sources ask for, with the metadata `metadata` gives
 * each (labels, annotations); name and namespace are the manifest's own.
 */
export function renderIdentityManifests(scope: Construct, manifests: IdentityManifest[], metadata: (m: IdentityManifest) => Record<string, unknown>): void {
  for (const m of manifests) {
    // The body is used as built: an empty `selfSigned: {}` is what makes a self-signed Issuer.
    new ApiObject(scope, `${m.kind.toLowerCase()}-${m.namespace ?? 'cluster'}-${m.name}`, {
      apiVersion: m.apiVersion,
      kind: m.kind,
      metadata: prune({ ...metadata(m), name: m.name, namespace: m.namespace }),
      ...structuredClone(m.body),
    });
  }
}
