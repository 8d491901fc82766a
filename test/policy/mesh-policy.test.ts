import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Client, formatFinding, HttpMethod, HttpRouteMatch, LinkerdConfigError, MeshPolicy, NamespaceRef, ProxyProtocol, runChecks, runSynth,
  ServiceAccountRef, Severity, synthesizeManifests,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { allowMissing, demoApp, find, ofKind, policyCrds, synthAll } from './fixtures';

const PROMETHEUS = Client.meshTls(ServiceAccountRef.fromName('prometheus', 'linkerd-viz'));

function errors(objects: any[]): string[] {
  return runChecks(objects).filter((f) => f.severity === Severity.ERROR).map(formatFinding);
}

describe('MeshPolicy', () => {
  test('the policy objects of web -> api -> db match the snapshot', () => {
    const d = demoApp();
    const policy = new MeshPolicy(d.chart, 'policy', { metricsScrapers: [PROMETHEUS] });
    policy.denyByDefault(d.namespace);
    policy.allow(Client.workload(d.web), d.api, { port: 'http', routes: [HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET })] });
    policy.allow(Client.workload(d.api), d.db, { port: 'postgres' });
    const objects = synthAll(d.app).filter((o) => o.apiVersion.startsWith('policy.linkerd.io/'));
    expect(objects).toMatchSnapshot();
  });

  test('allows a workload to reach another on a port: one Server, one authentication, one policy', () => {
    // GIVEN
    const d = demoApp();
    const policy = new MeshPolicy(d.chart, 'policy');
    // WHEN
    policy.allow(Client.workload(d.api), d.db, { port: 'postgres' });
    // THEN
    const objects = synthAll(d.app);
    expect(find(objects, 'Server', 'db-postgres').spec).toEqual({
      podSelector: { matchLabels: { 'cdk8s.io/metadata.addr': expect.any(String) } },
      port: 'postgres',
    });
    expect(find(objects, 'MeshTLSAuthentication', 'api').spec).toEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'api', namespace: 'demo' }] });
    expect(find(objects, 'AuthorizationPolicy', 'db-postgres-from-api').spec).toEqual({
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'db-postgres' },
      requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'api', namespace: 'demo' }],
    });
    expect(policy.serverNames).toEqual(['demo/db-postgres']);
    expectValidObjects(objects, { crds: policyCrds() });
  });

  test('reads the Server selector, the port and the client account from the workloads at synth', () => {
    // GIVEN a policy declared before the workload got its port and account
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'late' });
    const deployment = new kplus.Deployment(chart, 'svc', { metadata: { name: 'svc' } });
    const client = new kplus.Deployment(chart, 'cli', { metadata: { name: 'cli' }, containers: [{ image: 'x', securityContext: { ensureNonRoot: false } }] });
    new MeshPolicy(chart, 'policy').allow(Client.workload(client), deployment, { port: 'grpc' });
    // WHEN the workloads change afterwards
    deployment.addContainer({ image: 'svc', ports: [{ number: 9000, name: 'grpc' }], securityContext: { ensureNonRoot: false } });
    const sa = new kplus.ServiceAccount(chart, 'cli-sa', { metadata: { name: 'cli-account' } });
    ApiObject.of(client).addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', sa.name));
    // THEN
    const objects = synthAll(app);
    expect(find(objects, 'Server', 'svc-grpc').spec.port).toEqual('grpc');
    expect(find(objects, 'MeshTLSAuthentication', 'cli').spec.identityRefs).toEqual([{ kind: 'ServiceAccount', name: 'cli-account', namespace: 'late' }]);
  });

  test('denyByDefault on a namespace annotates it and opens the proxy admin port to the metrics scrapers', () => {
    // GIVEN
    const d = demoApp();
    const policy = new MeshPolicy(d.chart, 'policy', { metricsScrapers: [PROMETHEUS] });
    // WHEN
    policy.denyByDefault(d.namespace);
    // THEN
    const objects = synthAll(d.app);
    expect(find(objects, 'Namespace', 'demo').metadata.annotations).toEqual({
      'config.linkerd.io/default-inbound-policy': 'deny',
      'linkerd.io/inject': 'enabled',
    });
    expect(find(objects, 'Server', 'linkerd-admin')).toEqual({
      apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'linkerd-admin', namespace: 'demo' },
      spec: { podSelector: {}, port: 'linkerd-admin', proxyProtocol: 'HTTP/1' },
    });
    expect(find(objects, 'MeshTLSAuthentication', 'sa-prometheus').spec).toEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'linkerd-viz' }] });
    expect(find(objects, 'AuthorizationPolicy', 'linkerd-admin-from-sa-prometheus').spec.targetRef).toEqual({ group: 'policy.linkerd.io', kind: 'Server', name: 'linkerd-admin' });
    // Probes need nothing: the policy controller authorizes them on ports without routes.
    expect(ofKind(objects, 'HTTPRoute')).toEqual([]);
    expect(errors(objects)).toEqual([]);
    expectValidObjects(objects, { crds: policyCrds() });
  });

  test('denyByDefault on a workload annotates its pods, and scrapes go to a Server of its own', () => {
    const d = demoApp();
    const policy = new MeshPolicy(d.chart, 'policy', { metricsScrapers: [PROMETHEUS] });
    policy.denyByDefault(d.api);
    const objects = synthAll(d.app);
    expect(find(objects, 'Deployment', 'api').spec.template.metadata.annotations).toEqual({ 'config.linkerd.io/default-inbound-policy': 'deny' });
    expect(find(objects, 'Server', 'api-linkerd-admin').spec.port).toEqual('linkerd-admin');
    expect(errors(objects)).toEqual([]);
  });

  test('denyByDefault on a plain ApiObject workload patches its pod template', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const plain = new ApiObject(chart, 'w', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', namespace: 'x' },
      spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'w', image: 'w' }] } } },
    });
    new MeshPolicy(chart, 'policy').denyByDefault(plain);
    expect(Testing.synth(chart)[0].spec.template.metadata.annotations).toEqual({ 'a': 'b', 'config.linkerd.io/default-inbound-policy': 'deny' });
  });

  test('route-restricted clients get routes; a catch-all keeps other clients, and the probe paths get a kubelet route', () => {
    // GIVEN
    const d = demoApp();
    const policy = new MeshPolicy(d.chart, 'policy');
    // WHEN web may GET /api/*, and a monitoring namespace may do anything
    policy.allow(Client.workload(d.web), d.api, { port: 'http', routes: [HttpRouteMatch.pathPrefix('/api', { method: HttpMethod.GET })] });
    policy.allow(Client.namespace('monitoring'), d.api, { port: 'http' });
    // THEN
    const objects = synthAll(d.app);
    expect(ofKind(objects, 'HTTPRoute').map((r) => r.metadata.name).sort()).toEqual(['api-http-all', 'api-http-get-api', 'api-http-probes']);
    expect(find(objects, 'HTTPRoute', 'api-http-probes').spec.rules).toEqual([{ matches: [{ method: 'GET', path: { type: 'Exact', value: '/ready' } }] }]);
    expect(find(objects, 'NetworkAuthentication', 'kubelet').spec.networks).toEqual([{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]);
    expect(find(objects, 'AuthorizationPolicy', 'api-http-probes-from-kubelet').spec.targetRef).toEqual({ group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-http-probes' });
    expect(find(objects, 'AuthorizationPolicy', 'api-http-get-api-from-web').spec.targetRef.name).toEqual('api-http-get-api');
    expect(find(objects, 'AuthorizationPolicy', 'api-http-from-ns-monitoring').spec.targetRef).toEqual({ group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' });
    expect(find(objects, 'MeshTLSAuthentication', 'ns-monitoring').spec).toEqual({ identityRefs: [{ kind: 'Namespace', name: 'monitoring' }] });
    expect(errors(objects)).toEqual([]);
    expectValidObjects(objects, { crds: policyCrds() });
  });

  test('a broader route of one client also authorizes the narrower route another client got first', () => {
    // GIVEN admin may use /api/admin/*, then web all of /api/*
    const d = demoApp();
    allowMissing(d.app, 'L5D305'); // ServiceAccount demo/admin
    const policy = new MeshPolicy(d.chart, 'policy');
    policy.allow(Client.meshTls(ServiceAccountRef.fromName('admin')), d.api, { port: 'http', routes: [HttpRouteMatch.pathPrefix('/api/admin')] });
    policy.allow(Client.workload(d.web), d.api, { port: 'http', routes: [HttpRouteMatch.pathPrefix('/api')] });
    // THEN /api/admin/* admits both: Linkerd sends /api/admin/x to the more specific route only
    const policies = ofKind(synthAll(d.app), 'AuthorizationPolicy').filter((p) => p.spec.targetRef.name === 'api-http-api-admin').map((p) => p.metadata.name).sort();
    expect(policies).toEqual(['api-http-api-admin-from-sa-admin', 'api-http-api-admin-from-web']);
  });

  test('clients from a network, anyone, and identities narrowed to networks', () => {
    const d = demoApp();
    const policy = new MeshPolicy(d.chart, 'policy');
    policy.allow(Client.network('10.20.0.0/16'), d.web, { port: 8080 });
    policy.allow(Client.anyAuthenticated().onlyFrom('192.168.0.0/16'), d.web, { port: 8080 });
    const objects = synthAll(d.app);
    expect(find(objects, 'NetworkAuthentication', 'net-10.20.0.0-16').spec.networks).toEqual([{ cidr: '10.20.0.0/16' }]);
    expect(find(objects, 'AuthorizationPolicy', 'web-8080-from-authenticated-via-192.168.0.0-16').spec.requiredAuthenticationRefs).toEqual([
      { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'authenticated-via-192.168.0.0-16', namespace: 'demo' },
      { group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'authenticated-via-192.168.0.0-16-net', namespace: 'demo' },
    ]);
    expect(find(objects, 'MeshTLSAuthentication', 'authenticated-via-192.168.0.0-16').spec).toEqual({ identities: ['*'] });
    expectValidObjects(objects, { crds: policyCrds() });
  });

  test('names are deterministic and distinct when two clients share a name', () => {
    const build = () => {
      const d = demoApp();
      const other = new kplus.Deployment(new Chart(d.app, 'other', { namespace: 'other' }), 'web', { metadata: { name: 'web' }, containers: [{ image: 'x', securityContext: { ensureNonRoot: false } }] });
      const policy = new MeshPolicy(d.chart, 'policy');
      policy.allow(Client.workload(d.web), d.api, { port: 'http' });
      policy.allow(Client.workload(other), d.api, { port: 'http' });
      return synthAll(d.app);
    };
    const objects = build();
    expect(ofKind(objects, 'MeshTLSAuthentication').map((o) => o.metadata.name)).toEqual(['web', 'web-2']);
    expect(find(objects, 'MeshTLSAuthentication', 'web-2').spec.identityRefs).toEqual([{ kind: 'ServiceAccount', name: 'default', namespace: 'other' }]);
    expect(JSON.stringify(build())).toEqual(JSON.stringify(objects));
  });

  describe('bad input fails with the construct path and the field', () => {
    test('fails on a port name the workload does not declare, and synth writes nothing', () => {
      // GIVEN an output directory with a previous synth in it
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-'));
      fs.writeFileSync(path.join(out, 'previous.yaml'), 'kept');
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        // WHEN
        runSynth(() => {
          const d = demoApp();
          new MeshPolicy(d.chart, 'policy').allow(Client.workload(d.web), d.api, { port: 'htp' });
          return d.app;
        }, out);
        // THEN
        const message = stderr.mock.calls.map((c) => String(c[0])).join('');
        expect(message).toMatch(/nothing was written/);
        expect(message).toMatch(/demo\/policy\/Server-demo-api-htp: port: Deployment demo\/api declares no TCP port named "htp" \(named ports: http, metrics\)/);
        expect(fs.readdirSync(out)).toEqual(['previous.yaml']);
        expect(process.exitCode).toBe(1);
      } finally {
        process.exitCode = undefined;
        jest.restoreAllMocks();
        fs.rmSync(out, { recursive: true, force: true });
      }
    });

    test('fails on a port number the workload does not declare', () => {
      const d = demoApp();
      new MeshPolicy(d.chart, 'policy').allow(Client.workload(d.web), d.api, { port: 8081 });
      expect(() => synthAll(d.app)).toThrow(LinkerdConfigError);
      expect(() => synthAll(d.app)).toThrow(/demo\/policy\/Server-demo-api-8081: port: Deployment demo\/api declares no TCP container port 8081 \(ports: 8080, 9090\)/);
    });

    test('fails on a CIDR that does not parse', () => {
      const d = demoApp();
      const policy = new MeshPolicy(d.chart, 'policy');
      expect(() => policy.allow(Client.network('10.0.0.0/33'), d.api, { port: 'http' }))
        .toThrow(/demo\/policy: allow\(demo\/api:http\)\.client\.networks\[0\]\.cidr: "10\.0\.0\.0\/33" is not a CIDR/);
      expect(() => new MeshPolicy(d.chart, 'p2', { probeNetworks: ['nodes'] })).toThrow(/demo\/p2: probeNetworks\[0\]\.cidr: "nodes" is not a CIDR/);
    });

    test('fails on an empty route list, and on routes for an opaque port', () => {
      const d = demoApp();
      const policy = new MeshPolicy(d.chart, 'policy');
      expect(() => policy.allow(Client.workload(d.web), d.api, { port: 'http', routes: [] })).toThrow(/allow\(demo\/api:http\)\.routes: the list is empty/);
      policy.allow(Client.workload(d.api), d.db, { port: 5432, protocol: ProxyProtocol.OPAQUE });
      expect(() => policy.allow(Client.workload(d.web), d.db, { port: 5432, routes: [HttpRouteMatch.any({ method: HttpMethod.GET }), HttpRouteMatch.exact('/x')] }))
        .toThrow(/routes: port 5432 is opaque, so requests cannot be told apart/);
      expect(() => policy.allow(Client.workload(d.web), d.db, { port: 5432, protocol: ProxyProtocol.HTTP2 })).toThrow(/protocol: port 5432 of db was declared opaque before/);
    });

    test('fails on a target that is not a workload, and on denyByDefault of a namespace it cannot annotate', () => {
      const d = demoApp();
      const policy = new MeshPolicy(d.chart, 'policy');
      expect(() => policy.allow(Client.workload(d.web), d.apiService, { port: 80 })).toThrow(/target: Service api is not a Deployment or StatefulSet/);
      expect(() => policy.denyByDefault(NamespaceRef.fromName('prod') as any)).toThrow(/denyByDefault: Namespace prod is not defined in this app/);
      expect(() => new MeshPolicy(d.chart, 'explicit', { metricsScrapers: [] }).allowMetricsScrape(d.namespace)).toThrow(/metricsScrapers: no scraper is configured/);
    });

    test('fails at synth when scrapes were asked for and no scraper ever came (no metricsScrapers, no LinkerdViz)', () => {
      const d = demoApp();
      new MeshPolicy(d.chart, 'policy').allowMetricsScrape(d.namespace);
      expect(() => synthesizeManifests(d.app))
        .toThrow(/demo\/policy: metricsScrapers: allowMetricsScrape was called, but no metrics scraper is known\. Fix: pass metricsScrapers, or add a LinkerdViz to the app/);
    });
  });
});

describe('MeshPolicy names', () => {
  test('every name it derives is a valid DNS name of at most 63 characters after joining, the same on every synth', () => {
    const build = () => {
      const app = Testing.app();
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      const long = (name: string) => new kplus.Deployment(chart, name, {
        metadata: { name },
        serviceAccount: new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name } }),
        containers: [{ image: 'ghcr.io/example/app:1.0', ports: [{ number: 8080, name: 'http' }], securityContext: { ensureNonRoot: false },
          readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }) }],
      });
      const server = long(`a-workload-with-a-rather-long-name-${'s'.repeat(20)}`);
      const client = long(`another-workload-with-a-very-long-name-${'c'.repeat(20)}`);
      const policy = new MeshPolicy(chart, 'policy');
      policy.allow(Client.workload(client), server, { port: 'http', routes: [HttpRouteMatch.pathPrefix(`/${'segment/'.repeat(8)}end`)] });
      policy.allow(Client.workload(client).onlyFrom('10.0.0.0/8', '192.168.0.0/16'), server, { port: 'http' });
      return synthAll(app).filter((o) => o.apiVersion.startsWith('policy.linkerd.io/'));
    };
    const objects = build();
    expect(objects.length).toBeGreaterThan(5);
    for (const o of objects) {
      expect(o.metadata.name.length).toBeLessThanOrEqual(63);
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
    expect(objects.some((o) => /-[0-9a-f]{10}$/.test(o.metadata.name))).toBe(true);
    expect(build().map((o) => o.metadata.name)).toEqual(objects.map((o) => o.metadata.name));
    expectValidObjects(objects, { crds: policyCrds() });
  });
});
