import { decodeObjectIdentifier, DerElement, objectIdentifier, readChildren, readElement, sequence, smallInteger, Tag, tlv } from './der';

/**
 * The X.509 v3 extensions Linkerd's certificates use (RFC 5280 §4.2.1), written and read in DER:
 * basicConstraints, keyUsage, extendedKeyUsage, subjectKeyIdentifier, authorityKeyIdentifier and
 * subjectAltName DNS names. Internal to `src/identity/`.
 */

export const EXTENSION_OIDS = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extendedKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
} as const;

/** `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`. */
function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return sequence(objectIdentifier(oid), ...(critical ? [tlv(Tag.BOOLEAN, Uint8Array.of(0xff))] : []), tlv(Tag.OCTET_STRING, value));
}

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** basicConstraints: cA (left out when false, its default) and pathLenConstraint. */
export function basicConstraintsExtension(ca: boolean, pathLen: number | undefined, critical: boolean): Uint8Array {
  return extension(EXTENSION_OIDS.basicConstraints, critical,
    sequence(...(ca ? [tlv(Tag.BOOLEAN, Uint8Array.of(0xff))] : []), ...(pathLen !== undefined ? [smallInteger(pathLen)] : [])));
}

/**
 * keyUsage from flags where bit i of the BIT STRING (the most significant bit of the first byte
 * being bit 0) is `2 ** i`; as few bytes as the highest bit needs, the bits after it unused.
 */
export function keyUsageExtension(flags: number, critical: boolean): Uint8Array {
  const length = flags === 0 ? 0 : Math.floor(Math.log2(flags)) + 1;
  const bytes = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) if (flags & (2 ** i)) bytes[i >> 3] |= 0x80 >> (i & 7);
  return extension(EXTENSION_OIDS.keyUsage, critical, tlv(Tag.BIT_STRING, Uint8Array.of(bytes.length * 8 - length), bytes));
}

export function extendedKeyUsageExtension(oids: readonly string[], critical: boolean): Uint8Array {
  return extension(EXTENSION_OIDS.extendedKeyUsage, critical, sequence(...oids.map(objectIdentifier)));
}

export function subjectKeyIdentifierExtension(keyIdHex: string, critical: boolean): Uint8Array {
  return extension(EXTENSION_OIDS.subjectKeyIdentifier, critical, tlv(Tag.OCTET_STRING, hexBytes(keyIdHex)));
}

/** authorityKeyIdentifier with the keyIdentifier `[0]` only. */
export function authorityKeyIdentifierExtension(keyIdHex: string, critical: boolean): Uint8Array {
  return extension(EXTENSION_OIDS.authorityKeyIdentifier, critical, sequence(tlv(0x80, hexBytes(keyIdHex))));
}

/** subjectAltName with dNSName `[2]` entries. */
export function dnsSubjectAltNameExtension(dnsNames: readonly string[], critical: boolean): Uint8Array {
  return extension(EXTENSION_OIDS.subjectAltName, critical, sequence(...dnsNames.map((n) => tlv(0x82, new TextEncoder().encode(n)))));
}

/** What the certificate rules read from a certificate's extensions. */
export interface ParsedExtensions {
  readonly isCA: boolean;
  readonly pathLen?: number;
  /** keyUsage flags as `keyUsageExtension` takes them; undefined when absent. */
  readonly keyUsageFlags?: number;
  readonly extendedKeyUsage?: string[];
  readonly dnsNames: string[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
}

/** Reads the extensions of a TBSCertificate (`[3]` explicit); the first of each kind counts. Throws on malformed DER. */
export function readExtensions(explicit3: DerElement | undefined): ParsedExtensions {
  const values = new Map<string, Uint8Array>();
  if (explicit3) {
    for (const ext of readChildren(readChildren(explicit3)[0])) {
      const fields = readChildren(ext);
      const oid = decodeObjectIdentifier(fields[0].contents);
      const value = fields[fields.length - 1];
      if (value.tag !== Tag.OCTET_STRING) throw new Error('DER: extension value is not an OCTET STRING');
      if (!values.has(oid)) values.set(oid, value.contents);
    }
  }
  const inner = (oid: string) => {
    const v = values.get(oid);
    return v === undefined ? undefined : readElement(v);
  };
  let isCA = false;
  let pathLen: number | undefined;
  const bc = inner(EXTENSION_OIDS.basicConstraints);
  if (bc) {
    for (const f of readChildren(bc)) {
      if (f.tag === Tag.BOOLEAN) isCA = f.contents[0] !== 0;
      else if (f.tag === Tag.INTEGER) pathLen = integerValue(f.contents);
    }
  }
  let keyUsageFlags: number | undefined;
  const ku = inner(EXTENSION_OIDS.keyUsage);
  if (ku) {
    const unused = ku.contents[0] ?? 0;
    const bits = ku.contents.subarray(1);
    keyUsageFlags = 0;
    for (let i = 0; i < bits.length * 8 - unused; i++) if (bits[i >> 3] & (0x80 >> (i & 7))) keyUsageFlags += 2 ** i;
  }
  const eku = inner(EXTENSION_OIDS.extendedKeyUsage);
  const san = inner(EXTENSION_OIDS.subjectAltName);
  const ski = inner(EXTENSION_OIDS.subjectKeyIdentifier);
  const aki = inner(EXTENSION_OIDS.authorityKeyIdentifier);
  const akiKeyId = aki ? readChildren(aki).find((f) => f.tag === 0x80) : undefined;
  return {
    isCA,
    pathLen: isCA ? pathLen : undefined,
    keyUsageFlags,
    extendedKeyUsage: eku ? readChildren(eku).map((f) => decodeObjectIdentifier(f.contents)) : undefined,
    dnsNames: san ? readChildren(san).filter((f) => f.tag === 0x82).map((f) => Buffer.from(f.contents).toString('latin1')) : [],
    subjectKeyId: ski ? Buffer.from(ski.contents).toString('hex') : undefined,
    authorityKeyId: akiKeyId ? Buffer.from(akiKeyId.contents).toString('hex') : undefined,
  };
}

/** A small non-negative INTEGER's value. */
function integerValue(contents: Uint8Array): number {
  let n = 0;
  for (const b of contents) n = n * 256 + b;
  return n;
}
