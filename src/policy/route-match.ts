import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, is, required } from '../guards';
import { HTTP_ROUTE_MATCH_OPTIONS } from './policy-guards';

/** HTTP methods a route can match. */
export enum HttpMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  DELETE = 'DELETE',
  CONNECT = 'CONNECT',
  OPTIONS = 'OPTIONS',
  TRACE = 'TRACE',
  PATCH = 'PATCH',
}

/** How a header or query parameter value is compared. */
export enum ValueMatchType {
  EXACT = 'Exact',
  REGULAR_EXPRESSION = 'RegularExpression',
}

/** A header or query parameter a request must carry. */
export interface ValueMatch {
  readonly name: string;
  readonly value: string;
  /** @default ValueMatchType.EXACT */
  readonly type?: ValueMatchType;
}

export interface HttpRouteMatchOptions {
  /** @default - any method */
  readonly method?: HttpMethod;
  /** @default - none */
  readonly headers?: ValueMatch[];
  /** @default - none */
  readonly queryParams?: ValueMatch[];
}

/** A route match as Kubernetes serializes it (Gateway API `HTTPRouteMatch`). */
export interface HttpMatchJson {
  readonly path?: { readonly type?: string; readonly value?: string };
  readonly method?: string;
  readonly headers?: ReadonlyArray<{ readonly name: string; readonly value: string; readonly type?: string }>;
  readonly queryParams?: ReadonlyArray<{ readonly name: string; readonly value: string; readonly type?: string }>;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** Which requests an HTTP route rule applies to: a path, and optionally a method, headers and query parameters. */
export class HttpRouteMatch {
  /** Paths starting with `prefix`, compared by whole segments (`/api` matches `/api/x`, not `/apix`). */
  public static pathPrefix(prefix: string, options: HttpRouteMatchOptions = {}): HttpRouteMatch {
    return new HttpRouteMatch('PathPrefix', prefix, options);
  }

  /** Exactly this path. */
  public static exact(path: string, options: HttpRouteMatchOptions = {}): HttpRouteMatch {
    return new HttpRouteMatch('Exact', path, options);
  }

  /** Paths matching a regular expression (RE2 syntax). */
  public static regularExpression(pattern: string, options: HttpRouteMatchOptions = {}): HttpRouteMatch {
    return new HttpRouteMatch('RegularExpression', pattern, options);
  }

  /** Every request (of the given method, headers and query), i.e. path prefix `/`. */
  public static any(options: HttpRouteMatchOptions = {}): HttpRouteMatch {
    return new HttpRouteMatch('PathPrefix', '/', options);
  }

  /**
   * A gRPC method (`POST /<service>/<method>`), or every method of a service when `method` is
   * left out. gRPC runs over HTTP/2, so an HTTP route can authorize it per method.
   */
  public static grpc(service: string, method?: string): HttpRouteMatch {
    return method === undefined
      ? new HttpRouteMatch('PathPrefix', `/${service}`, { method: HttpMethod.POST })
      : new HttpRouteMatch('Exact', `/${service}/${method}`, { method: HttpMethod.POST });
  }

  private constructor(private readonly pathType: string, private readonly pathValue: string, private readonly options: HttpRouteMatchOptions) {}

