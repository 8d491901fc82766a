import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Testing } from 'cdk8s';
import {
  Client, CertManagerIssuer, KeyMaterial, LinkerdConfigError, LinkerdControlPlane, LinkerdViz, LinkerdVizProps, LogFormat, MeshMode, runChecks, runSynth,
  ServiceAccountRef, Severity, synthesizeManifests, VizPrometheus, WebhookFailurePolicy, WebhookTls,
} from '../../src';
import { controlPlaneProps, find, OUR_CRDS, TEST_KEYS } from '../control-plane/fixtures';
import { expectValidObjects } from '../support/k8s-schema';
import { parseManifests } from '../support/manifests';

/** A second key material, to see certificates change. */
const OTHER_KEYS = KeyMaterial.fromSeed({ seed: 'another seed for the viz tests', notBefore: '2026-01-01T00:00:00Z' });

/** viz against a control plane installed elsewhere with defaults, keys from the test seed. */
function synthViz(props: LinkerdVizProps = {}): { chart: LinkerdViz; objects: any[] } {
  const app = Testing.app();
  const chart = new LinkerdViz(app, 'linkerd-viz', { keyMaterial: TEST_KEYS, emitGeneratedPrivateKeys: true, ...props });
  return { chart, objects: Testing.synth(chart) };
}

const podSpec = (objects: any[], name: string) => find(objects, 'Deployment', name).spec.template.spec;
const args = (objects: any[], name: string) => podSpec(objects, name).containers[0].args as string[];
const keys = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);

const VARIANTS: Record<string, LinkerdVizProps> = {
  'default': {},
  'ha': { highAvailability: true },
  'external-prometheus': {
    prometheus: VizPrometheus.external({
      url: 'http://prometheus.monitoring.svc.cluster.local:9090',
      scrapedBy: Client.meshTls(ServiceAccountRef.fromName('prometheus', 'monitoring')),
    }),
  },
  'cert-manager': {
    tap: { tls: WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned() }) },
    tapInjector: { tls: WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned() }) },
  },
};

