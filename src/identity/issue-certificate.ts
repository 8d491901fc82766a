import { createHash } from 'node:crypto';
import {
  bitString, directoryString, explicit, objectIdentifier, sequence, set, smallInteger, time, unsignedInteger,
} from './der';
import { ExtendedKeyUsage, KEY_USAGE_BITS, KeyUsage, ParsedCertificate } from './certificate';
import {
  authorityKeyIdentifierExtension, basicConstraintsExtension, dnsSubjectAltNameExtension, extendedKeyUsageExtension, keyUsageExtension,
  subjectKeyIdentifierExtension,
} from './extensions';
import { encodePem } from './pem';
import { EcdsaP256Key } from './private-key';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';

/** A CA certificate and its key, used to sign another certificate. */
export interface CertificateSigner {
  /** The signing CA certificate. */
  readonly certificate: ParsedCertificate;
  /** Its private key. */
  readonly key: EcdsaP256Key;
}

/** What to put in a certificate made by `issueCertificate`. */
export interface IssueCertificateProps {
  /** Subject common name; the subject has no other attribute. */
  readonly commonName: string;
  /**
   * DNS names of the subjectAltName extension.
   * @default - no subjectAltName extension
   */
  readonly dnsNames?: string[];
  /** Start of validity (whole seconds are kept). */
  readonly notBefore: Date;
  /** End of validity (whole seconds are kept). */
  readonly notAfter: Date;
  /** The subject's key pair; its public key goes into the certificate. */
  readonly key: EcdsaP256Key;
  /** basicConstraints cA. */
  readonly isCA: boolean;
  /**
   * basicConstraints pathLenConstraint (CA only).
   * @default - no limit
   */
  readonly pathLen?: number;
  /** Key usage bits (critical extension). */
  readonly keyUsage: KeyUsage[];
  /**
   * Extended key usages.
   * @default - no extendedKeyUsage extension
   */
  readonly extendedKeyUsage?: ExtendedKeyUsage[];
  /**
   * The CA that signs it.
   * @default - self-signed with `key`
   */
  readonly signer?: CertificateSigner;
  /**
   * Label mixed into the serial number, e.g. the key label. The serial number is the first
   * 128 bits of a sha256 over this label, the subject, the issuer, the public key and the
   * validity, so a re-issued certificate gets a new serial number and the same one never does.
   */
  readonly serialLabel: string;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function commonNameDer(commonName: string): Uint8Array {
  return sequence(set(sequence(objectIdentifier(COMMON_NAME), directoryString(commonName))));
}

/**
 * Issues an ECDSA P-256 certificate signed with ECDSA-SHA256, deterministically: the same
 * props always give the same bytes (RFC 6979 signatures, serial number from a hash). Returns
 * the certificate as PEM ending in a newline.
 *
 * Extensions: basicConstraints (critical), keyUsage (critical), extendedKeyUsage when given,
 * subjectKeyIdentifier (SHA-1 of the public key, RFC 5280 method 1), authorityKeyIdentifier
 * when signed by another certificate, subjectAltName DNS names when given.
 *
 * Inputs are trusted: the identity sources validate user values before they get here, so
 * violated preconditions throw a plain Error.
 */
export function issueCertificate(props: IssueCertificateProps): string {
  const notBefore = wholeSeconds(props.notBefore);
  const notAfter = wholeSeconds(props.notAfter);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new Error('issueCertificate: notAfter must come after notBefore');
  }
  if (props.signer && !props.signer.certificate.isCA) {
    throw new Error('issueCertificate: the signer is not a CA certificate');
  }
  if (props.pathLen !== undefined && (!props.isCA || !Number.isInteger(props.pathLen) || props.pathLen < 0)) {
    throw new Error('issueCertificate: pathLen needs isCA and a non-negative integer');
  }

  const signingKey = props.signer?.key ?? props.key;
  const spki = props.key.subjectPublicKeyInfo;
  const subject = commonNameDer(props.commonName);
  const issuer = props.signer ? props.signer.certificate.subjectNameDer : subject;
  const subjectKeyId = createHash('sha1').update(props.key.publicKey).digest('hex');

  const extensions: Uint8Array[] = [
    basicConstraintsExtension(props.isCA, props.isCA ? props.pathLen : undefined, true),
    keyUsageExtension(props.keyUsage.reduce<number>((bits, u) => bits | KEY_USAGE_BITS[u], 0), true),
  ];
  if (props.extendedKeyUsage?.length) {
    extensions.push(extendedKeyUsageExtension(props.extendedKeyUsage, false));
  }
  extensions.push(subjectKeyIdentifierExtension(subjectKeyId, false));
  if (props.signer) {
    extensions.push(authorityKeyIdentifierExtension(props.signer.certificate.keyIdentifier, false));
  }
  if (props.dnsNames?.length) {
    extensions.push(dnsSubjectAltNameExtension(props.dnsNames, false));
  }

  const serial = createHash('sha256')
    .update(JSON.stringify([
      'cdk8s-linkerd/serial/v1', props.serialLabel, Buffer.from(subject).toString('hex'),
      Buffer.from(issuer).toString('hex'), Buffer.from(spki).toString('hex'),
      notBefore.toISOString(), notAfter.toISOString(),
    ]))
    .digest()
    .subarray(0, 16);
  serial[0] &= 0x7f; // positive
  serial[0] |= 0x40; // and always 16 bytes long, never zero

  const signatureAlgorithm = sequence(objectIdentifier(ECDSA_WITH_SHA256));
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    signatureAlgorithm,
    issuer,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const der = sequence(tbs, signatureAlgorithm, bitString(signingKey.sign(tbs)));
  return encodePem('CERTIFICATE', der);
}
