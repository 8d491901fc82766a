import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps } from '../guards';
import * as check from '../validate';
import { CertificateAndKeyPem, KeyUsage, ParsedCertificate, parseCertificates } from './certificate';
import { issueCertificate } from './issue-certificate';
import { GENERATED_TRUST_ANCHORS_PROPS } from './identity-guards';
import { KeyMaterial } from './key-material';
import { PrivateKeyEncoding } from './private-key';
import { parseNotBefore, requireKeyMaterial, validityEnd } from './source-support';

/** Props of `TrustAnchors.generated`. */
export interface GeneratedTrustAnchorsProps {
  /**
   * Subject common name of the anchor; also its DNS subjectAltName.
   * @default 'root.linkerd.cluster.local'
   */
  readonly commonName?: string;

  /**
   * How long the anchor is valid, from the key material's `notBefore`. Rotating an anchor is
   * a multi-step operation, so make it long.
   * @default Duration.days(3650) - ten years
   */
  readonly validity?: Duration;

  /**
   * Start of validity, as a Date or an ISO 8601 string with a zone. Set it on the new anchor of a
   * rotation, so that it outlives the old one. An anchor with its own `notBefore` also gets its
   * own key (the key label is `trust-anchor:<commonName>@<notBefore>`), so re-issuing an anchor
   * never reuses the old key.
   * @default - the key material's `notBefore`; key label `trust-anchor:<commonName>`
   */
  readonly notBefore?: Date | string;

  /**
   * Where the anchor's key comes from.
   * @default - the `keyMaterial` of the control plane
   */
  readonly keyMaterial?: KeyMaterial;
}

/** A generated anchor of a bundle, with the private key that signs a generated issuer. */
export interface TrustAnchorSigner {
  /** The source that generated it, as passed to `IssuerCertificate.generated({ signedBy })`. */
  readonly source: TrustAnchors;
  /** The anchor certificate, PEM. */
  readonly certificatePem: string;
  /** Its private key, PEM (SEC1). Never put it in the cluster. */
  readonly privateKeyPem: string;
}

/** What `TrustAnchors.bind` needs from the construct that uses it. */
export interface TrustAnchorsBindContext {
  /** Dotted name of the prop that holds this source, for errors, e.g. `identity.trustAnchors`. */
  readonly field: string;
  /**
   * Where generated keys come from.
   * @default - none; `TrustAnchors.generated()` then fails
   */
  readonly keyMaterial?: KeyMaterial;
}

/** Trust anchors, resolved and validated. */
export interface BoundTrustAnchors {
  /**
   * The PEM bundle exactly as given (for generated anchors: one PEM certificate ending in a
   * newline). The chart hashes it byte for byte into `linkerd.io/trust-root-sha256`, so it
   * must reach `identityTrustAnchorsPEM` unchanged, trailing newline included.
   */
  readonly pem: string;
  /** The certificates of the bundle, in order. */
  readonly certificates: ParsedCertificate[];
  /**
   * The anchor certificate and its private key (SEC1), when this library generated the
   * anchor; `IssuerCertificate.generated()` signs with it. Never put the key in the cluster.
   * Absent when the bundle holds several generated anchors: see `signers`.
   */
  readonly signer?: CertificateAndKeyPem;
  /**
   * Every generated anchor of the bundle, in bundle order, with its key.
   * @default - none: no anchor was generated
   */
  readonly signers?: TrustAnchorSigner[];
}

/**
 * The trust anchors (root certificates) every proxy trusts: Linkerd's
 * `identityTrustAnchorsPEM`, written into `linkerd-config` and the
 * `linkerd-identity-trust-roots` ConfigMap.
 */
export abstract class TrustAnchors {
  /**
   * Anchors you made yourself (e.g. with `step certificate create root.linkerd.cluster.local
   * ca.crt ca.key --profile root-ca --no-password --insecure`). Give one PEM certificate, or
   * several during a rotation (old and new anchor in one bundle). The string is kept exactly
   * as given.
   */
  public static fromPem(pem: string): TrustAnchors {
    return new PemTrustAnchors(pem);
  }

