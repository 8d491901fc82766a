import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps } from '../guards';
import * as check from '../validate';
import {
  CertificateAndKeyPem, chainToAnchor, KeyUsage, ParsedCertificate, parseCertificates,
} from './certificate';
import { CertManagerIssuer } from './cert-manager-issuer';
import {
  CERT_MANAGER_ISSUER_CERTIFICATE_PROPS, CERTIFICATE_AND_KEY_PEM, EXISTING_ISSUER_SECRET_PROPS, GENERATED_ISSUER_PROPS,
} from './identity-guards';
import { issueCertificate } from './issue-certificate';
import { KeyMaterial } from './key-material';
import { IdentityManifest } from './manifest';
import { EcdsaP256Key, keyMatchesCertificate, parsePrivateKey, PrivateKeyEncoding } from './private-key';
import { goDurationText } from '../go-duration';
import { certManagerDurations, parseNotBefore, requireKeyMaterial, validityEnd } from './source-support';
import { BoundTrustAnchors, TrustAnchors } from './trust-anchors';

/** Props of `IssuerCertificate.generated`. */
export interface GeneratedIssuerCertificateProps {
  /**
   * How long the issuer is valid, from its `notBefore`. It must end no later than the trust
   * anchor, and last at least the issuance lifetime of workload certificates, which never
   * outlive it.
   * @default Duration.days(365) - one year
   */
  readonly validity?: Duration;

  /**
   * PEM encoding of the issuer key written to `key.pem`. The identity controller reads SEC1,
   * PKCS#8 and PKCS#1.
   * @default PrivateKeyEncoding.SEC1 - as `linkerd install` writes it
   */
  readonly keyEncoding?: PrivateKeyEncoding;

  /**
   * The generated anchor that signs the issuer, when the trust anchors hold several (a
   * rotation): pass the very `TrustAnchors.generated(...)` object that is in the bundle.
   * @default - the one generated anchor of the trust anchors
   */
  readonly signedBy?: TrustAnchors;

  /**
   * Start of validity, as a Date or an ISO 8601 string with a zone. An issuer with its own
   * `notBefore` gets its own key (key label `identity-issuer:<name>@<notBefore>`).
   * @default - the signing anchor's `notBefore`; key label `identity-issuer:<name>`
   */
  readonly notBefore?: Date | string;
}

/** Props of `IssuerCertificate.fromExistingSecret`. */
export interface ExistingIssuerSecretProps {
  /**
   * Which keys the Secret `linkerd-identity-issuer` holds: `kubernetes.io/tls` (`tls.crt`,
   * `tls.key`, as cert-manager writes them) or `linkerd.io/tls` (`crt.pem`, `key.pem`, as
   * `linkerd install` writes them).
   * @default 'kubernetes.io/tls'
   */
  readonly scheme?: IssuerScheme;
}

/** Props of `IssuerCertificate.issuedByCertManager`. */
export interface CertManagerIssuerCertificateProps {
  /**
   * The cert-manager issuer that signs the identity issuer: a CA issuer whose CA certificate is
   * one of the trust anchors (e.g. `CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' })`).
   */
  readonly issuer: CertManagerIssuer;

  /**
   * Lifetime of each identity issuer certificate cert-manager issues.
   * @default Duration.hours(48) - as Linkerd's cert-manager guide
   */
  readonly duration?: Duration;

  /**
   * How long before expiry cert-manager renews it. Must exceed the issuance lifetime plus the
   * clock skew allowance (so a workload certificate issued just before a renewal is never cut
   * short by its issuer's expiry) and stay below `duration`.
   * @default Duration.hours(25) - as Linkerd's cert-manager guide, for the default 24h issuance lifetime
   */
  readonly renewBefore?: Duration;
}

/** What `IssuerCertificate.bind` needs from the control plane. */
export interface IssuerCertificateBindContext {
  /** Dotted name of the prop that holds this source, for errors, e.g. `identity.issuer`. */
  readonly field: string;
  /** The trust anchors the issuer must chain to (the result of `TrustAnchors.bind`). */
  readonly anchors: BoundTrustAnchors;
  /**
   * Where generated keys come from.
   * @default - none; `IssuerCertificate.generated()` then fails
   */
  readonly keyMaterial?: KeyMaterial;
  /** Identity trust domain, e.g. `cluster.local`. */
  readonly trustDomain: string;
  /** Namespace of the control plane, e.g. `linkerd`. */
  readonly controlPlaneNamespace: string;
  /**
   * Lifetime of workload certificates (`-identity-issuance-lifetime`): the issuer must be valid
   * at least this long.
   * @default - not checked
   */
  readonly issuanceLifetime?: Duration;
  /**
   * Clock skew allowance of the identity controller (`-identity-clock-skew-allowance`).
   * @default Duration.seconds(20)
   */
  readonly clockSkewAllowance?: Duration;
}

