import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import {
  AccessLogFormat, DefaultInboundPolicy, ImagePullPolicy, IptablesMode, LinkerdConfigError, LinkerdControlPlane, LogFormat, MeshMode,
  PROXY_SETTINGS, ProxySettings,
} from '../../src';
import { deploymentManifest, literal, meshDeployment, RenderedPod, staticPod } from '../mesh/fixtures';

/**
 * One case per row of the settings table: a typed value, the annotation text it becomes, what it
 * does to the rendered proxy, and a value that must be rejected.
 */
interface SettingCase {
  readonly value: unknown;
  /** Text of the row's annotation, for per-pod settings. */
  readonly text?: string;
  /** What the value does to a statically meshed pod. */
  readonly effect: (pod: RenderedPod) => void;
  /** What it does when set mesh-wide, when that differs. */
  readonly meshEffect?: (pod: RenderedPod) => void;
  /** A typed value that fails validation. */
  readonly bad: unknown;
  /** Other settings the effect needs, on the workload. */
  readonly workloadWith?: ProxySettings;
  /** Other settings the effect needs, mesh-wide. */
  readonly meshWith?: ProxySettings;
}

const initArg = (pod: RenderedPod, flag: string) => pod.init.args[pod.init.args.indexOf(flag) + 1];
const debug = (pod: RenderedPod) => pod.spec.containers.find((c: any) => c.name === 'linkerd-debug');
const TRACING = { tracing: { collectorEndpoint: 'otel.tracing:4317', collectorServiceAccount: 'collector', collectorNamespace: 'tracing' } };

