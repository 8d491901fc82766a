import { chainToAnchor, KeyUsage, ParsedCertificate } from '../identity/certificate';
import { CheckContext, CheckRule, Finding } from './finding';
import {
  controlPlaneNamespaces, FindingSink, findObject, humanDuration, issuanceTimes, identityFlags, linkerdValues, Manifest, objectsOf,
  readCertificates, readPrivateKey, keyMatches, secretData, selectorMatches, subjectOf, validityFindings,
} from './identity-support';

/**
 * The identity issuer and trust anchors of each control plane in the set, checked the way the
 * identity controller, Go's `x509.Verify` and `linkerd check` (`pkg/issuercerts`,
 * `pkg/healthcheck`) judge them. Anchors come from the ConfigMap `linkerd-identity-trust-roots`,
 * else `linkerd-config`'s `identityTrustAnchorsPEM`, else a trust-manager Bundle's `inLine`, else
 * the issuer Secret's `ca.crt`.
 */
export const IDENTITY_CERTIFICATE_CODES = {
  L5D100: 'Trust anchors or the issuer certificate cannot be read: empty, not PEM, or a block that is not a certificate.',
  L5D101: 'The identity issuer does not chain to any trust anchor (signatures verified; intermediates in crt.pem allowed), or is itself an anchor.',
  L5D102: 'A CA flag is wrong: the issuer or a trust anchor lacks basicConstraints CA:TRUE, or has a keyUsage without keyCertSign.',
  L5D103: 'Path length: the issuer has a pathlen other than 0 or absent, or a trust anchor\'s pathlen is too small for the CAs below it.',
  L5D104: 'Algorithm: the issuer is not ECDSA P-256 signed with ECDSA-SHA256 (SHA256-RSA only under an RSA anchor), or an anchor is not ECDSA P-256 / RSA 2048 or 4096 with SHA-256.',
  L5D105: 'The issuer private key is missing, unreadable by Linkerd\'s loader (first PEM block), not ECDSA, or does not match the certificate.',
  L5D106: 'The issuer Secret\'s keys do not match the identity controller\'s -identity-scheme (crt.pem/key.pem for linkerd.io/tls, tls.crt/tls.key for kubernetes.io/tls).',
  L5D107: 'An extendedKeyUsage without serverAuth on the issuer, an intermediate or an anchor: the identity controller\'s x509.Verify rejects the chain.',
  L5D108: 'A ConfigMap holds a PEM private key.',
  L5D110: 'A certificate (anchor, issuer, webhook) is expired or not yet valid at `now` (date-dependent).',
  L5D111: 'Warning: a certificate expires within the horizon (default 60 days, like linkerd check) after `now` (date-dependent).',
  L5D112: 'The issuer does not outlive the issuance lifetime: its validity is shorter than -identity-issuance-lifetime, or it expires before now + that lifetime.',
  L5D113: 'Warning: the issuer is valid beyond a CA above it; workload certificates are cut to the earliest expiry.',
} as const;

const ISSUER = 'linkerd-identity-issuer';
const TRUST_ROOTS = 'linkerd-identity-trust-roots';

interface Anchors {
  readonly object: Manifest;
  readonly field: string;
  readonly source: string;
  readonly certificates: ParsedCertificate[];
}

