import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';

/** A port, or an inclusive range of ports, as proxy-init and the CNI plugin skip them. */
export class PortRange {
  /** One port. */
  public static of(port: number): PortRange {
    return new PortRange(port, port);
  }

  /** Every port from `from` to `to`, both included. */
  public static between(from: number, to: number): PortRange {
    return new PortRange(from, to);
  }

  private constructor(
    /** First port of the range. */
    public readonly from: number,
    /** Last port of the range (equal to `from` for one port). */
    public readonly to: number,
  ) {}

  /** `8080` or `8100-8102`, as Linkerd writes port lists; fails on ports outside 1–65535 or a reversed range. */
  public render(scope: IConstruct | string, field: string): string {
    const valid = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
    if (!valid(this.from) || !valid(this.to) || this.to < this.from) {
      throw new LinkerdConfigError(scope, field, `${this.from === this.to ? this.from : `${this.from}-${this.to}`} is not a port or port range`,
        'use ports from 1 to 65535: PortRange.of(port) or PortRange.between(from, to) with from <= to');
    }
    return this.from === this.to ? String(this.from) : `${this.from}-${this.to}`;
  }
}
