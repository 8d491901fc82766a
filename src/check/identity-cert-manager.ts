import { CheckContext, CheckRule, Finding } from './finding';
import {
  apiGroup, controlPlaneNamespaces, FindingSink, findObject, humanDuration, identityFlags, issuanceTimes, Manifest, objectsOf,
  parseGoDuration, readCertificates, selectorMatches,
} from './identity-support';

/**
 * cert-manager `Certificate`s and the trust-manager `Bundle` of the trust roots: the renewal
 * arithmetic cert-manager enforces, and what Linkerd needs of the identity issuer it writes.
 */
export const IDENTITY_CERT_MANAGER_CODES = {
  L5D115: 'A cert-manager Certificate\'s renewal does not add up: renewBefore (or renewBeforePercentage) not shorter than duration, both set, a duration under 1h or a renewBefore under 5m, or a value that is not a Go duration.',
  L5D116: 'The cert-manager Certificate of the identity issuer renews with no more than the issuance lifetime plus clock skew left: workload certificates issued before a renewal are cut short.',
  L5D117: 'The cert-manager Certificate of the identity issuer is not what Linkerd needs: not isCA, not ECDSA P-256, usages without server auth, or read by the identity controller with -identity-scheme linkerd.io/tls.',
  L5D118: 'The trust-manager Bundle linkerd-identity-trust-roots does not write key ca-bundle.crt into a ConfigMap of the control-plane namespace, or has no usable source.',
} as const;

const DEFAULT_DURATION = 90 * 86_400_000;
const MIN_DURATION = 3_600_000;
const MIN_RENEW_BEFORE = 300_000;
const EXTENDED_USAGES = ['server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc'];

/** The renewal point of a Certificate (ms before expiry), after reporting what cert-manager would reject. */
function renewal(sink: FindingSink, cert: Manifest): { duration: number; renewBefore: number } | undefined {
  const spec = cert.spec ?? {};
  const duration = spec.duration === undefined ? DEFAULT_DURATION : parseGoDuration(spec.duration);
  if (duration === undefined) {
    sink.error('L5D115', cert, 'spec.duration', `${JSON.stringify(spec.duration)} is not a Go duration`);
    return undefined;
  }
  if (duration < MIN_DURATION) sink.error('L5D115', cert, 'spec.duration', `${humanDuration(duration)} is shorter than cert-manager's minimum of 1h`);
  if (spec.renewBefore !== undefined && spec.renewBeforePercentage !== undefined) {
    sink.error('L5D115', cert, 'spec.renewBefore', 'renewBefore and renewBeforePercentage are both set; cert-manager accepts one');
    return undefined;
  }
  let renewBefore: number;
  if (spec.renewBefore !== undefined) {
    const parsed = parseGoDuration(spec.renewBefore);
    if (parsed === undefined) {
      sink.error('L5D115', cert, 'spec.renewBefore', `${JSON.stringify(spec.renewBefore)} is not a Go duration`);
      return undefined;
    }
    renewBefore = parsed;
    if (renewBefore < MIN_RENEW_BEFORE) sink.error('L5D115', cert, 'spec.renewBefore', `${humanDuration(renewBefore)} is shorter than cert-manager's minimum of 5m`);
  } else if (spec.renewBeforePercentage !== undefined) {
    const pct = Number(spec.renewBeforePercentage);
    if (!Number.isInteger(pct) || pct <= 0 || pct >= 100) {
      sink.error('L5D115', cert, 'spec.renewBeforePercentage', `${JSON.stringify(spec.renewBeforePercentage)} is not a whole percentage between 1 and 99`);
      return undefined;
    }
    renewBefore = (duration * pct) / 100;
  } else {
    renewBefore = duration / 3; // cert-manager renews 2/3 through the duration
  }
  if (renewBefore >= duration) {
    sink.error('L5D115', cert, 'spec.renewBefore', `renewBefore ${humanDuration(renewBefore)} is not shorter than the duration ${humanDuration(duration)}; cert-manager rejects the Certificate`);
    return undefined;
  }
  return { duration, renewBefore };
}

