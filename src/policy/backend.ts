import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import * as check from '../validate';
import { EgressNetwork } from './egress-network';
import { resolveRef, ResolvedRef, ServiceRef } from './references';

/** Where a route sends the requests of a rule, and how much of them. */
export class Backend {
  /**
   * A Service port. `weight` is this backend's share among the rule's backends (0 sends it
   * nothing, e.g. a canary that is switched off).
   */
  public static service(service: IConstruct | ServiceRef, options: { readonly port: number; readonly weight?: number }): Backend {
    return new Backend('service', service, options.port, options.weight);
  }

  /** The original destination of an EgressNetwork (the address the client asked for). */
  public static egressNetwork(network: EgressNetwork, options: { readonly port?: number; readonly weight?: number } = {}): Backend {
    return new Backend('egress', network, options.port, options.weight);
  }

  private constructor(
    private readonly type: 'service' | 'egress',
    private readonly target: IConstruct | ServiceRef,
    public readonly port?: number,
    /** @default 1 */
    public readonly weight?: number,
  ) {}

  /** @internal */
  public _resolve(scope: IConstruct, field: string): ResolvedBackend {
    if (this.port !== undefined) check.port(scope, `${field}.port`, this.port);
    if (this.weight !== undefined && (!Number.isInteger(this.weight) || this.weight < 0 || this.weight > 1_000_000)) {
      throw new LinkerdConfigError(scope, `${field}.weight`, `${this.weight} is not a weight`, 'use a whole number from 0 to 1000000');
    }
    if (this.type === 'egress') {
      const en = this.target as EgressNetwork;
      return { ref: { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: en.name, namespace: en.namespace, port: this.port, weight: this.weight } };
    }
    if (this.port === undefined) {
      throw new LinkerdConfigError(scope, `${field}.port`, 'a Service backend needs a port', 'give the Service port to send to');
    }
    const service = resolveRef(scope, field, this.target, ['Service']);
    return { service, ref: { name: service.name, namespace: service.namespace, port: this.port, weight: this.weight } };
  }
}

/** @internal */
export interface ResolvedBackend {
  readonly ref: { group?: string; kind?: string; name: string; namespace?: string; port?: number; weight?: number };
  readonly service?: ResolvedRef;
}
