import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';

/** A positive whole number of milliseconds, or a LinkerdConfigError naming the field. */
function positiveMillis(scope: IConstruct | string, field: string, d: Duration): number {
  let ms: number;
  try {
    ms = d.toMilliseconds();
  } catch (e) {
    throw new LinkerdConfigError(scope, field, `${d.toHumanString()} is not a whole number of milliseconds`, 'use e.g. Duration.seconds(5) or Duration.millis(250)');
  }
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new LinkerdConfigError(scope, field, `${ms}ms is not a positive whole number of milliseconds`, 'use e.g. Duration.seconds(5) or Duration.millis(250)');
  }
  return ms;
}

const UNITS: Array<[string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/**
 * A duration as Linkerd's annotations read it (`timeout.linkerd.io/*`, `retry.linkerd.io/timeout`,
 * `balancer.linkerd.io/*-penalty`): one whole number and one unit, the largest that fits exactly.
 */
export function annotationDuration(scope: IConstruct | string, field: string, d: Duration): string {
  const ms = positiveMillis(scope, field, d);
  const [unit, size] = UNITS.find(([, s]) => ms % s === 0)!;
  return `${ms / size}${unit}`;
}

/**
 * A duration as the Gateway API types it (`HTTPRouteRule.timeouts`): up to four components of at
 * most five digits each, e.g. `1h30m` or `2s500ms`.
 */
export function gatewayDuration(scope: IConstruct | string, field: string, d: Duration): string {
  let ms = positiveMillis(scope, field, d);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      ms -= n * size;
    }
  }
  const text = parts.join('');
  if (!/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(text)) {
    throw new LinkerdConfigError(scope, field, `${text} is too long for a Gateway API duration`, 'use at most 99999 hours');
  }
  return text;
}