/** The trust anchors of a control plane, and where they were read from; findings for unreadable ones. */
function findAnchors(context: CheckContext, sink: FindingSink, ns: string, issuerSecret: Manifest | undefined): Anchors | undefined {
  const candidates: Array<{ object: Manifest; field: string; source: string; pem: unknown }> = [];
  const roots = findObject(context, '', 'ConfigMap', ns, TRUST_ROOTS);
  if (roots?.data?.['ca-bundle.crt'] !== undefined) {
    candidates.push({ object: roots, field: 'data.ca-bundle.crt', source: `ConfigMap ${ns}/${TRUST_ROOTS}`, pem: roots.data['ca-bundle.crt'] });
  }
  const values = linkerdValues(context, ns);
  if (values && 'identityTrustAnchorsPEM' in values) {
    const config = findObject(context, '', 'ConfigMap', ns, 'linkerd-config')!;
    candidates.push({ object: config, field: 'data.values.identityTrustAnchorsPEM', source: `linkerd-config identityTrustAnchorsPEM`, pem: values.identityTrustAnchorsPEM });
  }
  const namespaceObject = findObject(context, '', 'Namespace', undefined, ns);
  const labels = { ...(namespaceObject?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': ns };
  for (const bundle of objectsOf(context, 'trust.cert-manager.io', 'Bundle').filter((b) => b.metadata?.name === TRUST_ROOTS)) {
    if (!selectorMatches(bundle.spec?.target?.namespaceSelector, labels)) continue;
    const inline = ((bundle.spec?.sources ?? []) as Manifest[]).map((s) => s?.inLine).filter((x) => typeof x === 'string');
    if (inline.length > 0) candidates.push({ object: bundle, field: 'spec.sources[].inLine', source: `Bundle ${TRUST_ROOTS}`, pem: inline.join('\n') });
  }
  if (issuerSecret && secretData(issuerSecret)['ca.crt'] !== undefined) {
    candidates.push({ object: issuerSecret, field: 'data.ca.crt', source: `Secret ${ns}/${ISSUER} ca.crt`, pem: secretData(issuerSecret)['ca.crt'] });
  }
  let first: Anchors | undefined;
  for (const c of candidates) {
    const read = readCertificates(c.pem);
    if (read.error) {
      sink.error('L5D100', c.object, c.field, `trust anchors (${c.source}) ${read.error}`);
    } else if (first === undefined) {
      first = { object: c.object, field: c.field, source: c.source, certificates: read.certificates! };
    }
  }
  return first;
}

function checkAnchors(context: CheckContext, sink: FindingSink, anchors: Anchors): void {
  for (const a of anchors.certificates) {
    const label = `trust anchor ${subjectOf(a)} (${anchors.source})`;
    if (!a.isCA) sink.error('L5D102', anchors.object, anchors.field, `${label} is not a CA (basicConstraints CA:TRUE is missing)`);
    else if (!a.allowsKeyUsage(KeyUsage.KEY_CERT_SIGN)) sink.error('L5D102', anchors.object, anchors.field, `${label} has a keyUsage without keyCertSign`);
    const algorithm = anchorAlgorithmProblem(a);
    if (algorithm) sink.error('L5D104', anchors.object, anchors.field, `${label} ${algorithm}`);
    if (!a.allowsServerAuth()) sink.error('L5D107', anchors.object, anchors.field, `${label} has an extendedKeyUsage without serverAuth`);
    validityFindings(sink, context, anchors.object, anchors.field, label, a);
  }
}

/** `pkg/issuercerts` CheckTrustAnchorAlgoRequirements. */
function anchorAlgorithmProblem(c: ParsedCertificate): string | undefined {
  if (c.keyType === 'ec') {
    if (c.namedCurve !== 'P-256') return `uses the curve ${c.namedCurve}; Linkerd requires P-256`;
    if (c.signatureAlgorithm !== 'ECDSA-SHA256' && c.signatureAlgorithm !== 'SHA256-RSA') return `is signed with ${c.signatureAlgorithm}; Linkerd requires ECDSA-SHA256`;
    return undefined;
  }
  if (c.keyType === 'rsa') {
    if (c.rsaBits !== 2048 && c.rsaBits !== 4096) return `has an RSA ${c.rsaBits} key; Linkerd requires RSA 2048 or 4096`;
    if (c.signatureAlgorithm !== 'SHA256-RSA') return `is signed with ${c.signatureAlgorithm}; Linkerd requires SHA256-RSA for RSA anchors`;
    return undefined;
  }
  return `has a ${c.keyAlgorithm} key; Linkerd requires ECDSA P-256 or RSA 2048/4096`;
}

function checkIssuer(context: CheckContext, sink: FindingSink, ns: string, secret: Manifest, anchors: Anchors | undefined): void {
  const data = secretData(secret);
  const flags = identityFlags(context, ns);
  const scheme = flags?.['identity-scheme'];
  const linkerdKeys = 'crt.pem' in data || 'key.pem' in data;
  const tlsKeys = 'tls.crt' in data || 'tls.key' in data;
  const [crtKey, keyKey] = scheme === 'kubernetes.io/tls' || (!scheme && !linkerdKeys && tlsKeys) ? ['tls.crt', 'tls.key'] : ['crt.pem', 'key.pem'];
  if (!linkerdKeys && !tlsKeys) {
    sink.error('L5D106', secret, 'data', 'the issuer Secret has neither crt.pem/key.pem nor tls.crt/tls.key');
    return;
  }
  if (scheme && (data[crtKey] === undefined || data[keyKey] === undefined)) {
    sink.error('L5D106', secret, 'data', `the identity controller runs with -identity-scheme=${scheme}, which reads ${crtKey} and ${keyKey}, but the Secret has ${Object.keys(data).sort().join(', ') || 'no keys'}`);
    return;
  }
  const read = readCertificates(data[crtKey]);
  if (read.error) {
    sink.error('L5D100', secret, `data.${crtKey}`, `issuer certificate ${read.error}`);
    return;
  }
  const [issuer, ...intermediates] = read.certificates!;
  const label = `issuer certificate ${subjectOf(issuer)}`;
  const crtField = `data.${crtKey}`;

  const key = readPrivateKey(data[keyKey]);
  if (key.error) {
    sink.error('L5D105', secret, `data.${keyKey}`, `issuer key ${key.error}`);
  } else if (key.key!.keyType !== 'ec') {
    sink.error('L5D105', secret, `data.${keyKey}`, `issuer key is ${key.key!.keyType.toUpperCase()}; Linkerd issues workload certificates with ECDSA-SHA256, so the issuer key must be ECDSA`);
  } else if (!keyMatches(key.key!, issuer)) {
    sink.error('L5D105', secret, `data.${keyKey}`, `does not match the ${label} in ${crtKey} (different public keys)`);
  }

  if (!issuer.isCA) sink.error('L5D102', secret, crtField, `${label} is not a CA (basicConstraints CA:TRUE is missing); the identity controller refuses it`);
  else if (!issuer.allowsKeyUsage(KeyUsage.KEY_CERT_SIGN)) sink.error('L5D102', secret, crtField, `${label} has a keyUsage without keyCertSign, so it cannot sign workload certificates`);
  if (issuer.pathLen !== undefined && issuer.pathLen !== 0) {
    sink.error('L5D103', secret, crtField, `${label} has pathlen ${issuer.pathLen}; it must be 0 or absent, since it only signs workload certificates`);
  }
  if (issuer.keyType !== 'ec' || issuer.namedCurve !== 'P-256') {
    sink.error('L5D104', secret, crtField, `${label} has a ${issuer.keyAlgorithm} key; Linkerd requires ECDSA P-256`);
  } else if (issuer.signatureAlgorithm !== 'ECDSA-SHA256' && issuer.signatureAlgorithm !== 'SHA256-RSA') {
    sink.error('L5D104', secret, crtField, `${label} is signed with ${issuer.signatureAlgorithm}; Linkerd requires ECDSA-SHA256`);
  }
  for (const c of [issuer, ...intermediates]) {
    if (!c.allowsServerAuth()) sink.error('L5D107', secret, crtField, `certificate ${subjectOf(c)} has an extendedKeyUsage without serverAuth; Go's x509.Verify (default purpose serverAuth) rejects it`);
  }

  const { lifetime, skew } = issuanceTimes(context, ns);
  const validity = issuer.notAfter.getTime() - issuer.notBefore.getTime();
  if (validity < lifetime) {
    sink.error('L5D112', secret, crtField, `${label} is valid for ${humanDuration(validity)} in all, less than the issuance lifetime of ${humanDuration(lifetime)}`);
  } else if (context.now && issuer.isValidAt(context.now) && issuer.notAfter.getTime() < context.now.getTime() + lifetime + skew) {
    sink.error('L5D112', secret, crtField, `${label} expires on ${issuer.notAfter.toISOString()}, before now + the issuance lifetime (${humanDuration(lifetime)}): workload certificates issued now would be cut short`);
  }
  for (const [i, c] of [issuer, ...intermediates].entries()) {
    validityFindings(sink, context, secret, crtField, i === 0 ? label : `intermediate ${subjectOf(c)}`, c);
  }

  if (!anchors) return;
  const chain = chainToAnchor(issuer, intermediates, anchors.certificates);
  if (chain === undefined || chain.length === 0) {
    sink.error('L5D101', secret, crtField, chain === undefined
      ? `${label} is not signed by any trust anchor in ${anchors.source} (signature check against every anchor failed)`
      : `${label} is itself a trust anchor; the issuer must be an intermediate CA below the anchor`);
    return;
  }
  if (issuer.signatureAlgorithm === 'SHA256-RSA' && chain[0].keyType !== 'rsa') {
    sink.error('L5D104', secret, crtField, `${label} is signed with SHA256-RSA but its signer is not an RSA key`);
  }
  const anchor = chain[chain.length - 1];
  if (!anchor.allowsServerAuth()) sink.error('L5D107', anchors.object, anchors.field, `trust anchor ${subjectOf(anchor)} has an extendedKeyUsage without serverAuth`);
  if (anchor.pathLen !== undefined && anchor.pathLen < chain.length) {
    sink.error('L5D103', anchors.object, anchors.field,
      `trust anchor ${subjectOf(anchor)} has pathlen ${anchor.pathLen} but ${chain.length} CA certificate(s) sit below it in every workload chain; Go's x509.Verify rejects such chains`);
  }
  for (const above of chain) {
    if (issuer.notAfter.getTime() > above.notAfter.getTime()) {
      sink.warning('L5D113', secret, crtField, `${label} is valid until ${issuer.notAfter.toISOString()}, after ${subjectOf(above)}, which ends ${above.notAfter.toISOString()}`);
    }
  }
}

export const IDENTITY_CERTIFICATE_RULE: CheckRule = {
  codes: IDENTITY_CERTIFICATE_CODES,
  run(context: CheckContext): Finding[] {
    const sink = new FindingSink();
    for (const cm of objectsOf(context, '', 'ConfigMap')) {
      for (const [k, v] of Object.entries<any>(cm.data ?? {})) {
        if (typeof v === 'string' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v)) {
          sink.error('L5D108', cm, `data.${k}`, 'holds a PEM private key; private keys belong in Secrets (Linkerd leaves every keyPEM out of linkerd-config)');
        }
      }
    }
    for (const ns of controlPlaneNamespaces(context)) {
      const secret = findObject(context, '', 'Secret', ns, ISSUER);
      const anchors = findAnchors(context, sink, ns, secret);
      if (anchors) checkAnchors(context, sink, anchors);
      if (secret) checkIssuer(context, sink, ns, secret, anchors);
    }
    return sink.findings;
  },
};