  /**
   * A self-signed ECDSA P-256 anchor whose key comes from the `keyMaterial` passed to the
   * control plane: CA with pathLen 1, keyCertSign and cRLSign, DNS SAN = common name, valid
   * from the key material's `notBefore`. Its private key never leaves the synth.
   */
  public static generated(props: GeneratedTrustAnchorsProps = {}): TrustAnchors {
    return new GeneratedTrustAnchors(props);
  }

  /**
   * Several anchors in one bundle, in the given order: the first step of a trust-anchor
   * rotation (old and new anchor), or anchors of several issuers. Members may be generated or
   * PEM; their PEM texts are joined with exactly one newline between them. Two generated
   * members must have different common names, so that the certificates they sign name their
   * issuer unambiguously.
   */
  public static bundle(...anchors: TrustAnchors[]): TrustAnchors {
    return new BundledTrustAnchors(anchors);
  }

  /** Resolves the anchors and validates them; throws LinkerdConfigError naming `context.field`. */
  public abstract bind(scope: IConstruct, context: TrustAnchorsBindContext): BoundTrustAnchors;
}

/**
 * Linkerd's rules for an anchor (`pkg/issuercerts` `CheckTrustAnchorAlgoRequirements` and
 * what Go's `x509.Verify` needs): a CA, ECDSA P-256 or RSA 2048/4096 with a SHA-256
 * signature, and no extended key usage that excludes serverAuth.
 */
function validateAnchors(scope: IConstruct, field: string, certificates: ParsedCertificate[]): void {
  certificates.forEach((cert, i) => {
    const which = certificates.length > 1 ? `certificate ${i + 1} (${cert.subject})` : `certificate ${cert.subject}`;
    if (!cert.isCA) {
      throw new LinkerdConfigError(scope, field, `${which} is not a CA (basicConstraints CA:TRUE is missing)`,
        'give the root CA certificate that signed the identity issuer, not the issuer or a leaf');
    }
    let problem: string | undefined;
    if (cert.keyType === 'ec') {
      if (cert.namedCurve !== 'P-256') {
        problem = `uses the curve ${cert.namedCurve}; Linkerd requires P-256`;
      } else if (cert.signatureAlgorithm !== 'ECDSA-SHA256' && cert.signatureAlgorithm !== 'SHA256-RSA') {
        problem = `is signed with ${cert.signatureAlgorithm}; Linkerd requires ECDSA-SHA256`;
      }
    } else if (cert.keyType === 'rsa') {
      if (cert.rsaBits !== 2048 && cert.rsaBits !== 4096) {
        problem = `has an RSA ${cert.rsaBits} key; Linkerd requires RSA 2048 or 4096`;
      } else if (cert.signatureAlgorithm !== 'SHA256-RSA') {
        problem = `is signed with ${cert.signatureAlgorithm}; Linkerd requires SHA256-RSA for RSA anchors`;
      }
    } else {
      problem = `has a ${cert.keyAlgorithm} key; Linkerd requires ECDSA P-256 or RSA 2048/4096`;
    }
    if (problem) {
      throw new LinkerdConfigError(scope, field, `${which} ${problem}`, 'issue the anchor with an ECDSA P-256 key (e.g. step certificate create --kty EC --crv P-256)');
    }
    if (!cert.allowsServerAuth()) {
      throw new LinkerdConfigError(scope, field,
        `${which} has an extendedKeyUsage without serverAuth, so Go's x509.Verify (used by the identity controller) rejects every chain through it`,
        'issue the anchor without an extendedKeyUsage extension, or with serverAuth in it');
    }
  });
}

class PemTrustAnchors extends TrustAnchors {
  public constructor(private readonly pem: string) {
    super();
  }

  public bind(scope: IConstruct, context: TrustAnchorsBindContext): BoundTrustAnchors {
    const certificates = parseCertificates(scope, context.field, this.pem);
    validateAnchors(scope, context.field, certificates);
    return { pem: this.pem, certificates };
  }
}

