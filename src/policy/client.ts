import { createHash } from 'node:crypto';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { parseNetworks } from './cidr';
import { identity } from './identity';
import { Network } from './network-authentication';
import { NamespaceRef, resolveRef, ResolvedRef, ServiceAccountRef } from './references';
import { WORKLOAD_KINDS } from './workload-info';

/** How a client proves who it is. */
type ClientIdentity =
  | { kind: 'workloads'; refs: IConstruct[] }
  | { kind: 'serviceAccounts'; refs: Array<IConstruct | ServiceAccountRef> }
  | { kind: 'namespaces'; refs: Array<IConstruct | NamespaceRef> }
  | { kind: 'identities'; ids: string[] };

/** A client resolved against the construct that uses it. @internal */
export interface ResolvedClient {
  /** Equal keys mean the same clients. */
  readonly key: string;
  /** A DNS-label-safe name part: `web`, `ns-monitoring`, `net-10.0.0.0-8`. */
  readonly label: string;
  readonly identity?: ClientIdentity & { resolved: ResolvedRef[] };
  readonly networks?: Network[];
}

/**
 * Who may connect, in the words of the domain: a workload (by its ServiceAccount's mesh identity),
 * ServiceAccounts, every meshed pod of a namespace, any meshed client, named identities, or
 * unauthenticated clients from a network. `onlyFrom` narrows any of them to source networks.
 */
export class Client {
  /**
   * The pods of a workload (a cdk8s-plus workload or an ApiObject): their ServiceAccount is read
   * at synth. Identities are per ServiceAccount, so this admits every pod that runs as the same
   * account; give each workload its own (not `default`) to tell them apart.
   */
  public static workload(workload: IConstruct): Client {
    return new Client({ kind: 'workloads', refs: [workload] });
  }

  /** Pods running as these ServiceAccounts (cdk8s-plus ServiceAccounts, ApiObjects or `ServiceAccountRef.fromName`). */
  public static meshTls(...serviceAccounts: Array<IConstruct | ServiceAccountRef>): Client {
    return new Client({ kind: 'serviceAccounts', refs: serviceAccounts });
  }

  /** Every meshed pod of a namespace. */
  public static namespace(namespace: IConstruct | NamespaceRef | string): Client {
    return new Client({ kind: 'namespaces', refs: [typeof namespace === 'string' ? NamespaceRef.fromName(namespace) : namespace] });
  }

  /** Any meshed client, of this cluster or another (mesh identity `*`). */
  public static anyAuthenticated(): Client {
    return new Client({ kind: 'identities', ids: ['*'] });
  }

  /** Mesh identities by name (exact, `*.<suffix>`, or SPIFFE IDs). */
  public static identities(...ids: string[]): Client {
    return new Client({ kind: 'identities', ids });
  }

  /** Any client, meshed or not, connecting from a network (`10.0.0.0/8`, `fd00::/8`, or an address). */
  public static network(cidr: string, options: { readonly except?: string[] } = {}): Client {
    return new Client(undefined, [{ cidr, except: options.except }]);
  }

  /** Any client from anywhere, without identity (`0.0.0.0/0` and `::/0`). */
  public static anyone(): Client {
    return new Client(undefined, [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]);
  }

  private constructor(private readonly identity?: ClientIdentity, private readonly networks?: Network[]) {}

  /** The same clients, but only when they connect from one of these networks. */
  public onlyFrom(...cidrs: string[]): Client {
    return new Client(this.identity, [...(this.networks ?? []), ...cidrs.map((cidr) => ({ cidr }))]);
  }

  /** @internal */
  public _resolve(scope: IConstruct, field: string): ResolvedClient {
    if (this.networks) parseNetworks(scope, `${field}.networks`, this.networks);
    const netLabel = this.networks ? this.networks.map((n) => n.cidr).join('-') : undefined;
    const netKey = this.networks ? JSON.stringify(this.networks.map((n) => [n.cidr, n.except ?? []])) : '';
    if (!this.identity) {
      const label = netLabel === '0.0.0.0/0-::/0' ? 'anyone' : `net-${netLabel}`;
      return { key: `net:${netKey}`, label: dnsNamePart(label), networks: this.networks };
    }
    const id = this.identity;
    let resolved: ResolvedRef[] = [];
    let label: string;
    switch (id.kind) {
      case 'workloads':
        resolved = id.refs.map((r) => resolveRef(scope, `${field}.workload`, r, WORKLOAD_KINDS));
        label = resolved.map((r) => r.name).join('-');
        break;
      case 'serviceAccounts':
        if (id.refs.length === 0) throw new LinkerdConfigError(scope, field, 'no ServiceAccount is given', 'pass at least one ServiceAccount');
        resolved = id.refs.map((r, i) => resolveRef(scope, `${field}.serviceAccounts[${i}]`, r, ['ServiceAccount']));
        label = `sa-${resolved.map((r) => r.name).join('-')}`;
        break;
      case 'namespaces':
        resolved = id.refs.map((r) => resolveRef(scope, `${field}.namespace`, r, ['Namespace']));
        label = `ns-${resolved.map((r) => r.name).join('-')}`;
        break;
      default:
        if (id.ids.length === 0) throw new LinkerdConfigError(scope, field, 'no identity is given', 'pass at least one identity');
        id.ids.forEach((x, i) => identity(scope, `${field}.identities[${i}]`, x));
        label = id.ids.length === 1 && id.ids[0] === '*' ? 'authenticated' : `id-${hash(id.ids.join(','))}`;
    }
    const key = `${id.kind}:${id.kind === 'identities' ? id.ids.join(',') : resolved.map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}`).join(',')}|${netKey}`;
    return {
      key,
      label: dnsNamePart(netLabel ? `${label}-via-${netLabel}` : label),
      identity: { ...id, resolved },
      networks: this.networks,
    };
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Makes a name part of lower-case letters, digits, '-' and '.', without leading or trailing punctuation. */
export function dnsNamePart(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/-+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return s.length > 40 ? `${s.slice(0, 31).replace(/[-.]+$/, '')}-${hash(s)}` : s || 'x';
}
