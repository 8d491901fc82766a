import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, instanceOf, is, required } from '../guards';
import * as check from '../validate';
import { EgressNetwork } from './egress-network';
import { resolveRef, ResolvedRef, ServiceRef } from './references';
import { Server } from './server';

/** A route parent as Kubernetes serializes it (Gateway API `ParentReference`). */
export interface ParentRefJson {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
}

/**
 * What a route attaches to: a Server (inbound: the route selects requests to the Server and
 * authorization policies can target it), a Service (outbound: the clients' proxies apply the
 * route, its backends, timeouts and retries), or an EgressNetwork (outbound to the outside).
 */
export class RouteParent {
  /** Inbound: requests to a Server. */
  public static server(server: Server): RouteParent {
    return new RouteParent('server', server);
  }

  /** Outbound: requests clients send to a Service, on one port or on all of them. */
  public static service(service: IConstruct | ServiceRef, port?: number): RouteParent {
    return new RouteParent('service', service, port);
  }

  /** Outbound: requests clients send to destinations of an EgressNetwork on `port`. */
  public static egressNetwork(network: EgressNetwork, port: number): RouteParent {
    return new RouteParent('egress', network, port);
  }

  private constructor(
    /** `server`, `service` or `egress`. */
    public readonly type: 'server' | 'service' | 'egress',
    private readonly target: IConstruct | ServiceRef,
    public readonly port?: number,
  ) {}

  /** @internal */
  public _resolve(scope: IConstruct, field: string): ResolvedParent {
    if (this.port !== undefined) check.port(scope, `${field}.port`, this.port);
    if (this.type === 'server') guardProps(scope, `${field}.server`, this.target, required(instanceOf(Server, 'Server', 'a Server construct')));
    if (this.type === 'egress') guardProps(scope, `${field}.network`, this.target, required(instanceOf(EgressNetwork, 'EgressNetwork', 'an EgressNetwork construct')));
    if (this.type === 'egress' && this.port === undefined) guardProps(scope, `${field}.port`, this.port, required(is.number));
    if (this.type === 'server') {
      const server = this.target as Server;
      return { type: 'server', namespace: server.namespace, ref: { group: 'policy.linkerd.io', kind: 'Server', name: server.name } };
    }
    if (this.type === 'egress') {
      const en = this.target as EgressNetwork;
      return { type: 'egress', namespace: en.namespace, ref: { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: en.name, namespace: en.namespace, port: this.port } };
    }
    const svc = resolveRef(scope, field, this.target, ['Service']);
    return { type: 'service', namespace: svc.namespace, service: svc, ref: { group: 'core', kind: 'Service', name: svc.name, namespace: svc.namespace, port: this.port } };
  }
}

/** @internal */
export interface ResolvedParent {
  readonly type: 'server' | 'service' | 'egress';
  readonly namespace?: string;
  readonly ref: ParentRefJson;
  readonly service?: ResolvedRef;
}

/** Throws when a Service defined in this app does not declare `port`. */
export function checkServicePort(scope: IConstruct, field: string, service: ResolvedRef, port: number | undefined): void {
  if (port === undefined || !service.manifest) return;
  const ports: number[] = (service.manifest().spec?.ports ?? []).map((p: any) => p.port);
  if (!ports.includes(port)) {
    throw new LinkerdConfigError(scope, field, `Service ${service.namespace ? `${service.namespace}/` : ''}${service.name} has no port ${port} (ports: ${ports.join(', ') || 'none'})`,
      'use one of the Service\'s ports');
  }
}
