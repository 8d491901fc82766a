import { Construct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { lazyChecked } from './base';
import { HttpRouteRule, renderHttpRules } from './http-route-rule';
import { RouteBase, RouteProps } from './route-base';
import { HTTP_ROUTE_PROPS } from './policy-guards';

export interface HttpRouteProps extends RouteProps {
  /** @default - one rule matching every request */
  readonly rules?: HttpRouteRule[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedHttpRoute = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).HttpRoute);

/**
 * `HTTPRoute` (policy.linkerd.io/v1beta3): Linkerd's own HTTPRoute, usable without the Gateway
 * API CRDs. Attached to a Server it splits the Server's traffic into routes that authorization
 * policies can target (and requests matching no route are refused with 404); attached to a
 * Service it configures clients: backends with weights, timeouts and retries.
 */
export class HttpRoute extends RouteBase {
  private readonly rules: HttpRouteRule[];

  public constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id, props, HTTP_ROUTE_PROPS, (s, i, metadata, spec) => new (CheckedHttpRoute())(s, i, { metadata, spec }));
    this.rules = [...(props.rules ?? [])];
    this.renderRules();
  }

  protected renderRules() {
    return renderHttpRules(this, 'rules', this.rules, { ruleFilters: ['RequestHeaderModifier', 'RequestRedirect'], timeouts: true });
  }

}
