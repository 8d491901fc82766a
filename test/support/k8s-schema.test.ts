import * as fs from 'fs';
import * as path from 'path';
import { renderSubset } from '../../scripts/vendor-k8s-schemas';
import { expectValidObjects, kubernetesSchemaRelease, validateObjects, vendoredCrds } from './k8s-schema';
import { readManifests } from './manifests';

/** The shared reference material sits next to the repository; a fresh clone does not have it. */
const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const REFERENCE = path.join(SHARED, 'reference', 'edge-26.8.3');
const OPENAPI = path.join(SHARED, 'schemas', 'kubernetes-openapi-v2.json');
const withReference = fs.existsSync(REFERENCE) ? describe : describe.skip;
const withOpenApi = fs.existsSync(OPENAPI) ? describe : describe.skip;

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [{ name: 'A', value: '1' }],
            resources: { requests: { cpu: '100m', memory: '20Mi' }, limits: { cpu: 0.5 } },
            readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
          }],
        },
      },
    },
  };
}

function widgetCrd(): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: [{
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', format: 'int32', minimum: 0, exclusiveMinimum: true },
                  mode: { type: 'string', enum: ['a', 'b'] },
                  port: { 'x-kubernetes-int-or-string': true, 'anyOf': [{ type: 'integer' }, { type: 'string' }] },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  extra: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'properties': { known: { type: 'string' } } },
                  rules: {
                    'type': 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    'items': { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
                  },
                },
                // value validation, not structure: must not make its own properties strict
                anyOf: [{ required: ['mode'] }, { properties: { size: { maximum: 10 } } }],
              },
            },
          },
        },
      }],
    },
  };
}

function widget(spec: any): any {
  return { apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'w', namespace: 'demo' }, spec };
}

