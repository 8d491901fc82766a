import { Construct } from 'constructs';
import { CheckedApiObject } from './base';
import { HttpRouteRule, renderHttpRules } from './http-route-rule';
import { RouteBase, RouteProps } from './route-base';
import { GATEWAY_HTTP_ROUTE_PROPS } from './policy-guards';

export interface GatewayHttpRouteProps extends RouteProps {
  /** @default - one rule matching every request */
  readonly rules?: HttpRouteRule[];
}

/** apiVersion of the Gateway API routes this library emits (served by Gateway API v1.1.1 and later). */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

/**
 * `HTTPRoute` (gateway.networking.k8s.io/v1): the Gateway API route, which Linkerd reads like its
 * own. It needs the Gateway API CRDs in the cluster, from `LinkerdCrds` with
 * `gatewayApi: GatewayApiCrds.bundled()` or from a separate Gateway API install (v1.1.1 or later).
 */
export class GatewayHttpRoute extends RouteBase {
  private readonly rules: HttpRouteRule[];

  public constructor(scope: Construct, id: string, props: GatewayHttpRouteProps) {
    super(scope, id, props, GATEWAY_HTTP_ROUTE_PROPS, (s, i, metadata, spec) => new CheckedApiObject(s, i, { apiVersion: GATEWAY_API_VERSION, kind: 'HTTPRoute', metadata, spec }));
    this.rules = [...(props.rules ?? [])];
    this.renderRules();
  }

  protected renderRules() {
    return renderHttpRules(this, 'rules', this.rules, {
      ruleFilters: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect'],
      timeouts: true,
    });
  }

}
