import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, instanceOf, is, required, union } from '../guards';
import * as check from '../validate';
import { EgressNetwork } from './egress-network';
import { BACKEND_OPTIONS } from './policy-guards';
import { resolveRef, ResolvedRef, ServiceRef } from './references';

/** Where a route sends the requests of a rule, and how much of them. */
export class Backend {
  /**
   * A Service port. `weight` is this backend's share among the rule's backends (0 sends it
   * nothing, e.g. a canary that is switched off).
   */
  public static service(service: IConstruct | ServiceRef, options: { readonly port: number; readonly weight?: number }): Backend {
    return new Backend('service', service, options);
  }

  /** The original destination of an EgressNetwork (the address the client asked for). */
  public static egressNetwork(network: EgressNetwork, options: { readonly port?: number; readonly weight?: number } = {}): Backend {
    return new Backend('egress', network, options);
  }

  private constructor(
    private readonly type: 'service' | 'egress',
    private readonly target: IConstruct | ServiceRef,
    private readonly options: { readonly port?: number; readonly weight?: number },
  ) {}

  /** The port, as given. */
  public get port(): number | undefined {
    return this.options?.port;
  }

  /** The weight, as given. @default 1 */
  public get weight(): number | undefined {
    return this.options?.weight;
  }

  /** @internal */
  public _resolve(scope: IConstruct, field: string): ResolvedBackend {
    guardProps(scope, field, this.options, this.type === 'service' ? required(BACKEND_OPTIONS) : BACKEND_OPTIONS);
    if (this.type === 'egress') guardProps(scope, `${field}.network`, this.target, required(instanceOf(EgressNetwork, 'EgressNetwork', 'an EgressNetwork construct')));
    else guardProps(scope, `${field}.service`, this.target, required(union(is.construct, instanceOf(ServiceRef, 'ServiceRef', 'ServiceRef.fromName(name, namespace)'))));
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
