import { createHash } from 'node:crypto';
import type { Capabilities, Container, EnvVar, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import { CREATED_BY } from '../version';
import { LinkerdValues, ProxyValues, ResourceValues, trustDomainOf } from '../control-plane/values';

/** Capabilities to add to and drop from a container. */
export interface ContainerCapabilities {
  readonly add?: string[];
  readonly drop?: string[];
}

/**
 * What one meshed pod needs beyond the mesh-wide values: which workload it is and which of
 * Linkerd's per-pod switches differ from the mesh defaults.
 */
export interface MeshedWorkload {
  /** Namespace of the Linkerd control plane the proxy talks to. */
  readonly controlPlaneNamespace: string;
  /**
   * Lower-case workload kind, for the `linkerd.io/proxy-<kind>` label (deployment, statefulset, …).
   * @default - no such label (a bare Pod)
   */
  readonly workloadKind?: string;
  /** Name of the owning workload, the value of that label. @default - no such label */
  readonly workloadName?: string;
  /** Namespace the pod runs in. */
  readonly workloadNamespace: string;
  /** Comma-separated ports the proxy treats as the pod's own inbound ports; may be empty. */
  readonly podInboundPorts: string;
  /**
   * Render the pod as the proxy injector renders a workload (`linkerd inject`, the webhook)
   * rather than as the control-plane chart renders its own pods: the injector's annotations
   * and volume order, and the debug container when asked for.
   * @default false
   */
  readonly injector?: boolean;
  /**
   * Reads the trust anchors from ConfigMap `linkerd-identity-trust-roots` instead of inlining them
   * (only possible in the control-plane namespace).
   * @default false
   */
  readonly loadTrustBundleFromConfigMap?: boolean;
  /** The pod runs the destination controller, so its proxy reaches destination and policy on localhost. @default false */
  readonly servesDestination?: boolean;
  /** The pod runs the identity controller, so its proxy reaches identity on localhost. @default false */
  readonly servesIdentity?: boolean;
  /** Ports on which inbound connections must be TLS. @default - none */
  readonly requireTLSOnInboundPorts?: string;
  /** Capabilities of the proxy container. @default - none set */
  readonly capabilities?: ContainerCapabilities;
  /** Capabilities proxy-init adds to NET_ADMIN and NET_RAW, and drops. @default - none */
  readonly proxyInitCapabilities?: ContainerCapabilities;
  /**
   * The application's own mount of the service account token, which the proxy and proxy-init
   * mount too (the injector copies the first container's).
   * @default - none
   */
  readonly serviceAccountMount?: VolumeMount;
  /** Add the `linkerd-debug` container. @default false */
  readonly debugSidecar?: boolean;
  /**
   * Where a classic (non-native) proxy container goes: before the application containers (so
   * `linkerd-await` can hold them back) or after them.
   * @default - first when the proxy awaits, last otherwise
   */
  readonly classicProxyPlacement?: 'first' | 'last';
}

/** The parts of a pod spec that meshing adds, ready to be merged into the pod. */
export interface MeshedPodParts {
  /** Init containers to put before the workload's own: proxy-init or the network validator, then a native-sidecar proxy. */
  readonly initContainers: Container[];
  /** A classic proxy container and where it goes, when the proxy is not a native sidecar. */
  readonly classicProxy?: { container: Container; placement: 'first' | 'last' };
  /** The `linkerd-debug` container, appended after the application containers (before a classic proxy placed last). */
  readonly debugContainer?: Container;
  /** Volumes to append to the pod's own. */
  readonly volumes: Volume[];
  readonly annotations: Record<string, string>;
  readonly labels: Record<string, string>;
}

const IDENTITY_END_ENTITY_DIR = '/var/run/linkerd/identity/end-entity';
const IDENTITY_TOKEN_DIR = '/var/run/secrets/tokens';
const PODINFO_DIR = '/var/run/linkerd/podinfo';
const FIELD_ENV: Array<[string, string]> = [
  ['_pod_name', 'metadata.name'],
  ['_pod_ns', 'metadata.namespace'],
  ['_pod_uid', 'metadata.uid'],
  ['_pod_ip', 'status.podIP'],
  ['_pod_nodeName', 'spec.nodeName'],
];

/** `proxy.tracing` of the values tree. */
interface TracingValues {
  enabled?: boolean;
  protocol?: string;
  traceServiceName?: string;
  labels?: Record<string, string>;
  collector?: { endpoint?: string; meshIdentity?: { serviceAccountName?: string; namespace?: string } };
}

/**
 * The one place that turns mesh values plus a workload into proxy containers, volumes and pod
 * metadata. The control plane's own pods and meshed user workloads both go through it, as
 * upstream's charts and injector share one set of templates.
 */
export class ProxyBuilder {
  public constructor(private readonly values: LinkerdValues) {}

  /** Everything meshing adds to one pod. */
  public build(workload: MeshedWorkload): MeshedPodParts {
    const proxy = this.values.proxy;
    const proxyContainer = this.proxyContainer(workload);
    const initContainers = [this.values.cniEnabled ? this.networkValidator() : this.proxyInit(workload)];
    let classicProxy: MeshedPodParts['classicProxy'];
    if (proxy.nativeSidecar) {
      initContainers.push(proxyContainer);
    } else {
      classicProxy = {
        container: proxyContainer,
        placement: workload.classicProxyPlacement ?? (proxy.await ? 'first' : 'last'),
      };
    }
    const labels: Record<string, string> = {
      'linkerd.io/control-plane-ns': workload.controlPlaneNamespace,
      'linkerd.io/workload-ns': workload.workloadNamespace,
    };
    if (workload.workloadKind && workload.workloadName) labels[`linkerd.io/proxy-${workload.workloadKind}`] = workload.workloadName;
    return {
      initContainers,
      classicProxy,
      debugContainer: workload.debugSidecar ? this.debugContainer() : undefined,
      volumes: this.volumes(workload),
      annotations: this.podAnnotations(workload),
      labels,
    };
  }

  /**
   * Annotations upstream puts on every meshed pod template: the chart's set for the control
   * plane's pods, the injector's for meshed workloads.
   */
  public podAnnotations(workload?: Pick<MeshedWorkload, 'injector'>): Record<string, string> {
    // Hashes the anchors exactly as supplied, trailing newline included, as upstream does.
    const trustRoot = createHash('sha256').update(this.values.identityTrustAnchorsPEM).digest('hex');
    if (workload?.injector) {
      return {
        'linkerd.io/created-by': CREATED_BY,
        'linkerd.io/proxy-version': this.proxyVersion(),
        'linkerd.io/trust-root-sha256': trustRoot,
      };
    }
    return {
      'linkerd.io/created-by': CREATED_BY,
      'linkerd.io/proxy-version': this.proxyVersion(),
      'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
      'linkerd.io/trust-root-sha256': trustRoot,
    };
  }

  private tracing(): TracingValues | undefined {
    const tracing = this.values.proxy.tracing as TracingValues | undefined;
    return tracing?.enabled ? tracing : undefined;
  }

  private proxyVersion(): string {
    return this.values.proxy.image.version || this.values.linkerdVersion;
  }

  private proxyImage(): { image: string; imagePullPolicy: string } {
    const image = this.values.proxy.image;
    return {
      image: `${image.name}:${this.proxyVersion()}`,
      imagePullPolicy: image.pullPolicy || this.values.imagePullPolicy,
    };
  }

  /** The `linkerd-proxy` container. */
  public proxyContainer(workload: MeshedWorkload): Container {
    const v = this.values;
    const p = v.proxy;
    const ports = p.ports;
    const awaitsAsSidecar = p.nativeSidecar && p.await;
    const lifecycle = !p.nativeSidecar ? this.classicLifecycle(p) : undefined;
    const container: Container = {
      name: 'linkerd-proxy',
      env: this.proxyEnv(workload),
      ...this.proxyImage(),
      livenessProbe: {
        httpGet: { path: '/live', port: ports.admin },
        initialDelaySeconds: omitZero(workload, p.livenessProbe.initialDelaySeconds),
        timeoutSeconds: omitZero(workload, p.livenessProbe.timeoutSeconds),
      },
      ports: [
        { containerPort: ports.inbound, name: 'linkerd-proxy' },
        { containerPort: ports.admin, name: 'linkerd-admin' },
      ],
      readinessProbe: {
        httpGet: { path: '/ready', port: ports.admin },
        initialDelaySeconds: omitZero(workload, p.readinessProbe.initialDelaySeconds),
        timeoutSeconds: omitZero(workload, p.readinessProbe.timeoutSeconds),
      },
      startupProbe: awaitsAsSidecar
        ? {
          httpGet: { path: '/ready', port: ports.admin },
          initialDelaySeconds: omitZero(workload, p.startupProbe.initialDelaySeconds),
          periodSeconds: omitZero(workload, p.startupProbe.periodSeconds),
          failureThreshold: omitZero(workload, p.startupProbe.failureThreshold),
        }
        : undefined,
      resources: renderResources(p.resources),
      securityContext: Object.keys(p.securityContext).length > 0
        ? structuredClone(p.securityContext)
        : {
          allowPrivilegeEscalation: false,
          capabilities: workload.capabilities,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: p.uid,
          runAsGroup: p.gid >= 0 ? p.gid : undefined,
          seccompProfile: { type: 'RuntimeDefault' },
        },
      terminationMessagePolicy: 'FallbackToLogsOnError',
      lifecycle,
      volumeMounts: [
        { mountPath: IDENTITY_END_ENTITY_DIR, name: 'linkerd-identity-end-entity' },
        ...(this.tracing() ? [{ mountPath: PODINFO_DIR, name: 'linkerd-podinfo' }] : []),
        ...(v.identity.serviceAccountTokenProjection ? [{ mountPath: IDENTITY_TOKEN_DIR, name: 'linkerd-identity-token' }] : []),
        ...serviceAccountMount(workload),
      ],
      restartPolicy: p.nativeSidecar ? 'Always' : undefined,
    };
    return prune(container);
  }

  private classicLifecycle(p: ProxyValues): Container['lifecycle'] {
    if (!p.await && !p.waitBeforeExitSeconds) return undefined;
    return {
      postStart: p.await
        ? { exec: { command: ['/usr/lib/linkerd/linkerd-await', '--timeout=2m', `--port=${p.ports.admin}`] } }
        : undefined,
      preStop: p.waitBeforeExitSeconds
        ? { exec: { command: ['/bin/sleep', String(p.waitBeforeExitSeconds)] } }
        : undefined,
    };
  }

  /**
   * The proxy's environment, in upstream's order: later entries refer to earlier ones with
   * `$(VAR)`, and Kubernetes only expands variables defined before the reference.
   */
  public proxyEnv(workload: MeshedWorkload): EnvVar[] {
    const v = this.values;
    const p = v.proxy;
    const ns = workload.controlPlaneNamespace;
    const cd = v.clusterDomain;
    const td = trustDomainOf(v);
    const anyAddr = v.disableIPv6 ? '0.0.0.0' : '[::]';
    const identityName = (sa: string) => `${sa}.${ns}.serviceaccount.identity.${ns}.${td}`;
    const env: EnvVar[] = FIELD_ENV.map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } }));
    const add = (name: string, value: string | undefined | false) => {
      if (value !== undefined && value !== false) env.push({ name, value });
    };
    add('_pod_containerName', 'linkerd-proxy');

    const workers = p.runtime.workers;
    const cores = p.cores ? String(p.cores) : String(workers.minimum || 1);
    add('LINKERD2_PROXY_CORES', cores);
    add('LINKERD2_PROXY_CORES_MIN', cores);
    if (!p.cores) {
      add('LINKERD2_PROXY_CORES_MAX', workers.maximum ? String(workers.maximum) : undefined);
      add('LINKERD2_PROXY_CORES_MAX_RATIO', workers.maximumCPURatio ? String(workers.maximumCPURatio) : undefined);
    }
    add('LINKERD2_PROXY_INBOUND_PORTS_REQUIRE_IDENTITY', p.requireIdentityOnInboundPorts || undefined);
    add('LINKERD2_PROXY_INBOUND_PORTS_REQUIRE_TLS', workload.requireTLSOnInboundPorts || undefined);
    add('LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED', String(p.enableShutdownEndpoint));
    add('LINKERD2_PROXY_LOG', p.logLevel + (p.logHTTPHeaders === 'insecure' ? '' : ',[{headers}]=off,[{request}]=off'));
    add('LINKERD2_PROXY_LOG_FORMAT', p.logFormat);
    add('LINKERD2_PROXY_DESTINATION_SVC_ADDR', workload.servesDestination ? 'localhost.:8086' : `linkerd-dst-headless.${ns}.svc.${cd}.:8086`);
    add('LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS', v.clusterNetworks);
    add('LINKERD2_PROXY_POLICY_SVC_ADDR', workload.servesDestination ? 'localhost.:8090' : `linkerd-policy.${ns}.svc.${cd}.:8090`);
    add('LINKERD2_PROXY_POLICY_WORKLOAD', '{"ns":"$(_pod_ns)", "pod":"$(_pod_name)"}\n');
    add('LINKERD2_PROXY_INBOUND_DEFAULT_POLICY', p.defaultInboundPolicy);
    add('LINKERD2_PROXY_POLICY_CLUSTER_NETWORKS', v.clusterNetworks);
    add('LINKERD2_PROXY_CONTROL_STREAM_INITIAL_TIMEOUT', p.control.streams.initialTimeout);
    add('LINKERD2_PROXY_CONTROL_STREAM_IDLE_TIMEOUT', p.control.streams.idleTimeout);
    add('LINKERD2_PROXY_CONTROL_STREAM_LIFETIME', p.control.streams.lifetime);
    add('LINKERD2_PROXY_INBOUND_CONNECT_TIMEOUT', p.inboundConnectTimeout || undefined);
    add('LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT', p.outboundConnectTimeout || undefined);
    add('LINKERD2_PROXY_OUTBOUND_DISCOVERY_IDLE_TIMEOUT', p.outboundDiscoveryCacheUnusedTimeout || undefined);
    add('LINKERD2_PROXY_INBOUND_DISCOVERY_IDLE_TIMEOUT', p.inboundDiscoveryCacheUnusedTimeout || undefined);
    add('LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT', p.disableOutboundProtocolDetectTimeout && '365d');
    add('LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT', p.disableInboundProtocolDetectTimeout && '365d');
    add('LINKERD2_PROXY_CONTROL_LISTEN_ADDR', `${anyAddr}:${p.ports.control}`);
    add('LINKERD2_PROXY_ADMIN_LISTEN_ADDR', `${anyAddr}:${p.ports.admin}`);
    add('LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR', `127.0.0.1:${p.ports.outbound}`);
    add('LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS', `127.0.0.1:${p.ports.outbound}` + (v.disableIPv6 ? '' : `,[::1]:${p.ports.outbound}`));
    add('LINKERD2_PROXY_INBOUND_LISTEN_ADDR', `${anyAddr}:${p.ports.inbound}`);
    env.push({ name: 'LINKERD2_PROXY_INBOUND_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } });
    // An empty list renders as a variable without a value, as in upstream's output.
    env.push(workload.podInboundPorts ? { name: 'LINKERD2_PROXY_INBOUND_PORTS', value: workload.podInboundPorts } : { name: 'LINKERD2_PROXY_INBOUND_PORTS' });
    add('LINKERD2_PROXY_INBOUND_GATEWAY_SUFFIXES', p.isGateway ? `svc.${cd}.` : undefined);
    add('LINKERD2_PROXY_INGRESS_MODE', p.isIngress ? 'true' : undefined);
    add('LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES', p.enableExternalProfiles ? '.' : `svc.${cd}.`);
    add('LINKERD2_PROXY_INBOUND_ACCEPT_KEEPALIVE', '10000ms');
    add('LINKERD2_PROXY_OUTBOUND_CONNECT_KEEPALIVE', '10000ms');
    add('LINKERD2_PROXY_INBOUND_ACCEPT_USER_TIMEOUT', '30s');
    add('LINKERD2_PROXY_OUTBOUND_CONNECT_USER_TIMEOUT', '30s');
    add('LINKERD2_PROXY_OUTBOUND_METRICS_HOSTNAME_LABELS', String(p.metrics.hostnameLabels));
    const tracing = this.tracing();
    if (tracing) {
      const identity = tracing.collector?.meshIdentity;
      add('LINKERD2_PROXY_TRACE_ATTRIBUTES_PATH', `${PODINFO_DIR}/labels`);
      add('LINKERD2_PROXY_TRACE_ANNOTATIONS_PATH', `${PODINFO_DIR}/annotations`);
      add('LINKERD2_PROXY_TRACE_PROTOCOL', tracing.protocol || 'opentelemetry');
      add('LINKERD2_PROXY_TRACE_SERVICE_NAME', tracing.traceServiceName);
      add('LINKERD2_PROXY_TRACE_COLLECTOR_SVC_ADDR', tracing.collector?.endpoint);
      add('LINKERD2_PROXY_TRACE_COLLECTOR_SVC_NAME', `${identity?.serviceAccountName}.${identity?.namespace}.serviceaccount.identity.${ns}.${td}`);
      add('LINKERD2_PROXY_TRACE_EXTRA_ATTRIBUTES', sortedEntries(tracing.labels).map(([k, value]) => `${k}=${value}\n`).join(''));
    }
    for (const [direction, scopes] of sortedEntries({ inbound: p.inbound, outbound: p.outbound })) {
      for (const [scope, protocols] of sortedEntries(scopes)) {
        for (const [protocol, params] of sortedEntries(protocols)) {
          for (const [param, value] of sortedEntries(params)) {
            add(['LINKERD2_PROXY', direction, scope, protocol, param].map(envWord).join('_'), String(value));
          }
        }
      }
    }
    add('LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION', p.opaquePorts || undefined);
    add('LINKERD2_PROXY_DESTINATION_CONTEXT', '{"ns":"$(_pod_ns)", "nodeName":"$(_pod_nodeName)", "pod":"$(_pod_name)"}\n');
    env.push({ name: '_pod_sa', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } });
    add('_l5d_ns', ns);
    add('_l5d_trustdomain', td);
    add('LINKERD2_PROXY_IDENTITY_DIR', IDENTITY_END_ENTITY_DIR);
    if (workload.loadTrustBundleFromConfigMap) {
      env.push({
        name: 'LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS',
        valueFrom: { configMapKeyRef: { name: 'linkerd-identity-trust-roots', key: 'ca-bundle.crt' } },
      });
    } else {
      add('LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS', v.identityTrustAnchorsPEM.trim() + '\n');
    }
    add('LINKERD2_PROXY_IDENTITY_TOKEN_FILE', v.identity.serviceAccountTokenProjection
      ? `${IDENTITY_TOKEN_DIR}/linkerd-identity-token`
      : '/var/run/secrets/kubernetes.io/serviceaccount/token');
    add('LINKERD2_PROXY_IDENTITY_SVC_ADDR', workload.servesIdentity ? 'localhost.:8080' : `linkerd-identity-headless.${ns}.svc.${cd}.:8080`);
    add('LINKERD2_PROXY_IDENTITY_LOCAL_NAME', `$(_pod_sa).$(_pod_ns).serviceaccount.identity.${ns}.${td}`);
    add('LINKERD2_PROXY_IDENTITY_SVC_NAME', identityName('linkerd-identity'));
    add('LINKERD2_PROXY_DESTINATION_SVC_NAME', identityName('linkerd-destination'));
    add('LINKERD2_PROXY_POLICY_SVC_NAME', identityName('linkerd-destination'));
    add('LINKERD2_PROXY_ACCESS_LOG', p.accessLog || undefined);
    add('LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD', p.shutdownGracePeriod || undefined);
    for (const extra of [...(p.additionalEnv ?? []), ...((p.experimentalEnv as EnvVar[] | undefined) ?? [])]) {
      env.push(structuredClone(extra) as unknown as EnvVar);
    }
    return env;
  }

  /** `linkerd-init`: sets up the iptables redirection to the proxy (used without the CNI plugin). */
  public proxyInit(workload: Pick<MeshedWorkload, 'proxyInitCapabilities' | 'serviceAccountMount' | 'injector'> = {}): Container {
    const v = this.values;
    const p = v.proxy;
    const init = v.proxyInit;
    const args: string[] = [];
    if (init.iptablesMode === 'nft') {
      args.push('--firewall-bin-path', 'iptables-nft', '--firewall-save-bin-path', 'iptables-nft-save');
    }
    if (v.disableIPv6) args.push('--ipv6=false');
    args.push('--incoming-proxy-port', String(p.ports.inbound), '--outgoing-proxy-port', String(p.ports.outbound));
    args.push('--proxy-uid', String(p.uid));
    if (p.gid >= 0) args.push('--proxy-gid', String(p.gid));
    args.push('--inbound-ports-to-ignore', [p.ports.control, p.ports.admin, init.ignoreInboundPorts].filter((x) => x !== '').join(','));
    if (init.ignoreOutboundPorts) args.push('--outbound-ports-to-ignore', init.ignoreOutboundPorts);
    if (init.closeWaitTimeoutSecs) args.push('--timeout-close-wait-secs', String(init.closeWaitTimeoutSecs));
    if (init.logFormat) args.push('--log-format', init.logFormat);
    if (init.logLevel) args.push('--log-level', init.logLevel);
    if (init.skipSubnets) args.push('--subnets-to-ignore', init.skipSubnets);
    const privileged = Boolean(init.closeWaitTimeoutSecs || init.privileged);
    const extraCaps = workload.proxyInitCapabilities ?? {};
    return prune({
      name: 'linkerd-init',
      args,
      ...this.proxyImage(),
      command: ['/usr/lib/linkerd/linkerd2-proxy-init'],
      resources: renderResources(p.resources),
      securityContext: {
        allowPrivilegeEscalation: privileged,
        capabilities: { add: ['NET_ADMIN', 'NET_RAW', ...(extraCaps.add ?? [])], drop: extraCaps.drop } as Capabilities,
        privileged,
        ...(init.runAsRoot
          ? { runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 }
          : { runAsNonRoot: true, runAsUser: init.runAsUser || 65534, runAsGroup: init.runAsGroup || 65534 }),
        readOnlyRootFilesystem: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      terminationMessagePolicy: 'FallbackToLogsOnError',
      volumeMounts: [{ mountPath: init.xtMountPath.mountPath, name: init.xtMountPath.name }, ...serviceAccountMount(workload)],
    });
  }

  /** `linkerd-debug`: a shell with network tools next to the proxy. */
  public debugContainer(): Container {
    const v = this.values;
    const image = (v.debugContainer as { image: { name: string; version: string; pullPolicy: string } }).image;
    return {
      image: `${image.name}:${image.version || v.linkerdVersion}`,
      imagePullPolicy: image.pullPolicy || v.imagePullPolicy,
      // Some environments require probes; these cannot fail.
      livenessProbe: { exec: { command: ['true'] } },
      name: 'linkerd-debug',
      readinessProbe: { exec: { command: ['true'] } },
      terminationMessagePolicy: 'FallbackToLogsOnError',
    };
  }

  /** `linkerd-network-validator`: checks that the CNI plugin set up redirection (CNI mode). */
  public networkValidator(): Container {
    const v = this.values;
    const nv = v.networkValidator;
    return prune({
      name: 'linkerd-network-validator',
      ...this.proxyImage(),
      resources: renderResources(v.proxy.resources),
      securityContext: structuredClone(nv.securityContext),
      command: ['/usr/lib/linkerd/linkerd2-network-validator'],
      args: [
        '--log-format', nv.logFormat,
        '--log-level', nv.logLevel,
        '--connect-addr', nv.connectAddr || (v.disableIPv6 ? '1.1.1.1:20001' : '[fd00::1]:20001'),
        '--listen-addr', nv.listenAddr || (v.disableIPv6 ? '0.0.0.0:4140' : '[::]:4140'),
        '--timeout', nv.timeout,
      ],
    });
  }

  /**
   * Volumes the proxy and its init container mount, in the order the chart (or, for
   * `workload.injector`, the injector) lists them.
   */
  public volumes(workload: Pick<MeshedWorkload, 'injector'> = {}): Volume[] {
    const v = this.values;
    const xtables: Volume[] = v.cniEnabled ? [] : [{ emptyDir: {}, name: v.proxyInit.xtMountPath.name }];
    const endEntity: Volume = { emptyDir: { medium: 'Memory' }, name: 'linkerd-identity-end-entity' };
    const token: Volume[] = v.identity.serviceAccountTokenProjection
      ? [{
        name: 'linkerd-identity-token',
        projected: {
          sources: [{ serviceAccountToken: { path: 'linkerd-identity-token', expirationSeconds: 86400, audience: 'identity.l5d.io' } }],
        },
      }]
      : [];
    // The chart's pods expose labels and annotations to the tracer; the injector only labels.
    const podinfoItems = [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }];
    if (!workload.injector) podinfoItems.push({ path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } });
    const podinfo: Volume[] = this.tracing() ? [{ name: 'linkerd-podinfo', downwardAPI: { items: podinfoItems } }] : [];
    return workload.injector
      ? [...xtables, endEntity, ...podinfo, ...token]
      : [...xtables, ...token, endEntity, ...podinfo];
  }
}

