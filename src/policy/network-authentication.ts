import { Construct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { LinkerdConfigError } from '../errors';
import { lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { parseNetworks } from './cidr';
import { NETWORK_AUTHENTICATION_PROPS } from './policy-guards';

/** A network, optionally minus some blocks inside it. */
export interface Network {
  /** A CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address. */
  readonly cidr: string;
  /** Blocks inside `cidr` that are not part of the network. @default - none */
  readonly except?: string[];
}

export interface NetworkAuthenticationProps extends PolicyResourceProps {
  /** The client networks; at least one. */
  readonly networks: Network[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedNetworkAuthentication = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).NetworkAuthentication);

/** `NetworkAuthentication` (policy.linkerd.io/v1alpha1): clients identified by their source network. */
export class NetworkAuthentication extends PolicyResource {
  private readonly networks: Network[];

  public constructor(scope: Construct, id: string, props: NetworkAuthenticationProps) {
    super(scope, id, props, NETWORK_AUTHENTICATION_PROPS, (s, i, metadata, spec) => new (CheckedNetworkAuthentication())(s, i, { metadata, spec }));
    if (!props.networks || props.networks.length === 0) {
      throw new LinkerdConfigError(this, 'networks', 'no network is given', 'list at least one network, e.g. { cidr: "10.0.0.0/8" }');
    }
    parseNetworks(this, 'networks', props.networks);
    this.networks = props.networks.map((n) => ({ cidr: n.cidr, except: n.except?.length ? [...n.except] : undefined }));
  }

  protected renderSpec(): Record<string, any> {
    return { networks: this.networks.map((n) => (n.except ? { cidr: n.cidr, except: n.except } : { cidr: n.cidr })) };
  }
}
