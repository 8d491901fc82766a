import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { arrayOf, guardProps, is } from '../guards';
import { Backend } from './backend';
import { CheckedApiObject } from './base';
import { GATEWAY_API_VERSION } from './gateway-http-route';
import { HttpFilter } from './http-filter';
import { RouteBase, RouteProps } from './route-base';
import { ValueMatch, ValueMatchType } from './route-match';
import { GATEWAY_GRPC_ROUTE_PROPS, VALUE_MATCH } from './policy-guards';

const SERVICE_NAME = /^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$/;
const METHOD_NAME = /^[A-Za-z_][A-Za-z_0-9]*$/;

/** Which gRPC calls a rule applies to. */
export class GrpcRouteMatch {
  /** One method of a service (`pkg.Service`, `Method`), or every method of it. */
  public static method(service: string, method?: string, headers: ValueMatch[] = []): GrpcRouteMatch {
    return new GrpcRouteMatch(service, method, headers);
  }

  /** Calls carrying these headers, to any method. */
  public static headers(headers: ValueMatch[]): GrpcRouteMatch {
    return new GrpcRouteMatch(undefined, undefined, headers);
  }

  private constructor(private readonly service: string | undefined, private readonly methodName: string | undefined, private readonly headerMatches: ValueMatch[]) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): { json: Record<string, any>; key: string } {
    guardProps(scope, `${field}.method.service`, this.service, is.string);
    guardProps(scope, `${field}.method.method`, this.methodName, is.string);
    guardProps(scope, `${field}.headers`, this.headerMatches, arrayOf(VALUE_MATCH));
    if (this.service !== undefined && !SERVICE_NAME.test(this.service)) {
      throw new LinkerdConfigError(scope, `${field}.method.service`, `${JSON.stringify(this.service)} is not a gRPC service name`, 'use e.g. "pkg.Service"');
    }
    if (this.methodName !== undefined && !METHOD_NAME.test(this.methodName)) {
      throw new LinkerdConfigError(scope, `${field}.method.method`, `${JSON.stringify(this.methodName)} is not a gRPC method name`, 'use e.g. "GetUser"');
    }
    if (this.service === undefined && this.methodName === undefined && this.headerMatches.length === 0) {
      throw new LinkerdConfigError(scope, field, 'the match is empty', 'give a service, a method or headers');
    }
    const headers = this.headerMatches.map((h) => ({ name: h.name, type: h.type ?? ValueMatchType.EXACT, value: h.value }));
    const method = this.service || this.methodName ? Object.fromEntries(Object.entries({ method: this.methodName, service: this.service, type: 'Exact' }).filter(([, v]) => v !== undefined)) : undefined;
    const json = Object.fromEntries(Object.entries({ headers: headers.length ? headers : undefined, method }).filter(([, v]) => v !== undefined));
    const key = `${this.service ?? '*'}/${this.methodName ?? '*'} [${headers.map((h) => `${h.name.toLowerCase()}=${h.value}`).sort().join('&')}]`;
    return { json, key };
  }
}

/** One rule of a gRPC route. */
export interface GrpcRouteRule {
  /** @default - every call */
  readonly matches?: GrpcRouteMatch[];
  /** @default - the parent itself */
  readonly backends?: Backend[];
  /** Header changes. @default - none */
  readonly filters?: HttpFilter[];
}

export interface GatewayGrpcRouteProps extends RouteProps {
  /** @default - one rule matching every call */
  readonly rules?: GrpcRouteRule[];
}

/**
 * `GRPCRoute` (gateway.networking.k8s.io/v1): routes gRPC calls by service and method. Needs the
 * Gateway API CRDs (v1.1.1 or later) in the cluster.
 */
export class GatewayGrpcRoute extends RouteBase {
  private readonly rules: GrpcRouteRule[];

  public constructor(scope: Construct, id: string, props: GatewayGrpcRouteProps) {
    super(scope, id, props, GATEWAY_GRPC_ROUTE_PROPS, (s, i, metadata, spec) => new CheckedApiObject(s, i, { apiVersion: GATEWAY_API_VERSION, kind: 'GRPCRoute', metadata, spec }));
    if ((props.retry?.http ?? []).length > 0) {
      throw new LinkerdConfigError(this, 'retry.http', 'a gRPC route retries on gRPC statuses', 'use retry.grpc');
    }
    this.rules = [...(props.rules ?? [])];
    this.renderRules();
  }

  protected renderRules() {
    const seen = new Map<string, string>();
    const backends: Array<{ field: string; backend: any }> = [];
    const rules = this.rules.map((rule, i) => {
      const f = `rules[${i}]`;
      const matches = (rule.matches ?? []).map((m, j) => {
        const r = m._render(this, `${f}.matches[${j}]`);
        const prior = seen.get(r.key);
        if (prior) {
          throw new LinkerdConfigError(this, `${f}.matches[${j}]`, `it matches the same calls as ${prior}, so one of the two rules could never apply`, 'merge the rules or make the matches differ');
        }
        seen.set(r.key, `${f}.matches[${j}]`);
        return r.json;
      });
      const resolved = (rule.backends ?? []).map((b, j) => {
        const r = b._resolve(this, `${f}.backends[${j}]`);
        backends.push({ field: `${f}.backends[${j}]`, backend: r });
        return r;
      });
      if (resolved.length > 0 && resolved.reduce((sum, b) => sum + (b.ref.weight ?? 1), 0) === 0) {
        throw new LinkerdConfigError(this, `${f}.backends`, 'every backend has weight 0, so every call would fail', 'give at least one backend a positive weight');
      }
      const filters = (rule.filters ?? []).map((x, j) => x._render(this, `${f}.filters[${j}]`, ['RequestHeaderModifier', 'ResponseHeaderModifier']));
      return Object.fromEntries(Object.entries({
        backendRefs: resolved.length ? resolved.map((b) => Object.fromEntries(Object.entries(b.ref).filter(([, v]) => v !== undefined))) : undefined,
        filters: filters.length ? filters : undefined,
        matches: matches.length ? matches : undefined,
      }).filter(([, v]) => v !== undefined));
    });
    return { rules, backends };
  }

}