const CASES: Record<string, SettingCase> = {
  'ingress': { value: true, text: 'ingress', effect: (p) => expect(p.env.LINKERD2_PROXY_INGRESS_MODE).toBe('true'), bad: 'yes' },
  'image': {
    value: 'registry.example.com/l5d/proxy',
    text: 'registry.example.com/l5d/proxy',
    effect: (p) => {
      expect(p.proxy.image).toBe('registry.example.com/l5d/proxy:edge-26.8.3');
      expect(p.init.image).toBe('registry.example.com/l5d/proxy:edge-26.8.3');
    },
    bad: 'Not An Image',
  },
  'version': {
    value: 'edge-26.9.1',
    text: 'edge-26.9.1',
    effect: (p) => {
      expect(p.proxy.image).toBe('cr.l5d.io/linkerd/proxy:edge-26.9.1');
      expect(p.annotations['linkerd.io/proxy-version']).toBe('edge-26.9.1');
    },
    bad: 'edge 26',
  },
  'imagePullPolicy': { value: ImagePullPolicy.ALWAYS, text: 'Always', effect: (p) => expect(p.proxy.imagePullPolicy).toBe('Always'), bad: 'Sometimes' },
  'ports.control': {
    value: 5190,
    text: '5190',
    effect: (p) => {
      expect(p.env.LINKERD2_PROXY_CONTROL_LISTEN_ADDR).toBe('0.0.0.0:5190');
      expect(initArg(p, '--inbound-ports-to-ignore')).toBe('5190,4191,4567,4568');
    },
    bad: 0,
  },
  'ports.inbound': {
    value: 5143,
    text: '5143',
    effect: (p) => {
      expect(p.env.LINKERD2_PROXY_INBOUND_LISTEN_ADDR).toBe('0.0.0.0:5143');
      expect(p.proxy.ports).toContainEqual({ containerPort: 5143, name: 'linkerd-proxy' });
      expect(initArg(p, '--incoming-proxy-port')).toBe('5143');
    },
    bad: 70000,
  },
  'ports.admin': {
    value: 5191,
    text: '5191',
    effect: (p) => {
      expect(p.env.LINKERD2_PROXY_ADMIN_LISTEN_ADDR).toBe('0.0.0.0:5191');
      expect(p.proxy.livenessProbe.httpGet.port).toBe(5191);
      expect(p.proxy.startupProbe.httpGet.port).toBe(5191);
    },
    bad: -1,
  },
  'ports.outbound': {
    value: 5140,
    text: '5140',
    effect: (p) => {
      expect(p.env.LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS).toBe('127.0.0.1:5140');
      expect(initArg(p, '--outgoing-proxy-port')).toBe('5140');
    },
    bad: 1.5,
  },
  'enableShutdownEndpoint': { value: true, text: 'enabled', effect: (p) => expect(p.env.LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED).toBe('true'), bad: 'enabled' },
  'logLevel': {
    value: 'debug,linkerd=trace',
    text: 'debug,linkerd=trace',
    effect: (p) => expect(p.env.LINKERD2_PROXY_LOG).toBe('debug,linkerd=trace,[{headers}]=off,[{request}]=off'),
    bad: 'debug linkerd',
  },
  'logHttpHeadersInsecurely': { value: true, text: 'insecure', effect: (p) => expect(p.env.LINKERD2_PROXY_LOG).toBe('warn,linkerd=info,hickory=error'), bad: 1 },
  'logFormat': { value: LogFormat.JSON, text: 'json', effect: (p) => expect(p.env.LINKERD2_PROXY_LOG_FORMAT).toBe('json'), bad: 'xml' },
  'requireIdentityOnInboundPorts': {
    value: [8080, '9000-9010'],
    text: '8080,9000-9010',
    effect: (p) => expect(p.env.LINKERD2_PROXY_INBOUND_PORTS_REQUIRE_IDENTITY).toBe('8080,9000-9010'),
    bad: ['http'],
  },
  'metricsHostnameLabels': { value: true, text: 'true', effect: (p) => expect(p.env.LINKERD2_PROXY_OUTBOUND_METRICS_HOSTNAME_LABELS).toBe('true'), bad: 'true' },
  'outboundConnectTimeout': {
    value: Duration.seconds(2), text: '2000ms', effect: (p) => expect(p.env.LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT).toBe('2000ms'), bad: '2s',
  },
  'inboundConnectTimeout': {
    value: Duration.millis(250), text: '250ms', effect: (p) => expect(p.env.LINKERD2_PROXY_INBOUND_CONNECT_TIMEOUT).toBe('250ms'), bad: Duration.millis(0.5),
  },
  'outboundDiscoveryCacheUnusedTimeout': {
    value: Duration.seconds(10), text: '10s', effect: (p) => expect(p.env.LINKERD2_PROXY_OUTBOUND_DISCOVERY_IDLE_TIMEOUT).toBe('10s'), bad: Duration.millis(1500),
  },
  'inboundDiscoveryCacheUnusedTimeout': {
    value: Duration.minutes(2), text: '120s', effect: (p) => expect(p.env.LINKERD2_PROXY_INBOUND_DISCOVERY_IDLE_TIMEOUT).toBe('120s'), bad: 90,
  },
  'disableOutboundProtocolDetectTimeout': { value: true, text: 'true', effect: (p) => expect(p.env.LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT).toBe('365d'), bad: 'on' },
  'disableInboundProtocolDetectTimeout': { value: true, text: 'true', effect: (p) => expect(p.env.LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT).toBe('365d'), bad: 'on' },
  'shutdownGracePeriod': {
    value: Duration.seconds(30), text: '30000ms', effect: (p) => expect(p.env.LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD).toBe('30000ms'), bad: Duration.millis(2.5),
  },
  'gateway': { value: true, text: 'true', effect: (p) => expect(p.env.LINKERD2_PROXY_INBOUND_GATEWAY_SUFFIXES).toBe('svc.cluster.local.'), bad: 'gateway' },
  'waitBeforeExitSeconds': {
    value: 5,
    text: '5',
    workloadWith: { nativeSidecar: false },
    effect: (p) => expect(p.proxy.lifecycle.preStop).toEqual({ exec: { command: ['/bin/sleep', '5'] } }),
    bad: -1,
  },
  'nativeSidecar': {
    value: false,
    text: 'false',
    effect: (p) => {
      expect(p.spec.containers[0].name).toBe('linkerd-proxy');
      expect(p.proxy.restartPolicy).toBeUndefined();
      expect(p.proxy.lifecycle.postStart.exec.command).toEqual(['/usr/lib/linkerd/linkerd-await', '--timeout=2m', '--port=4191']);
      expect(p.spec.initContainers.map((c: any) => c.name)).toEqual(['linkerd-init']);
    },
    bad: 'no',
  },
  'resources.cpu.request': {
    value: '1500m',
    text: '1500m',
    effect: (p) => {
      expect(p.proxy.resources.requests.cpu).toBe('1500m');
      expect(p.init.resources.requests.cpu).toBe('1500m');
      // per pod, the injector sizes the worker pool to the whole cores requested
      expect(p.env.LINKERD2_PROXY_CORES_MIN).toBe('2');
    },
    meshEffect: (p) => {
      expect(p.proxy.resources.requests.cpu).toBe('1500m');
      expect(p.env.LINKERD2_PROXY_CORES_MIN).toBe('1');
    },
    bad: '1 core',
  },
  'resources.cpu.limit': {
    value: '2',
    text: '2',
    effect: (p) => {
      expect(p.proxy.resources.limits.cpu).toBe('2');
      expect(p.env.LINKERD2_PROXY_CORES_MAX).toBe('2');
    },
    meshEffect: (p) => {
      expect(p.proxy.resources.limits.cpu).toBe('2');
      expect(p.env.LINKERD2_PROXY_CORES_MAX).toBeUndefined();
    },
    bad: 'two',
  },
  'maximumCpuRatio': { value: 0.5, text: '0.5', effect: (p) => expect(p.env.LINKERD2_PROXY_CORES_MAX_RATIO).toBe('0.5'), bad: 1.5 },
  'resources.memory.request': { value: '64Mi', text: '64Mi', effect: (p) => expect(p.proxy.resources.requests.memory).toBe('64Mi'), bad: '64 MB' },
  'resources.memory.limit': { value: '128Mi', text: '128Mi', effect: (p) => expect(p.proxy.resources.limits.memory).toBe('128Mi'), bad: '-1Mi' },
  'resources.ephemeralStorage.request': {
    value: '1Gi', text: '1Gi', effect: (p) => expect(p.proxy.resources.requests['ephemeral-storage']).toBe('1Gi'), bad: 'lots',
  },
  'resources.ephemeralStorage.limit': {
    value: '2Gi', text: '2Gi', effect: (p) => expect(p.init.resources.limits['ephemeral-storage']).toBe('2Gi'), bad: 2,
  },
  'uid': {
    value: 3000,
    text: '3000',
    effect: (p) => {
      expect(p.proxy.securityContext.runAsUser).toBe(3000);
      expect(initArg(p, '--proxy-uid')).toBe('3000');
    },
    bad: -5,
  },
  'gid': {
    value: 3001,
    text: '3001',
    effect: (p) => {
      expect(p.proxy.securityContext.runAsGroup).toBe(3001);
      expect(initArg(p, '--proxy-gid')).toBe('3001');
    },
    bad: 1.5,
  },
  'enableExternalProfiles': { value: true, text: 'true', effect: (p) => expect(p.env.LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES).toBe('.'), bad: 'true' },
  'skipInboundPorts': {
    value: [22, '8100-8102'], text: '22,8100-8102', effect: (p) => expect(initArg(p, '--inbound-ports-to-ignore')).toBe('4190,4191,22,8100-8102'), bad: ['8102-8100'],
  },
  'skipOutboundPorts': { value: [5432], text: '5432', effect: (p) => expect(initArg(p, '--outbound-ports-to-ignore')).toBe('5432'), bad: [0] },
  'opaquePorts': {
    value: [3306, '5000-5002'],
    text: '3306,5000-5002',
    effect: (p) => expect(p.env.LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION).toBe('3306,5000-5002'),
    bad: ['UPPER'],
  },
  'debugImage': {
    value: 'registry.example.com/l5d/debug',
    text: 'registry.example.com/l5d/debug',
    workloadWith: { debugSidecar: true },
    effect: (p) => expect(debug(p).image).toBe('registry.example.com/l5d/debug:edge-26.8.3'),
    bad: 'Bad Image',
  },
  'debugImageVersion': {
    value: 'v1.2.3', text: 'v1.2.3', workloadWith: { debugSidecar: true }, effect: (p) => expect(debug(p).image).toBe('cr.l5d.io/linkerd/debug:v1.2.3'), bad: '-v1',
  },
  'debugImagePullPolicy': {
    value: ImagePullPolicy.NEVER, text: 'Never', workloadWith: { debugSidecar: true }, effect: (p) => expect(debug(p).imagePullPolicy).toBe('Never'), bad: 'never',
  },
  'await': {
    value: false,
    text: 'disabled',
    effect: (p) => {
      expect(p.proxy.startupProbe).toBeUndefined();
      expect(p.proxy.restartPolicy).toBe('Always');
    },
    bad: 'disabled',
  },
  'defaultInboundPolicy': { value: DefaultInboundPolicy.DENY, text: 'deny', effect: (p) => expect(p.env.LINKERD2_PROXY_INBOUND_DEFAULT_POLICY).toBe('deny'), bad: 'nobody' },
  'skipSubnets': {
    value: ['10.1.0.0/16', 'fd00:1::/64'],
    text: '10.1.0.0/16,fd00:1::/64',
    effect: (p) => expect(initArg(p, '--subnets-to-ignore')).toBe('10.1.0.0/16,fd00:1::/64'),
    bad: ['10.1.0.0/33'],
  },
  'accessLog': { value: AccessLogFormat.APACHE, text: 'apache', effect: (p) => expect(p.env.LINKERD2_PROXY_ACCESS_LOG).toBe('apache'), bad: 'nginx' },
  'additionalEnv': {
    value: [{ name: 'RUST_BACKTRACE', value: '1' }],
    text: '[{"name":"RUST_BACKTRACE","value":"1"}]',
    effect: (p) => {
      expect(p.env.RUST_BACKTRACE).toBe('1');
      expect(p.proxy.env[p.proxy.env.length - 1]).toEqual({ name: 'RUST_BACKTRACE', value: '1' });
    },
    bad: [{ value: 'no name' }],
  },
  'debugSidecar': {
    value: true,
    text: 'true',
    effect: (p) => {
      expect(p.spec.containers.map((c: any) => c.name)).toEqual(['web', 'linkerd-debug']);
      expect(debug(p).image).toBe('cr.l5d.io/linkerd/debug:edge-26.8.3');
    },
    bad: 'yes',
  },
  'closeWaitTimeout': {
    value: Duration.seconds(60),
    text: '60s',
    meshWith: { proxyInitRunAsRoot: true },
    effect: (p) => {
      expect(initArg(p, '--timeout-close-wait-secs')).toBe('60');
      expect(p.init.securityContext.privileged).toBe(true);
    },
    bad: Duration.millis(500),
  },
  'minimumWorkers': {
    value: 2,
    effect: (p) => {
      expect(p.env.LINKERD2_PROXY_CORES).toBe('2');
      expect(p.env.LINKERD2_PROXY_CORES_MIN).toBe('2');
    },
    bad: 0,
  },
  'maximumWorkers': { value: 4, effect: (p) => expect(p.env.LINKERD2_PROXY_CORES_MAX).toBe('4'), bad: 2.5 },
  'iptablesMode': { value: IptablesMode.LEGACY, effect: (p) => expect(p.init.args).not.toContain('--firewall-bin-path'), bad: 'ipfw' },
  'proxyInitRunAsRoot': {
    value: true, effect: (p) => expect(p.init.securityContext).toMatchObject({ runAsUser: 0, runAsGroup: 0, runAsNonRoot: false }), bad: 'root',
  },
  'proxyInitPrivileged': {
    value: true, effect: (p) => expect(p.init.securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true }), bad: 1,
  },
  'proxyInitLogLevel': { value: 'debug', effect: (p) => expect(initArg(p, '--log-level')).toBe('debug'), bad: 'loud' },
  'proxyInitLogFormat': { value: LogFormat.JSON, effect: (p) => expect(initArg(p, '--log-format')).toBe('json'), bad: 'text' },
  'securityContext': {
    value: { runAsUser: 1234, runAsNonRoot: true },
    effect: (p) => expect(p.proxy.securityContext).toEqual({ runAsUser: 1234, runAsNonRoot: true }),
    bad: 'root',
  },
  'livenessProbe.initialDelay': { value: Duration.seconds(20), effect: (p) => expect(p.proxy.livenessProbe.initialDelaySeconds).toBe(20), bad: Duration.millis(100) },
  'livenessProbe.timeout': { value: Duration.seconds(3), effect: (p) => expect(p.proxy.livenessProbe.timeoutSeconds).toBe(3), bad: 3 },
  'readinessProbe.initialDelay': { value: Duration.seconds(5), effect: (p) => expect(p.proxy.readinessProbe.initialDelaySeconds).toBe(5), bad: Duration.millis(1) },
  'readinessProbe.timeout': { value: Duration.seconds(2), effect: (p) => expect(p.proxy.readinessProbe.timeoutSeconds).toBe(2), bad: '2s' },
  'startupProbe.initialDelay': { value: Duration.seconds(4), effect: (p) => expect(p.proxy.startupProbe.initialDelaySeconds).toBe(4), bad: Duration.millis(4) },
  'startupProbe.period': { value: Duration.seconds(2), effect: (p) => expect(p.proxy.startupProbe.periodSeconds).toBe(2), bad: 2 },
  'startupProbe.failureThreshold': { value: 60, effect: (p) => expect(p.proxy.startupProbe.failureThreshold).toBe(60), bad: 0 },
  'controlStreams.initialTimeout': {
    value: Duration.seconds(5), effect: (p) => expect(p.env.LINKERD2_PROXY_CONTROL_STREAM_INITIAL_TIMEOUT).toBe('5s'), bad: Duration.seconds(0),
  },
  'controlStreams.idleTimeout': { value: Duration.minutes(10), effect: (p) => expect(p.env.LINKERD2_PROXY_CONTROL_STREAM_IDLE_TIMEOUT).toBe('10m'), bad: '10m' },
  'controlStreams.lifetime': { value: Duration.hours(2), effect: (p) => expect(p.env.LINKERD2_PROXY_CONTROL_STREAM_LIFETIME).toBe('2h'), bad: 7200 },
  'inbound': {
    value: { server: { http2: { keepAliveInterval: '20s' } } },
    effect: (p) => {
      expect(p.env.LINKERD2_PROXY_INBOUND_SERVER_HTTP2_KEEP_ALIVE_INTERVAL).toBe('20s');
      expect(p.env.LINKERD2_PROXY_INBOUND_SERVER_HTTP2_KEEP_ALIVE_TIMEOUT).toBeUndefined();
      expect(p.env.LINKERD2_PROXY_OUTBOUND_SERVER_HTTP2_KEEP_ALIVE_TIMEOUT).toBe('3s');
    },
    bad: { server: 'fast' },
  },
  'outbound': {
    value: { client: { http1: { maxIdle: 5 } } },
    effect: (p) => expect(p.env.LINKERD2_PROXY_OUTBOUND_CLIENT_HTTP1_MAX_IDLE).toBe('5'),
    bad: { client: { http1: { maxIdle: [5] } } },
  },
  'tracing.collectorEndpoint': {
    value: 'otel.observability:4317',
    meshWith: TRACING,
    effect: (p) => {
      expect(p.env.LINKERD2_PROXY_TRACE_COLLECTOR_SVC_ADDR).toBe('otel.observability:4317');
      expect(p.env.LINKERD2_PROXY_TRACE_PROTOCOL).toBe('opentelemetry');
      expect(p.proxy.volumeMounts).toContainEqual({ mountPath: '/var/run/linkerd/podinfo', name: 'linkerd-podinfo' });
      expect(p.spec.volumes).toContainEqual({ name: 'linkerd-podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } });
    },
    bad: ' ',
  },
  'tracing.collectorServiceAccount': {
    value: 'otel',
    meshWith: TRACING,
    effect: (p) => expect(p.env.LINKERD2_PROXY_TRACE_COLLECTOR_SVC_NAME).toBe('otel.tracing.serviceaccount.identity.linkerd.cluster.local'),
    bad: 'Not_DNS',
  },
  'tracing.collectorNamespace': {
    value: 'observability',
    meshWith: TRACING,
    effect: (p) => expect(p.env.LINKERD2_PROXY_TRACE_COLLECTOR_SVC_NAME).toBe('collector.observability.serviceaccount.identity.linkerd.cluster.local'),
    bad: 'Obs',
  },
  'tracing.serviceName': {
    value: 'shop',
    text: 'shop',
    meshWith: TRACING,
    // Per pod the injector sets the span attribute; mesh-wide it is the proxy's service name.
    effect: (p) => expect(p.env.LINKERD2_PROXY_TRACE_EXTRA_ATTRIBUTES).toContain('service.name=shop\n'),
    meshEffect: (p) => expect(p.env.LINKERD2_PROXY_TRACE_SERVICE_NAME).toBe('shop'),
    bad: '',
  },
  'tracing.labels': {
    value: { team: 'checkout' },
    text: 'checkout',
    meshWith: TRACING,
    effect: (p) => expect(p.env.LINKERD2_PROXY_TRACE_EXTRA_ATTRIBUTES)
      .toBe('k8s.container.name=$(_pod_containerName)\nk8s.pod.ip=$(_pod_ip)\nk8s.pod.uid=$(_pod_uid)\nteam=checkout\n'),
    bad: { team: 7 },
  },
};

/** A copy of plain objects, keeping class instances (Duration) as they are. */
function clonePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clonePlain(v)])) as T;
}

