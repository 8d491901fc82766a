/**
 * Minimal DER (ASN.1 Distinguished Encoding Rules) writer and reader: just enough to assemble
 * an X.509 TBSCertificate synchronously and to walk the top levels of a parsed one.
 *
 * Internal to `src/identity/`; not re-exported. It exists because the certificate generator of
 * @peculiar/x509 is asynchronous (it signs through WebCrypto), while a cdk8s construct tree is
 * built synchronously. X.509 extensions are in extensions.ts.
 */

/** Universal tags used by X.509. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) {
    return Uint8Array.of(length);
  }
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) {
    bytes.unshift(n % 256);
  }
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** One tag-length-value element; `contents` are concatenated. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concat(contents);
  return concat([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(Tag.SEQUENCE, ...items);
}

export function set(...items: Uint8Array[]): Uint8Array {
  return tlv(Tag.SET, ...items);
}

/** Context-specific, constructed, explicit tag `[n]`. */
export function explicit(n: number, content: Uint8Array): Uint8Array {
  return tlv(0xa0 | n, content);
}

/** A non-negative INTEGER from big-endian magnitude bytes, minimally encoded. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) {
    start++;
  }
  const trimmed = magnitude.length === 0 ? Uint8Array.of(0) : magnitude.subarray(start);
  return trimmed[0] & 0x80 ? tlv(Tag.INTEGER, Uint8Array.of(0), trimmed) : tlv(Tag.INTEGER, trimmed);
}

export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`DER: ${value} is not a small non-negative integer`);
  }
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) {
    bytes.unshift(n % 256);
  }
  return unsignedInteger(Uint8Array.from(bytes.length ? bytes : [0]));
}

export function objectIdentifier(oid: string): Uint8Array {
  const arcs = oid.split('.').map((a) => Number(a));
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0)) {
    throw new Error(`DER: ${oid} is not an object identifier`);
  }
  const bytes: number[] = [];
  const pushArc = (arc: number) => {
    const groups: number[] = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) {
      groups.unshift((n % 128) | 0x80);
    }
    bytes.push(...groups);
  };
  pushArc(arcs[0] * 40 + arcs[1]);
  arcs.slice(2).forEach(pushArc);
  return tlv(Tag.OBJECT_IDENTIFIER, Uint8Array.from(bytes));
}

/** BIT STRING of whole bytes (no unused bits). */
export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(Tag.BIT_STRING, Uint8Array.of(0), bytes);
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A directory string the way Go writes it: PrintableString when possible, else UTF8String. */
export function directoryString(value: string): Uint8Array {
  const bytes = new TextEncoder().encode(value);
  return tlv(PRINTABLE.test(value) ? Tag.PRINTABLE_STRING : Tag.UTF8_STRING, bytes);
}

/**
 * An X.509 Time (RFC 5280 §4.1.2.5): UTCTime for the years 1950 to 2049, GeneralizedTime
 * otherwise, always in whole seconds and UTC.
 */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) {
    throw new Error(`DER: year ${year} cannot be written as an X.509 time`);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}`
    + `${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  const ascii = (s: string) => new TextEncoder().encode(s);
  return year < 2050
    ? tlv(Tag.UTC_TIME, ascii(`${pad(year % 100)}${rest}`))
    : tlv(Tag.GENERALIZED_TIME, ascii(`${year}${rest}`));
}

/** One parsed element; `bytes` is the whole encoding (tag, length and contents). */
export interface DerElement {
  readonly tag: number;
  readonly bytes: Uint8Array;
  readonly contents: Uint8Array;
}

/** Reads the element that starts at `offset`; throws on truncated or indefinite-length input. */
export function readElement(buffer: Uint8Array, offset = 0): DerElement {
  if (offset + 2 > buffer.length) {
    throw new Error('DER: truncated element');
  }
  const tag = buffer[offset];
  if ((tag & 0x1f) === 0x1f) {
    throw new Error('DER: multi-byte tags are not supported');
  }
  let length = buffer[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || offset + 2 + count > buffer.length) {
      throw new Error('DER: bad length');
    }
    length = 0;
    for (let i = 0; i < count; i++) {
      length = length * 256 + buffer[offset + 2 + i];
    }
    header += count;
  }
  const end = offset + header + length;
  if (end > buffer.length) {
    throw new Error('DER: element runs past the end of its container');
  }
  return { tag, bytes: buffer.subarray(offset, end), contents: buffer.subarray(offset + header, end) };
}

/** The elements inside a constructed element (SEQUENCE, SET, explicit tag). */
export function readChildren(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.contents.length;) {
    const child = readElement(element.contents, offset);
    children.push(child);
    offset += child.bytes.length;
  }
  return children;
}

/** Decodes the contents of an OBJECT IDENTIFIER into dotted form. */
export function decodeObjectIdentifier(contents: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of contents) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  if (arcs.length === 0) {
    throw new Error('DER: empty object identifier');
  }
  const first = arcs[0] < 80 ? Math.floor(arcs[0] / 40) : 2;
  return [first, arcs[0] - first * 40, ...arcs.slice(1)].join('.');
}
