import { Duration } from 'cdk8s';

/**
 * A Duration as Go's `time.Duration.String()` writes it (`24h0m0s`, `5m0s`, `20s`, `1.5s`): how
 * Linkerd's flags and values, and cert-manager, print durations.
 */
export function goDurationText(d: Duration): string {
  let ms = d.toMilliseconds();
  const h = Math.floor(ms / 3_600_000); ms -= h * 3_600_000;
  const m = Math.floor(ms / 60_000); ms -= m * 60_000;
  const s = ms / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