/** `{ a: { b: value } }` for `a.b`, merged over `base`. */
function settingsWith(prop: string, value: unknown, base: ProxySettings = {}): ProxySettings {
  const out: any = clonePlain(base);
  const keys = prop.split('.');
  let target = out;
  for (const key of keys.slice(0, -1)) target = target[key] = { ...target[key] };
  target[keys[keys.length - 1]] = value;
  return out;
}

describe('proxy settings', () => {
  test('the cases cover every row of the settings table', () => {
    expect(Object.keys(CASES).sort()).toEqual(PROXY_SETTINGS.map((r) => r.prop).sort());
  });

  describe.each(PROXY_SETTINGS.map((row) => [row.prop, row] as const))('%s', (prop, row) => {
    const c = CASES[prop];

    if (row.annotation !== undefined) {
      test(`webhook mode writes ${row.annotation}`, () => {
        // GIVEN / WHEN
        const pod = meshDeployment({ mode: MeshMode.WEBHOOK, proxy: settingsWith(prop, c.value, c.workloadWith), installed: { proxy: c.meshWith } });
        // THEN
        expect(pod.annotations[row.annotation!]).toBe(c.text);
        expect(pod.proxy).toBeUndefined();
      });

      test('static mode writes the annotation and renders the proxy with it', () => {
        const pod = staticPod(c.meshWith, settingsWith(prop, c.value, c.workloadWith));
        expect(pod.annotations[row.annotation!]).toBe(c.text);
        c.effect(pod);
      });

      test('the annotation alone, read as the injector reads it, has the same effect', () => {
        const manifest = deploymentManifest({ podAnnotations: { [row.annotation!]: c.text! } });
        const pod = meshDeployment({ mode: MeshMode.STATIC, manifest, proxy: c.workloadWith, installed: { proxy: c.meshWith } });
        c.effect(pod);
      });

      test('fails on a bad value, naming the workload and the field', () => {
        const run = () => meshDeployment({ mode: MeshMode.WEBHOOK, proxy: settingsWith(prop, c.bad, c.workloadWith) });
        expect(run).toThrow(LinkerdConfigError);
        expect(run).toThrow(literal(`chart/web: proxy.${prop}`));
      });
    }

    if (row.meshWide) {
      test('mesh-wide, it reaches linkerd-config and every statically meshed proxy', () => {
        const meshWide = settingsWith(prop, c.value, c.meshWith);
        const pod = staticPod(meshWide, c.workloadWith);
        (c.meshEffect ?? c.effect)(pod);
      });

      test('mesh-wide, it fails on a bad value, naming the construct and the field', () => {
        const run = () => LinkerdControlPlane.fromInstalled(Testing.app(), 'linkerd', { proxy: settingsWith(prop, c.bad, c.meshWith) });
        expect(run).toThrow(LinkerdConfigError);
        expect(run).toThrow(literal(`linkerd: proxy.${prop}`));
      });
    } else {
      test('fails mesh-wide: it is a per-pod setting', () => {
        expect(() => LinkerdControlPlane.fromInstalled(Testing.app(), 'linkerd', { proxy: settingsWith(prop, c.value) }))
          .toThrow(literal(`linkerd: proxy.${prop}: is not a mesh-wide setting`));
      });
    }

    if (row.annotationPrefix !== undefined) {
      const key = `${row.annotationPrefix}${Object.keys(c.value as object)[0]}`;

      test(`webhook mode writes one ${row.annotationPrefix}* annotation per key`, () => {
        const pod = meshDeployment({ mode: MeshMode.WEBHOOK, proxy: settingsWith(prop, c.value, c.workloadWith), installed: { proxy: c.meshWith } });
        expect(pod.annotations[key]).toBe(c.text);
      });

      test('static mode writes the annotations and renders the proxy with them', () => {
        const pod = staticPod(c.meshWith, settingsWith(prop, c.value, c.workloadWith));
        expect(pod.annotations[key]).toBe(c.text);
        c.effect(pod);
      });

      test('the annotations alone, read as the injector reads them, have the same effect', () => {
        const manifest = deploymentManifest({ podAnnotations: { [key]: c.text! } });
        c.effect(meshDeployment({ mode: MeshMode.STATIC, manifest, proxy: c.workloadWith, installed: { proxy: c.meshWith } }));
      });

      test('fails on a bad value, naming the workload and the field', () => {
        expect(() => meshDeployment({ proxy: settingsWith(prop, c.bad, c.workloadWith), installed: { proxy: c.meshWith } }))
          .toThrow(literal(`chart/web: proxy.${prop}`));
      });
    }

    if (row.annotation === undefined && row.annotationPrefix === undefined) {
      test('fails per workload: the injector has no annotation for it', () => {
        expect(() => meshDeployment({ proxy: settingsWith(prop, c.value, c.meshWith) }))
          .toThrow(/chart\/web: proxy\.\S+: can only be set mesh-wide/);
      });
    }
  });
});