function checkIdentityIssuerCertificate(context: CheckContext, sink: FindingSink, cert: Manifest, times: { duration: number; renewBefore: number } | undefined): void {
  const ns = cert.metadata?.namespace ?? '';
  const spec = cert.spec ?? {};
  if (times) {
    const { lifetime, skew } = issuanceTimes(context, ns);
    if (times.renewBefore <= lifetime + skew) {
      sink.error('L5D116', cert, spec.renewBefore !== undefined ? 'spec.renewBefore' : 'spec', `the identity issuer is renewed ${humanDuration(times.renewBefore)} before it expires, not more than the issuance lifetime plus clock skew (${humanDuration(lifetime + skew)}); use e.g. duration 48h with renewBefore 25h`);
    }
  }
  if (spec.isCA !== true) sink.error('L5D117', cert, 'spec.isCA', 'the identity issuer must be a CA (isCA: true)');
  const algorithm = spec.privateKey?.algorithm ?? 'RSA';
  const size = spec.privateKey?.size;
  if (algorithm !== 'ECDSA' || (size !== undefined && size !== 256)) {
    sink.error('L5D117', cert, 'spec.privateKey', `the identity issuer key is ${algorithm}${size ? ` ${size}` : ''}; Linkerd requires ECDSA P-256 (privateKey: { algorithm: ECDSA, size: 256 })`);
  }
  const usages: string[] = Array.isArray(spec.usages) ? spec.usages : [];
  if (usages.some((u) => EXTENDED_USAGES.includes(u)) && !usages.includes('server auth') && !usages.includes('any')) {
    sink.error('L5D117', cert, 'spec.usages', 'the usages give the issuer an extendedKeyUsage without server auth, which Go\'s x509.Verify rejects');
  }
  const scheme = identityFlags(context, ns)?.['identity-scheme'];
  if (scheme !== undefined && scheme !== 'kubernetes.io/tls') {
    sink.error('L5D117', cert, 'spec.secretName', `cert-manager writes tls.crt/tls.key, but the identity controller runs with -identity-scheme=${scheme}; it needs kubernetes.io/tls`);
  }
}

function checkBundle(context: CheckContext, sink: FindingSink, bundle: Manifest): void {
  const spec = bundle.spec ?? {};
  const key = spec.target?.configMap?.key;
  if (key !== 'ca-bundle.crt') {
    sink.error('L5D118', bundle, 'spec.target.configMap.key', `is ${JSON.stringify(key)}; Linkerd reads the key ca-bundle.crt of the ConfigMap linkerd-identity-trust-roots`);
  }
  const sources: Manifest[] = Array.isArray(spec.sources) ? spec.sources : [];
  if (sources.length === 0) sink.error('L5D118', bundle, 'spec.sources', 'has no source, so the trust roots would be empty');
  sources.forEach((s, i) => {
    if (typeof s?.inLine === 'string') {
      const read = readCertificates(s.inLine);
      if (read.error) sink.error('L5D118', bundle, `spec.sources[${i}].inLine`, read.error);
    }
  });
  for (const ns of controlPlaneNamespaces(context)) {
    const namespace = findObject(context, '', 'Namespace', undefined, ns);
    const labels = { ...(namespace?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': ns };
    const selected = selectorMatches(spec.target?.namespaceSelector, labels);
    const emitted = findObject(context, '', 'ConfigMap', ns, 'linkerd-identity-trust-roots') !== undefined;
    if (emitted && selected) {
      sink.error('L5D118', bundle, 'spec.target.namespaceSelector', `selects ${ns}, whose linkerd-identity-trust-roots ConfigMap is also in this set: two writers of one ConfigMap (run the control plane with externalCA, or drop the Bundle)`);
    } else if (!emitted && !selected) {
      sink.error('L5D118', bundle, 'spec.target.namespaceSelector', `does not select the control-plane namespace ${ns}, so its linkerd-identity-trust-roots ConfigMap is never written`);
    }
  }
}

export const IDENTITY_CERT_MANAGER_RULE: CheckRule = {
  codes: IDENTITY_CERT_MANAGER_CODES,
  run(context: CheckContext): Finding[] {
    const sink = new FindingSink();
    for (const cert of objectsOf(context, 'cert-manager.io', 'Certificate')) {
      const times = renewal(sink, cert);
      if (cert.spec?.secretName === 'linkerd-identity-issuer') checkIdentityIssuerCertificate(context, sink, cert, times);
    }
    for (const bundle of context.objects.filter((o) => o?.kind === 'Bundle' && apiGroup(o) === 'trust.cert-manager.io' && o.metadata?.name === 'linkerd-identity-trust-roots')) {
      checkBundle(context, sink, bundle);
    }
    return sink.findings;
  },
};
