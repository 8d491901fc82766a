import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart, Cron, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { stringify } from 'yaml';
import {
  InjectRefusal, LinkerdConfigError, LinkerdControlPlane, LogFormat, MeshMode, runChecks, Severity, TrustAnchors,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { deploymentManifest, installedMesh, meshDeployment, RenderedPod, renderedPod, staticPod } from './fixtures';

const names = (containers: any[] | undefined) => (containers ?? []).map((c) => c.name);

describe('webhook mode', () => {
  test('annotates the pod template and leaves the pod spec to the injector', () => {
    // GIVEN / WHEN
    const pod = meshDeployment();
    // THEN
    expect(pod.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
    expect(pod.template.metadata.labels).toEqual({ app: 'web' });
    expect(pod.spec).toEqual(deploymentManifest().spec.template.spec);
  });

  test('writes the workload\'s settings next to the inject annotation; ingress mode is an inject value', () => {
    const pod = meshDeployment({ proxy: { ingress: true, logLevel: 'debug', resources: { cpu: { request: '100m' } } } });
    expect(pod.annotations).toEqual({
      'linkerd.io/inject': 'ingress',
      'config.linkerd.io/proxy-log-level': 'debug',
      'config.linkerd.io/proxy-cpu-request': '100m',
    });
  });

  test('works on any object with a pod template, whatever its kind', () => {
    // GIVEN a custom resource with spec.template
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart');
    const rollout = new ApiObject(chart, 'rollout', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    });
    // WHEN
    mesh.meshWorkload(rollout);
    // THEN (a custom resource without a CRD here: no schema to validate it against)
    expect(Testing.synth(chart)[0].spec.template.metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
    // static injection is what linkerd inject does, for the kinds it knows
    const other = new ApiObject(chart, 'other', { ...rollout.toJson(), metadata: { name: 'other', namespace: 'shop' } });
    expect(() => mesh.meshWorkload(other, { mode: MeshMode.STATIC })).toThrow(/chart\/other: mode: static injection of a Rollout is not supported/);
  });

  test('needs no trust anchors', () => {
    const app = Testing.app();
    const mesh = LinkerdControlPlane.fromInstalled(app, 'linkerd');
    const obj = new ApiObject(new Chart(app, 'chart'), 'web', deploymentManifest());
    mesh.meshWorkload(obj);
    expectValidObjects([obj.toJson()]);
    expect(renderedPod(obj.toJson()).annotations['linkerd.io/inject']).toBe('enabled');
    const other = new ApiObject(obj.node.scope as Chart, 'other', { ...deploymentManifest(), metadata: { name: 'other', namespace: 'shop' } });
    expect(() => mesh.meshWorkload(other, { mode: MeshMode.STATIC })).toThrow(/chart\/other: mode: static injection needs the trust anchors of the mesh, and linkerd has none/);
  });
});

describe('static mode', () => {
  test('renders the injected pod: proxy-init, native-sidecar proxy, volumes, labels, annotations', () => {
    // GIVEN / WHEN
    const pod = staticPod();
    // THEN
    expect(names(pod.spec.initContainers)).toEqual(['linkerd-init', 'linkerd-proxy']);
    expect(names(pod.spec.containers)).toEqual(['web']);
    expect(pod.spec.volumes.map((v: any) => v.name)).toEqual(['linkerd-proxy-init-xtables-lock', 'linkerd-identity-end-entity', 'linkerd-identity-token']);
    expect(pod.template.metadata.labels).toEqual({
      'app': 'web',
      'linkerd.io/control-plane-ns': 'linkerd',
      'linkerd.io/proxy-deployment': 'web',
      'linkerd.io/workload-ns': 'shop',
    });
    expect(Object.keys(pod.annotations).sort()).toEqual(['linkerd.io/created-by', 'linkerd.io/proxy-version', 'linkerd.io/trust-root-sha256']);
    expect(pod.proxy.restartPolicy).toBe('Always');
    expect(pod.env.LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS).toBe(`${pod.env.LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS!.trim()}\n`);
    expect(pod.env.LINKERD2_PROXY_DESTINATION_SVC_ADDR).toBe('linkerd-dst-headless.linkerd.svc.cluster.local.:8086');
  });

  test('inbound ports are every container port plus integer HTTP probe ports, sorted as strings', () => {
    const manifest = deploymentManifest({
      podSpec: {
        initContainers: [{ name: 'setup', image: 'setup:1', ports: [{ containerPort: 7000 }] }],
        containers: [{
          name: 'web',
          image: 'web:1',
          ports: [{ containerPort: 80 }, { containerPort: 1000, name: 'admin' }],
          livenessProbe: { httpGet: { path: '/', port: 9000 } },
          readinessProbe: { httpGet: { path: '/', port: 'admin' } },
          startupProbe: { httpGet: { path: '/', port: 9500 } },
        }],
      },
    });
    const pod = meshDeployment({ mode: MeshMode.STATIC, manifest });
    expect(pod.env.LINKERD2_PROXY_INBOUND_PORTS).toBe('1000,7000,80,9000');
    expect(names(pod.spec.initContainers)).toEqual(['linkerd-init', 'linkerd-proxy', 'setup']);
  });

  test('the proxy copies the first container\'s capabilities; proxy-init keeps NET_ADMIN and NET_RAW', () => {
    const manifest = deploymentManifest({
      podSpec: {
        containers: [
          { name: 'web', image: 'web:1', securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL', 'NET_RAW'] } } },
          { name: 'other', image: 'other:1', securityContext: { capabilities: { add: ['SYS_TIME'] } } },
        ],
      },
    });
    const pod = meshDeployment({ mode: MeshMode.STATIC, manifest });
    expect(pod.proxy.securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL', 'NET_RAW'] });
    expect(pod.init.securityContext.capabilities).toEqual({ add: ['NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE'], drop: ['ALL'] });
  });

  test('a classic proxy goes first when it awaits, last (after the debug container) when it does not', () => {
    const awaiting = staticPod(undefined, { nativeSidecar: false, debugSidecar: true });
    expect(names(awaiting.spec.containers)).toEqual(['linkerd-proxy', 'web', 'linkerd-debug']);
    const late = staticPod(undefined, { nativeSidecar: false, await: false, debugSidecar: true });
    expect(names(late.spec.containers)).toEqual(['web', 'linkerd-debug', 'linkerd-proxy']);
    expect(late.proxy.lifecycle).toBeUndefined();
  });

  test('with the CNI plugin, the network validator replaces proxy-init', () => {
    const pod = staticPod(undefined, undefined, { cni: true });
    expect(names(pod.spec.initContainers)).toEqual(['linkerd-network-validator', 'linkerd-proxy']);
    expect(pod.spec.volumes.map((v: any) => v.name)).not.toContain('linkerd-proxy-init-xtables-lock');
  });

  test('the pod\'s own config annotations are applied as the injector applies them', () => {
    // GIVEN raw annotations, one with a named opaque port
    const manifest = deploymentManifest({
      podAnnotations: {
        'config.linkerd.io/admin-port': '9998',
        'config.linkerd.io/proxy-cpu-request': '0.5',
        'config.linkerd.io/opaque-ports': 'http,4000-4001',
        'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'false',
      },
    });
    // WHEN
    const pod = meshDeployment({ mode: MeshMode.STATIC, manifest });
    // THEN
    expect(pod.env.LINKERD2_PROXY_ADMIN_LISTEN_ADDR).toBe('0.0.0.0:9998');
    expect(pod.env.LINKERD2_PROXY_CORES_MIN).toBe('1');
    expect(pod.proxy.resources).toEqual({ requests: { cpu: '0.5' } });
    expect(pod.env.LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION).toBe('8080,4000-4001');
    expect(pod.spec.containers[0].name).toBe('linkerd-proxy');
    expect(pod.annotations['config.linkerd.io/admin-port']).toBe('9998');
  });

  test('the newer native-sidecar key wins over the deprecated ones', () => {
    const manifest = deploymentManifest({
      podAnnotations: { 'config.linkerd.io/proxy-enable-native-sidecar': 'true', 'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'false' },
    });
    expect(meshDeployment({ mode: MeshMode.STATIC, manifest }).proxy.restartPolicy).toBe('Always');
  });

  test('fails on a raw annotation the injector could not use, naming where it is', () => {
    const manifest = deploymentManifest({ podAnnotations: { 'config.linkerd.io/admin-port': 'admin' } });
    expect(() => meshDeployment({ mode: MeshMode.STATIC, manifest }))
      .toThrow(/chart\/web: spec.template.metadata.annotations\["config.linkerd.io\/admin-port"\]: "admin" is not a TCP port \(1-65535\)/);
  });

  test('fails when a setting contradicts an annotation already on the pod', () => {
    const manifest = deploymentManifest({ podAnnotations: { 'config.linkerd.io/proxy-log-level': 'info' } });
    expect(() => meshDeployment({ mode: MeshMode.STATIC, manifest, proxy: { logLevel: 'debug' } }))
      .toThrow(/chart\/web: proxy.logLevel: conflicts with the annotation config.linkerd.io\/proxy-log-level: "info" on the pod template/);
    expect(() => meshDeployment({ manifest, proxy: { logLevel: 'debug' } })).toThrow(LinkerdConfigError);
    expect(meshDeployment({ mode: MeshMode.STATIC, manifest, proxy: { logLevel: 'info' } }).env.LINKERD2_PROXY_LOG).toMatch(/^info,/);
  });

  test('a workload without a namespace is injected, its pods labelled with an empty workload-ns, as linkerd inject does', () => {
    // GIVEN
    const manifest = { ...deploymentManifest(), metadata: { name: 'web' } };
    // WHEN
    const pod = meshDeployment({ mode: MeshMode.STATIC, manifest });
    // THEN
    expect(names(pod.spec.initContainers)).toEqual(['linkerd-init', 'linkerd-proxy']);
    expect(pod.template.metadata.labels).toEqual({
      'app': 'web', 'linkerd.io/control-plane-ns': 'linkerd', 'linkerd.io/proxy-deployment': 'web', 'linkerd.io/workload-ns': '',
    });
    expect(pod.object.metadata.namespace).toBeUndefined();
    expect(pod.env._pod_ns).toBe(JSON.stringify({ fieldRef: { fieldPath: 'metadata.namespace' } }));
  });

  test('a bare Pod gets no owner label; a CronJob is injected in its job template', () => {
    // GIVEN
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart', { namespace: 'shop' });
    const bare = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bot' }, spec: { containers: [{ name: 'bot', image: 'bot:1' }] } });
    const cron = new kplus.CronJob(chart, 'cron', { schedule: Cron.daily(), containers: [{ image: 'job:1', name: 'job' }] });
    // WHEN
    mesh.meshWorkload(bare, { mode: MeshMode.STATIC });
    mesh.meshWorkload(cron, { mode: MeshMode.STATIC });
    const objects = Testing.synth(chart);
    // THEN
    expectValidObjects(objects);
    const pod = renderedPod(objects[0]);
    expect(pod.template.metadata.labels).toEqual({ 'linkerd.io/control-plane-ns': 'linkerd', 'linkerd.io/workload-ns': 'shop' });
    expect(pod.proxy.env).toContainEqual({ name: 'LINKERD2_PROXY_INBOUND_PORTS' });
    const job = renderedPod(objects[1]);
    expect(job.template.metadata.labels['linkerd.io/proxy-cronjob']).toBe(objects[1].metadata.name);
    expect(names(job.spec.initContainers)).toEqual(['linkerd-init', 'linkerd-proxy']);
  });

  test('is deterministic', () => {
    expect(JSON.stringify(staticPod().object)).toBe(JSON.stringify(staticPod().object));
  });

  test('passes the library\'s checks', () => {
    const pod = staticPod(undefined, { opaquePorts: [3306], logFormat: LogFormat.JSON });
    expect(runChecks([pod.object]).filter((f) => f.severity === Severity.ERROR)).toEqual([]);
  });
});

describe('re-injection, as linkerd inject un-injects first', () => {
  /** The config annotations an injection wrote: what `linkerd uninject` keeps of it. */
  const configAnnotations = (pod: RenderedPod) => Object.fromEntries(Object.entries(pod.annotations).filter(([k]) => k.startsWith('config.linkerd.io/')));
  const reinject = (injected: any, options: Parameters<typeof meshDeployment>[0] = {}) => meshDeployment({ mode: MeshMode.STATIC, ...options, manifest: structuredClone(injected) });

  test('re-injecting an injected workload equals injecting the stripped one', () => {
    // GIVEN an injected workload
    const injected = staticPod(undefined, { logLevel: 'debug', opaquePorts: [9090] });
    const stripped = deploymentManifest({ podAnnotations: configAnnotations(injected) });
    // WHEN it is injected again, with the same settings, none, or in webhook mode
    const same = reinject(injected.object, { proxy: { logLevel: 'debug', opaquePorts: [9090] } });
    const none = reinject(injected.object);
    const webhook = reinject(injected.object, { mode: MeshMode.WEBHOOK });
    // THEN each equals injecting the stripped workload the same way
    expect(Object.keys(configAnnotations(injected)).sort()).toEqual(['config.linkerd.io/opaque-ports', 'config.linkerd.io/proxy-log-level']);
    expect(same.object).toEqual(injected.object);
    expect(none.object).toEqual(meshDeployment({ mode: MeshMode.STATIC, manifest: stripped }).object);
    expect(webhook.object).toEqual(meshDeployment({ mode: MeshMode.WEBHOOK, manifest: stripped }).object);
    expect(names(webhook.spec.initContainers)).toEqual([]);
    expect(webhook.spec.volumes).toBeUndefined();
  });

  test('the settings given now replace those the earlier injection recorded', () => {
    // GIVEN
    const injected = staticPod(undefined, { logLevel: 'debug', opaquePorts: [9090] });
    // WHEN
    const again = reinject(injected.object, { proxy: { logLevel: 'info' } });
    // THEN
    const expected = meshDeployment({ mode: MeshMode.STATIC, manifest: deploymentManifest({ podAnnotations: { 'config.linkerd.io/opaque-ports': '9090' } }), proxy: { logLevel: 'info' } });
    expect(again.object).toEqual(expected.object);
    expect(again.env.LINKERD2_PROXY_LOG).toMatch(/^info,/);
  });

  test('a debug sidecar is added to an injected workload by injecting it again', () => {
    // GIVEN
    const injected = staticPod();
    // WHEN
    const debug = reinject(injected.object, { proxy: { debugSidecar: true } });
    const twice = reinject(debug.object, { proxy: { debugSidecar: true } });
    // THEN
    expect(names(debug.spec.containers)).toEqual(['web', 'linkerd-debug']);
    expect(names(debug.spec.initContainers)).toEqual(['linkerd-init', 'linkerd-proxy']);
    expect(debug.object).toEqual(staticPod(undefined, { debugSidecar: true }).object);
    expect(twice.object).toEqual(debug.object);
  });

  test('everything an injection added goes: the network validator, classic proxy, debug container, volumes and labels', () => {
    // GIVEN a workload injected for a CNI mesh, with a classic proxy and a debug container
    const injected = staticPod({ nativeSidecar: false }, { debugSidecar: true }, { cni: true });
    expect(names(injected.spec.initContainers)).toEqual(['linkerd-network-validator']);
    // WHEN it is injected for a mesh without CNI
    const again = reinject(injected.object);
    // THEN it is what injecting the bare workload gives
    expect(again.object).toEqual(meshDeployment({ mode: MeshMode.STATIC, manifest: deploymentManifest({ podAnnotations: configAnnotations(injected) }) }).object);
    expect(names(again.spec.containers)).toEqual(['web', 'linkerd-debug']);
  });
});

describe('workloads from anywhere', () => {
  function plusDeployment(chart: Chart): kplus.Deployment {
    return new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web' },
      containers: [{
        name: 'web',
        image: 'ghcr.io/example/web:1.0.0',
        ports: [{ number: 8080, name: 'http' }],
        liveness: kplus.Probe.fromHttpGet('/live', { port: 8081 }),
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        securityContext: { user: 1000 },
      }],
    });
  }

  test.each([MeshMode.STATIC, MeshMode.WEBHOOK])('a cdk8s-plus-27 Deployment and a plain ApiObject of the same manifest mesh the same (%s)', (mode) => {
    // GIVEN the same Deployment twice: as cdk8s-plus renders it, and as a plain ApiObject of that rendering
    // (in two apps: in one, the two would be the same object twice, which synth rejects)
    const app = Testing.app();
    const plusChart = new Chart(app, 'plus', { namespace: 'shop' });
    const plus = plusDeployment(plusChart);
    const plainApp = Testing.app();
    const plainChart = new Chart(plainApp, 'plain', { namespace: 'shop' });
    const plain = new ApiObject(plainChart, 'web', Testing.synth(plusChart)[0]);
    // WHEN
    installedMesh(app).meshWorkload(plus, { mode, proxy: { logLevel: 'debug' } });
    installedMesh(plainApp).meshWorkload(plain, { mode, proxy: { logLevel: 'debug' } });
    // THEN
    const [fromPlus] = Testing.synth(plusChart);
    const [fromPlain] = Testing.synth(plainChart);
    expectValidObjects([fromPlus, fromPlain]);
    expect(fromPlus.spec.template).toEqual(fromPlain.spec.template);
    expect(fromPlus).toEqual(fromPlain);
  });

  test('containers added to a cdk8s-plus workload after meshing are seen', () => {
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart', { namespace: 'shop' });
    const deployment = plusDeployment(chart);
    mesh.meshWorkload(deployment, { mode: MeshMode.STATIC });
    deployment.addContainer({ name: 'sidecar', image: 'sidecar:1', ports: [{ number: 7070 }] });
    const objects = Testing.synth(chart);
    expectValidObjects(objects);
    const pod = renderedPod(objects[0]);
    expect(names(pod.spec.containers)).toEqual(['web', 'sidecar']);
    expect(pod.env.LINKERD2_PROXY_INBOUND_PORTS).toBe('7070,8080,8081');
  });

  test.each([
    ['StatefulSet', (c: Chart) => new kplus.StatefulSet(c, 'w', { containers: [{ image: 'w:1', ports: [{ number: 80 }] }] }), 'statefulset'],
    ['DaemonSet', (c: Chart) => new kplus.DaemonSet(c, 'w', { containers: [{ image: 'w:1' }] }), 'daemonset'],
    ['Job', (c: Chart) => new kplus.Job(c, 'w', { containers: [{ image: 'w:1' }] }), 'job'],
    ['Pod', (c: Chart) => new kplus.Pod(c, 'w', { containers: [{ image: 'w:1' }] }), undefined],
  ])('a cdk8s-plus-27 %s', (_kind, make, label) => {
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart', { namespace: 'shop' });
    mesh.meshWorkload(make(chart), { mode: MeshMode.STATIC });
    const objects = Testing.synth(chart);
    expectValidObjects(objects);
    const obj = objects.find((o: any) => o.kind !== 'Service');
    const pod = renderedPod(obj);
    expect(names(pod.spec.initContainers)).toEqual(['linkerd-init', 'linkerd-proxy']);
    if (label) expect(pod.template.metadata.labels[`linkerd.io/proxy-${label}`]).toBe(obj.metadata.name);
  });

  test('Included YAML', () => {
    // GIVEN a manifest file with two workloads
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-include-'));
    const file = path.join(dir, 'app.yaml');
    const second = { ...deploymentManifest(), metadata: { name: 'api', namespace: 'shop' } };
    fs.writeFileSync(file, `${stringify(deploymentManifest())}---\n${stringify(second)}`);
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart');
    const include = new Include(chart, 'include', { url: file });
    // WHEN
    mesh.meshWorkload(include.apiObjects[0], { mode: MeshMode.STATIC });
    mesh.meshWorkload(include.apiObjects[1]);
    // THEN
    const objects = Testing.synth(chart);
    expectValidObjects(objects);
    expect(names(renderedPod(objects[0]).spec.initContainers)).toEqual(['linkerd-init', 'linkerd-proxy']);
    expect(renderedPod(objects[1]).annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('fails on objects without pods, and on meshing an object twice', () => {
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart');
    const service = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } });
    expect(() => mesh.meshWorkload(service)).toThrow(/chart\/svc: workload: is a Service, which has no pods/);
    const config = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } });
    mesh.meshWorkload(config);
    expect(() => Testing.synth(chart)).toThrow(/chart\/cm: workload: ConfigMap web has no pod template/);
    const web = new ApiObject(new Chart(app, 'other'), 'web', deploymentManifest());
    mesh.meshWorkload(web);
    expect(() => mesh.meshWorkload(web, { mode: MeshMode.STATIC })).toThrow(/other\/web: meshWorkload: Deployment web is already meshed/);
    expect(() => mesh.meshWorkload(new Chart(app, 'empty'))).toThrow(/empty: workload: is not a Kubernetes object/);
  });
});

