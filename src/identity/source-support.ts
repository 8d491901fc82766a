import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { KeyMaterial } from './key-material';
import { goDurationText } from '../go-duration';

/**
 * Helpers shared by the identity sources (TrustAnchors, IssuerCertificate, WebhookTls).
 * Internal to `src/identity/`: not re-exported by the barrel.
 */

/** The key material a generated source needs, or a LinkerdConfigError on field `keyMaterial`. */
export function requireKeyMaterial(scope: IConstruct, keyMaterial: KeyMaterial | undefined, source: string): KeyMaterial {
  if (keyMaterial === undefined) {
    throw new LinkerdConfigError(scope, 'keyMaterial',
      `is required by ${source}, which derives its private key from it`,
      'pass keyMaterial: KeyMaterial.fromSeed({ seed: <secret of 16+ characters>, notBefore: "2026-01-01T00:00:00Z" }), '
      + 'or give the certificate and key with the fromPem(...) variant');
  }
  return keyMaterial;
}

const LAST_X509_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

/** notBefore + validity, after checking that the validity is positive and fits an X.509 time. */
export function validityEnd(scope: IConstruct, field: string, notBefore: Date, validity: Duration): Date {
  const millis = validity.toMilliseconds();
  if (!(millis >= 1000)) {
    throw new LinkerdConfigError(scope, field, `${validity.toHumanString()} is not a positive validity`, 'use a duration of at least one second, e.g. Duration.days(365)');
  }
  const end = notBefore.getTime() + millis;
  if (end > LAST_X509_TIME) {
    throw new LinkerdConfigError(scope, field, `${validity.toHumanString()} from ${notBefore.toISOString()} ends after the year 9999`, 'use a shorter validity');
  }
  return new Date(end);
}


/** cert-manager's limits (`ValidateDuration`): duration of at least 1h, renewBefore of at least 5m and below the duration. */
export const CERT_MANAGER_MIN_DURATION_MS = 3_600_000;
export const CERT_MANAGER_MIN_RENEW_BEFORE_MS = 300_000;

/**
 * Checks a cert-manager `duration` / `renewBefore` pair as cert-manager's webhook does, plus
 * `minimumRenewBefore` (what must still be left of the old certificate when it is renewed).
 */
export function certManagerDurations(
  scope: IConstruct,
  field: string,
  duration: Duration,
  renewBefore: Duration,
  minimumRenewBefore?: { millis: number; why: string },
): { duration: string; renewBefore: string } {
  const d = duration.toMilliseconds();
  const r = renewBefore.toMilliseconds();
  if (!(d >= CERT_MANAGER_MIN_DURATION_MS) || !Number.isInteger(d / 1000)) {
    throw new LinkerdConfigError(scope, `${field}.duration`, `${goDurationText(duration)} is shorter than cert-manager's minimum of one hour, or not whole seconds`,
      'use a whole number of seconds of at least Duration.hours(1)');
  }
  if (!(r >= CERT_MANAGER_MIN_RENEW_BEFORE_MS) || !Number.isInteger(r / 1000)) {
    throw new LinkerdConfigError(scope, `${field}.renewBefore`, `${goDurationText(renewBefore)} is shorter than cert-manager's minimum of five minutes, or not whole seconds`,
      'use a whole number of seconds of at least Duration.minutes(5)');
  }
  if (r >= d) {
    throw new LinkerdConfigError(scope, `${field}.renewBefore`, `${goDurationText(renewBefore)} is not shorter than the duration (${goDurationText(duration)}); cert-manager rejects the Certificate`,
      'renew before less than the whole duration, e.g. duration Duration.hours(48) with renewBefore Duration.hours(25)');
  }
  if (minimumRenewBefore && r <= minimumRenewBefore.millis) {
    throw new LinkerdConfigError(scope, `${field}.renewBefore`, `${goDurationText(renewBefore)} is not longer than ${minimumRenewBefore.why}`,
      `renew earlier: renewBefore must exceed ${goDurationText(Duration.millis(minimumRenewBefore.millis))}, and duration must exceed renewBefore`);
  }
  return { duration: goDurationText(duration), renewBefore: goDurationText(renewBefore) };
}

// Date, or date-time with seconds optional, fraction optional and a mandatory zone: without
// a zone JavaScript reads the time in the local zone of the machine that synthesizes.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Parses and truncates to whole seconds; shared with the sources' validity checks. */
export function parseNotBefore(value: Date | string, scope: IConstruct | string, field = 'notBefore'): Date {
  const fix = 'give a Date or an ISO 8601 string with a zone, e.g. "2026-01-01T00:00:00Z"';
  let date: Date;
  if (value instanceof Date) {
    date = new Date(value.getTime());
  } else if (typeof value === 'string' && ISO_8601.test(value)) {
    date = new Date(value);
  } else {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(value)} is not an ISO 8601 date or date-time with a zone`, fix);
  }
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1950 || year > 9999) {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(value)} is not a valid date between the years 1950 and 9999`, fix);
  }
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

