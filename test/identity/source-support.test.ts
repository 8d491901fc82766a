import { Duration } from 'cdk8s';
import { LinkerdConfigError } from '../../src/errors';
import { requireKeyMaterial, validityEnd } from '../../src/identity/source-support';
import { keyMaterial, scope } from './support';

describe('source support', () => {
  test('requireKeyMaterial passes key material through', () => {
    // GIVEN
    const km = keyMaterial();
    // WHEN / THEN
    expect(requireKeyMaterial(scope(), km, 'X')).toBe(km);
  });

  test('fails without key material, telling how to make it', () => {
    // GIVEN / WHEN
    const require = () => requireKeyMaterial(scope(), undefined, 'identity.trustAnchors: TrustAnchors.generated()');
    // THEN
    expect(require).toThrow(LinkerdConfigError);
    expect(require).toThrow(/^test\/linkerd: keyMaterial: .*Fix: pass keyMaterial: KeyMaterial\.fromSeed\(\{ seed: /);
  });

  test('validityEnd adds the validity', () => {
    // GIVEN / WHEN / THEN
    expect(validityEnd(scope(), 'v', new Date('2026-01-01T00:00:00Z'), Duration.days(365)).toISOString()).toEqual('2027-01-01T00:00:00.000Z');
  });

  test('fails with a validity under one second or past the year 9999', () => {
    // GIVEN
    const start = new Date('2026-01-01T00:00:00Z');
    // WHEN / THEN
    expect(() => validityEnd(scope(), 'x.validity', start, Duration.millis(999))).toThrow(/^test\/linkerd: x\.validity: .*is not a positive validity/);
    expect(() => validityEnd(scope(), 'x.validity', start, Duration.days(3_000_000))).toThrow(/^test\/linkerd: x\.validity: .*ends after the year 9999/);
  });
});
