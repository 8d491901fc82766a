import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { KeyMaterial } from './key-material';

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
