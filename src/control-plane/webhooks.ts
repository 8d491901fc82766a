import { ApiObject } from 'cdk8s';
import { BoundWebhookTls, GO_KEY_ENCODINGS, POLICY_CONTROLLER_KEY_ENCODINGS, PrivateKeyEncoding } from '../identity';
import { b64, ControlPlaneContext } from './context';
import * as rbac from './rbac';
import { WebhookValues } from './values';

/** The three admission webhooks, where each one's certificate is served from and which configuration calls it. */
export interface WebhookSpec {
  readonly valuesKey: 'proxyInjector' | 'profileValidator' | 'policyValidator';
  readonly propsKey: 'proxyInjector' | 'spValidator' | 'policyValidator';
  readonly service: string;
  readonly component: string;
  /** Key encodings the serving process can load (Go's tls package vs. the Rust policy controller's rustls). */
  readonly keyEncodings: readonly PrivateKeyEncoding[];
  readonly configKind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  readonly configName: string;
  readonly rules: unknown[];
}

export const WEBHOOKS: WebhookSpec[] = [
  {
    valuesKey: 'proxyInjector',
    propsKey: 'proxyInjector',
    service: 'linkerd-proxy-injector',
    component: 'proxy-injector',
    keyEncodings: GO_KEY_ENCODINGS,
    configKind: 'MutatingWebhookConfiguration',
    configName: 'linkerd-proxy-injector-webhook-config',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'services'], scope: 'Namespaced' }],
  },
  {
    valuesKey: 'profileValidator',
    propsKey: 'spValidator',
    service: 'linkerd-sp-validator',
    component: 'destination',
    keyEncodings: GO_KEY_ENCODINGS,
    configKind: 'ValidatingWebhookConfiguration',
    configName: 'linkerd-sp-validator-webhook-config',
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['linkerd.io'], apiVersions: ['v1alpha1', 'v1alpha2'], resources: ['serviceprofiles'] }],
  },
  {
    valuesKey: 'policyValidator',
    propsKey: 'policyValidator',
    service: 'linkerd-policy-validator',
    component: 'destination',
    keyEncodings: POLICY_CONTROLLER_KEY_ENCODINGS,
    configKind: 'ValidatingWebhookConfiguration',
    configName: 'linkerd-policy-validator-webhook-config',
    rules: [
      { operations: ['CREATE', 'UPDATE'], apiGroups: ['policy.linkerd.io'], apiVersions: ['*'], resources: rbac.POLICY_VALIDATED_KINDS },
      { operations: ['CREATE', 'UPDATE'], apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['*'], resources: rbac.GATEWAY_ROUTE_KINDS },
    ],
  },
];

/** Bound serving certificates, by `WebhookSpec.valuesKey`. */
export type BoundWebhooks = Map<WebhookSpec['valuesKey'], BoundWebhookTls>;

/**
 * The body of the `<service>-k8s-tls` Secret a webhook server mounts, when this library holds its
 * certificate; undefined when someone else (cert-manager, the user) writes that Secret. Shared by
 * every webhook and API service the library serves (control plane, extensions).
 */
export function webhookSecretBody(bound: BoundWebhookTls): Record<string, unknown> | undefined {
  if (!bound.secret) return undefined;
  return {
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(bound.secret.certificatePem.trim()), 'tls.key': b64(bound.secret.privateKeyPem.trim()) },
  };
}

/**
 * How the API server learns to trust a webhook or API service: the base64 `caBundle` (a generated
 * certificate is its own bundle), or cert-manager's CA injection annotations.
 */
export function webhookTrust(bound: BoundWebhookTls): { caBundle?: string; annotations: Record<string, string> } {
  const caBundlePem = bound.secret ? bound.caBundlePem ?? bound.secret.certificatePem : bound.caBundlePem;
  const annotations: Record<string, string> = {};
  if (bound.injectCaFrom) annotations['cert-manager.io/inject-ca-from'] = bound.injectCaFrom;
  if (bound.injectCaFromSecret) annotations['cert-manager.io/inject-ca-from-secret'] = bound.injectCaFromSecret;
  return { caBundle: caBundlePem ? b64(caBundlePem) : undefined, annotations };
}

/** The serving Secrets of the webhooks whose certificates this library holds, in `WEBHOOKS` order. */
export function renderWebhookSecrets(ctx: ControlPlaneContext, webhooks: BoundWebhooks): ApiObject[] {
  const secrets: ApiObject[] = [];
  for (const spec of WEBHOOKS) {
    const body = webhookSecretBody(webhooks.get(spec.valuesKey)!);
    if (!body) continue;
    secrets.push(ctx.obj(`secret-${spec.service}`, 'v1', 'Secret', ctx.componentMeta(`${spec.service}-k8s-tls`, spec.component), body));
  }
  return secrets;
}

/** One admission configuration per webhook, in `WEBHOOKS` order. */
export function renderWebhookConfigurations(ctx: ControlPlaneContext, webhooks: BoundWebhooks): ApiObject[] {
  const v = ctx.values;
  return WEBHOOKS.map((spec) => {
    // Only the injector's values carry an object selector and a timeout.
    const wv = v[spec.valuesKey] as WebhookValues & { objectSelector?: unknown; timeoutSeconds?: number };
    const { caBundle, annotations } = webhookTrust(webhooks.get(spec.valuesKey)!);
    const meta = ctx.componentMeta(spec.configName, spec.component, { namespaced: false, createdBy: false });
    return ctx.obj(`webhook-${spec.service}`, 'admissionregistration.k8s.io/v1', spec.configKind, { ...meta, annotations }, {
      webhooks: [{
        name: `${spec.service}.linkerd.io`,
        namespaceSelector: structuredClone(wv.namespaceSelector),
        ...(wv.objectSelector ? { objectSelector: structuredClone(wv.objectSelector) } : {}),
        clientConfig: {
          service: { name: spec.service, namespace: ctx.namespace, path: '/' },
          caBundle,
        },
        failurePolicy: v.webhookFailurePolicy,
        admissionReviewVersions: ['v1', 'v1beta1'],
        rules: spec.rules,
        sideEffects: 'None',
        ...(wv.timeoutSeconds ? { timeoutSeconds: wv.timeoutSeconds } : {}),
      }],
    });
  });
}
