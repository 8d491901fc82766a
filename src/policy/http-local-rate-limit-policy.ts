import { Construct, IConstruct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { LinkerdConfigError } from '../errors';
import { compact, lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { resolveRef, ResolvedRef, ServiceAccountRef } from './references';
import { Server } from './server';
import { HTTP_LOCAL_RATE_LIMIT_POLICY_PROPS } from './policy-guards';

/** A higher (or lower) limit for some clients. */
export interface RateLimitOverride {
  readonly requestsPerSecond: number;
  /** The clients, by ServiceAccount. */
  readonly clients: Array<IConstruct | ServiceAccountRef>;
}

export interface HttpLocalRateLimitPolicyProps extends PolicyResourceProps {
  /** The Server whose proxies enforce the limits. */
  readonly server: Server;
  /** Requests per second each proxy accepts in total. @default - no total limit */
  readonly total?: number;
  /** Requests per second each proxy accepts from any one client identity. @default - no per-identity limit */
  readonly identity?: number;
  /** Per-client exceptions to the identity limit. @default - none */
  readonly overrides?: RateLimitOverride[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedRateLimit = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).HttpLocalRateLimitPolicy);

/**
 * `HTTPLocalRateLimitPolicy` (policy.linkerd.io/v1alpha1): request-rate limits each proxy of a
 * Server enforces on its own (so the effective limit grows with the replicas). Requests over the
 * limit get 429.
 */
export class HttpLocalRateLimitPolicy extends PolicyResource {
  private readonly server: Server;
  private readonly total?: number;
  private readonly identity?: number;
  private readonly overrides: Array<{ requestsPerSecond: number; clients: ResolvedRef[] }>;

  public constructor(scope: Construct, id: string, props: HttpLocalRateLimitPolicyProps) {
    super(scope, id, props, HTTP_LOCAL_RATE_LIMIT_POLICY_PROPS, (s, i, metadata, spec) => new (CheckedRateLimit())(s, i, { metadata, spec }), () => props.server.namespace);
    this.server = props.server;
    const rps = (field: string, v: number | undefined) => {
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 4294967295)) {
        throw new LinkerdConfigError(this, field, `${v} is not a request rate`, 'use a whole number of requests per second, 1 or more');
      }
      return v;
    };
    this.total = rps('total', props.total);
    this.identity = rps('identity', props.identity);
    this.overrides = (props.overrides ?? []).map((o, i) => {
      rps(`overrides[${i}].requestsPerSecond`, o.requestsPerSecond);
      if (!o.clients?.length) throw new LinkerdConfigError(this, `overrides[${i}].clients`, 'no client is given', 'list the ServiceAccounts the override is for');
      return { requestsPerSecond: o.requestsPerSecond, clients: o.clients.map((c, j) => resolveRef(this, `overrides[${i}].clients[${j}]`, c, ['ServiceAccount'])) };
    });
    // The policy controller's admission webhook rejects limits above the total.
    if (this.total !== undefined) {
      const total = this.total;
      const above = (field: string, what: string, v: number | undefined) => {
        if (v !== undefined && v > total) {
          throw new LinkerdConfigError(this, field, `${what} of ${v} requests per second is above the total of ${total}; the policy controller rejects the policy`,
            `give at most ${total}, or raise total`);
        }
      };
      above('identity', 'the per-identity limit', this.identity);
      this.overrides.forEach((o, i) => above(`overrides[${i}].requestsPerSecond`, 'the override', o.requestsPerSecond));
    }
    if (this.total === undefined && this.identity === undefined && this.overrides.length === 0) {
      throw new LinkerdConfigError(this, 'total', 'no limit is given', 'set total, identity or overrides');
    }
    if (this.server.namespace !== this.namespace) {
      throw new LinkerdConfigError(this, 'server', `Server ${this.server.name} is in another namespace`, 'create the policy in the Server\'s namespace');
    }
  }

  protected renderSpec(): Record<string, any> {
    return {
      identity: this.identity !== undefined ? { requestsPerSecond: this.identity } : undefined,
      overrides: this.overrides.length ? this.overrides.map((o) => ({
        clientRefs: o.clients.map((c) => compact({ kind: 'ServiceAccount', name: c.name, namespace: c.namespace })),
        requestsPerSecond: o.requestsPerSecond,
      })) : undefined,
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: this.server.name },
      total: this.total !== undefined ? { requestsPerSecond: this.total } : undefined,
    };
  }
}