describe('validateObjects', () => {
  test('accepts valid built-in objects', () => {
    // GIVEN
    const objects = [
      deployment(),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'demo' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'YWJj', 'tls.key': '' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { name: 'admin', port: 9990, targetPort: 'admin' }] } },
    ];

    // WHEN
    const errors = validateObjects(objects);

    // THEN
    expect(errors).toEqual([]);
    expect(kubernetesSchemaRelease()).toEqual('1.36');
  });

  test('fails on an unknown field in a container', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(validateObjects([d])).toEqual([
      'Deployment demo/web: spec.template.spec.containers[0].imagePullPolicyy: unknown field',
    ]);
  });

  test('fails on a wrong type for replicas', () => {
    const d = deployment();
    d.spec.replicas = '3';
    expect(validateObjects([d])).toEqual(['Deployment demo/web: spec.replicas: must be integer, got "3"']);
  });

  test('fails on a missing required field', () => {
    const d = deployment();
    delete d.spec.template.spec.containers[0].name;
    delete d.spec.selector;
    expect(validateObjects([d])).toEqual([
      'Deployment demo/web: spec.selector: required field missing',
      'Deployment demo/web: spec.template.spec.containers[0].name: required field missing',
    ]);
  });

  test('fails on formats: int32 range, base64 data, quantities', () => {
    // GIVEN
    const d = deployment();
    d.spec.template.spec.containers[0].ports[0].containerPort = 2 ** 40;
    d.spec.template.spec.containers[0].resources.limits.memory = '20 MB';
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'demo' }, data: { key: 'not base64!' } };

    // THEN
    expect(validateObjects([d, s])).toEqual([
      'Deployment demo/web: spec.template.spec.containers[0].ports[0].containerPort: not a valid int32 value: 1099511627776',
      'Deployment demo/web: spec.template.spec.containers[0].resources.limits.memory: not a valid quantity: "20 MB"',
      'Secret demo/s: data.key: not a valid byte value: "not base64!"',
    ]);
  });

  test('fails on an int-or-string field of another type, and on duplicate list-map keys', () => {
    const d = deployment();
    d.spec.strategy.rollingUpdate.maxUnavailable = true;
    d.spec.template.spec.containers[0].env.push({ name: 'A', value: '2' });
    expect(validateObjects([d])).toEqual([
      'Deployment demo/web: spec.strategy.rollingUpdate.maxUnavailable: must be integer or string, got true',
      'Deployment demo/web: spec.template.spec.containers[0].env[1]: duplicate entry (name="A"), same as item [0]',
    ]);
  });

  test('treats null as absent unless rejectNulls is set', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].resources = null;
    expect(validateObjects([d])).toEqual([]);
    expect(validateObjects([d], { rejectNulls: true })).toEqual([
      'Deployment demo/web: spec.template.spec.containers[0].resources: must be object, got null',
    ]);
  });

  test('fails on a kind without any schema', () => {
    const objects = [
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'demo' } },
      { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } },
      { kind: 'ConfigMap', metadata: { name: 'c' } },
    ];
    expect(validateObjects(objects)).toEqual([
      'HorizontalPodAutoscaler demo/h: <root>: no vendored schema for built-in autoscaling/v2 HorizontalPodAutoscaler; add it to KINDS in scripts/vendor-k8s-schemas.ts and rerun that script',
      'Gadget -/g: <root>: no schema for example.com/v1 Gadget: no CustomResourceDefinition for it among the objects or in options.crds',
      'ConfigMap -/c: <root>: apiVersion and kind must be non-empty strings',
    ]);
  });

  test('validates custom resources against their CRD', () => {
    // GIVEN
    const crds = [widgetCrd()];
    const ok = widget({ size: 3, mode: 'a', port: 'http', labels: { a: 'b' }, extra: { anything: { goes: 1 }, known: 'x' }, rules: [{ name: 'r' }] });

    // THEN
    expect(validateObjects([ok], { crds })).toEqual([]);
    // the anyOf branches are value validation: `port` is not unknown to the second branch
    expect(validateObjects([widget({ size: 3, port: 8080 })], { crds })).toEqual([]);
    expect(validateObjects([widget({ size: 20, port: 8080 })], { crds })).toEqual([
      'Widget demo/w: spec.mode: required field missing',
      'Widget demo/w: spec.size: must be <= 10',
      'Widget demo/w: spec: must match a schema in anyOf',
    ]);
    // the CRD among the objects is used as well, and is itself validated
    expect(validateObjects([widgetCrd(), ok])).toEqual([]);
  });

  test('fails on custom resources that break their CRD schema', () => {
    // GIVEN
    const crds = [widgetCrd()];
    const bad = widget({ size: 0, mode: 'c', port: 1.5, extra: { known: 1 }, rules: [{ name: 'r' }, { name: 'r' }], colour: 'red' });
    bad.metadata.labelz = {};

    // THEN
    expect(validateObjects([bad], { crds })).toEqual([
      'Widget demo/w: metadata.labelz: unknown field',
      'Widget demo/w: spec.colour: unknown field',
      'Widget demo/w: spec.extra.known: must be string, got 1',
      'Widget demo/w: spec.mode: must be one of "a", "b", got "c"',
      'Widget demo/w: spec.port: must be integer or string, got 1.5',
      'Widget demo/w: spec.rules[1]: duplicate entry (name="r"), same as item [0]',
      'Widget demo/w: spec.size: must be > 0',
    ]);
    expect(validateObjects([{ ...widget({ size: 1 }), apiVersion: 'example.com/v2' }], { crds })).toEqual([
      'Widget demo/w: <root>: CustomResourceDefinition widgets.example.com has no version v2 (has v1alpha1)',
    ]);
  });

  test('validates PodMonitors with the vendored schema', () => {
    // GIVEN
    const pm = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'linkerd-proxy', namespace: 'linkerd' },
      spec: {
        namespaceSelector: { any: true },
        selector: { matchLabels: {} },
        podMetricsEndpoints: [{
          interval: '10s',
          scrapeTimeout: '10s',
          honorTimestamps: false,
          relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_name'], action: 'replace', targetLabel: 'pod' }],
        }],
      },
    };
    const bad = JSON.parse(JSON.stringify(pm));
    bad.spec.podMetricsEndpoints[0].interval = '10 seconds';
    bad.spec.podMetricsEndpoints[0].relabelings[0].actoin = 'keep';
    delete bad.spec.selector;

    // THEN
    expect(validateObjects([pm])).toEqual([]);
    expect(validateObjects([bad])).toEqual([
      expect.stringMatching(/^PodMonitor linkerd\/linkerd-proxy: spec.podMetricsEndpoints\[0\].interval: "10 seconds" does not match /),
      'PodMonitor linkerd/linkerd-proxy: spec.podMetricsEndpoints[0].relabelings[0].actoin: unknown field',
      'PodMonitor linkerd/linkerd-proxy: spec.selector: required field missing',
    ]);
    // the vendored CRD is a valid CRD itself
    expect(validateObjects(vendoredCrds())).toEqual([]);
  });

  test('expands List objects', () => {
    const d = deployment();
    d.spec.replicas = -1.5;
    expect(validateObjects([{ apiVersion: 'v1', kind: 'List', items: [d] }])).toEqual([
      'Deployment demo/web: spec.replicas: must be integer, got -1.5',
    ]);
  });
});

describe('expectValidObjects', () => {
  test('passes for valid objects', () => {
    expect(() => expectValidObjects([deployment()])).not.toThrow();
  });

  test('fails listing every error', () => {
    const d = deployment();
    d.spec.replicas = 'x';
    d.spec.template.spec.containers[0].foo = 1;
    expect(() => expectValidObjects([d])).toThrow(
      '2 Kubernetes schema error(s) in 1 object(s):\n' +
      '  Deployment demo/web: spec.replicas: must be integer, got "x"\n' +
      '  Deployment demo/web: spec.template.spec.containers[0].foo: unknown field',
    );
  });
});

withReference('reference renders (../shared)', () => {
  const crds = () => readManifests(path.join(REFERENCE, 'crds.yaml'));

  test.each([
    'control-plane-default.yaml',
    'control-plane-ha.yaml',
    'control-plane-podmonitor-noheartbeat.yaml',
    'viz-default.yaml',
    'multicluster.yaml',
    'crds-gateway-api.yaml',
  ])('%s validates', file => {
    expectValidObjects(readManifests(path.join(REFERENCE, file)), { crds: crds() });
  });
});

withOpenApi('vendored subset (../shared)', () => {
  test('is what scripts/vendor-k8s-schemas.ts writes today', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schemas', 'kubernetes-1.36-subset.json'), 'utf8');
    expect(renderSubset(fs.readFileSync(OPENAPI, 'utf8')) === committed).toBe(true);
  });
});
