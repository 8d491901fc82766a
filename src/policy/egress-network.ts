import { Construct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { LinkerdConfigError } from '../errors';
import * as check from '../validate';
import { lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { parseNetworks } from './cidr';
import { Network } from './network-authentication';
import { EGRESS_NETWORK_PROPS } from './policy-guards';

/** What happens to egress traffic no route of the EgressNetwork matches. */
export enum EgressTrafficPolicy {
  ALLOW = 'Allow',
  DENY = 'Deny',
}

export interface EgressNetworkProps extends PolicyResourceProps {
  /** Traffic to these networks that no route matches is allowed or denied. */
  readonly trafficPolicy: EgressTrafficPolicy;
  /**
   * The destinations outside the cluster.
   * @default - every address outside the cluster networks
   */
  readonly networks?: Network[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedEgressNetwork = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).EgressNetwork);

/**
 * `EgressNetwork` (policy.linkerd.io/v1alpha1): destinations outside the cluster that meshed
 * clients may reach. Routes whose parent is the EgressNetwork (with a port) allow or reroute
 * chosen traffic; `trafficPolicy` decides the rest. In the global egress namespace (`linkerd-egress`
 * by default) it applies to every namespace, elsewhere only to its own.
 */
export class EgressNetwork extends PolicyResource {
  public readonly trafficPolicy: EgressTrafficPolicy;
  private readonly networks?: Network[];

  public constructor(scope: Construct, id: string, props: EgressNetworkProps) {
    super(scope, id, props, EGRESS_NETWORK_PROPS, (s, i, metadata, spec) => new (CheckedEgressNetwork())(s, i, { metadata, spec }));
    this.trafficPolicy = check.oneOf(this, 'trafficPolicy', props.trafficPolicy, Object.values(EgressTrafficPolicy));
    if (props.networks !== undefined) {
      if (props.networks.length === 0) {
        throw new LinkerdConfigError(this, 'networks', 'the list is empty', 'list at least one network, or leave networks unset for everything outside the cluster');
      }
      parseNetworks(this, 'networks', props.networks);
      this.networks = props.networks.map((n) => ({ cidr: n.cidr, except: n.except?.length ? [...n.except] : undefined }));
    }
  }

  protected renderSpec(): Record<string, any> {
    return {
      networks: this.networks?.map((n) => (n.except ? { cidr: n.cidr, except: n.except } : { cidr: n.cidr })),
      trafficPolicy: this.trafficPolicy,
    };
  }
}