describe('setting levels and cross-checks', () => {
  test('a setting pods do not inherit fails on a namespace', () => {
    const app = Testing.app();
    const mesh = LinkerdControlPlane.fromInstalled(app, 'linkerd');
    const ns = new ApiObject(new Chart(app, 'chart'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    expect(() => mesh.meshNamespace(ns, { proxy: { gateway: true } }))
      .toThrow(/chart\/ns: proxy.gateway: is not inherited from namespaces \(the injector reads config.linkerd.io\/enable-gateway from pods only\)/);
  });

  test('an unknown key fails with a suggestion', () => {
    expect(() => meshDeployment({ proxy: { logLevl: 'debug' } as any })).toThrow(/chart\/web: proxy.logLevl: is not a proxy setting \(did you mean "logLevel"\?\)/);
    expect(() => meshDeployment({ proxy: { ports: { admn: 1 } } as any })).toThrow(/proxy.ports.admn: is not a proxy setting \(did you mean "admin"\?\)/);
  });

  test('named opaque ports are rejected mesh-wide, where no pod resolves them', () => {
    expect(() => LinkerdControlPlane.fromInstalled(Testing.app(), 'linkerd', { proxy: { opaquePorts: ['http'] } }))
      .toThrow(/linkerd: proxy.opaquePorts\[0\]: "http" is not a port or port range/);
  });

  test('clashing ports fail, per workload and with the mesh-wide ports', () => {
    expect(() => meshDeployment({ proxy: { ports: { admin: 5000, control: 5000 } } })).toThrow(/chart\/web: proxy.ports: ports 5000, 5000 are not distinct/);
    expect(() => staticPod(undefined, { ports: { admin: 4143 } })).toThrow(/chart\/web: proxy.ports: ports 4143, 4190, 4143, 4140 are not distinct/);
  });

  test('a close-wait timeout needs proxy-init to run as root', () => {
    expect(() => staticPod(undefined, { closeWaitTimeout: Duration.seconds(30) }))
      .toThrow(/chart\/web: proxy.closeWaitTimeout: a close-wait timeout of 30 seconds \(proxy.closeWaitTimeout\) needs proxy-init to run as root, but proxyInitRunAsRoot is false \(from the mesh-wide value of linkerd\)/);
  });

  test('tracing needs its collector and identity', () => {
    expect(() => LinkerdControlPlane.fromInstalled(Testing.app(), 'linkerd', { proxy: { tracing: { collectorEndpoint: 'otel:4317' } } }))
      .toThrow(/linkerd: proxy.tracing: needs the collector: its endpoint, and the service account and namespace of its mesh identity/);
  });

  test('fails on a tracing endpoint without port, and on identity parts that are not DNS labels', () => {
    const mesh = (tracing: object) => () => LinkerdControlPlane.fromInstalled(Testing.app(), 'linkerd', { proxy: { tracing: { ...TRACING.tracing, ...tracing } } });
    expect(mesh({ collectorEndpoint: 'otel-collector.observability.svc.cluster.local' }))
      .toThrow(/^linkerd: proxy\.tracing\.collectorEndpoint: "otel-collector\.observability\.svc\.cluster\.local" has no port\. Fix: add the port/);
    expect(mesh({ collectorEndpoint: 'otel:99999' })).toThrow(/collectorEndpoint: the port of "otel:99999" is outside 1-65535/);
    expect(mesh({ collectorServiceAccount: 'otel.collector' })).toThrow(/proxy\.tracing\.collectorServiceAccount: "otel\.collector" contains "\."; a DNS label has only a-z, 0-9 and "-"/);
    expect(mesh({ collectorEndpoint: '[fd00::1]:4317' })().values.proxy.tracing).toMatchObject({ collector: { endpoint: '[fd00::1]:4317' } });
  });

  test('per workload, tracing sets only the service name and attributes, and only where the mesh traces', () => {
    expect(() => meshDeployment({ proxy: { tracing: { serviceName: 'shop' } } }))
      .toThrow(/^chart\/web: proxy\.tracing: has no effect: proxy tracing is off in linkerd, and a workload cannot turn it on/);
    expect(() => meshDeployment({ proxy: TRACING, installed: { proxy: TRACING } }))
      .toThrow(/chart\/web: proxy\.tracing\.collectorEndpoint: can only be set mesh-wide/);
    const app = Testing.app();
    const ns = new ApiObject(new Chart(app, 'chart'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    expect(() => LinkerdControlPlane.fromInstalled(app, 'linkerd', { proxy: TRACING }).meshNamespace(ns, { proxy: { tracing: { labels: { team: 'a' } } } }))
      .toThrow(/chart\/ns: proxy\.tracing\.labels: is not inherited from namespaces \(the injector reads resource\.opentelemetry\.io\/\* from pods only\)/);
  });
});