/**
 * How the identity controller gets its issuer (`-identity-scheme`): `linkerd.io/tls` reads
 * `crt.pem`/`key.pem` of Secret `linkerd-identity-issuer` (emitted by the control plane);
 * `kubernetes.io/tls` reads `tls.crt`/`tls.key` of a Secret of that name written by someone
 * else, e.g. cert-manager.
 */
export type IssuerScheme = 'linkerd.io/tls' | 'kubernetes.io/tls';

/** The identity issuer, resolved and validated. */
export interface BoundIssuerCertificate {
  /** Value of `-identity-scheme`. */
  readonly scheme: IssuerScheme;
  /** PEM certificate (issuer first, then any intermediates) for `crt.pem`, as given. Absent for `kubernetes.io/tls`. */
  readonly certificatePem?: string;
  /** PEM private key for `key.pem`, as given. Absent for `kubernetes.io/tls`. */
  readonly privateKeyPem?: string;
  /** End of validity of the issuer certificate. Absent for `kubernetes.io/tls`. */
  readonly notAfter?: Date;
  /**
   * Whether this library generated `privateKeyPem` (from the key material), as opposed to it
   * being given as `privateKeyPem`.
   * @default false
   */
  readonly generated?: boolean;
  /**
   * Objects to emit with the control plane (cert-manager Issuer and Certificate).
   * @default - none
   */
  readonly manifests?: IdentityManifest[];
}

/**
 * The identity issuer: the intermediate CA with which the identity controller signs every
 * workload certificate. It must chain to the trust anchors.
 */
export abstract class IssuerCertificate {
  /**
   * An issuer you made yourself, e.g. with `step certificate create
   * identity.linkerd.cluster.local issuer.crt issuer.key --profile intermediate-ca
   * --not-after 8760h --no-password --insecure --ca ca.crt --ca-key ca.key`. It must be an
   * ECDSA P-256 CA with pathLen 0 (or none), signed by one of the trust anchors with
   * ECDSA-SHA256. An issuer that ends after its anchor is accepted, as Linkerd accepts it
   * (workload certificates end no later than the anchor anyway), with warning L5D113.
   */
  public static fromPem(props: CertificateAndKeyPem): IssuerCertificate {
    return new PemIssuerCertificate(props);
  }

  /**
   * An issuer signed by a `TrustAnchors.generated()` anchor (`signedBy`, when the bundle holds
   * several), with its key from the control plane's `keyMaterial`: ECDSA P-256, CA with
   * pathLen 0, keyCertSign and cRLSign, common name and DNS SAN
   * `identity.<controlPlaneNamespace>.<trustDomain>`, key written as SEC1 like Linkerd does. Its
   * key ends up in the Secret `linkerd-identity-issuer`, so the control plane needs
   * `emitGeneratedPrivateKeys: true`.
   */
  public static generated(props: GeneratedIssuerCertificateProps = {}): IssuerCertificate {
    return new GeneratedIssuerCertificate(props);
  }

  /**
   * Scheme `kubernetes.io/tls`: someone else, e.g. a cert-manager `Certificate` with
   * `isCA: true` and an ECDSA P-256 key, writes Secret `linkerd-identity-issuer` (`tls.crt`,
   * `tls.key`, `ca.crt`) in the control-plane namespace. Nothing is emitted for the issuer.
   */
  public static external(): IssuerCertificate {
    return new ExternalIssuerCertificate({ scheme: 'kubernetes.io/tls' });
  }

  /**
   * The Secret `linkerd-identity-issuer` exists in the control-plane namespace and is managed
   * elsewhere (e.g. made once by `linkerd install`, or by your secret store's operator). No
   * private key is emitted; the identity controller reads the keys `scheme` names.
   */
  public static fromExistingSecret(props: ExistingIssuerSecretProps = {}): IssuerCertificate {
    return new ExternalIssuerCertificate(props);
  }

  /**
   * cert-manager issues the identity issuer: a `Certificate` `linkerd-identity-issuer` (ECDSA
   * P-256, `isCA`, usages cert sign, crl sign, server auth, client auth; common name and DNS name
   * `identity.<namespace>.<trustDomain>`; a new key on every renewal) writes the Secret
   * `linkerd-identity-issuer` (type kubernetes.io/tls), which the identity controller reads with
   * scheme `kubernetes.io/tls`. The Issuer or ClusterIssuer is emitted too unless it is a
   * reference. No private key is emitted.
   */
  public static issuedByCertManager(props: CertManagerIssuerCertificateProps): IssuerCertificate {
    return new CertManagerIssuerCertificate(props);
  }

