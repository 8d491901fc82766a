import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { DerElement, decodeObjectIdentifier, readChildren, readElement, Tag } from './der';
import { readExtensions } from './extensions';
import { encodePem, pemBlocks } from './pem';

/** A PEM certificate (or chain, leaf first) and the PEM private key of its first certificate. */
export interface CertificateAndKeyPem {
  /** PEM certificate, leaf first, optionally followed by intermediates. */
  readonly certificatePem: string;
  /** PEM private key of the first certificate. */
  readonly privateKeyPem: string;
}

/** Key usage bits of X.509 (RFC 5280 §4.2.1.3), by their RFC names. */
export enum KeyUsage {
  DIGITAL_SIGNATURE = 'digitalSignature',
  NON_REPUDIATION = 'nonRepudiation',
  KEY_ENCIPHERMENT = 'keyEncipherment',
  DATA_ENCIPHERMENT = 'dataEncipherment',
  KEY_AGREEMENT = 'keyAgreement',
  KEY_CERT_SIGN = 'keyCertSign',
  CRL_SIGN = 'cRLSign',
  ENCIPHER_ONLY = 'encipherOnly',
  DECIPHER_ONLY = 'decipherOnly',
}

/** Flag values of the key usages: bit i of the keyUsage BIT STRING (RFC 5280 order) is `2 ** i`. */
export const KEY_USAGE_BITS: Record<KeyUsage, number> = {
  [KeyUsage.DIGITAL_SIGNATURE]: 1,
  [KeyUsage.NON_REPUDIATION]: 2,
  [KeyUsage.KEY_ENCIPHERMENT]: 4,
  [KeyUsage.DATA_ENCIPHERMENT]: 8,
  [KeyUsage.KEY_AGREEMENT]: 16,
  [KeyUsage.KEY_CERT_SIGN]: 32,
  [KeyUsage.CRL_SIGN]: 64,
  [KeyUsage.ENCIPHER_ONLY]: 128,
  [KeyUsage.DECIPHER_ONLY]: 256,
};

/** Extended key usage purposes, valued by their OIDs. */
export enum ExtendedKeyUsage {
  SERVER_AUTH = '1.3.6.1.5.5.7.3.1',
  CLIENT_AUTH = '1.3.6.1.5.5.7.3.2',
  /** anyExtendedKeyUsage */
  ANY = '2.5.29.37.0',
}

/** Signature algorithm OIDs, named the way Go's `x509.SignatureAlgorithm` prints them. */
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.10045.4.1': 'ECDSA-SHA1',
  '1.2.840.10045.4.3.2': 'ECDSA-SHA256',
  '1.2.840.10045.4.3.3': 'ECDSA-SHA384',
  '1.2.840.10045.4.3.4': 'ECDSA-SHA512',
  '1.2.840.113549.1.1.4': 'MD5-RSA',
  '1.2.840.113549.1.1.5': 'SHA1-RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'SHA256-RSA',
  '1.2.840.113549.1.1.12': 'SHA384-RSA',
  '1.2.840.113549.1.1.13': 'SHA512-RSA',
  '1.3.101.112': 'Ed25519',
};

const CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp224r1: 'P-224',
};

/**
 * One X.509 certificate, parsed, with the properties Linkerd's rules look at. Create it with
 * `parseCertificates` (PEM bundle) or `ParsedCertificate.fromDer`.
 */
const PARSED_CACHE_SIZE = 256;
const PARSED = new Map<string, ParsedCertificate>();

export class ParsedCertificate {
  /** Parses one DER certificate; throws a plain Error if it is not one. */
  public static fromDer(der: Uint8Array): ParsedCertificate {
    // Parsing is slow (ASN.1 schema matching) and synth and the checks see the same few
    // certificates many times; instances are immutable, so they can be shared.
    const key = Buffer.from(der).toString('base64');
    let parsed = PARSED.get(key);
    if (!parsed) {
      parsed = new ParsedCertificate(Uint8Array.from(der));
      if (PARSED.size >= PARSED_CACHE_SIZE) PARSED.delete(PARSED.keys().next().value!);
      PARSED.set(key, parsed);
    }
    return parsed;
  }

