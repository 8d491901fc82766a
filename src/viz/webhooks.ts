import { renderIdentityManifests, requireGeneratedKeysAcknowledged, uniqueManifests } from '../control-plane/certificates';
import { webhookSecretBody, webhookTrust } from '../control-plane/webhooks';
import { BoundWebhookTls, GO_KEY_ENCODINGS, IdentityManifest, KeyMaterial, WebhookTls } from '../identity';
import { VizContext } from './context';

/** The two servers viz registers with the API server, each behind a serving certificate. */
interface ServedSpec {
  readonly service: 'tap' | 'tap-injector';
  /** The prop holding its `WebhookTls`. */
  readonly field: 'tap.tls' | 'tapInjector.tls';
  /** Labels of its Secret, as upstream writes them. */
  readonly secretLabels: (ctx: VizContext) => Record<string, string>;
}

const SERVED: ServedSpec[] = [
  { service: 'tap-injector', field: 'tapInjector.tls', secretLabels: (ctx) => ctx.labels() },
  { service: 'tap', field: 'tap.tls', secretLabels: (ctx) => ctx.labels({ component: 'tap', namespaceLabel: true }) },
];

/** The serving certificates of tap and the tap injector, bound. */
export type VizTls = Map<'tap' | 'tap-injector', BoundWebhookTls>;

/** What binding the certificates needs beyond the context. */
export interface VizTlsSources {
  readonly tap?: WebhookTls;
  readonly tapInjector?: WebhookTls;
  readonly keyMaterial?: KeyMaterial;
  readonly emitGeneratedPrivateKeys?: boolean;
}

/**
 * Binds the serving certificates (the same sources as the control plane's webhooks: generated
 * from key material, PEM, cert-manager, external), emits their Secrets and any cert-manager
 * objects, and fails when generated keys would be written without `emitGeneratedPrivateKeys`.
 */
export function renderServingCertificates(ctx: VizContext, sources: VizTlsSources): VizTls {
  const c = ctx.config;
  const bound: VizTls = new Map();
  const generatedKeys: string[] = [];
  const manifests: IdentityManifest[] = [];
  for (const spec of SERVED) {
    const source = (spec.service === 'tap' ? sources.tap : sources.tapInjector) ?? WebhookTls.generated();
    const tls = source.bind(ctx.chart, {
      field: spec.field,
      serviceName: spec.service,
      namespace: c.namespace,
      keyMaterial: sources.keyMaterial,
      // tap and the tap injector are Go servers.
      acceptedKeyEncodings: GO_KEY_ENCODINGS,
    });
    bound.set(spec.service, tls);
    if (tls.generated && tls.secret) generatedKeys.push(`Secret ${c.namespace}/${spec.service}-k8s-tls (tls.key)`);
    manifests.push(...(tls.manifests ?? []).map((m) => ({ ...m, component: m.component ?? (m.kind === 'Certificate' ? spec.service : undefined) })));
    const body = webhookSecretBody(tls);
    if (body) {
      ctx.track(spec.service, ctx.obj(`secret-${spec.service}-k8s-tls`, 'v1', 'Secret', {
        name: `${spec.service}-k8s-tls`, namespace: c.namespace, labels: spec.secretLabels(ctx), annotations: ctx.createdBy,
      }, body));
    }
  }
  requireGeneratedKeysAcknowledged(ctx.chart, generatedKeys, sources.emitGeneratedPrivateKeys);
  renderIdentityManifests(ctx.chart, uniqueManifests(ctx.chart, manifests), (m) => ({
    labels: { ...ctx.labels({ component: m.component }), ...c.commonLabels },
    annotations: ctx.createdBy,
  }));
  return bound;
}

/** The tap API's registration with the aggregator, trusting tap's serving certificate. */
export function renderApiService(ctx: VizContext, tls: VizTls): void {
  const { caBundle, annotations } = webhookTrust(tls.get('tap')!);
  ctx.track('tap', ctx.obj('apiservice-tap', 'apiregistration.k8s.io/v1', 'APIService', {
    name: 'v1alpha1.tap.linkerd.io', annotations, labels: ctx.labels({ component: 'tap' }),
  }, {
    spec: {
      group: 'tap.linkerd.io',
      version: 'v1alpha1',
      groupPriorityMinimum: 1000,
      versionPriority: 100,
      service: { name: 'tap', namespace: ctx.config.namespace },
      caBundle,
    },
  }));
}

/** The tap injector's webhook: it adds tap's identity to every pod created outside kube-system. */
export function renderTapInjectorWebhook(ctx: VizContext, tls: VizTls): void {
  const { caBundle, annotations } = webhookTrust(tls.get('tap-injector')!);
  ctx.track('tap-injector', ctx.obj('webhook-tap-injector', 'admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', {
    name: 'linkerd-tap-injector-webhook-config', annotations, labels: ctx.labels(),
  }, {
    webhooks: [{
      name: 'tap-injector.linkerd.io',
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
      clientConfig: { service: { name: 'tap-injector', namespace: ctx.config.namespace, path: '/' }, caBundle },
      failurePolicy: ctx.config.tapInjectorFailurePolicy,
      admissionReviewVersions: ['v1', 'v1beta1'],
      reinvocationPolicy: 'IfNeeded',
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
      sideEffects: 'None',
    }],
  }));
}