  /** Resolves and validates the issuer; throws LinkerdConfigError naming `context.field`. */
  public abstract bind(scope: IConstruct, context: IssuerCertificateBindContext): BoundIssuerCertificate;
}

/**
 * Everything Linkerd (identity controller, `linkerd check`) and Go's x509 demand of an issuer
 * and its key. `certificates` is the parsed `certificatePem`: the issuer, then intermediates.
 */
function validateIssuer(
  scope: IConstruct,
  field: string,
  certificates: ParsedCertificate[],
  pem: CertificateAndKeyPem,
  anchors: BoundTrustAnchors,
  issuanceLifetime?: Duration,
): void {
  const certField = `${field}.certificatePem`;
  const keyField = `${field}.privateKeyPem`;
  const [issuer, ...intermediates] = certificates;
  const name = `issuer certificate ${issuer.subject}`;
  if (issuanceLifetime !== undefined && issuer.notAfter.getTime() - issuer.notBefore.getTime() < issuanceLifetime.toMilliseconds()) {
    throw new LinkerdConfigError(scope, certField,
      `${name} is valid for ${Duration.millis(issuer.notAfter.getTime() - issuer.notBefore.getTime()).toHumanString()}, less than the issuance lifetime of workload certificates (${issuanceLifetime.toHumanString()})`,
      'issue the issuer for months (e.g. Duration.days(365)), or shorten identity.issuanceLifetime');
  }
  const reissue = 'issue the issuer as an ECDSA P-256 CA with pathlen 0, signed by a trust anchor with ECDSA-SHA256 (e.g. step certificate create ... --profile intermediate-ca)';

  if (!issuer.isCA) {
    throw new LinkerdConfigError(scope, certField, `${name} is not a CA (basicConstraints CA:TRUE is missing); the identity controller refuses it`, reissue);
  }
  if (issuer.pathLen !== undefined && issuer.pathLen !== 0) {
    throw new LinkerdConfigError(scope, certField, `${name} has pathlen ${issuer.pathLen}; it must be 0 or absent, since it only signs workload certificates`, reissue);
  }
  if (issuer.keyType !== 'ec' || issuer.namedCurve !== 'P-256') {
    throw new LinkerdConfigError(scope, certField, `${name} has a ${issuer.keyAlgorithm} key; Linkerd requires ECDSA P-256 (it signs workload certificates with ECDSA-SHA256)`, reissue);
  }
  if (issuer.signatureAlgorithm !== 'ECDSA-SHA256' && issuer.signatureAlgorithm !== 'SHA256-RSA') {
    throw new LinkerdConfigError(scope, certField, `${name} is signed with ${issuer.signatureAlgorithm}; Linkerd requires ECDSA-SHA256 (or SHA256-RSA under an RSA anchor)`, reissue);
  }
  if (!issuer.allowsKeyUsage(KeyUsage.KEY_CERT_SIGN)) {
    throw new LinkerdConfigError(scope, certField, `${name} has a keyUsage without keyCertSign, so it cannot sign workload certificates`, reissue);
  }
  for (const cert of certificates) {
    if (!cert.allowsServerAuth()) {
      throw new LinkerdConfigError(scope, certField,
        `certificate ${cert.subject} has an extendedKeyUsage without serverAuth; the identity controller verifies the issuer with Go's x509.Verify default (serverAuth) and would reject it`,
        'issue it without an extendedKeyUsage extension, or with serverAuth in it');
    }
  }

  parsePrivateKey(scope, keyField, pem.privateKeyPem);
  if (!keyMatchesCertificate(pem.privateKeyPem, pem.certificatePem)) {
    throw new LinkerdConfigError(scope, keyField, `does not match ${name} (different public keys)`,
      'give the private key that was generated together with the issuer certificate');
  }

  const chain = chainToAnchor(issuer, intermediates, anchors.certificates);
  if (chain === undefined || chain.length === 0) {
    const why = chain === undefined ? 'is not signed by any trust anchor (signature check against every anchor failed)' : 'is itself a trust anchor';
    throw new LinkerdConfigError(scope, certField, `${name} ${why}`,
      'sign the issuer with the trust anchor key, or add the anchor that signed it to the trust anchors (keep the old one during a rotation)');
  }
  const anchor = chain[chain.length - 1];
  if (issuer.signatureAlgorithm === 'SHA256-RSA' && (chain[0].keyType !== 'rsa')) {
    throw new LinkerdConfigError(scope, certField, `${name} is signed with SHA256-RSA but its signer is not an RSA key`, reissue);
  }
  // An issuer outliving its anchor is a valid chain to Linkerd (workload certificates are cut at
  // the earliest expiry in the chain); check L5D113 warns about it, in synth and in `check` alike.
  const below = chain.length; // the issuer and the intermediates under the anchor
  if (anchor.pathLen !== undefined && anchor.pathLen < below) {
    throw new LinkerdConfigError(scope, certField,
      `trust anchor ${anchor.subject} has pathlen ${anchor.pathLen} but ${below} CA certificate(s) sit below it in every workload chain; RFC 5280 verifiers (Go among them) reject such chains`,
      'use a trust anchor with pathlen 1 or more (or none); do not put pathlen 0 on the anchor');
  }
}

