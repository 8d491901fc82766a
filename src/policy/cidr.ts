import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';

/**
 * An IPv4 or IPv6 network (or a single address), parsed so that networks can be compared:
 * whether one contains or overlaps another. Used to validate CIDRs where they are given and to
 * evaluate NetworkAuthentications in the policy model.
 */
export class Cidr {
  /**
   * Parses `a.b.c.d/n`, an IPv6 `x::y/n`, or a bare address (a /32 or /128), the forms Linkerd's
   * policy controller accepts. Returns undefined when the text is neither.
   */
  public static tryParse(text: string): Cidr | undefined {
    if (typeof text !== 'string') return undefined;
    const [address, prefix, ...rest] = text.trim().split('/');
    if (rest.length > 0) return undefined;
    const v4 = parseIpv4(address);
    const v6 = v4 === undefined ? parseIpv6(address) : undefined;
    if (v4 === undefined && v6 === undefined) return undefined;
    const family: 4 | 6 = v4 !== undefined ? 4 : 6;
    const bits = family === 4 ? 32 : 128;
    let length = bits;
    if (prefix !== undefined) {
      if (!/^\d{1,3}$/.test(prefix)) return undefined;
      length = Number(prefix);
      if (length > bits) return undefined;
    }
    return new Cidr(family, (v4 ?? v6)!, length, text.trim());
  }

  /**
   * Parses a CIDR given as the prop `field` of `scope`; throws a LinkerdConfigError naming both
   * when it does not parse.
   */
  public static parse(scope: IConstruct | string, field: string, text: string): Cidr {
    const cidr = Cidr.tryParse(text);
    if (!cidr) {
      throw new LinkerdConfigError(scope, field, `${JSON.stringify(text)} is not a CIDR or IP address`,
        'use an address with a prefix length, e.g. "10.0.0.0/8" or "fd00::/8", or a single address');
    }
    return cidr;
  }

  /** Every IPv4 address. */
  public static readonly ALL_IPV4 = Cidr.tryParse('0.0.0.0/0')!;
  /** Every IPv6 address. */
  public static readonly ALL_IPV6 = Cidr.tryParse('::/0')!;

  /** The first address of the network. */
  private readonly first: bigint;
  /** The last address of the network. */
  private readonly last: bigint;

  private constructor(
    /** 4 or 6. */
    public readonly family: 4 | 6,
    address: bigint,
    /** Prefix length. */
    public readonly prefixLength: number,
    /** The text it was parsed from. */
    public readonly text: string,
  ) {
    // Computed once: policy evaluation compares networks many times.
    const host = BigInt((family === 4 ? 32 : 128) - prefixLength);
    this.first = (address >> host) << host;
    this.last = this.first + (1n << host) - 1n;
  }

  /** True when every address of `other` is in this network. */
  public contains(other: Cidr): boolean {
    return this.family === other.family && this.first <= other.first && other.last <= this.last;
  }

  /** True when the two networks share at least one address. */
  public overlaps(other: Cidr): boolean {
    return this.family === other.family && this.first <= other.last && other.first <= this.last;
  }

  /** The canonical text: the network address and prefix length, e.g. `10.0.0.0/8`. */
  public toString(): string {
    const first = this.first;
    if (this.family === 4) {
      const octets = [24, 16, 8, 0].map((s) => Number((first >> BigInt(s)) & 255n));
      return `${octets.join('.')}/${this.prefixLength}`;
    }
    const groups = Array.from({ length: 8 }, (_, i) => Number((first >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
    return `${compressIpv6(groups)}/${this.prefixLength}`;
  }
}

/** A network with excluded sub-networks, the `{cidr, except}` shape of Linkerd's policy resources. */
export interface NetworkBlock {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

/**
 * Validates a `{cidr, except}` list the way Linkerd's admission webhook does: every CIDR parses,
 * every exception lies inside its network and does not cover all of it.
 */
export function parseNetworks(scope: IConstruct | string, field: string,
  networks: ReadonlyArray<{ readonly cidr: string; readonly except?: readonly string[] }>): NetworkBlock[] {
  return networks.map((n, i) => {
    const cidr = Cidr.parse(scope, `${field}[${i}].cidr`, n.cidr);
    const except = (n.except ?? []).map((e, j) => {
      const ex = Cidr.parse(scope, `${field}[${i}].except[${j}]`, e);
      if (ex.contains(cidr)) {
        throw new LinkerdConfigError(scope, `${field}[${i}].except[${j}]`, `${e} excludes all of ${n.cidr}`,
          'remove the network, or exclude a smaller block');
      }
      if (!cidr.contains(ex)) {
        throw new LinkerdConfigError(scope, `${field}[${i}].except[${j}]`, `${e} is not inside ${n.cidr}`,
          'only exclude blocks that lie inside the network');
      }
      return ex;
    });
    return { cidr, except };
  });
}

function parseIpv4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) return undefined;
  return octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length < 2) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === undefined) return undefined;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
        groups.push(parseInt(item, 16));
      }
    }
    return groups;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** RFC 5952 text of eight groups: the longest run (of two or more) of zero groups becomes `::`. */
function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) { best = i; bestLength = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}