  /** The certificate as one PEM block (re-encoded from DER, ending in a newline). */
  public readonly pem: string;
  /** Subject as text, e.g. `CN=root.linkerd.cluster.local`. */
  public readonly subject: string;
  /** Issuer as text. */
  public readonly issuer: string;
  /** The subject's common name, if it has one. */
  public readonly commonName?: string;
  /** Serial number, lower-case hex. */
  public readonly serialNumber: string;
  /** basicConstraints CA flag. */
  public readonly isCA: boolean;
  /** basicConstraints pathLenConstraint; undefined when absent (no limit) or not a CA. */
  public readonly pathLen?: number;
  /** Public key type as node:crypto names it: `ec`, `rsa`, `ed25519`, … */
  public readonly keyType: string;
  /** For EC keys, the curve: `P-256`, `P-384`, … */
  public readonly namedCurve?: string;
  /** For RSA keys, the modulus size in bits. */
  public readonly rsaBits?: number;
  /** Key algorithm in words, e.g. `ECDSA P-256`, `RSA 2048`. */
  public readonly keyAlgorithm: string;
  /** Signature algorithm as Go names it, e.g. `ECDSA-SHA256`, `SHA256-RSA`; else the OID. */
  public readonly signatureAlgorithm: string;
  /** Start of validity. */
  public readonly notBefore: Date;
  /** End of validity. */
  public readonly notAfter: Date;
  /** DNS names of the subjectAltName extension. */
  public readonly dnsNames: string[];
  /** Key usages; undefined when the extension is absent (no restriction). */
  public readonly keyUsage?: KeyUsage[];
  /** Extended key usage OIDs; undefined when the extension is absent (no restriction). */
  public readonly extendedKeyUsage?: string[];
  /** Subject key identifier, lower-case hex. */
  public readonly subjectKeyId?: string;
  /** Authority key identifier (key id form), lower-case hex. */
  public readonly authorityKeyId?: string;
  /** sha256 of the DER, lower-case hex. */
  public readonly fingerprintSha256: string;

  private readonly der: Uint8Array;
  private readonly node: NodeX509Certificate;
  private readonly rawSubjectDer: Uint8Array;
  private readonly rawIssuerDer: Uint8Array;
  private readonly subjectPublicKeyBits: Uint8Array;
  private readonly verified = new Map<string, boolean>();

  private constructor(der: Uint8Array) {
    this.der = der;
    // Structure first, with our strict reader, so that trailing garbage is caught.
    const outer = readElement(der);
    if (outer.tag !== Tag.SEQUENCE || outer.bytes.length !== der.length) {
      throw new Error('not a DER certificate');
    }
    const [tbs, signatureAlgorithm] = readChildren(outer);
    const tbsFields = readChildren(tbs);
    const offset = tbsFields[0].tag === 0xa0 ? 1 : 0;
    this.rawIssuerDer = Uint8Array.from(tbsFields[offset + 2].bytes);
    this.rawSubjectDer = Uint8Array.from(tbsFields[offset + 4].bytes);
    const spki = readChildren(tbsFields[offset + 5]);
    this.subjectPublicKeyBits = Uint8Array.from(spki[1].contents.subarray(1));
    const algorithmOid = decodeObjectIdentifier(readChildren(signatureAlgorithm)[0].contents);
    this.signatureAlgorithm = SIGNATURE_ALGORITHMS[algorithmOid] ?? algorithmOid;

    this.node = new NodeX509Certificate(Buffer.from(der));

    this.pem = encodePem('CERTIFICATE', der);
    this.subject = nameText(tbsFields[offset + 4]);
    this.issuer = nameText(tbsFields[offset + 2]);
    this.commonName = nameValue(tbsFields[offset + 4], COMMON_NAME);
    this.serialNumber = Buffer.from(tbsFields[offset].contents).toString('hex');
    const [notBefore, notAfter] = readChildren(tbsFields[offset + 3]).map(readTime);
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    this.fingerprintSha256 = createHash('sha256').update(der).digest('hex');

    const key = this.node.publicKey;
    this.keyType = key.asymmetricKeyType ?? 'unknown';
    const curve = key.asymmetricKeyDetails?.namedCurve;
    this.namedCurve = curve === undefined ? undefined : CURVES[curve] ?? curve;
    this.rsaBits = this.keyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
    this.keyAlgorithm = this.keyType === 'ec' ? `ECDSA ${this.namedCurve}`
      : this.keyType === 'rsa' ? `RSA ${this.rsaBits}` : this.keyType;

    const ext = readExtensions(tbsFields.slice(offset + 6).find((f) => f.tag === 0xa3));
    this.isCA = ext.isCA;
    this.pathLen = ext.pathLen;
    const flags = ext.keyUsageFlags;
    this.keyUsage = flags === undefined ? undefined : (Object.keys(KEY_USAGE_BITS) as KeyUsage[]).filter((u) => (flags & KEY_USAGE_BITS[u]) !== 0);
    this.extendedKeyUsage = ext.extendedKeyUsage;
    this.dnsNames = ext.dnsNames;
    this.subjectKeyId = ext.subjectKeyId;
    this.authorityKeyId = ext.authorityKeyId;
  }

