import { App, Duration } from 'cdk8s';
import {
  CHECK_RULES, formatFinding, IssuerCertificate, KeyMaterial, LinkerdConfigError, LinkerdControlPlane, listCheckCodes, runChecks, Severity,
  synthesizeManifests, TrustAnchors,
} from '../../src';
import { brokenInstalls, generatedInstall, NOW } from './identity-fixtures';

describe('runChecks', () => {
  test('codes are unique across rules, documented, and the identity ones are L5D1xx', () => {
    // GIVEN / WHEN
    const all = CHECK_RULES.flatMap((r) => Object.keys(r.codes));
    const listed = listCheckCodes();
    // THEN
    expect(new Set(all).size).toBe(all.length);
    expect(listed.map((c) => c.code)).toEqual([...all].sort());
    expect(listed.filter((c) => c.code.startsWith('L5D1')).map((c) => c.code)).toEqual([
      'L5D100', 'L5D101', 'L5D102', 'L5D103', 'L5D104', 'L5D105', 'L5D106', 'L5D107', 'L5D108', 'L5D110', 'L5D111', 'L5D112', 'L5D113',
      'L5D115', 'L5D116', 'L5D117', 'L5D118', 'L5D120', 'L5D121', 'L5D122', 'L5D123',
    ]);
    for (const c of listed) expect(c.description.length).toBeGreaterThan(20);
  });

  test('suppressed codes are left out', () => {
    // GIVEN a broken install with two findings
    const broken = brokenInstalls().find((b) => b.code === 'L5D112')!;
    // WHEN
    const all = runChecks(broken.objects, { now: NOW }).map((f) => f.code);
    const some = runChecks(broken.objects, { now: NOW, suppress: ['L5D110'] }).map((f) => f.code);
    // THEN
    expect(all).toEqual(['L5D110', 'L5D112']);
    expect(some).toEqual(['L5D112']);
  });

  test('fails on a suppression of a code no rule has, so that a typo cannot hide findings', () => {
    expect(() => runChecks([], { suppress: ['L5D1O1'] })).toThrow(LinkerdConfigError);
    expect(() => runChecks([], { suppress: ['L5D1O1'] })).toThrow(/checks: suppress: "L5D1O1" is not a check code/);
  });

  test('an object can suppress codes for itself with the check.cdk8s-linkerd.io/suppress annotation', () => {
    // GIVEN two Servers that select no pod of a namespace with a workload, one marked
    const server = (name: string, annotations?: Record<string, string>) => ({
      apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name, namespace: 'shop', annotations },
      spec: { podSelector: { matchLabels: { app: 'nobody' } }, port: 8080 },
    });
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    };
    // WHEN
    const findings = runChecks([deployment, server('marked', { 'check.cdk8s-linkerd.io/suppress': 'L5D302, L5D301' }), server('plain')]);
    // THEN
    expect(findings.filter((f) => f.code === 'L5D301').map((f) => f.object)).toEqual(['Server shop/plain']);
    expect(() => runChecks([server('typo', { 'check.cdk8s-linkerd.io/suppress': 'L5D3O1' })]))
      .toThrow(/^Server shop\/typo: metadata.annotations\["check.cdk8s-linkerd.io\/suppress"\]: "L5D3O1" is not a check code/);
  });

  test('fails on a bad horizon or date', () => {
    expect(() => runChecks([], { expiryHorizonDays: -1 })).toThrow(/expiryHorizonDays/);
    expect(() => runChecks([], { now: new Date('nope') })).toThrow(/checks: now:/);
  });

  test('errors come before warnings; a finding prints on one line', () => {
    // GIVEN an issuer that expired and an anchor close to its end
    const findings = runChecks(generatedInstall(), { now: new Date('2035-12-01T00:00:00Z') });
    // THEN
    expect(findings.map((f) => f.severity)).toEqual([...findings.map((f) => f.severity)].sort((a, b) => (a === Severity.ERROR ? 0 : 1) - (b === Severity.ERROR ? 0 : 1)));
    expect(formatFinding(findings[0])).toMatch(/^ERROR L5D110 Secret linkerd\/linkerd-identity-issuer data\.crt\.pem: issuer certificate CN=identity\.linkerd\.cluster\.local expired on /);
  });
});

describe('synth runs the checks', () => {
  const build = () => {
    const app = new App();
    new LinkerdControlPlane(app, 'linkerd-control-plane', {
      keyMaterial: KeyMaterial.fromSeed({ seed: 'synth check test seed', notBefore: '2026-01-01T00:00:00Z' }),
      emitGeneratedPrivateKeys: true,
      identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated({ validity: Duration.days(90) }) },
    });
    return app;
  };

  test('with date-dependent checks switched off (reproducible builds of old commits), an expired issuer passes', () => {
    expect(() => synthesizeManifests(build(), { checkDates: false })).not.toThrow();
  });

  test('with a date, an expired issuer fails the synth with its code, the construct path, the prop behind it and the fix', () => {
    // WHEN
    const synth = () => synthesizeManifests(build(), { now: new Date('2026-06-01T00:00:00Z') });
    // THEN
    expect(synth).toThrow(LinkerdConfigError);
    expect(synth).toThrow(/^linkerd-control-plane: identity\.issuer: ERROR L5D110 Secret linkerd\/linkerd-identity-issuer data\.crt\.pem: issuer certificate .* expired on 2026-04-01.*\. Fix: issue a certificate valid now/);
  });

  test('an explicit suppression lets it through; warnings never fail', () => {
    expect(() => synthesizeManifests(build(), { now: new Date('2026-06-01T00:00:00Z'), suppress: ['L5D110'] })).not.toThrow();
    expect(() => synthesizeManifests(build(), { now: new Date('2026-03-15T00:00:00Z') })).not.toThrow();
  });
});
