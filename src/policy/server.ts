import { Construct, IConstruct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { LinkerdConfigError } from '../errors';
import { DefaultInboundPolicy } from '../proxy';
import * as check from '../validate';
import { lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { LabelSelectorJson, PodSelector, selectorIsEmpty } from './label-selector';
import { resolveRef, ResolvedRef } from './references';
import { DEFAULT_PROXY_ADMIN_PORT, PROXY_ADMIN_PORT_NAME, readWorkload, tcpPorts, WORKLOAD_KINDS, WorkloadInfo } from './workload-info';
import { SERVER_PROPS } from './policy-guards';

/** How the proxy treats a Server's traffic (`spec.proxyProtocol`). */
export enum ProxyProtocol {
  /** Detect HTTP; the CRD default. */
  UNKNOWN = 'unknown',
  HTTP1 = 'HTTP/1',
  HTTP2 = 'HTTP/2',
  GRPC = 'gRPC',
  /** Plain TCP: no HTTP routes, connection-level authorization only. */
  OPAQUE = 'opaque',
  /** TLS the proxy does not terminate: connection-level authorization only. */
  TLS = 'TLS',
}

/** Kubernetes' IANA_SVC_NAME: the form of a named container port. */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

/** A port given as a number or as the name of a container port, validated. */
export function serverPort(scope: IConstruct, field: string, port: number | string): number | string {
  if (typeof port === 'number') return check.port(scope, field, port);
  if (typeof port !== 'string' || !PORT_NAME.test(port)) {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(port)} is neither a port number nor a port name`,
      'use a number from 1 to 65535 or the name of a container port (at most 15 lower-case letters, digits and "-")');
  }
  return port;
}

export interface ServerProps extends PolicyResourceProps {
  /**
   * The workload whose pods serve the port (a cdk8s-plus workload or an ApiObject of a workload
   * kind). The Server selects its pods with the workload's own selector, and the port is checked
   * against its containers when the app is synthesized.
   * @default - give `podSelector`
   */
  readonly workload?: IConstruct;
  /**
   * The pods, by label. Exactly one of `workload` and `podSelector`.
   * @default - give `workload`
   */
  readonly podSelector?: PodSelector;
  /** The port: a number, or the name of a container port (which may select several numbers). */
  readonly port: number | string;
  /** @default - protocol detection (`unknown`) */
  readonly proxyProtocol?: ProxyProtocol;
  /**
   * Who may connect when no authorization admits them (`spec.accessPolicy`).
   * @default - deny: only clients an authorization admits
   */
  readonly accessPolicy?: DefaultInboundPolicy;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedServer = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).Server);

/**
 * `Server` (policy.linkerd.io/v1beta3): a port on a set of pods to which inbound policy applies.
 * Once a Server selects a port, only the clients that an AuthorizationPolicy (or the Server's
 * `accessPolicy`) admits may use it.
 */
export class Server extends PolicyResource {
  /** The port as given. */
  public readonly port: number | string;
  public readonly proxyProtocol?: ProxyProtocol;
  private readonly workloadRef?: ResolvedRef;
  private readonly podSelector?: PodSelector;
  private readonly accessPolicy?: DefaultInboundPolicy;

  public constructor(scope: Construct, id: string, props: ServerProps) {
    const holder: { ref?: ResolvedRef } = {};
    super(scope, id, props, SERVER_PROPS, (s, i, metadata, spec) => new (CheckedServer())(s, i, { metadata, spec }), (self) => {
      if (props.workload === undefined || props.podSelector !== undefined) return undefined;
      holder.ref = resolveRef(self, 'workload', props.workload, WORKLOAD_KINDS);
      return holder.ref.namespace;
    });
    if ((props.workload === undefined) === (props.podSelector === undefined)) {
      throw new LinkerdConfigError(this, 'workload', 'give exactly one of workload and podSelector',
        'pass the workload whose pods serve the port, or a PodSelector');
    }
    this.workloadRef = holder.ref;
    this.podSelector = props.podSelector;
    this.port = serverPort(this, 'port', props.port);
    this.proxyProtocol = props.proxyProtocol === undefined ? undefined
      : check.oneOf(this, 'proxyProtocol', props.proxyProtocol, Object.values(ProxyProtocol));
    this.accessPolicy = props.accessPolicy === undefined ? undefined
      : check.oneOf(this, 'accessPolicy', props.accessPolicy, Object.values(DefaultInboundPolicy));
    this.podSelector?.render(this, 'podSelector');
  }

  /** The workload this Server was made for, read from its current manifest; undefined for a selector-based Server. */
  public workloadInfo(): WorkloadInfo | undefined {
    const manifest = this.workloadRef?.manifest?.();
    return manifest ? readWorkload(manifest) : undefined;
  }

  /** The pod selector as it renders now. */
  public renderSelector(): LabelSelectorJson {
    return this.selectorOf(this.workloadInfo());
  }

  protected renderSpec(): Record<string, any> {
    const w = this.workloadInfo();
    const podSelector = this.selectorOf(w);
    if (w) checkPortDeclared(this, 'port', w, this.port);
    return {
      accessPolicy: this.accessPolicy,
      podSelector,
      port: this.port,
      proxyProtocol: this.proxyProtocol,
    };
  }

  private selectorOf(w: WorkloadInfo | undefined): LabelSelectorJson {
    if (this.podSelector) return this.podSelector.render(this, 'podSelector');
    if (!w) {
      throw new LinkerdConfigError(this, 'workload', `${this.workloadRef!.kind} ${this.workloadRef!.name} has no pod template`,
        'pass a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod');
    }
    if (selectorIsEmpty(w.selector)) {
      throw new LinkerdConfigError(this, 'workload', `${w.kind} ${w.name} has an empty selector`,
        'give the workload a selector, or use podSelector: PodSelector.all() if every pod of the namespace is meant');
    }
    return JSON.parse(JSON.stringify(w.selector));
  }
}

/**
 * Throws when `port` is not a TCP port the workload's containers declare. The proxy's admin port
 * (`linkerd-admin`, 4191) is always accepted: the injector adds it, possibly because of a
 * namespace annotation this workload's manifest does not show.
 */
export function checkPortDeclared(scope: IConstruct, field: string, w: WorkloadInfo, port: number | string): void {
  if (port === PROXY_ADMIN_PORT_NAME || port === DEFAULT_PROXY_ADMIN_PORT) return;
  const named = [...new Set(w.ports.filter((p) => p.protocol === 'TCP' && p.name).map((p) => p.name!))].sort();
  if (typeof port === 'string') {
    if (!named.includes(port)) {
      throw new LinkerdConfigError(scope, field, `${w.kind} ${w.namespace}/${w.name} declares no TCP port named ${JSON.stringify(port)}`
        + ` (named ports: ${named.join(', ') || 'none'})`, 'use one of its port names or a port number, or name the container port');
    }
    return;
  }
  const numbers = tcpPorts(w);
  if (!numbers.includes(port)) {
    throw new LinkerdConfigError(scope, field, `${w.kind} ${w.namespace}/${w.name} declares no TCP container port ${port}`
      + ` (ports: ${numbers.join(', ') || 'none'})`, 'declare the port on a container, or use one of its ports');
  }
}