describe('opting out and existing proxies', () => {
  let warnings: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    warnings = [];
    spy = jest.spyOn(process, 'emitWarning').mockImplementation(((w: string) => { warnings.push(w); }) as any);
  });
  afterEach(() => spy.mockRestore());

  test.each([MeshMode.STATIC, MeshMode.WEBHOOK])('a workload annotated linkerd.io/inject: disabled is left alone, with a warning (%s)', (mode) => {
    // GIVEN
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart');
    const manifest = deploymentManifest({ podAnnotations: { 'linkerd.io/inject': 'disabled' } });
    const obj = new ApiObject(chart, 'web', manifest);
    // WHEN
    const result = mesh.meshWorkload(obj, { mode });
    const objects = Testing.synth(chart);
    Testing.synth(chart);
    // THEN
    expectValidObjects(objects);
    expect(objects[0]).toEqual(manifest);
    expect(result.skipReason).toBe('it is annotated linkerd.io/inject: disabled');
    expect(warnings).toEqual(['chart/web: not meshed: it is annotated linkerd.io/inject: disabled']);
  });

  describe.each([MeshMode.STATIC, MeshMode.WEBHOOK])('refusals (%s)', (mode) => {
    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
      ['host networking', { hostNetwork: true },
        /^chart\/web: spec\.template\.spec\.hostNetwork: the pod uses the host network.*\. Fix: run the pod without hostNetwork, or pass onRefusal: InjectRefusal\.SKIP/],
      ['an istio-proxy', { containers: [{ name: 'web', image: 'web:1' }, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.20' }] },
        /^chart\/web: spec\.template\.spec\.containers\[name=istio-proxy\]: the pod already runs a proxy .*\. Fix: remove the other mesh's sidecar, or pass onRefusal: InjectRefusal\.SKIP/],
      ['an istio-init', { initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxyv2:1.20' }] },
        /^chart\/web: spec\.template\.spec\.initContainers\[name=istio-init\]: the pod already runs a proxy/],
      ['a Linkerd proxy image under another name', { containers: [{ name: 'web', image: 'web:1' }, { name: 'sidecar', image: 'cr.l5d.io/linkerd/proxy:edge-26.8.3' }] },
        /^chart\/web: spec\.template\.spec\.containers\[name=sidecar\]: the pod already runs a proxy/],
    ];
    test.each(refusals)('a workload with %s fails the synth with the path, field and fix', (_label, podSpec, message) => {
      // GIVEN / WHEN / THEN
      expect(() => meshDeployment({ mode, manifest: deploymentManifest({ podSpec }) })).toThrow(LinkerdConfigError);
      expect(() => meshDeployment({ mode, manifest: deploymentManifest({ podSpec }) })).toThrow(message);
      expect(warnings).toEqual([]);
    });

    test.each(refusals)('a workload with %s is left alone, with a warning, under InjectRefusal.SKIP', (_label, podSpec) => {
      // GIVEN
      const app = Testing.app();
      const mesh = installedMesh(app);
      const chart = new Chart(app, 'chart');
      const manifest = deploymentManifest({ podSpec });
      // WHEN
      const result = mesh.meshWorkload(new ApiObject(chart, 'web', manifest), { mode, onRefusal: InjectRefusal.SKIP });
      // THEN
      expect(Testing.synth(chart)[0]).toEqual(manifest);
      expect(result.skipReason).toMatch(/^spec\.template\.spec\.\S+: the pod /);
      expect(warnings).toEqual([`chart/web: not meshed: ${result.skipReason}`]);
    });

    test('automountServiceAccountToken: false fails without token projection, and is meshed with it (the default)', () => {
      // GIVEN
      const manifest = deploymentManifest({ podSpec: { automountServiceAccountToken: false } });
      // WHEN / THEN
      expect(() => meshDeployment({ mode, manifest, installed: { identity: { serviceAccountTokenProjection: false } } }))
        .toThrow(/^chart\/web: spec\.template\.spec\.automountServiceAccountToken: the pod does not mount its ServiceAccount token.*Fix: remove automountServiceAccountToken: false, turn identity\.serviceAccountTokenProjection on, or pass onRefusal: InjectRefusal\.SKIP/);
      expect(meshDeployment({ mode, manifest, installed: { identity: { serviceAccountTokenProjection: false } }, onRefusal: InjectRefusal.SKIP }).object).toEqual(manifest);
      const meshed = meshDeployment({ mode, manifest });
      expect(mode === MeshMode.STATIC ? names(meshed.spec.initContainers) : meshed.annotations['linkerd.io/inject']).toEqual(mode === MeshMode.STATIC ? ['linkerd-init', 'linkerd-proxy'] : 'enabled');
    });
  });

  test('fails on an unknown refusal policy', () => {
    expect(() => meshDeployment({ onRefusal: 'ignore' as InjectRefusal })).toThrow(/chart\/web: onRefusal: "ignore" is not an InjectRefusal \(fail, skip\)\. Fix: use InjectRefusal\.FAIL, InjectRefusal\.SKIP/);
  });

  test('a meshed workload reports no skip reason', () => {
    const app = Testing.app();
    const result = installedMesh(app).meshWorkload(new ApiObject(new Chart(app, 'chart'), 'web', deploymentManifest()));
    expect(result.skipReason).toBeUndefined();
    expect(result.mode).toBe(MeshMode.WEBHOOK);
    expect(warnings).toEqual([]);
  });
});

describe('namespaces', () => {
  function namespaceApp(annotations?: Record<string, string>) {
    const app = Testing.app();
    const mesh = installedMesh(app);
    const chart = new Chart(app, 'chart');
    const ns = new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', annotations } });
    return { app, mesh, chart, ns };
  }

  test('meshNamespace writes linkerd.io/inject and the namespace-level settings', () => {
    // GIVEN
    const { mesh, chart } = namespaceApp();
    const plusNs = new kplus.Namespace(chart, 'plus', { metadata: { name: 'other' } });
    // WHEN
    mesh.meshNamespace(chart.node.findChild('ns'), { proxy: { logFormat: LogFormat.JSON, defaultInboundPolicy: 'deny' as any } });
    mesh.meshNamespace(plusNs);
    // THEN
    const objects = Testing.synth(chart);
    expectValidObjects(objects);
    expect(objects[0].metadata.annotations).toEqual({
      'config.linkerd.io/default-inbound-policy': 'deny',
      'config.linkerd.io/proxy-log-format': 'json',
      'linkerd.io/inject': 'enabled',
    });
    expect(objects[1].metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
  });

  test('static injection inherits the settings of the workload\'s Namespace, as the injector does; the workload\'s win', () => {
    // GIVEN a namespace with raw annotations, one of which pods do not inherit
    const { mesh, chart, ns } = namespaceApp({
      'config.linkerd.io/proxy-log-level': 'debug',
      'config.linkerd.io/enable-gateway': 'true',
      'config.linkerd.io/proxy-additional-env': '[{"name":"B","value":"ns"},{"name":"C","value":"ns"}]',
    });
    mesh.meshNamespace(ns, { proxy: { logFormat: LogFormat.JSON } });
    const web = new ApiObject(chart, 'web', deploymentManifest());
    // WHEN
    mesh.meshWorkload(web, { mode: MeshMode.STATIC, proxy: { logLevel: 'info', additionalEnv: [{ name: 'C', value: 'web' }] } });
    // THEN
    const objects = Testing.synth(chart);
    expectValidObjects(objects);
    const pod = renderedPod(objects.find((o: any) => o.kind === 'Deployment'));
    expect(pod.env.LINKERD2_PROXY_LOG_FORMAT).toBe('json');
    expect(pod.env.LINKERD2_PROXY_LOG).toBe('info,[{headers}]=off,[{request}]=off');
    expect(pod.env.LINKERD2_PROXY_INBOUND_GATEWAY_SUFFIXES).toBeUndefined();
    expect(pod.proxy.env.slice(-2)).toEqual([{ name: 'B', value: 'ns' }, { name: 'C', value: 'web' }]);
  });

  test('additional env merges by name: mesh-wide < namespace < workload', () => {
    const { app, chart, ns } = namespaceApp();
    const mesh = LinkerdControlPlane.fromInstalled(app, 'mesh', {
      identity: { trustAnchors: TrustAnchors.fromPem(installedMesh(Testing.app()).values.identityTrustAnchorsPEM) },
      proxy: { additionalEnv: [{ name: 'A', value: 'mesh' }, { name: 'B', value: 'mesh' }] },
    });
    mesh.meshNamespace(ns, { proxy: { additionalEnv: [{ name: 'B', value: 'ns' }, { name: 'C', value: 'ns' }] } });
    mesh.meshWorkload(new ApiObject(chart, 'web', deploymentManifest()), { mode: MeshMode.STATIC, proxy: { additionalEnv: [{ name: 'C', value: 'web' }] } });
    const objects = Testing.synth(chart);
    expectValidObjects(objects);
    const pod = renderedPod(objects[1]);
    expect(pod.proxy.env.slice(-3)).toEqual([{ name: 'A', value: 'mesh' }, { name: 'B', value: 'ns' }, { name: 'C', value: 'web' }]);
  });

  test('a namespace annotated linkerd.io/inject: disabled is left alone, with a warning', () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const { mesh, chart, ns } = namespaceApp({ 'linkerd.io/inject': 'disabled' });
      const result = mesh.meshNamespace(ns);
      expect(Testing.synth(chart)[0].metadata.annotations).toEqual({ 'linkerd.io/inject': 'disabled' });
      expect(result.skipReason).toBe('it is annotated linkerd.io/inject: disabled');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('fails on what is not a Namespace', () => {
    const { mesh, chart } = namespaceApp();
    const web = new ApiObject(chart, 'web', deploymentManifest());
    expect(() => mesh.meshNamespace(web)).toThrow(/chart\/web: namespace: is a Deployment, not a Namespace/);
  });
});
