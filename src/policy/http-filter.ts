import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, required } from '../guards';
import * as check from '../validate';
import { HEADER_MODIFIER, REDIRECT_OPTIONS } from './policy-guards';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/;

/** Header changes: set (replace), add (append) and remove. */
export interface HeaderModifier {
  /** @default - none */
  readonly set?: Record<string, string>;
  /** @default - none */
  readonly add?: Record<string, string>;
  /** @default - none */
  readonly remove?: string[];
}

/** Where a redirect sends the client. Unset parts keep the request's. */
export interface RedirectOptions {
  /** @default - the request's scheme */
  readonly scheme?: 'http' | 'https';
  /** @default - the request's host */
  readonly hostname?: string;
  /** Replace the whole path. @default - the request's path */
  readonly replaceFullPath?: string;
  /** Replace the part the rule's prefix matched. @default - the request's path */
  readonly replacePrefixMatch?: string;
  /** @default - the request's port (or the scheme's default) */
  readonly port?: number;
  /** @default 302 */
  readonly statusCode?: 301 | 302;
}

/** A change a route rule makes to requests or responses. */
export class HttpFilter {
  /** Change request headers before they reach the backend. */
  public static requestHeaders(modifier: HeaderModifier): HttpFilter {
    return new HttpFilter('RequestHeaderModifier', modifier);
  }

  /** Change response headers (Gateway API routes and backends only). */
  public static responseHeaders(modifier: HeaderModifier): HttpFilter {
    return new HttpFilter('ResponseHeaderModifier', modifier);
  }

  /** Answer with a redirect instead of forwarding. */
  public static redirect(options: RedirectOptions): HttpFilter {
    return new HttpFilter('RequestRedirect', options);
  }

  private constructor(public readonly type: 'RequestHeaderModifier' | 'ResponseHeaderModifier' | 'RequestRedirect', private readonly options: any) {}

  /** @internal */
  public _render(scope: IConstruct, field: string, allowed: readonly string[]): Record<string, any> {
    if (!allowed.includes(this.type)) {
      throw new LinkerdConfigError(scope, field, `${this.type} is not supported here`, `use one of ${allowed.join(', ')}`);
    }
    guardProps(scope, field, this.options, required(this.type === 'RequestRedirect' ? REDIRECT_OPTIONS : HEADER_MODIFIER));
    if (this.type === 'RequestRedirect') {
      const o = this.options as RedirectOptions;
      if (o.replaceFullPath !== undefined && o.replacePrefixMatch !== undefined) {
        throw new LinkerdConfigError(scope, `${field}.replaceFullPath`, 'replaceFullPath and replacePrefixMatch are exclusive', 'give one of them');
      }
      if (o.scheme !== undefined) check.oneOf(scope, `${field}.scheme`, o.scheme, ['http', 'https']);
      if (o.statusCode !== undefined) check.oneOf(scope, `${field}.statusCode`, String(o.statusCode), ['301', '302']);
      if (o.hostname !== undefined) check.dnsSubdomain(scope, `${field}.hostname`, o.hostname);
      if (o.port !== undefined) check.port(scope, `${field}.port`, o.port);
      const path = o.replaceFullPath !== undefined ? { type: 'ReplaceFullPath', replaceFullPath: o.replaceFullPath }
        : o.replacePrefixMatch !== undefined ? { type: 'ReplacePrefixMatch', replacePrefixMatch: o.replacePrefixMatch } : undefined;
      return { type: this.type, requestRedirect: defined({ scheme: o.scheme, hostname: o.hostname, path, port: o.port, statusCode: o.statusCode }) };
    }
    const m = this.options as HeaderModifier;
    const list = (kind: string, r: Record<string, string> | undefined) => {
      const entries = Object.keys(r ?? {}).sort().map((name) => {
        if (!HEADER_NAME.test(name)) throw new LinkerdConfigError(scope, `${field}.${kind}`, `${JSON.stringify(name)} is not a header name`, 'use a header token');
        if (!r![name]) throw new LinkerdConfigError(scope, `${field}.${kind}[${JSON.stringify(name)}]`, 'the value is empty', 'give a value');
        return { name, value: r![name] };
      });
      return entries.length ? entries : undefined;
    };
    const body = defined({ add: list('add', m.add), remove: m.remove?.length ? [...m.remove] : undefined, set: list('set', m.set) });
    if (Object.keys(body).length === 0) throw new LinkerdConfigError(scope, field, 'the filter changes nothing', 'give set, add or remove');
    const key = this.type === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
    return { type: this.type, [key]: body };
  }
}

function defined<T extends Record<string, any>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