class GeneratedTrustAnchors extends TrustAnchors {
  public constructor(private readonly props: GeneratedTrustAnchorsProps) {
    super();
  }

  public bind(scope: IConstruct, context: TrustAnchorsBindContext): BoundTrustAnchors {
    guardProps(scope, context.field, this.props, GENERATED_TRUST_ANCHORS_PROPS);
    const keyMaterial = requireKeyMaterial(scope, this.props.keyMaterial ?? context.keyMaterial, `${context.field}: TrustAnchors.generated()`);
    const commonName = check.dnsSubdomain(scope, `${context.field}.commonName`, this.props.commonName ?? 'root.linkerd.cluster.local');
    const ownStart = this.props.notBefore === undefined ? undefined
      : parseNotBefore(this.props.notBefore, scope, `${context.field}.notBefore`);
    const notBefore = ownStart ?? keyMaterial.notBefore;
    const notAfter = validityEnd(scope, `${context.field}.validity`, notBefore, this.props.validity ?? Duration.days(3650));
    const label = `trust-anchor:${commonName}${ownStart ? `@${ownStart.toISOString()}` : ''}`;
    const key = keyMaterial.ecdsaP256Key(label);
    const pem = issueCertificate({
      commonName,
      dnsNames: [commonName],
      notBefore,
      notAfter,
      key,
      isCA: true,
      pathLen: 1,
      keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN],
      serialLabel: label,
    });
    const certificates = parseCertificates(scope, context.field, pem);
    validateAnchors(scope, context.field, certificates);
    const signer = { certificatePem: pem, privateKeyPem: key.toPem(PrivateKeyEncoding.SEC1) };
    return { pem, certificates, signer, signers: [{ source: this, ...signer }] };
  }
}

class BundledTrustAnchors extends TrustAnchors {
  public constructor(private readonly members: TrustAnchors[]) {
    super();
  }

  public bind(scope: IConstruct, context: TrustAnchorsBindContext): BoundTrustAnchors {
    const field = context.field;
    if (!Array.isArray(this.members) || this.members.length === 0 || this.members.some((m) => !(m instanceof TrustAnchors))) {
      throw new LinkerdConfigError(scope, field, 'TrustAnchors.bundle() needs one or more TrustAnchors',
        'pass the anchors, e.g. TrustAnchors.bundle(current, next)');
    }
    const bound = this.members.map((m, i) => m.bind(scope, { ...context, field: `${field}[${i}]` }));
    const certificates = bound.flatMap((b) => b.certificates);
    const seen = new Map<string, number>();
    certificates.forEach((c, i) => {
      const first = seen.get(c.fingerprintSha256);
      if (first !== undefined) {
        throw new LinkerdConfigError(scope, field, `certificate ${i + 1} (${c.subject}) is the same certificate as certificate ${first + 1}`,
          'list every anchor once');
      }
      seen.set(c.fingerprintSha256, i);
    });
    const signers = bound.flatMap((b) => b.signers ?? []);
    const names = signers.map((s) => parseCertificates(scope, field, s.certificatePem)[0].subject);
    const clash = names.find((n, i) => names.indexOf(n) !== i);
    if (clash !== undefined) {
      throw new LinkerdConfigError(scope, field, `two generated anchors are both named ${clash}`,
        'give the new anchor its own commonName, e.g. TrustAnchors.generated({ commonName: "root-2.linkerd.cluster.local", notBefore: ... })');
    }
    const pem = bound.map((b, i) => (i < bound.length - 1 && !b.pem.endsWith('\n') ? `${b.pem}\n` : b.pem)).join('');
    return {
      pem,
      certificates,
      ...(signers.length === 1 ? { signer: { certificatePem: signers[0].certificatePem, privateKeyPem: signers[0].privateKeyPem } } : {}),
      ...(signers.length > 0 ? { signers } : {}),
    };
  }
}
