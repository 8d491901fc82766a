import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, required } from '../guards';
import { Backend } from './backend';
import { PolicyResourceProps } from './base';
import { GatewayHttpRoute } from './gateway-http-route';
import { HttpRoute } from './http-route';
import { ServiceRef } from './references';
import { RetryProps } from './retry';
import { HttpRouteMatch } from './route-match';
import { RouteParent } from './route-parent';
import { TRAFFIC_SPLIT_PROPS } from './policy-guards';
import { TimeoutProps } from './timeouts';

/** One destination of a split and its share. */
export interface SplitBackend {
  readonly service: IConstruct | ServiceRef;
  /** Relative share, 0 to 1000000; 0 takes the backend out without removing it. */
  readonly weight: number;
  /** @default - the split's port */
  readonly port?: number;
}

export interface TrafficSplitProps extends PolicyResourceProps {
  /** The Service clients call (the apex). */
  readonly service: IConstruct | ServiceRef;
  /** The apex Service port the split applies to. */
  readonly port: number;
  /** The destinations and their weights; at least one weight must be positive. */
  readonly backends: SplitBackend[];
  /** Only split these requests; others go to the apex as usual. @default - every request */
  readonly matches?: HttpRouteMatch[];
  /** @default - none */
  readonly retry?: RetryProps;
  /** @default - none */
  readonly timeouts?: TimeoutProps;
  /**
   * Emit a Gateway API HTTPRoute instead of Linkerd's own (needs the Gateway API CRDs).
   * @default false
   */
  readonly gatewayApi?: boolean;
}

/**
 * Weighted traffic to a Service: a canary (`v1: 90, v2: 10`), a blue/green switch, or a
 * migration. Clients keep calling the apex Service; their proxies send each request to one of the
 * backends in proportion to the weights. Rendered as an HTTPRoute whose parent is the apex.
 */
export class TrafficSplit extends Construct {
  /** The route that carries the split. */
  public readonly route: HttpRoute | GatewayHttpRoute;

  public constructor(scope: Construct, id: string, props: TrafficSplitProps) {
    super(scope, id);
    guardProps(this, '', props, required(TRAFFIC_SPLIT_PROPS));
    if (!props.backends?.length) {
      throw new LinkerdConfigError(this, 'backends', 'no backend is given', 'list at least one backend');
    }
    if (props.backends.every((b) => b.weight === 0)) {
      throw new LinkerdConfigError(this, 'backends', 'every backend has weight 0, so every request would fail',
        'give at least one backend a positive weight');
    }
    const routeProps = {
      metadata: props.metadata,
      parents: [RouteParent.service(props.service, props.port)],
      retry: props.retry,
      timeouts: props.timeouts,
      rules: [{
        matches: props.matches,
        backends: props.backends.map((b) => Backend.service(b.service, { port: b.port ?? props.port, weight: b.weight })),
      }],
    };
    this.route = props.gatewayApi ? new GatewayHttpRoute(this, 'Route', routeProps) : new HttpRoute(this, 'Route', routeProps);
  }
}
