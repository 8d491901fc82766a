import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps } from '../guards';
import { annotationDuration } from './duration-text';
import { FAILURE_ACCRUAL_OPTIONS } from './policy-guards';

/** Settings of the consecutive-failures breaker. */
export interface ConsecutiveFailureAccrualOptions {
  /** Consecutive failures after which an endpoint is taken out of the balancer. @default 7 */
  readonly maxFailures?: number;
  /** Shortest time an endpoint stays out. @default Duration.seconds(1) */
  readonly minPenalty?: Duration;
  /** Longest time an endpoint stays out. @default Duration.seconds(60) */
  readonly maxPenalty?: Duration;
  /** Randomization of the backoff, 0 to 100. @default 0.5 */
  readonly jitterRatio?: number;
}

/** Settings of the unified breaker: consecutive failures and success rate. */
export interface UnifiedFailureAccrualOptions extends ConsecutiveFailureAccrualOptions {
  /** Success rate (0 to 1) under which an endpoint is taken out; 0 disables this dimension. @default - the proxy's default */
  readonly successRateThreshold?: number;
  /** Window the success rate is measured over; at least 10ms. @default - the proxy's default */
  readonly successRateWindow?: Duration;
  /** Requests needed in the window before the rate counts, at most 1000000. @default - the proxy's default */
  readonly successRateMinRequests?: number;
}

/**
 * Circuit breaking of a Service's endpoints, as the `balancer.linkerd.io/failure-accrual*`
 * annotations on the Service (`parse_accrual_config` in the policy controller's outbound index).
 */
export class FailureAccrual {
  /** Take an endpoint out after consecutive failures, with exponential backoff. */
  public static consecutive(options: ConsecutiveFailureAccrualOptions = {}): FailureAccrual {
    return new FailureAccrual('consecutive', options);
  }

  /** Consecutive failures and, additionally, a success-rate threshold over a window (alpha settings). */
  public static unified(options: UnifiedFailureAccrualOptions = {}): FailureAccrual {
    return new FailureAccrual('unified', options);
  }

  private constructor(public readonly mode: 'consecutive' | 'unified', private readonly options: UnifiedFailureAccrualOptions) {}

  /** The Service annotations, validated as the policy controller would parse them. */
  public annotations(scope: IConstruct | string, field: string): Record<string, string> {
    guardProps(scope, field, this.options, FAILURE_ACCRUAL_OPTIONS);
    const o = this.options ?? {};
    const out: Record<string, string> = { 'balancer.linkerd.io/failure-accrual': this.mode };
    const prefix = 'balancer.linkerd.io/failure-accrual-consecutive-';
    if (o.maxFailures !== undefined) {
      if (!Number.isInteger(o.maxFailures) || o.maxFailures < 0 || o.maxFailures > 4294967295) {
        throw new LinkerdConfigError(scope, `${field}.maxFailures`, `${o.maxFailures} is not a failure count`, 'use a whole number of 0 or more');
      }
      out[`${prefix}max-failures`] = String(o.maxFailures);
    }
    if (o.maxPenalty !== undefined) out[`${prefix}max-penalty`] = annotationDuration(scope, `${field}.maxPenalty`, o.maxPenalty);
    if (o.minPenalty !== undefined) out[`${prefix}min-penalty`] = annotationDuration(scope, `${field}.minPenalty`, o.minPenalty);
    const min = o.minPenalty?.toMilliseconds() ?? 1000;
    const max = o.maxPenalty?.toMilliseconds() ?? 60_000;
    if (min > max) {
      throw new LinkerdConfigError(scope, `${field}.minPenalty`, `minPenalty (${min}ms) exceeds maxPenalty (${max}ms)`, 'make minPenalty at most maxPenalty');
    }
    if (o.jitterRatio !== undefined) {
      if (!(o.jitterRatio >= 0 && o.jitterRatio <= 100)) {
        throw new LinkerdConfigError(scope, `${field}.jitterRatio`, `${o.jitterRatio} is not between 0 and 100`, 'use e.g. 0.5');
      }
      out[`${prefix}jitter-ratio`] = String(o.jitterRatio);
    }
    if (this.mode === 'unified') {
      const sr = 'balancer.alpha.linkerd.io/failure-accrual-success-rate-';
      if (o.successRateThreshold !== undefined) {
        if (!(o.successRateThreshold >= 0 && o.successRateThreshold <= 1)) {
          throw new LinkerdConfigError(scope, `${field}.successRateThreshold`, `${o.successRateThreshold} is not between 0 and 1`, 'use e.g. 0.8');
        }
        out[`${sr}threshold`] = String(o.successRateThreshold);
      }
      if (o.successRateWindow !== undefined) {
        out[`${sr}window`] = annotationDuration(scope, `${field}.successRateWindow`, o.successRateWindow);
        if (o.successRateWindow.toMilliseconds() < 10) {
          throw new LinkerdConfigError(scope, `${field}.successRateWindow`, 'the window is shorter than 10ms', 'use at least Duration.millis(10), better a few seconds');
        }
      }
      if (o.successRateMinRequests !== undefined) {
        if (!Number.isInteger(o.successRateMinRequests) || o.successRateMinRequests < 0 || o.successRateMinRequests > 1_000_000) {
          throw new LinkerdConfigError(scope, `${field}.successRateMinRequests`, `${o.successRateMinRequests} is not between 0 and 1000000`, 'use a whole number in that range');
        }
        out[`${sr}min-requests`] = String(o.successRateMinRequests);
      }
    }
    return out;
  }
}
