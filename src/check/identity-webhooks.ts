import { chainToAnchor } from '../identity/certificate';
import { PrivateKeyEncoding } from '../identity/private-key';
import { CheckContext, CheckRule, Finding } from './finding';
import {
  decodeBase64, FindingSink, findObject, keyMatches, Manifest, objectsOf, readCertificates, readPrivateKey, secretData, subjectOf, validityFindings,
} from './identity-support';

/**
 * Admission webhooks served from a Service (the proxy injector, the sp-validator, the policy
 * validator, and any other in the set): the API server must be able to verify the serving
 * certificate in `<service>-k8s-tls` with the webhook's caBundle (or cert-manager must inject
 * one), under the name `<service>.<namespace>.svc`, and the server must be able to load its key.
 */
export const IDENTITY_WEBHOOK_CODES = {
  L5D120: 'A webhook serving certificate (Secret <service>-k8s-tls, or the dnsNames of the cert-manager Certificate that writes it) lacks the DNS SAN <service>.<namespace>.svc.',
  L5D121: 'A webhook caBundle is unreadable or does not verify the serving certificate, or it is missing without a well-formed cert-manager.io/inject-ca-from[-secret] annotation.',
  L5D122: 'A webhook serving Secret cannot be used: tls.crt or tls.key missing or not PEM, or the key does not match the certificate.',
  L5D123: 'The policy validator\'s key is not loadable by the Rust policy controller (PKCS#8 or PKCS#1 only): a SEC1 key, or a cert-manager Certificate for a non-RSA key without privateKey.encoding PKCS8.',
} as const;

/** Served by the Rust policy controller (kubert, rustls): no SEC1 keys. */
const POLICY_VALIDATOR = 'linkerd-policy-validator';

function checkInjection(sink: FindingSink, config: Manifest): boolean {
  const annotations = config.metadata?.annotations ?? {};
  let injected = false;
  for (const key of ['cert-manager.io/inject-ca-from', 'cert-manager.io/inject-ca-from-secret']) {
    const value = annotations[key];
    if (value === undefined) continue;
    injected = true;
    const parts = typeof value === 'string' ? value.split('/') : [];
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      sink.error('L5D121', config, `metadata.annotations.${key}`, `${JSON.stringify(value)} is not written as "<namespace>/<name>"; cainjector ignores it`);
    }
  }
  return injected;
}

function checkWebhook(context: CheckContext, sink: FindingSink, config: Manifest, webhook: Manifest, index: number, injected: boolean): void {
  const service = webhook.clientConfig?.service;
  const field = `webhooks[${index}].clientConfig`;
  const caBundle = webhook.clientConfig?.caBundle;
  if (!caBundle && !injected) {
    sink.error('L5D121', config, `${field}.caBundle`, `webhook ${webhook.name} has no caBundle and no cert-manager.io/inject-ca-from annotation; the API server cannot verify it`);
  }
  let bundle;
  if (caBundle) {
    const read = readCertificates(decodeBase64(caBundle));
    if (read.error) sink.error('L5D121', config, `${field}.caBundle`, `caBundle ${read.error}`);
    else bundle = read.certificates;
  }
  if (!service?.name) return;
  const ns = service.namespace ?? '';
  const dns = `${service.name}.${ns}.svc`;
  const secretName = `${service.name}-k8s-tls`;
  const policyValidator = service.name === POLICY_VALIDATOR;

  for (const cert of objectsOf(context, 'cert-manager.io', 'Certificate')) {
    if ((cert.metadata?.namespace ?? '') !== ns || cert.spec?.secretName !== secretName) continue;
    const names: unknown[] = Array.isArray(cert.spec?.dnsNames) ? cert.spec.dnsNames : [];
    if (!names.includes(dns)) {
      sink.error('L5D120', cert, 'spec.dnsNames', `the serving certificate of webhook ${webhook.name} lacks the DNS name ${dns} (has ${names.length ? names.join(', ') : 'none'}); the API server calls the webhook by that name`);
    }
    const algorithm = cert.spec?.privateKey?.algorithm ?? 'RSA';
    if (policyValidator && algorithm !== 'RSA' && cert.spec?.privateKey?.encoding !== 'PKCS8') {
      sink.error('L5D123', cert, 'spec.privateKey.encoding', `cert-manager writes ${algorithm} keys as SEC1 unless encoding is PKCS8, and the policy controller loads only PKCS#8 (or PKCS#1 RSA) keys`);
    }
  }

  const secret = findObject(context, '', 'Secret', ns, secretName);
  if (!secret) return;
  const data = secretData(secret);
  const read = readCertificates(data['tls.crt']);
  if (read.error) {
    sink.error('L5D122', secret, 'data.tls.crt', `serving certificate ${read.error}`);
    return;
  }
  const [leaf, ...chain] = read.certificates!;
  const label = `serving certificate ${subjectOf(leaf)} of webhook ${webhook.name}`;
  if (!leaf.dnsNames.includes(dns)) {
    sink.error('L5D120', secret, 'data.tls.crt', `${label} lacks the DNS SAN ${dns} (has ${leaf.dnsNames.length ? leaf.dnsNames.join(', ') : 'none'})`);
  }
  const key = readPrivateKey(data['tls.key']);
  if (key.error) {
    sink.error('L5D122', secret, 'data.tls.key', `serving key ${key.error}`);
  } else {
    if (!keyMatches(key.key!, leaf)) sink.error('L5D122', secret, 'data.tls.key', `does not match the ${label} (different public keys)`);
    if (policyValidator && key.key!.encoding === PrivateKeyEncoding.SEC1) {
      sink.error('L5D123', secret, 'data.tls.key', 'is a SEC1 "EC PRIVATE KEY", which the policy controller cannot load; use PKCS#8 ("PRIVATE KEY")');
    }
  }
  validityFindings(sink, context, secret, 'data.tls.crt', label, leaf);
  if (bundle && chainToAnchor(leaf, chain, bundle) === undefined) {
    sink.error('L5D121', config, `${field}.caBundle`, `caBundle does not verify the ${label} in Secret ${ns}/${secretName}`);
  }
}

export const IDENTITY_WEBHOOK_RULE: CheckRule = {
  codes: IDENTITY_WEBHOOK_CODES,
  run(context: CheckContext): Finding[] {
    const sink = new FindingSink();
    const configs = [
      ...objectsOf(context, 'admissionregistration.k8s.io', 'MutatingWebhookConfiguration'),
      ...objectsOf(context, 'admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'),
    ];
    for (const config of configs) {
      const injected = checkInjection(sink, config);
      ((config.webhooks ?? []) as Manifest[]).forEach((w, i) => checkWebhook(context, sink, config, w, i, injected));
    }
    return sink.findings;
  },
};