  /** The DER encoding (a copy). */
  public get derBytes(): Uint8Array {
    return Uint8Array.from(this.der);
  }

  /** DER of the subject Name, exactly as encoded in the certificate (a copy). */
  public get subjectNameDer(): Uint8Array {
    return Uint8Array.from(this.rawSubjectDer);
  }

  /** DER of the issuer Name, exactly as encoded in the certificate (a copy). */
  public get issuerNameDer(): Uint8Array {
    return Uint8Array.from(this.rawIssuerDer);
  }

  /** The subjectPublicKey bits (for EC keys, the uncompressed point), a copy. */
  public get subjectPublicKey(): Uint8Array {
    return Uint8Array.from(this.subjectPublicKeyBits);
  }

  /** The subject key identifier, or the RFC 5280 method-1 value (SHA-1 of the key bits) when absent. */
  public get keyIdentifier(): string {
    return this.subjectKeyId ?? createHash('sha1').update(this.subjectPublicKeyBits).digest('hex');
  }

  /** Whether its validity window includes `at`. */
  public isValidAt(at: Date): boolean {
    return this.notBefore.getTime() <= at.getTime() && at.getTime() <= this.notAfter.getTime();
  }

  /** Whether `other` is byte for byte the same certificate. */
  public equals(other: ParsedCertificate): boolean {
    return this.fingerprintSha256 === other.fingerprintSha256;
  }

  /** Whether the certificate allows a usage: true when the key usage extension is absent. */
  public allowsKeyUsage(usage: KeyUsage): boolean {
    return this.keyUsage === undefined || this.keyUsage.includes(usage);
  }

  /**
   * Whether Go's `x509.Verify` with its default purpose (serverAuth) accepts this certificate
   * in a chain: no extended key usage extension, or one with serverAuth or anyExtendedKeyUsage.
   */
  public allowsServerAuth(): boolean {
    return this.extendedKeyUsage === undefined
      || this.extendedKeyUsage.includes(ExtendedKeyUsage.SERVER_AUTH)
      || this.extendedKeyUsage.includes(ExtendedKeyUsage.ANY);
  }

  /** node:crypto view of the same certificate. */
  public toNodeCertificate(): NodeX509Certificate {
    return new NodeX509Certificate(Buffer.from(this.der));
  }

  /** Whether the signature verifies with `issuer`'s public key (no name check; see `verifiesSignedBy`). */
  public verifySignature(issuer: ParsedCertificate): boolean {
    // Instances are shared (fromDer) and immutable, so a verification holds for the whole process.
    let verified = this.verified.get(issuer.fingerprintSha256);
    if (verified === undefined) {
      try {
        verified = this.node.verify(issuer.node.publicKey);
      } catch {
        verified = false;
      }
      this.verified.set(issuer.fingerprintSha256, verified);
    }
    return verified;
  }
}

const COMMON_NAME = '2.5.4.3';

/** Short names of attribute types in certificate names, as OpenSSL and most tools print them. */
const NAME_TYPES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC', '1.2.840.113549.1.9.1': 'E', '2.5.4.42': 'G', '2.5.4.43': 'I', '2.5.4.4': 'SN', '2.5.4.12': 'T',
};

/** String types an attribute value is read as text from; other values print as `#` and the hex of their DER. */
const STRING_TAGS: Record<number, (bytes: Uint8Array) => string> = {
  0x0c: (b) => new TextDecoder().decode(b), // UTF8String
  0x13: (b) => Buffer.from(b).toString('latin1'), // PrintableString
  0x14: (b) => Buffer.from(b).toString('latin1'), // TeletexString
  0x16: (b) => Buffer.from(b).toString('latin1'), // IA5String
  0x1e: (b) => Buffer.from(b).swap16().toString('utf16le'), // BMPString, UTF-16BE
  0x1c: (b) => Array.from({ length: b.length >> 2 }, (_, i) => String.fromCodePoint(Buffer.from(b).readUInt32BE(i * 4))).join(''), // UniversalString
};

interface NameAttribute {
  readonly type: string;
  /** The value, when it is a string type. */
  readonly text?: string;
  /** DER of the value. */
  readonly der: Uint8Array;
}

/** The attributes of a Name, RDN by RDN. */
function nameRdns(name: DerElement): NameAttribute[][] {
  return readChildren(name).map((rdn) => readChildren(rdn).map((atv) => {
    const [type, value] = readChildren(atv);
    return { type: decodeObjectIdentifier(type.contents), text: STRING_TAGS[value.tag]?.(value.contents), der: value.bytes };
  }));
}

/** The first value of an attribute type in a Name (a value that is not a string as hex). */
function nameValue(name: DerElement, type: string): string | undefined {
  const a = nameRdns(name).flat().find((x) => x.type === type);
  return a === undefined ? undefined : a.text ?? Buffer.from(a.der).toString('hex');
}