class PemIssuerCertificate extends IssuerCertificate {
  public constructor(private readonly props: CertificateAndKeyPem) {
    super();
  }

  public bind(scope: IConstruct, context: IssuerCertificateBindContext): BoundIssuerCertificate {
    guardProps(scope, context.field, this.props, CERTIFICATE_AND_KEY_PEM);
    const certificates = parseCertificates(scope, `${context.field}.certificatePem`, this.props.certificatePem);
    validateIssuer(scope, context.field, certificates, this.props, context.anchors, context.issuanceLifetime);
    return {
      scheme: 'linkerd.io/tls',
      certificatePem: this.props.certificatePem,
      privateKeyPem: this.props.privateKeyPem,
      notAfter: certificates[0].notAfter,
    };
  }
}

class GeneratedIssuerCertificate extends IssuerCertificate {
  public constructor(private readonly props: GeneratedIssuerCertificateProps) {
    super();
  }

  public bind(scope: IConstruct, context: IssuerCertificateBindContext): BoundIssuerCertificate {
    const field = context.field;
    guardProps(scope, field, this.props, GENERATED_ISSUER_PROPS);
    const keyMaterial = requireKeyMaterial(scope, context.keyMaterial, `${field}: IssuerCertificate.generated()`);
    const signers = context.anchors.signers ?? [];
    const chosen = this.props.signedBy === undefined
      ? (signers.length === 1 ? signers[0] : undefined)
      : signers.find((s) => s.source === this.props.signedBy);
    if (chosen === undefined) {
      const [problem, fix] = signers.length === 0
        ? ['IssuerCertificate.generated() needs the trust anchor key, which only TrustAnchors.generated() has',
          'use TrustAnchors.generated() with it, or give the issuer with IssuerCertificate.fromPem({ certificatePem, privateKeyPem })']
        : this.props.signedBy === undefined
          ? [`the trust anchors hold ${signers.length} generated anchors, so it is not clear which one signs the issuer`,
            'pass signedBy: the TrustAnchors.generated(...) object of the anchor that signs, e.g. the old one before the switch, the new one after']
          : ['signedBy is not one of the generated anchors of identity.trustAnchors',
            'pass the very TrustAnchors.generated(...) object that is in the trust anchors (keep it in a variable and use it in both places)'];
      throw new LinkerdConfigError(scope, this.props.signedBy === undefined ? field : `${field}.signedBy`, problem, fix);
    }
    const encoding = check.oneOf(scope, `${field}.keyEncoding`, this.props.keyEncoding ?? PrivateKeyEncoding.SEC1,
      [PrivateKeyEncoding.SEC1, PrivateKeyEncoding.PKCS8]);
    const anchorCert = parseCertificates(scope, context.field, chosen.certificatePem)[0];
    const commonName = check.dnsSubdomain(scope, field, `identity.${context.controlPlaneNamespace}.${context.trustDomain}`);
    const ownStart = this.props.notBefore === undefined ? undefined : parseNotBefore(this.props.notBefore, scope, `${field}.notBefore`);
    // Default: the start of the signing anchor, which is the key material's notBefore unless the anchor has its own.
    const notBefore = ownStart ?? (anchorCert.notBefore.getTime() > keyMaterial.notBefore.getTime() ? anchorCert.notBefore : keyMaterial.notBefore);
    const notAfter = validityEnd(scope, `${field}.validity`, notBefore, this.props.validity ?? Duration.days(365));
    if (notAfter.getTime() > anchorCert.notAfter.getTime()) {
      throw new LinkerdConfigError(scope, `${field}.validity`,
        `the issuer would be valid until ${notAfter.toISOString()}, after the trust anchor, which ends ${anchorCert.notAfter.toISOString()}`,
        'shorten the issuer validity, or lengthen the validity of TrustAnchors.generated()');
    }
    if (context.issuanceLifetime !== undefined && notAfter.getTime() - notBefore.getTime() < context.issuanceLifetime.toMilliseconds()) {
      throw new LinkerdConfigError(scope, `${field}.validity`,
        `${Duration.millis(notAfter.getTime() - notBefore.getTime()).toHumanString()} is shorter than the issuance lifetime of workload certificates (${context.issuanceLifetime.toHumanString()})`,
        'issue the issuer for months (the default is Duration.days(365)), or shorten identity.issuanceLifetime');
    }
    const label = `identity-issuer:${commonName}${ownStart ? `@${ownStart.toISOString()}` : ''}`;
    const key = keyMaterial.ecdsaP256Key(label);
    const certificatePem = issueCertificate({
      commonName,
      dnsNames: [commonName],
      notBefore,
      notAfter,
      key,
      isCA: true,
      pathLen: 0,
      keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN],
      signer: { certificate: anchorCert, key: EcdsaP256Key.fromPem(chosen.privateKeyPem) },
      serialLabel: label,
    });
    const pem = { certificatePem, privateKeyPem: key.toPem(encoding) };
    validateIssuer(scope, field, parseCertificates(scope, field, certificatePem), pem, context.anchors);
    return { scheme: 'linkerd.io/tls', ...pem, notAfter, generated: true };
  }
}