describe('LinkerdViz', () => {
  describe.each(Object.entries(VARIANTS))('%s', (_name, props) => {
    test('matches the snapshot', () => {
      expect(synthViz(props).objects).toMatchSnapshot();
    });

    test('every object validates against the Kubernetes schemas and our CRDs, unknown fields rejected', () => {
      expectValidObjects(synthViz(props).objects, { crds: OUR_CRDS });
    });

    test('no object is emitted twice, and the checks find no error', () => {
      const { objects } = synthViz(props);
      expect(new Set(keys(objects)).size).toBe(objects.length);
      expect(runChecks(objects).filter((f) => f.severity === Severity.ERROR)).toEqual([]);
    });
  });

  test('emits the objects of `linkerd viz install`, with the Namespace instead of the namespace-metadata hook', () => {
    // GIVEN / WHEN
    const { objects } = synthViz();
    // THEN
    const kinds = objects.reduce((acc: Record<string, number>, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({
      Namespace: 1, ServiceAccount: 5, Secret: 2, ConfigMap: 1, ClusterRole: 7, ClusterRoleBinding: 8, Role: 1, RoleBinding: 2,
      Service: 5, Deployment: 5, APIService: 1, MutatingWebhookConfiguration: 1,
      Server: 4, AuthorizationPolicy: 4, MeshTLSAuthentication: 1, NetworkAuthentication: 2, ServiceProfile: 2,
    });
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
    expect(objects.some((o) => o.metadata.annotations?.['helm.sh/hook'])).toBe(false);
    const ns = find(objects, 'Namespace', 'linkerd-viz');
    expect(ns.metadata.labels).toEqual({ 'linkerd.io/extension': 'viz', 'pod-security.kubernetes.io/enforce': 'privileged' });
    expect(ns.metadata.annotations).toBeUndefined();
  });

  test('its pods are annotated for the injector with the mesh settings upstream uses', () => {
    const { objects } = synthViz();
    for (const name of ['metrics-api', 'prometheus', 'tap', 'tap-injector', 'web']) {
      const pod = find(objects, 'Deployment', name).spec.template;
      expect(pod.metadata.annotations).toMatchObject({
        'linkerd.io/inject': 'enabled',
        'config.alpha.linkerd.io/proxy-wait-before-exit-seconds': '0',
      });
      expect(pod.spec.containers.map((c: any) => c.name)).toEqual([name]);
    }
  });

  test('resolves namespaces, cluster and trust domains from a control plane of the same app, and follows it', () => {
    // GIVEN
    const app = Testing.app();
    const controlPlane = new LinkerdControlPlane(app, 'cp', controlPlaneProps({
      namespace: 'mesh', clusterDomain: 'example.org', identity: { ...controlPlaneProps().identity, trustDomain: 'td.example' }, cni: true,
    }));
    // WHEN: no key material of its own: the control plane's is used
    const viz = new LinkerdViz(app, 'viz', { controlPlane, namespace: 'observability' });
    const objects = Testing.synth(viz);
    // THEN
    expect(viz.node.dependencies).toContain(controlPlane);
    expect(args(objects, 'metrics-api')).toEqual(expect.arrayContaining([
      '-controller-namespace=mesh', '-cluster-domain=example.org', '-prometheus-url=http://prometheus.observability.svc.example.org:9090',
    ]));
    expect(args(objects, 'tap')).toEqual(expect.arrayContaining(['-api-namespace=mesh', '-identity-trust-domain=td.example']));
    expect(args(objects, 'tap-injector')).toContain('-tap-service-name=tap.observability.serviceaccount.identity.mesh.td.example');
    expect(args(objects, 'web')).toContain('-enforced-host=^(localhost|127\\.0\\.0\\.1|web\\.observability\\.svc\\.example\\.org|web\\.observability\\.svc|\\[::1\\])(:\\d+)?$');
    expect(find(objects, 'Role', 'web').metadata.namespace).toBe('mesh');
    expect(find(objects, 'Namespace', 'observability').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find(objects, 'ClusterRole', 'linkerd-observability-tap').rules).toHaveLength(3);
  });

  test('the tap and injector certificates are deterministic, self-signed for their Service names, and trusted by the registrations', () => {
    // GIVEN / WHEN
    const first = synthViz().objects;
    const second = synthViz().objects;
    // THEN
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const pem = (b64: string) => Buffer.from(b64, 'base64').toString().trim();
    expect(pem(find(first, 'APIService', 'v1alpha1.tap.linkerd.io').spec.caBundle)).toBe(pem(find(first, 'Secret', 'tap-k8s-tls').data['tls.crt']));
    expect(pem(find(first, 'MutatingWebhookConfiguration', 'linkerd-tap-injector-webhook-config').webhooks[0].clientConfig.caBundle))
      .toBe(pem(find(first, 'Secret', 'tap-injector-k8s-tls').data['tls.crt']));
    expect(runChecks(first).filter((f) => f.code.startsWith('L5D1'))).toEqual([]);
    // a new certificate rolls the pods
    const other = synthViz({ keyMaterial: OTHER_KEYS }).objects;
    expect(find(other, 'Deployment', 'tap').spec.template.metadata.annotations['checksum/config'])
      .not.toBe(find(first, 'Deployment', 'tap').spec.template.metadata.annotations['checksum/config']);
  });

  test('cert-manager certificates: no key, the CA injected into the APIService and the webhook', () => {
    const { objects } = synthViz(VARIANTS['cert-manager']);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(find(objects, 'APIService', 'v1alpha1.tap.linkerd.io').metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'linkerd-viz/tap' });
    expect(find(objects, 'APIService', 'v1alpha1.tap.linkerd.io').spec.caBundle).toBeUndefined();
    expect(find(objects, 'Certificate', 'tap-injector').spec.dnsNames).toEqual(['tap-injector.linkerd-viz.svc']);
  });

  test('fails when generated keys would be written without emitGeneratedPrivateKeys', () => {
    expect(() => new LinkerdViz(Testing.app(), 'viz', { keyMaterial: TEST_KEYS }))
      .toThrow(/viz: emitGeneratedPrivateKeys: is not set, but the output would hold private keys generated from keyMaterial: Secret linkerd-viz\/tap-injector-k8s-tls/);
    expect(() => new LinkerdViz(Testing.app(), 'viz', {})).toThrow(/viz: keyMaterial: is required by tapInjector\.tls: WebhookTls\.generated\(\) \(the default\)/);
  });

  describe('HA preset', () => {
    test('three tap replicas, disruption budget, anti-affinity on the component label, and resources', () => {
      const { objects } = synthViz({ highAvailability: true });
      expect(find(objects, 'Deployment', 'tap').spec.replicas).toBe(3);
      expect(find(objects, 'Deployment', 'tap').spec.strategy).toEqual({ rollingUpdate: { maxUnavailable: 1 } });
      expect(find(objects, 'Deployment', 'web').spec.strategy).toBeUndefined();
      expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['tap']);
      expect(podSpec(objects, 'web').affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions)
        .toEqual([{ key: 'component', operator: 'In', values: ['web'] }]);
      expect(podSpec(objects, 'prometheus').affinity).toBeUndefined();
      expect(podSpec(objects, 'prometheus').containers[0].resources).toEqual({ limits: { memory: '8192Mi' }, requests: { cpu: '300m', memory: '300Mi' } });
      expect(podSpec(objects, 'tap').containers[0].resources).toEqual({ limits: { memory: '250Mi' }, requests: { cpu: '100m', memory: '50Mi' } });
      expect(podSpec(objects, 'metrics-api').containers[0].resources).toBeUndefined();
    });

    test('each field can still be overridden', () => {
      const { objects } = synthViz({
        highAvailability: true, podAntiAffinity: false,
        tap: { replicas: 2, resources: { cpu: { request: '1' } } },
        metricsApi: { replicas: 2 },
      });
      expect(find(objects, 'Deployment', 'tap').spec.replicas).toBe(2);
      expect(podSpec(objects, 'tap').affinity).toBeUndefined();
      expect(podSpec(objects, 'tap').containers[0].resources).toEqual({ requests: { cpu: '1' } });
      expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['metrics-api', 'tap']);
    });
  });

  test('typed component and Prometheus settings reach their containers', () => {
    const { objects } = synthViz({
      logLevel: 'debug', logFormat: LogFormat.JSON, registry: 'registry.example.com/l5d', version: 'v1.2.3',
      priorityClassName: 'system-cluster-critical', imagePullSecrets: ['regcred'],
      tap: { ignoreHeaders: ['authorization'], logLevel: 'warn' },
      tapInjector: { failurePolicy: WebhookFailurePolicy.FAIL },
      dashboard: { restrictPrivileges: true, enforcedHostRegexp: '(?i)^viz\\.example\\.com(:\\d+)?$' },
      prometheus: VizPrometheus.bundled({
        retention: Duration.days(2), scrapeInterval: Duration.seconds(30),
        scrapeConfigs: [{ job_name: 'node-exporter', static_configs: [{ targets: ['node-exporter:9100'] }] }],
        remoteWrite: [{ url: 'http://thanos-receive:19291/api/v1/receive' }],
      }),
    });
    expect(podSpec(objects, 'metrics-api').containers[0].image).toBe('registry.example.com/l5d/metrics-api:v1.2.3');
    expect(podSpec(objects, 'tap-injector').containers[0].image).toBe('registry.example.com/l5d/tap:v1.2.3');
    expect(args(objects, 'metrics-api')).toEqual(expect.arrayContaining(['-log-level=debug', '-log-format=json']));
    expect(args(objects, 'tap')).toEqual(expect.arrayContaining(['-log-level=warn', '-ignore-headers=authorization']));
    expect(args(objects, 'web')).toContain('-enforced-host=(?i)^viz\\.example\\.com(:\\d+)?$');
    expect(args(objects, 'prometheus')).toEqual(expect.arrayContaining(['--log.level=debug', '--log.format=json', '--storage.tsdb.retention.time=48h']));
    expect(podSpec(objects, 'web').priorityClassName).toBe('system-cluster-critical');
    expect(find(objects, 'ServiceAccount', 'tap').imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(find(objects, 'MutatingWebhookConfiguration', 'linkerd-tap-injector-webhook-config').webhooks[0].failurePolicy).toBe('Fail');
    // restricted dashboard: no cluster-wide reads, no tap
    expect(objects.filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name.includes('web'))).toEqual([]);
    expect(find(objects, 'Role', 'web').rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['linkerd-config'] }]);
    const config = parseManifests(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml'])[0];
    expect(config.global).toEqual({ evaluation_interval: '10s', scrape_interval: '30s', scrape_timeout: '10s' });
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual([
      'prometheus', 'kubernetes-nodes-cadvisor', 'linkerd-controller', 'linkerd-multicluster-controller', 'linkerd-proxy', 'node-exporter',
    ]);
    expect(config.remote_write).toEqual([{ url: 'http://thanos-receive:19291/api/v1/receive' }]);
  });

  test('an external Prometheus: no Prometheus objects, the URL on the metrics API and the Namespace', () => {
    const { chart, objects } = synthViz(VARIANTS['external-prometheus']);
    expect(keys(objects).filter((k) => k.includes('prometheus'))).toEqual([]);
    expect(args(objects, 'metrics-api')).toContain('-prometheus-url=http://prometheus.monitoring.svc.cluster.local:9090');
    expect(find(objects, 'Namespace', 'linkerd-viz').metadata.annotations).toEqual({
      'viz.linkerd.io/external-prometheus': 'http://prometheus.monitoring.svc.cluster.local:9090',
    });
    expect(chart.prometheusUrl).toBe('http://prometheus.monitoring.svc.cluster.local:9090');
    expect(chart.metricsScraper).toBeDefined();
  });

  test('static mesh mode renders the proxy with the shared builder, from the control plane\'s values', () => {
    // GIVEN
    const app = Testing.app();
    const controlPlane = new LinkerdControlPlane(app, 'cp', controlPlaneProps({ proxy: { logFormat: LogFormat.JSON } }));
    // WHEN
    const objects = Testing.synth(new LinkerdViz(app, 'viz', { controlPlane, meshMode: MeshMode.STATIC }));
    // THEN
    const spec = podSpec(objects, 'tap');
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['linkerd-init', 'linkerd-proxy']);
    const env = Object.fromEntries(spec.initContainers[1].env.map((e: any) => [e.name, e.value]));
    expect(env.LINKERD2_PROXY_LOG_FORMAT).toBe('json');
    expect(env.LINKERD2_PROXY_INBOUND_PORTS).toBe('8088,8089,9998');
    expect(find(objects, 'Deployment', 'tap').spec.template.metadata.annotations['linkerd.io/trust-root-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  describe('bad input fails with the construct path, the field and the fix', () => {
    test.each([
      ['a Prometheus URL that is not a URL', { prometheus: VizPrometheus.external({ url: 'prometheus:9090' }) },
        /^linkerd-viz: prometheus\.url: "prometheus:9090" has the scheme prometheus, not http or https\. Fix: use e\.g\. "http:/],
      ['a host regexp that does not compile', { dashboard: { enforcedHostRegexp: '^(viz\\.example\\.com' } },
        /^linkerd-viz: dashboard\.enforcedHostRegexp: "\^\(viz\\\\\.example\\\\\.com" is not a Go \(RE2\) regular expression: .*Fix: write it in Go's RE2 syntax/],
      ['a host regexp JavaScript accepts but RE2 does not (lookahead)', { dashboard: { enforcedHostRegexp: '^(?!evil)[a-z.]+$' } },
        /dashboard\.enforcedHostRegexp: .* lookahead or lookbehind \(RE2 has none\)/],
      ['replicas 0', { tap: { replicas: 0 } }, /^linkerd-viz: tap\.replicas: 0 is not a positive integer\. Fix: use a whole number of 1 or more/],
      ['a log level the components do not know', { logLevel: 'verbose' }, /^linkerd-viz: logLevel: "verbose" is not one of/],
      ['a scrape job that replaces one of viz\'s', { prometheus: VizPrometheus.bundled({ scrapeConfigs: [{ job_name: 'linkerd-proxy' }] }) },
        /prometheus\.scrapeConfigs\[0\]\.job_name: "linkerd-proxy" is already a job of viz's own configuration/],
      ['a scrape timeout longer than the interval', { prometheus: VizPrometheus.bundled({ scrapeTimeout: Duration.minutes(1) }) },
        /prometheus\.scrapeTimeout: 1m is longer than the scrape interval 10s/],
      ['the control plane\'s namespace', { namespace: 'linkerd' }, /^linkerd-viz: namespace: linkerd is the control plane's namespace/],
    ])('%s', (_what, props, message) => {
      let error: unknown;
      try {
        synthViz(props as LinkerdVizProps);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LinkerdConfigError);
      expect((error as Error).message).toMatch(message);
    });

    test('nothing is written', () => {
      // GIVEN an output directory from an earlier synth
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-'));
      fs.writeFileSync(path.join(out, '01-previous.yaml'), 'kind: Previous\n');
      const stderr: string[] = [];
      const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { stderr.push(String(chunk)); return true; });
      // WHEN
      try {
        runSynth(() => {
          const app = new App();
          new LinkerdViz(app, 'linkerd-viz', { keyMaterial: TEST_KEYS, emitGeneratedPrivateKeys: true, tap: { replicas: 0 } });
          return app;
        }, out);
      } finally {
        write.mockRestore();
      }
      // THEN
      expect(process.exitCode).toBe(1);
      process.exitCode = 0;
      expect(stderr.join('')).toMatch(/nothing was written\.\nlinkerd-viz: tap\.replicas: 0 is not a positive integer/);
      expect(fs.readdirSync(out)).toEqual(['01-previous.yaml']);
    });
  });

  test('with a control plane in the same app: applied after it, and the whole install passes the checks', () => {
    const app = new App();
    const controlPlane = new LinkerdControlPlane(app, 'linkerd-control-plane', controlPlaneProps());
    new LinkerdViz(app, 'linkerd-viz', { controlPlane });
    const files = synthesizeManifests(app);
    expect(files.map((f) => f.name)).toEqual(['01-linkerd-control-plane.yaml', '02-linkerd-viz.yaml']);
    const objects = files.flatMap((f) => parseManifests(f.content));
    expect(runChecks(objects)).toEqual([]);
  });
});
