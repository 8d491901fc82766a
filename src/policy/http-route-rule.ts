import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { Backend, ResolvedBackend } from './backend';
import { gatewayDuration } from './duration-text';
import { HttpFilter } from './http-filter';
import { HttpMatchJson, HttpRouteMatch, matchKey } from './route-match';

/** Per-rule timeouts (Gateway API `HTTPRouteTimeouts`). */
export interface HttpRuleTimeouts {
  /** The whole request, retries included. @default - none */
  readonly request?: Duration;
  /** Each request to a backend; at most `request`. @default - none */
  readonly backendRequest?: Duration;
}

/** One rule of an HTTP route: which requests, what to do with them, where to send them. */
export interface HttpRouteRule {
  /** The rule applies to requests matching any of these. @default - every request */
  readonly matches?: HttpRouteMatch[];
  /**
   * Where to send the requests, with weights for canaries and traffic splits.
   * @default - the parent itself (the Server's pods, the Service, the original destination)
   */
  readonly backends?: Backend[];
  /** @default - none */
  readonly filters?: HttpFilter[];
  /** @default - none */
  readonly timeouts?: HttpRuleTimeouts;
}

/** What a route kind supports. */
export interface HttpRuleFlavor {
  readonly ruleFilters: readonly string[];
  readonly timeouts: boolean;
}

/** Rules rendered, with the Service backends to check once their manifests are final. */
export interface RenderedRules {
  readonly rules: Array<Record<string, any>>;
  readonly backends: Array<{ field: string; backend: ResolvedBackend }>;
  readonly matches: HttpMatchJson[];
}

/**
 * Renders and validates HTTP rules: two matches that select the same requests conflict (only one
 * rule could ever win), a rule whose backends all weigh 0 would fail every request, and a backend
 * timeout longer than the request timeout could never apply.
 */
export function renderHttpRules(scope: IConstruct, field: string, rules: readonly HttpRouteRule[], flavor: HttpRuleFlavor): RenderedRules {
  if (rules.length > 16) throw new LinkerdConfigError(scope, field, `${rules.length} rules`, 'use at most 16 rules per route');
  const seen = new Map<string, string>();
  const backends: RenderedRules['backends'] = [];
  const allMatches: HttpMatchJson[] = [];
  const out = rules.map((rule, i) => {
    const f = `${field}[${i}]`;
    const matches = (rule.matches ?? []).map((m, j) => m.render(scope, `${f}.matches[${j}]`));
    if (matches.length > 8) throw new LinkerdConfigError(scope, `${f}.matches`, `${matches.length} matches`, 'use at most 8 matches per rule');
    const keyed = matches.length > 0 ? matches : [{ path: { type: 'PathPrefix', value: '/' } }];
    keyed.forEach((m, j) => {
      const key = matchKey(m);
      const where = `${f}.matches[${j}]`;
      const prior = seen.get(key);
      if (prior) {
        throw new LinkerdConfigError(scope, where, `it matches the same requests as ${prior} (${key}), so one of the two rules could never apply`,
          'merge the two rules, or make the matches differ');
      }
      seen.set(key, where);
    });
    allMatches.push(...keyed);
    const resolved = (rule.backends ?? []).map((b, j) => {
      const r = b._resolve(scope, `${f}.backends[${j}]`);
      backends.push({ field: `${f}.backends[${j}]`, backend: r });
      return r;
    });
    if (resolved.length > 0 && resolved.reduce((sum, b) => sum + (b.ref.weight ?? 1), 0) === 0) {
      throw new LinkerdConfigError(scope, `${f}.backends`, 'every backend has weight 0, so every request would fail',
        'give at least one backend a positive weight, or remove the rule');
    }
    if (resolved.length > 16) throw new LinkerdConfigError(scope, `${f}.backends`, `${resolved.length} backends`, 'use at most 16 backends');
    const filters = (rule.filters ?? []).map((x, j) => x._render(scope, `${f}.filters[${j}]`, flavor.ruleFilters));
    let timeouts: Record<string, string> | undefined;
    if (rule.timeouts) {
      if (!flavor.timeouts) throw new LinkerdConfigError(scope, `${f}.timeouts`, 'this route kind has no rule timeouts', 'use the timeout annotations (timeouts prop) instead');
      const t = rule.timeouts;
      timeouts = {};
      if (t.backendRequest) timeouts.backendRequest = gatewayDuration(scope, `${f}.timeouts.backendRequest`, t.backendRequest);
      if (t.request) timeouts.request = gatewayDuration(scope, `${f}.timeouts.request`, t.request);
      if (t.request && t.backendRequest && t.backendRequest.toMilliseconds() > t.request.toMilliseconds()) {
        throw new LinkerdConfigError(scope, `${f}.timeouts.backendRequest`, 'backendRequest is longer than request', 'make backendRequest at most request');
      }
      if (Object.keys(timeouts).length === 0) timeouts = undefined;
    }
    return defined({
      backendRefs: resolved.length ? resolved.map((b) => defined(b.ref)) : undefined,
      filters: filters.length ? filters : undefined,
      matches: matches.length ? matches.map((m) => defined(m as Record<string, any>)) : undefined,
      timeouts,
    });
  });
  return { rules: out, backends, matches: allMatches };
}

function defined<T extends Record<string, any>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