class ExternalIssuerCertificate extends IssuerCertificate {
  public constructor(private readonly props: ExistingIssuerSecretProps) {
    super();
  }

  public bind(scope: IConstruct, context: IssuerCertificateBindContext): BoundIssuerCertificate {
    guardProps(scope, context.field, this.props, EXISTING_ISSUER_SECRET_PROPS);
    return { scheme: check.oneOf(scope, `${context.field}.scheme`, this.props?.scheme ?? 'kubernetes.io/tls', ['kubernetes.io/tls', 'linkerd.io/tls']) };
  }
}

/** Name of the identity issuer's Secret, and of the Certificate that writes it. */
const ISSUER_SECRET = 'linkerd-identity-issuer';

class CertManagerIssuerCertificate extends IssuerCertificate {
  public constructor(private readonly props: CertManagerIssuerCertificateProps) {
    super();
  }

  public bind(scope: IConstruct, context: IssuerCertificateBindContext): BoundIssuerCertificate {
    const field = context.field;
    guardProps(scope, field, this.props, CERT_MANAGER_ISSUER_CERTIFICATE_PROPS);
    const issuer = this.props.issuer.bind(scope, { field: `${field}.issuer`, namespace: context.controlPlaneNamespace });
    if (issuer.selfSigned) {
      throw new LinkerdConfigError(scope, `${field}.issuer`,
        'is a selfSigned issuer, but the identity issuer must be signed by a trust anchor',
        'use a CA issuer whose Secret holds a trust anchor and its key, e.g. CertManagerIssuer.ca({ secretName: "linkerd-trust-anchor" })');
    }
    const lifetime = context.issuanceLifetime ?? Duration.hours(24);
    const skew = context.clockSkewAllowance ?? Duration.seconds(20);
    const durations = certManagerDurations(scope, field, this.props.duration ?? Duration.hours(48), this.props.renewBefore ?? Duration.hours(25), {
      millis: lifetime.toMilliseconds() + skew.toMilliseconds(),
      why: `the issuance lifetime plus the clock skew allowance (${goDurationText(lifetime)} + ${goDurationText(skew)}): a workload certificate issued just before the renewal would be cut short by the issuer's expiry`,
    });
    const commonName = check.dnsSubdomain(scope, field, `identity.${context.controlPlaneNamespace}.${context.trustDomain}`);
    const certificate: IdentityManifest = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      name: ISSUER_SECRET,
      namespace: context.controlPlaneNamespace,
      component: 'identity',
      body: {
        spec: {
          secretName: ISSUER_SECRET,
          ...durations,
          issuerRef: { ...issuer.issuerRef },
          ...(commonName.length <= 64 ? { commonName } : {}),
          dnsNames: [commonName],
          isCA: true,
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          usages: ['cert sign', 'crl sign', 'server auth', 'client auth'],
        },
      },
    };
    return {
      scheme: 'kubernetes.io/tls',
      manifests: [...(issuer.manifest ? [{ ...issuer.manifest, component: 'identity' }] : []), certificate],
    };
  }
}
