/**
 * MeshPolicy and linkerd-viz in one app: viz's Prometheus (or the external one's identity) may
 * scrape every proxy the policy denies by default, whichever of the two is declared first.
 */
import { Testing } from 'cdk8s';
import { Client, KeyMaterial, LinkerdViz, MeshPolicy, runChecks, ServiceAccountRef, Severity, SynthChecks, VizPrometheus } from '../../src';
import { demoApp, find, ofKind, synthAll } from './fixtures';

const KEYS = { keyMaterial: KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd scraper tests, not secret', notBefore: '2026-01-01T00:00:00Z' }), emitGeneratedPrivateKeys: true };

describe('metrics scrapers announced by linkerd-viz', () => {
  test.each([['after', false], ['before', true]])('viz declared %s the policy: its Prometheus may scrape the default-deny namespace', (_when, vizFirst) => {
    // GIVEN
    const d = demoApp();
    if (vizFirst) new LinkerdViz(d.app, 'viz', KEYS);
    // WHEN
    const policy = new MeshPolicy(d.chart, 'policy');
    policy.denyByDefault(d.namespace);
    if (!vizFirst) new LinkerdViz(d.app, 'viz', KEYS);
    // THEN
    const objects = synthAll(d.app);
    expect(find(objects, 'MeshTLSAuthentication', 'sa-prometheus').spec).toEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'linkerd-viz' }] });
    expect(find(objects, 'AuthorizationPolicy', 'linkerd-admin-from-sa-prometheus').spec.targetRef.name).toBe('linkerd-admin');
    // viz's Prometheus is among the manifests now, so the scrape check runs and passes, and its account exists
    expect(runChecks(objects).filter((f) => f.severity === Severity.ERROR || f.code === 'L5D305')).toEqual([]);
  });

  test('an external Prometheus is granted under the identity given as scrapedBy, and none without it', () => {
    const d = demoApp();
    new LinkerdViz(d.app, 'viz', { ...KEYS, prometheus: VizPrometheus.external({ url: 'http://prom.monitoring:9090', scrapedBy: Client.meshTls(ServiceAccountRef.fromName('prom', 'monitoring')) }) });
    new MeshPolicy(d.chart, 'policy').denyByDefault(d.namespace);
    expect(find(synthAll(d.app), 'MeshTLSAuthentication', 'sa-prom').spec.identityRefs).toEqual([{ kind: 'ServiceAccount', name: 'prom', namespace: 'monitoring' }]);

    const other = demoApp();
    new LinkerdViz(other.app, 'viz', { ...KEYS, prometheus: VizPrometheus.external({ url: 'http://prom.monitoring:9090' }) });
    new MeshPolicy(other.chart, 'policy').denyByDefault(other.namespace);
    expect(ofKind(synthAll(other.app).filter((o) => o.metadata.namespace === 'demo'), 'Server')).toEqual([]);
  });

  test('explicit metricsScrapers are kept as they are', () => {
    const d = demoApp();
    new LinkerdViz(d.app, 'viz', KEYS);
    new MeshPolicy(d.chart, 'policy', { metricsScrapers: [Client.namespace('monitoring')] }).denyByDefault(d.namespace);
    // viz's own Prometheus is left out on purpose here, which the scrape check (L5D307) reports.
    new SynthChecks(d.app, 'checks', { suppress: ['L5D307'] });
    const names = ofKind(synthAll(d.app), 'AuthorizationPolicy').filter((o) => o.metadata.namespace === 'demo').map((o) => o.metadata.name);
    expect(names).toEqual(['linkerd-admin-from-ns-monitoring']);
  });

  test('a viz of another app is not seen', () => {
    const d = demoApp();
    new LinkerdViz(Testing.app(), 'viz', KEYS);
    new MeshPolicy(d.chart, 'policy').denyByDefault(d.namespace);
    expect(ofKind(synthAll(d.app), 'AuthorizationPolicy')).toEqual([]);
  });
});