/** A Name as one line, RFC 4514 style in certificate order: `CN=root.linkerd.cluster.local`, `CN=a, O=b`, `CN=a+OU=b`. */
function nameText(name: DerElement): string {
  const escape = (v: string) => v.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/([ ]$)/, '\\$1')
    .replace(/([\r\n\t])/, (c) => `\\${Buffer.from(c, 'utf8').toString('hex').toUpperCase()}`);
  return nameRdns(name).map((rdn) => rdn.map((a) => `${NAME_TYPES[a.type] ?? a.type}=${a.text === undefined ? `#${Buffer.from(a.der).toString('hex')}` : escape(a.text)}`)
    .join('+')).join(', ');
}

/** An X.509 Time: UTCTime (years 1950 to 2049) or GeneralizedTime, `Z` or an offset. */
function readTime(element: DerElement): Date {
  const text = Buffer.from(element.contents).toString('latin1');
  const m = element.tag === Tag.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(text)
    : element.tag === Tag.GENERALIZED_TIME ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2}(?:\.\d+)?)?(Z|[+-]\d{4})?$/.exec(text) : null;
  if (!m) throw new Error(`DER: ${JSON.stringify(text)} is not an X.509 time`);
  let year = Number(m[1]);
  if (element.tag === Tag.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  const seconds = Number(m[6] ?? 0);
  let ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Math.floor(seconds), Math.round((seconds % 1) * 1000));
  const zone = m[7];
  if (zone && zone !== 'Z') ms -= (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  return new Date(ms);
}

/**
 * Parses a PEM bundle into certificates, in order. Every PEM block must be a `CERTIFICATE`;
 * anything else (a private key pasted by mistake, bad base64, no PEM at all) throws a
 * LinkerdConfigError naming `field`.
 */
export function parseCertificates(scope: IConstruct | string, field: string, pem: string): ParsedCertificate[] {
  const fix = 'give one or more PEM certificates ("-----BEGIN CERTIFICATE-----" blocks) and nothing else';
  if (typeof pem !== 'string') {
    throw new LinkerdConfigError(scope, field, `is a ${typeof pem}, not PEM text`, fix);
  }
  let blocks;
  try {
    blocks = pemBlocks(pem);
  } catch (e) {
    throw new LinkerdConfigError(scope, field, `is not PEM: ${(e as Error).message}`, fix);
  }
  if (blocks.length === 0) {
    throw new LinkerdConfigError(scope, field, 'holds no PEM certificate', fix);
  }
  return blocks.map((block, i) => {
    if (block.label !== 'CERTIFICATE') {
      const hint = /PRIVATE KEY/.test(block.label) ? ' (a private key does not belong here)' : '';
      throw new LinkerdConfigError(scope, field, `PEM block ${i + 1} is "${block.label}", not a CERTIFICATE${hint}`, fix);
    }
    try {
      return ParsedCertificate.fromDer(block.der);
    } catch (e) {
      throw new LinkerdConfigError(scope, field, `PEM block ${i + 1} is not a valid X.509 certificate: ${(e as Error).message}`, fix);
    }
  });
}

/**
 * Whether `issuer` directly issued `cert`: `cert`'s issuer name equals `issuer`'s subject
 * (byte for byte, as Go compares them) and `cert`'s signature verifies with `issuer`'s key.
 */
export function verifiesSignedBy(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return Buffer.compare(Buffer.from(cert.issuerNameDer), Buffer.from(issuer.subjectNameDer)) === 0
    && cert.verifySignature(issuer);
}

/**
 * The chain from `leaf` up to one of `anchors`, through `intermediates`: `[…intermediates
 * used, anchor]`, or `[]` when `leaf` is itself an anchor; undefined when no anchor is reached.
 */
export function chainToAnchor(
  leaf: ParsedCertificate,
  intermediates: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
): ParsedCertificate[] | undefined {
  const walk = (cert: ParsedCertificate, rest: readonly ParsedCertificate[], depth: number): ParsedCertificate[] | undefined => {
    if (depth > 8) {
      return undefined;
    }
    const anchor = anchors.find((a) => verifiesSignedBy(cert, a));
    if (anchor) {
      return [anchor];
    }
    for (const [i, next] of rest.entries()) {
      if (verifiesSignedBy(cert, next)) {
        const tail = walk(next, [...rest.slice(0, i), ...rest.slice(i + 1)], depth + 1);
        if (tail) {
          return [next, ...tail];
        }
      }
    }
    return undefined;
  };
  return anchors.some((a) => a.equals(leaf)) ? [] : walk(leaf, intermediates, 0);
}
