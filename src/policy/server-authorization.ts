import { Construct, IConstruct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { LinkerdConfigError } from '../errors';
import { compact, lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { parseNetworks } from './cidr';
import { identity } from './identity';
import { LabelSelectorJson, PodSelector } from './label-selector';
import { Network } from './network-authentication';
import { resolveRef, ResolvedRef, ServiceAccountRef } from './references';
import { Server } from './server';
import { SERVER_AUTHORIZATION_PROPS } from './policy-guards';

/** Which clients a ServerAuthorization admits. */
export interface ServerAuthorizationClient {
  /** Admit clients without a mesh identity. Exclusive with the mesh TLS settings. @default false */
  readonly unauthenticated?: boolean;
  /** Admit any client that uses mesh TLS, identified or not. @default false */
  readonly unauthenticatedTls?: boolean;
  /** Mesh identities admitted (exact, `*.suffix`, `*`). @default - none */
  readonly identities?: string[];
  /** ServiceAccounts admitted. @default - none */
  readonly serviceAccounts?: Array<IConstruct | ServiceAccountRef>;
  /** Only from these networks. @default - every network */
  readonly networks?: Network[];
}

export interface ServerAuthorizationProps extends PolicyResourceProps {
  /** The Server, or the labels of the Servers, this applies to. */
  readonly server: Server | PodSelector;
  readonly client: ServerAuthorizationClient;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedServerAuthorization = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).ServerAuthorization);

/**
 * `ServerAuthorization` (policy.linkerd.io/v1beta1): the older way to admit clients to Servers,
 * still honoured. Prefer AuthorizationPolicy, which can also target routes and namespaces.
 * @deprecated use AuthorizationPolicy
 */
export class ServerAuthorization extends PolicyResource {
  private readonly server: Server | PodSelector;
  private readonly client: ServerAuthorizationClient;
  private readonly serviceAccounts: ResolvedRef[];

  public constructor(scope: Construct, id: string, props: ServerAuthorizationProps) {
    super(scope, id, props, SERVER_AUTHORIZATION_PROPS, (s, i, metadata, spec) => new (CheckedServerAuthorization())(s, i, { metadata, spec }),
      () => (props.server instanceof Server ? props.server.namespace : undefined));
    this.server = props.server;
    this.client = props.client;
    const c = props.client;
    (c.identities ?? []).forEach((x, i) => identity(this, `client.identities[${i}]`, x));
    this.serviceAccounts = (c.serviceAccounts ?? []).map((x, i) => resolveRef(this, `client.serviceAccounts[${i}]`, x, ['ServiceAccount']));
    if (c.networks) parseNetworks(this, 'client.networks', c.networks);
    const named = (c.identities ?? []).length + this.serviceAccounts.length;
    if (c.unauthenticated && (named > 0 || c.unauthenticatedTls)) {
      throw new LinkerdConfigError(this, 'client.unauthenticated', 'unauthenticated cannot be combined with mesh TLS settings', 'use two ServerAuthorizations');
    }
    if (c.unauthenticatedTls && named > 0) {
      throw new LinkerdConfigError(this, 'client.unauthenticatedTls', 'unauthenticatedTls cannot be combined with identities or serviceAccounts', 'drop one of them');
    }
    if (!c.unauthenticated && !c.unauthenticatedTls && named === 0) {
      throw new LinkerdConfigError(this, 'client', 'no client is admitted', 'set unauthenticated, unauthenticatedTls, identities or serviceAccounts');
    }
    if (this.server instanceof Server && this.server.namespace !== this.namespace) {
      throw new LinkerdConfigError(this, 'server', `Server ${this.server.name} is in another namespace`, 'create the authorization in the Server\'s namespace');
    }
  }

  protected renderSpec(): Record<string, any> {
    const c = this.client;
    const server: { name?: string; selector?: LabelSelectorJson } = this.server instanceof Server
      ? { name: this.server.name } : { selector: this.server.render(this, 'server') };
    // Keys as the generated class names them (`meshTls`, `unauthenticatedTls`); it writes `meshTLS`, `unauthenticatedTLS`.
    const meshTls = c.unauthenticated ? undefined : compact({
      unauthenticatedTls: c.unauthenticatedTls ? true : undefined,
      identities: c.identities?.length ? [...c.identities] : undefined,
      serviceAccounts: this.serviceAccounts.length
        ? this.serviceAccounts.map((r) => compact({ name: r.name, namespace: r.namespace !== this.namespace ? r.namespace : undefined })) : undefined,
    });
    return {
      client: compact({
        meshTls,
        networks: c.networks?.map((n) => (n.except?.length ? { cidr: n.cidr, except: [...n.except] } : { cidr: n.cidr })),
        unauthenticated: c.unauthenticated ? true : undefined,
      }),
      server,
    };
  }
}
