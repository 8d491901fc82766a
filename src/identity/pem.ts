import { createHash } from 'node:crypto';

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block of a PEM text, decoded. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE`, `EC PRIVATE KEY`, `PRIVATE KEY`. */
  readonly label: string;
  /** The DER bytes of the block. */
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The PEM blocks of `text`, in order. Text between blocks is ignored, as Go's `pem.Decode` and
 * OpenSSL ignore it. Throws a plain Error (callers wrap it in a LinkerdConfigError naming the
 * field) for a block that is not terminated, whose END label differs from its BEGIN label, that
 * carries headers (an encrypted key) or that is not valid base64.
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, label, body, endLabel] = match;
    const ordinal = blocks.length + 1;
    if (label !== endLabel) {
      throw new Error(`PEM block ${ordinal} begins as "${label}" but ends as "${endLabel}"`);
    }
    if (body.includes(':')) {
      throw new Error(`PEM block ${ordinal} ("${label}") has headers, e.g. an encrypted key; only unencrypted PEM is supported`);
    }
    const base64 = body.replace(/\s+/g, '');
    if (!BASE64.test(base64) || base64.length % 4 !== 0) {
      throw new Error(`PEM block ${ordinal} ("${label}") is not valid base64`);
    }
    blocks.push({ label, der: new Uint8Array(Buffer.from(base64, 'base64')) });
  }
  const begins = text.match(/-----BEGIN [^-]*-----/g)?.length ?? 0;
  if (begins !== blocks.length) {
    throw new Error(`found ${begins} "-----BEGIN" lines but only ${blocks.length} complete PEM blocks`);
  }
  return blocks;
}

/** PEM text of one block: base64 in lines of 64 characters, ending in a newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Hex sha256 of the UTF-8 bytes of `text`, exactly as given. This is how the chart computes
 * `linkerd.io/trust-root-sha256` from `identityTrustAnchorsPEM`: byte for byte, so a trailing
 * newline changes the value.
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