  /** The match as Kubernetes JSON, validated. */
  public render(scope: IConstruct | string, field: string): HttpMatchJson {
    guardProps(scope, `${field}.path`, this.pathValue, required(is.string));
    guardProps(scope, field, this.options, HTTP_ROUTE_MATCH_OPTIONS);
    if (this.pathType !== 'RegularExpression') {
      if (!this.pathValue.startsWith('/') || this.pathValue.length > 1024 || /[\s?#]/.test(this.pathValue)) {
        throw new LinkerdConfigError(scope, `${field}.path`, `${JSON.stringify(this.pathValue)} is not an absolute request path`,
          'start the path with "/", without query, fragment or spaces, at most 1024 characters');
      }
      if (this.pathType === 'PathPrefix' && this.pathValue !== '/' && this.pathValue.endsWith('/')) {
        throw new LinkerdConfigError(scope, `${field}.path`, `prefix ${JSON.stringify(this.pathValue)} ends with "/"`,
          'leave out the trailing slash: prefixes match whole path segments');
      }
    } else {
      try {
        new RegExp(this.pathValue);
      } catch (e) {
        throw new LinkerdConfigError(scope, `${field}.path`, `${JSON.stringify(this.pathValue)} is not a regular expression`, 'fix the pattern');
      }
    }
    const values = (kind: 'headers' | 'queryParams', list: ValueMatch[] | undefined) => {
      const seen = new Set<string>();
      return (list ?? []).map((v, i) => {
        const f = `${field}.${kind}[${i}]`;
        if (!v.name || (kind === 'headers' && !HEADER_NAME.test(v.name)) || v.name.length > 256) {
          throw new LinkerdConfigError(scope, `${f}.name`, `${JSON.stringify(v.name)} is not a ${kind === 'headers' ? 'header' : 'parameter'} name`, 'use a token of letters, digits and !#$%&\'*+-.^_`|~');
        }
        const key = kind === 'headers' ? v.name.toLowerCase() : v.name;
        if (seen.has(key)) throw new LinkerdConfigError(scope, `${f}.name`, `${v.name} is matched twice`, 'match each name once');
        seen.add(key);
        if (!v.value) throw new LinkerdConfigError(scope, `${f}.value`, 'the value is empty', 'give a value');
        return { name: v.name, type: v.type ?? ValueMatchType.EXACT, value: v.value };
      });
    };
    const headers = values('headers', this.options.headers);
    const queryParams = values('queryParams', this.options.queryParams);
    return {
      path: { type: this.pathType, value: this.pathValue },
      method: this.options.method,
      headers: headers.length ? headers : undefined,
      queryParams: queryParams.length ? queryParams : undefined,
    };
  }
}

/** A request, for evaluating matches. */
export interface HttpRequestSample {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
}

/** The path match of a match, with the Gateway API defaults (`PathPrefix /`). */
export function pathOf(m: HttpMatchJson): { type: string; value: string } {
  return { type: m.path?.type ?? 'PathPrefix', value: m.path?.value ?? '/' };
}

/** A canonical text of a match: equal keys match exactly the same requests. */
export function matchKey(m: HttpMatchJson): string {
  const p = pathOf(m);
  const list = (l: HttpMatchJson['headers'], lower: boolean) => [...(l ?? [])]
    .map((v) => `${lower ? v.name.toLowerCase() : v.name}${v.type === 'RegularExpression' ? '~' : '='}${v.value}`).sort().join('&');
  const value = p.type === 'PathPrefix' ? normalizePrefix(p.value) || '/' : p.value;
  return `${m.method ?? '*'} ${p.type}:${value} h[${list(m.headers, true)}] q[${list(m.queryParams, false)}]`;
}

/** A short human text: `GET /api/*`, `* /healthz`. */
export function describeMatch(m: HttpMatchJson): string {
  const p = pathOf(m);
  const path = p.type === 'PathPrefix' ? (normalizePrefix(p.value) === '' ? '/*' : `${normalizePrefix(p.value)}/*`)
    : p.type === 'Exact' ? p.value : `~${p.value}`;
  const extra = [...(m.headers ?? []).map((h) => `${h.name}: ${h.value}`), ...(m.queryParams ?? []).map((q) => `?${q.name}=${q.value}`)];
  return `${m.method ?? '*'} ${path}${extra.length ? ` [${extra.join(', ')}]` : ''}`;
}

function normalizePrefix(p: string): string {
  return p.replace(/\/+$/, '');
}

function prefixMatches(prefix: string, path: string): boolean {
  const p = normalizePrefix(prefix);
  return p === '' || path === p || path.startsWith(`${p}/`);
}

function fullMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return false;
  }
}

/** True when the request satisfies the match. */
export function requestMatches(m: HttpMatchJson, r: HttpRequestSample): boolean {
  const p = pathOf(m);
  if (p.type === 'Exact' && r.path !== p.value) return false;
  if (p.type === 'PathPrefix' && !prefixMatches(p.value, r.path)) return false;
  if (p.type === 'RegularExpression' && !fullMatch(p.value, r.path)) return false;
  if (m.method && m.method !== r.method) return false;
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  for (const h of m.headers ?? []) {
    const v = headers[h.name.toLowerCase()];
    if (v === undefined || (h.type === 'RegularExpression' ? !fullMatch(h.value, v) : v !== h.value)) return false;
  }
  return (m.queryParams ?? []).length === 0;
}

/** True when every request `b` matches also matches `a`. Regular expressions only cover themselves. */
export function matchCovers(a: HttpMatchJson, b: HttpMatchJson): boolean {
  const pa = pathOf(a);
  const pb = pathOf(b);
  let pathOk: boolean;
  if (pa.type === 'PathPrefix') {
    pathOk = pb.type === 'RegularExpression' ? normalizePrefix(pa.value) === '' : prefixMatches(pa.value, normalizePrefix(pb.value) || '/');
  } else if (pa.type === 'Exact') {
    pathOk = pb.type === 'Exact' && pb.value === pa.value;
  } else {
    pathOk = (pb.type === 'RegularExpression' && pb.value === pa.value) || (pb.type === 'Exact' && fullMatch(pa.value, pb.value));
  }
  if (!pathOk) return false;
  if (a.method && a.method !== b.method) return false;
  const has = (list: HttpMatchJson['headers'], v: { name: string; value: string; type?: string }, lower: boolean) =>
    (list ?? []).some((x) => (lower ? x.name.toLowerCase() === v.name.toLowerCase() : x.name === v.name)
      && x.value === v.value && (x.type ?? 'Exact') === (v.type ?? 'Exact'));
  return (a.headers ?? []).every((h) => has(b.headers, h, true)) && (a.queryParams ?? []).every((q) => has(b.queryParams, q, false));
}

/**
 * Gateway API precedence between two matches of rules that both match a request: an exact path
 * beats a prefix, a longer prefix a shorter one, then a method, more headers, more query
 * parameters. Negative when `a` wins. Ties (0) fall back to route age and name, then rule order.
 */
export function comparePrecedence(a: HttpMatchJson, b: HttpMatchJson): number {
  const rank = (m: HttpMatchJson) => {
    const p = pathOf(m);
    return [p.type === 'Exact' ? 2 : p.type === 'PathPrefix' ? 1 : 0, p.type === 'PathPrefix' ? normalizePrefix(p.value).length : p.value.length,
      m.method ? 1 : 0, (m.headers ?? []).length, (m.queryParams ?? []).length];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) {
    if (ra[i] !== rb[i]) return rb[i] - ra[i];
  }
  return 0;
}