/** The application's service account token mount, repeated in a Linkerd container. */
function serviceAccountMount(workload: Pick<MeshedWorkload, 'serviceAccountMount' | 'injector'>): VolumeMount[] {
  const m = workload.serviceAccountMount;
  if (!m) return [];
  const readOnly = m.readOnly ?? false;
  return [{ mountPath: m.mountPath, name: m.name, readOnly: workload.injector && !readOnly ? undefined : readOnly }];
}

/**
 * The injector re-encodes the pod with Go's `omitempty`, which drops integer fields that are 0
 * (the chart's templates keep them): the same value either way, but the text upstream writes.
 */
function omitZero(workload: Pick<MeshedWorkload, 'injector'>, n: number): number | undefined {
  return workload.injector && n === 0 ? undefined : n;
}

/** Renders chart-style resources (`cpu.request`, …) as a container's `resources`, leaving out what is unset. */
export function renderResources(resources: ResourceValues | undefined): Container['resources'] {
  if (!resources) return undefined;
  const pick = (kind: 'request' | 'limit') => {
    const out: Record<string, string> = {};
    for (const name of ['cpu', 'memory', 'ephemeral-storage'] as const) {
      const value = resources[name]?.[kind];
      if (value) out[name] = value;
    }
    return Object.keys(out).length ? out : undefined;
  };
  const limits = pick('limit');
  const requests = pick('request');
  return limits || requests ? prune({ limits, requests }) : undefined;
}

function sortedEntries<T>(record: Record<string, T> | undefined): Array<[string, T]> {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `keepAliveInterval` → `KEEP_ALIVE_INTERVAL`, `http2` → `HTTP2` (sprig's snakecase, upper-cased). */
function envWord(word: string): string {
  return word.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const MEANINGFUL_EMPTY = new Set(['emptyDir', 'selector']);

/** Drops undefined fields and empty objects/lists, recursively, so the output carries no noise. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item) => prune(item)) as unknown as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined || item === null) continue;
      const cleaned = prune(item);
      const empty = cleaned && typeof cleaned === 'object' && !Array.isArray(cleaned) && Object.keys(cleaned).length === 0;
      const emptyList = Array.isArray(cleaned) && cleaned.length === 0;
      // Some empty objects carry meaning: `emptyDir: {}` is a volume source, `selector: {}` selects everything.
      if ((empty && !MEANINGFUL_EMPTY.has(key)) || emptyList) continue;
      out[key] = cleaned;
    }
    return out as T;
  }
  return value;
}
