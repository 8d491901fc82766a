import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { annotationDuration } from './duration-text';

/** An HTTP response that makes the proxy retry the request (`retry.linkerd.io/http`). */
export class HttpRetryCondition {
  /** Any 5xx status. */
  public static status5xx(): HttpRetryCondition {
    return new HttpRetryCondition('5xx');
  }

  /** 502, 503 and 504. */
  public static gatewayError(): HttpRetryCondition {
    return new HttpRetryCondition('gateway-error');
  }

  /** One status code (100–599). */
  public static status(code: number): HttpRetryCondition {
    return new HttpRetryCondition(String(code), code, code);
  }

  /** Status codes from `min` to `max` inclusive. */
  public static statusRange(min: number, max: number): HttpRetryCondition {
    return new HttpRetryCondition(`${min}-${max}`, min, max);
  }

  private constructor(public readonly text: string, private readonly min?: number, private readonly max?: number) {}

  /** @internal */
  public _validate(scope: IConstruct | string, field: string): string {
    if (this.min !== undefined) {
      const ok = (c: number) => Number.isInteger(c) && c >= 100 && c < 600;
      if (!ok(this.min) || !ok(this.max!) || this.min > this.max!) {
        throw new LinkerdConfigError(scope, field, `${this.text} is not a status code or range`, 'use codes from 100 to 599, the lower first');
      }
    }
    return this.text;
  }
}

/** A gRPC status that makes the proxy retry the call (`retry.linkerd.io/grpc`). */
export enum GrpcRetryCondition {
  CANCELLED = 'cancelled',
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  INTERNAL = 'internal',
  RESOURCE_EXHAUSTED = 'resource-exhausted',
  UNAVAILABLE = 'unavailable',
}

/**
 * Client-side retries of a route or Service, written as the `retry.linkerd.io/*` annotations the
 * policy controller reads (policy-controller/k8s/index/src/outbound/index/{http,grpc}.rs).
 */
export interface RetryProps {
  /** Retries per request, 1 to 65535. @default 1 */
  readonly limit?: number;
  /** Timeout of each attempt. @default - the request's own timeout */
  readonly timeout?: Duration;
  /** HTTP responses to retry on. @default - the proxy's default: 5xx */
  readonly http?: HttpRetryCondition[];
  /** gRPC statuses to retry on. @default - the proxy's default: cancelled, deadline-exceeded, resource-exhausted, unavailable */
  readonly grpc?: GrpcRetryCondition[];
}

/** The `retry.linkerd.io/*` annotations for `retry`, validated. */
export function retryAnnotations(scope: IConstruct | string, field: string, retry: RetryProps): Record<string, string> {
  const out: Record<string, string> = {};
  if (retry.limit !== undefined) {
    if (!Number.isInteger(retry.limit) || retry.limit < 1 || retry.limit > 65535) {
      throw new LinkerdConfigError(scope, `${field}.limit`, `${retry.limit} is not a retry limit`, 'use a whole number from 1 to 65535');
    }
    out['retry.linkerd.io/limit'] = String(retry.limit);
  }
  if (retry.timeout !== undefined) out['retry.linkerd.io/timeout'] = annotationDuration(scope, `${field}.timeout`, retry.timeout);
  if (retry.http !== undefined) {
    if (retry.http.length === 0) throw new LinkerdConfigError(scope, `${field}.http`, 'the list is empty', 'leave it unset for the default, or list conditions');
    out['retry.linkerd.io/http'] = retry.http.map((c, i) => c._validate(scope, `${field}.http[${i}]`)).join(',');
  }
  if (retry.grpc !== undefined) {
    if (retry.grpc.length === 0) throw new LinkerdConfigError(scope, `${field}.grpc`, 'the list is empty', 'leave it unset for the default, or list conditions');
    retry.grpc.forEach((c, i) => {
      if (!Object.values(GrpcRetryCondition).includes(c)) {
        throw new LinkerdConfigError(scope, `${field}.grpc[${i}]`, `${JSON.stringify(c)} is not a gRPC retry condition`, `use one of ${Object.values(GrpcRetryCondition).join(', ')}`);
      }
    });
    out['retry.linkerd.io/grpc'] = retry.grpc.join(',');
  }
  if (Object.keys(out).length === 0) {
    throw new LinkerdConfigError(scope, field, 'no retry setting is given', 'set limit, timeout, http or grpc');
  }
  return out;
}
