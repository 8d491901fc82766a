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
