import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { annotationDuration } from './duration-text';

/**
 * Client-side timeouts of a route or Service, written as the `timeout.linkerd.io/*` annotations
 * the policy controller reads (`parse_timeouts`).
 */
export interface TimeoutProps {
  /** Whole request, including retries. @default - none */
  readonly request?: Duration;
  /** Each response (one attempt). @default - none */
  readonly response?: Duration;
  /** Idle time between data frames. @default - none */
  readonly idle?: Duration;
}

/**
 * Fails when a retry attempt's timeout is longer than the whole request's timeout: the request
 * timeout always fires first, so the attempt timeout never applies.
 */
export function checkRetryWithinRequest(scope: IConstruct | string, retryField: string, retryTimeout: Duration | undefined, timeouts: TimeoutProps | undefined): void {
  const request = timeouts?.request;
  if (!retryTimeout || !request) return;
  const attempt = retryTimeout.toMilliseconds({ integral: false });
  const whole = request.toMilliseconds({ integral: false });
  if (attempt > whole) {
    throw new LinkerdConfigError(scope, retryField, `the timeout of each retry attempt (${retryTimeout.toHumanString()}) is longer than the request timeout (${request.toHumanString()}), which always fires first; the attempt timeout never applies`,
      'make retry.timeout shorter than timeouts.request, or leave one of them out');
  }
}

/** The `timeout.linkerd.io/*` annotations for `timeouts`, validated. */
export function timeoutAnnotations(scope: IConstruct | string, field: string, timeouts: TimeoutProps): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['request', 'response', 'idle'] as const) {
    const d = timeouts[key];
    if (d !== undefined) out[`timeout.linkerd.io/${key}`] = annotationDuration(scope, `${field}.${key}`, d);
  }
  if (Object.keys(out).length === 0) {
    throw new LinkerdConfigError(scope, field, 'no timeout is given', 'set request, response or idle');
  }
  if (timeouts.request && timeouts.response && timeouts.response.toMilliseconds() > timeouts.request.toMilliseconds()) {
    throw new LinkerdConfigError(scope, `${field}.response`, 'the response timeout is longer than the request timeout', 'make response at most request');
  }
  return out;
}
