import { defaultValues, LinkerdValues, MeshedWorkload, ProxyBuilder } from '../../src';
import { TRUST_ANCHORS_PEM } from '../mesh/fixtures';

function values(change: (v: LinkerdValues) => void = () => undefined): LinkerdValues {
  const v = defaultValues();
  v.identityTrustAnchorsPEM = TRUST_ANCHORS_PEM;
  v.identityTrustDomain = 'cluster.local';
  change(v);
  return v;
}

const WORKLOAD: MeshedWorkload = {
  controlPlaneNamespace: 'linkerd',
  workloadKind: 'deployment',
  workloadName: 'web',
  workloadNamespace: 'shop',
  podInboundPorts: '8080',
};

const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));

describe('ProxyBuilder', () => {
  test('the chart and the injector annotate pods differently', () => {
    const builder = new ProxyBuilder(values());
    expect(Object.keys(builder.podAnnotations())).toEqual([
      'linkerd.io/created-by', 'linkerd.io/proxy-version', 'cluster-autoscaler.kubernetes.io/safe-to-evict', 'linkerd.io/trust-root-sha256',
    ]);
    expect(Object.keys(builder.podAnnotations({ injector: true }))).toEqual(['linkerd.io/created-by', 'linkerd.io/proxy-version', 'linkerd.io/trust-root-sha256']);
  });

  test('volumes come in the chart\'s or the injector\'s order', () => {
    const builder = new ProxyBuilder(values());
    expect(builder.volumes().map((v) => v.name)).toEqual(['linkerd-proxy-init-xtables-lock', 'linkerd-identity-token', 'linkerd-identity-end-entity']);
    expect(builder.volumes({ injector: true }).map((v) => v.name)).toEqual(['linkerd-proxy-init-xtables-lock', 'linkerd-identity-end-entity', 'linkerd-identity-token']);
  });

  test('a pod without ports gets LINKERD2_PROXY_INBOUND_PORTS without a value, as upstream writes it', () => {
    const proxy = new ProxyBuilder(values()).proxyContainer({ ...WORKLOAD, podInboundPorts: '' });
    expect(proxy.env).toContainEqual({ name: 'LINKERD2_PROXY_INBOUND_PORTS' });
  });

  test('a bare pod has no owner label', () => {
    const parts = new ProxyBuilder(values()).build({ ...WORKLOAD, workloadKind: undefined, workloadName: undefined });
    expect(parts.labels).toEqual({ 'linkerd.io/control-plane-ns': 'linkerd', 'linkerd.io/workload-ns': 'shop' });
  });

  test('capabilities and the service account mount of the application reach the proxy and proxy-init', () => {
    // GIVEN
    const mount = { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-x' };
    // WHEN
    const parts = new ProxyBuilder(values()).build({
      ...WORKLOAD,
      injector: true,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      proxyInitCapabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      serviceAccountMount: mount,
    });
    // THEN
    const [init, proxy] = parts.initContainers;
    expect(proxy.securityContext!.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    expect(init.securityContext!.capabilities).toEqual({ add: ['NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE'], drop: ['ALL'] });
    // Go's omitempty drops readOnly: false in the injector's output
    expect(proxy.volumeMounts).toContainEqual(mount);
    expect(init.volumeMounts).toContainEqual(mount);
  });

  test('the injector leaves out zero probe delays; the chart keeps them', () => {
    const builder = new ProxyBuilder(values());
    expect(builder.proxyContainer(WORKLOAD).startupProbe!.initialDelaySeconds).toBe(0);
    expect(builder.proxyContainer({ ...WORKLOAD, injector: true }).startupProbe!.initialDelaySeconds).toBeUndefined();
  });

  test('the debug container', () => {
    const parts = new ProxyBuilder(values((v) => { (v.debugContainer as any).image.version = 'dbg'; })).build({ ...WORKLOAD, debugSidecar: true });
    expect(parts.debugContainer).toEqual({
      image: 'cr.l5d.io/linkerd/debug:dbg',
      imagePullPolicy: 'IfNotPresent',
      livenessProbe: { exec: { command: ['true'] } },
      name: 'linkerd-debug',
      readinessProbe: { exec: { command: ['true'] } },
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
  });

  test('tracing adds its variables, mount and volume (labels and annotations in the chart\'s pods)', () => {
    // GIVEN
    const builder = new ProxyBuilder(values((v) => {
      Object.assign((v.proxy as any).tracing, { enabled: true, collector: { endpoint: 'otel:4317', meshIdentity: { serviceAccountName: 'otel', namespace: 'obs' } } });
    }));
    // WHEN
    const proxy = builder.proxyContainer(WORKLOAD);
    // THEN
    const e = env(proxy);
    expect(e.LINKERD2_PROXY_TRACE_COLLECTOR_SVC_NAME).toBe('otel.obs.serviceaccount.identity.linkerd.cluster.local');
    expect(e.LINKERD2_PROXY_TRACE_SERVICE_NAME).toBe('linkerd-proxy');
    const names = proxy.env!.map((x) => x.name);
    expect(names.indexOf('LINKERD2_PROXY_TRACE_ATTRIBUTES_PATH')).toBeGreaterThan(names.indexOf('LINKERD2_PROXY_OUTBOUND_METRICS_HOSTNAME_LABELS'));
    expect(proxy.volumeMounts!.map((m) => m.name)).toEqual(['linkerd-identity-end-entity', 'linkerd-podinfo', 'linkerd-identity-token']);
    const chartVolumes = builder.volumes();
    expect(chartVolumes.map((v) => v.name)).toEqual(['linkerd-proxy-init-xtables-lock', 'linkerd-identity-token', 'linkerd-identity-end-entity', 'linkerd-podinfo']);
    expect(chartVolumes[3].downwardAPI!.items!.map((i) => i.path)).toEqual(['labels', 'annotations']);
  });
});
