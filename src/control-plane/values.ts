import { IConstruct } from 'constructs';
import { valueAt, ValueOrigin } from '../proxy/proxy-combinations';
import { applyProxySettings } from '../proxy/proxy-settings';
import { cidrList, ImagePullPolicy, ProxySettings } from '../proxy/proxy-spec';
import * as check from '../validate';
import { LINKERD_VERSION } from '../version';
import { applyHighAvailability } from './high-availability';
import { applyNetworkValidator, NetworkValidatorProps } from './network-validator';

/**
 * The chart-shaped values tree of a Linkerd control plane.
 *
 * The proxy injector decodes this document from `linkerd-config` at every admission request into
 * upstream's Go `Values` struct, so its keys, nesting and scalar types follow the
 * linkerd-control-plane chart exactly: ports and uids are integers, booleans are booleans and
 * resource quantities are strings. Everything this library renders for the control plane reads
 * from one instance of this tree, which is what keeps the rendered pods and the injector's view
 * of the mesh in agreement.
 */
export interface LinkerdValues {
  [key: string]: unknown;
  clusterDomain: string;
  clusterNetworks: string;
  cniEnabled: boolean;
  commonLabels: Record<string, string>;
  controller: { podDisruptionBudget: { maxUnavailable: number | string }; [k: string]: unknown };
  controllerGID: number;
  controllerImage: string;
  controllerImageVersion: string;
  controllerLogFormat: string;
  controllerLogLevel: string;
  controllerReplicas: number;
  controllerUID: number;
  deploymentStrategy: Record<string, unknown>;
  disableHeartBeat: boolean;
  disableIPv6: boolean;
  enableEndpointSlices: boolean;
  enableH2Upgrade: boolean;
  enablePodAntiAffinity: boolean;
  enablePodDisruptionBudget: boolean;
  enablePprof: boolean;
  heartbeatSchedule: string;
  identity: IdentityValues;
  identityTrustAnchorsPEM: string;
  identityTrustDomain: string;
  imagePullPolicy: string;
  imagePullSecrets: Array<{ name: string }>;
  linkerdVersion: string;
  networkValidator: NetworkValidatorValues;
  nodeSelector: Record<string, string>;
  podAnnotations: Record<string, string>;
  podLabels: Record<string, string>;
  podMonitor: PodMonitorValues;
  policyController: { logLevel: string; probeNetworks: string[]; resources: ResourceValues; [k: string]: unknown };
  policyValidator: WebhookValues;
  priorityClassName: string;
  profileValidator: WebhookValues;
  prometheusUrl: string;
  proxy: ProxyValues;
  proxyInit: ProxyInitValues;
  proxyInjector: WebhookValues & { timeoutSeconds: number; objectSelector: unknown };
  revisionHistoryLimit: number;
  runtimeClassName: string;
  tolerations?: unknown[];
  webhookFailurePolicy: 'Ignore' | 'Fail';
}

/** cpu / memory / ephemeral-storage, each with a request and a limit; "" means unset. */
export interface ResourceValues {
  cpu?: { request?: string; limit?: string };
  memory?: { request?: string; limit?: string };
  'ephemeral-storage'?: { request?: string; limit?: string };
}

export interface IdentityValues {
  [key: string]: unknown;
  externalCA: boolean;
  issuer: {
    clockSkewAllowance: string;
    issuanceLifetime: string;
    scheme: 'linkerd.io/tls' | 'kubernetes.io/tls';
    tls: { crtPEM: string };
  };
  serviceAccountTokenProjection: boolean;
}

export interface WebhookValues {
  [key: string]: unknown;
  caBundle: string;
  crtPEM: string;
  externalSecret: boolean;
  injectCaFrom: string;
  injectCaFromSecret: string;
  namespaceSelector: unknown;
}

export interface PodMonitorValues {
  enabled: boolean;
  scrapeInterval: string;
  scrapeTimeout: string;
  labels: Record<string, string>;
  controller: { enabled: boolean; honorTimestamps: boolean; namespaceSelector: string };
  proxy: { enabled: boolean; honorTimestamps: boolean };
  serviceMirror: { enabled: boolean; honorTimestamps: boolean };
}

export interface NetworkValidatorValues {
  [key: string]: unknown;
  connectAddr: string;
  listenAddr: string;
  logFormat: string;
  logLevel: string;
  securityContext: Record<string, unknown>;
  timeout: string;
}

export interface ProxyInitValues {
  [key: string]: unknown;
  closeWaitTimeoutSecs: number;
  ignoreInboundPorts: string;
  ignoreOutboundPorts: string;
  iptablesMode: 'nft' | 'legacy';
  kubeAPIServerPorts: string;
  logFormat: string;
  logLevel: string;
  privileged: boolean;
  runAsGroup: number;
  runAsRoot: boolean;
  runAsUser: number;
  skipSubnets: string;
  xtMountPath: { mountPath: string; name: string };
}

export interface ProxyValues {
  [key: string]: unknown;
  await: boolean;
  accessLog?: string;
  additionalEnv?: Array<Record<string, unknown>>;
  control: { streams: { idleTimeout: string; initialTimeout: string; lifetime: string } };
  cores: number | null;
  defaultInboundPolicy: string;
  disableInboundProtocolDetectTimeout: boolean;
  disableOutboundProtocolDetectTimeout: boolean;
  enableExternalProfiles: boolean;
  enableShutdownEndpoint: boolean;
  gid: number;
  image: { name: string; pullPolicy: string; version: string };
  inbound: Record<string, Record<string, Record<string, string>>>;
  inboundConnectTimeout: string;
  inboundDiscoveryCacheUnusedTimeout: string;
  livenessProbe: { initialDelaySeconds: number; timeoutSeconds: number };
  logFormat: string;
  logHTTPHeaders: string;
  logLevel: string;
  metrics: { hostnameLabels: boolean };
  nativeSidecar: boolean;
  opaquePorts: string;
  outbound: Record<string, Record<string, Record<string, string>>>;
  outboundConnectTimeout: string;
  outboundDiscoveryCacheUnusedTimeout: string;
  outboundTransportMode: string;
  ports: { admin: number; control: number; inbound: number; outbound: number };
  readinessProbe: { initialDelaySeconds: number; timeoutSeconds: number };
  requireIdentityOnInboundPorts: string;
  resources: ResourceValues;
  runtime: { workers: { maximumCPURatio: number | null; minimum: number; maximum?: number } };
  securityContext: Record<string, unknown>;
  shutdownGracePeriod: string;
  startupProbe: { failureThreshold: number; initialDelaySeconds: number; periodSeconds: number };
  uid: number;
  waitBeforeExitSeconds: number;
}

const ADMISSION_WEBHOOKS_ENABLED = {
  matchExpressions: [{ key: 'config.linkerd.io/admission-webhooks', operator: 'NotIn', values: ['disabled'] }],
};

const emptyResources = (): ResourceValues => ({
  cpu: { limit: '', request: '' },
  'ephemeral-storage': { limit: '', request: '' },
  memory: { limit: '', request: '' },
});

const webhookDefaults = (): WebhookValues => ({
  caBundle: '',
  crtPEM: '',
  externalSecret: false,
  injectCaFrom: '',
  injectCaFromSecret: '',
  namespaceSelector: structuredClone(ADMISSION_WEBHOOKS_ENABLED),
});

const probeTimeout = () => ({ livenessProbe: { timeoutSeconds: 1 }, readinessProbe: { timeoutSeconds: 1 } });

/**
 * The chart's defaults for edge-26.8.3 (what `helm template` uses when no values are given),
 * before certificates, which have no default.
 */
export function defaultValues(): LinkerdValues {
  return {
    clusterDomain: 'cluster.local',
    clusterNetworks: '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8',
    cniEnabled: false,
    commonLabels: {},
    configReaders: null,
    controller: {
      podDisruptionBudget: { maxUnavailable: 1 },
      tracing: { collector: { endpoint: '' }, enabled: false },
    },
    controllerGID: -1,
    controllerImage: 'cr.l5d.io/linkerd/controller',
    controllerImageVersion: '',
    controllerLogFormat: 'plain',
    controllerLogLevel: 'info',
    controllerReplicas: 1,
    controllerUID: 2103,
    debugContainer: { image: { name: 'cr.l5d.io/linkerd/debug', pullPolicy: '', version: '' } },
    deploymentStrategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    destinationController: {
      ...probeTimeout(),
      meshedHttp2ClientProtobuf: {
        keep_alive: { interval: { seconds: 10 }, timeout: { seconds: 3 }, while_idle: true },
      },
      podAnnotations: {},
    },
    disableHeartBeat: false,
    disableIPv6: true,
    egress: { globalEgressNetworkNamespace: 'linkerd-egress' },
    enableEndpointSlices: true,
    enableH2Upgrade: true,
    enablePSP: false,
    enablePodAntiAffinity: false,
    enablePodDisruptionBudget: false,
    enablePprof: false,
    heartbeatSchedule: '',
    identity: {
      externalCA: false,
      issuer: {
        clockSkewAllowance: '20s',
        issuanceLifetime: '24h0m0s',
        scheme: 'linkerd.io/tls',
        tls: { crtPEM: '' },
      },
      kubeAPI: { clientBurst: 200, clientQPS: 100 },
      ...probeTimeout(),
      podAnnotations: {},
      serviceAccountTokenProjection: true,
    },
    identityTrustAnchorsPEM: '',
    identityTrustDomain: '',
    imagePullPolicy: 'IfNotPresent',
    imagePullSecrets: [],
    kubeAPI: { clientBurst: 200, clientQPS: 100 },
    linkerdVersion: LINKERD_VERSION,
    networkValidator: {
      connectAddr: '',
      listenAddr: '',
      logFormat: 'plain',
      logLevel: 'debug',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsGroup: 65534,
        runAsNonRoot: true,
        runAsUser: 65534,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      timeout: '10s',
    },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    podAnnotations: {},
    podLabels: {},
    podMonitor: {
      controller: {
        enabled: true,
        honorTimestamps: false,
        // Upstream keeps this as a template string that Helm expands at render time; the value is
        // stored verbatim, as the chart stores it.
        namespaceSelector: 'matchNames:\n  - {{ .Release.Namespace }}\n  - linkerd-viz\n',
      },
      enabled: false,
      labels: {},
      proxy: { enabled: true, honorTimestamps: false },
      scrapeInterval: '10s',
      scrapeTimeout: '10s',
      serviceMirror: { enabled: true, honorTimestamps: false },
    },
    policyController: {
      ...probeTimeout(),
      logLevel: 'info',
      probeNetworks: ['0.0.0.0/0', '::/0'],
      resources: emptyResources(),
    },
    policyValidator: webhookDefaults(),
    priorityClassName: '',
    profileValidator: webhookDefaults(),
    prometheusUrl: '',
    proxy: {
      await: true,
      control: { streams: { idleTimeout: '5m', initialTimeout: '3s', lifetime: '1h' } },
      cores: null,
      defaultInboundPolicy: 'all-unauthenticated',
      disableInboundProtocolDetectTimeout: false,
      disableOutboundProtocolDetectTimeout: false,
      enableExternalProfiles: false,
      enableShutdownEndpoint: false,
      gid: -1,
      image: { name: 'cr.l5d.io/linkerd/proxy', pullPolicy: '', version: '' },
      inbound: { server: { http2: { keepAliveInterval: '10s', keepAliveTimeout: '3s' } } },
      inboundConnectTimeout: '100ms',
      inboundDiscoveryCacheUnusedTimeout: '90s',
      livenessProbe: { initialDelaySeconds: 10, timeoutSeconds: 1 },
      logFormat: 'plain',
      logHTTPHeaders: 'off',
      logLevel: 'warn,linkerd=info,hickory=error',
      metrics: { hostnameLabels: false },
      nativeSidecar: true,
      opaquePorts: '25,587,3306,4444,5432,6379,9300,11211',
      outbound: { server: { http2: { keepAliveInterval: '10s', keepAliveTimeout: '3s' } } },
      outboundConnectTimeout: '1000ms',
      outboundDiscoveryCacheUnusedTimeout: '5s',
      outboundTransportMode: 'transport-header',
      ports: { admin: 4191, control: 4190, inbound: 4143, outbound: 4140 },
      readinessProbe: { initialDelaySeconds: 2, timeoutSeconds: 1 },
      requireIdentityOnInboundPorts: '',
      resources: emptyResources(),
      runtime: { workers: { maximumCPURatio: null, minimum: 1 } },
      securityContext: {},
      shutdownGracePeriod: '',
      startupProbe: { failureThreshold: 120, initialDelaySeconds: 0, periodSeconds: 1 },
      tracing: {
        collector: { endpoint: '', meshIdentity: { namespace: '', serviceAccountName: '' } },
        enabled: false,
        labels: {
          'k8s.container.name': '$(_pod_containerName)',
          'k8s.pod.ip': '$(_pod_ip)',
          'k8s.pod.uid': '$(_pod_uid)',
        },
        traceServiceName: 'linkerd-proxy',
      },
      uid: 2102,
      waitBeforeExitSeconds: 0,
    },
    proxyInit: {
      closeWaitTimeoutSecs: 0,
      ignoreInboundPorts: '4567,4568',
      ignoreOutboundPorts: '4567,4568',
      iptablesMode: 'nft',
      kubeAPIServerPorts: '443,6443',
      logFormat: '',
      logLevel: '',
      privileged: false,
      runAsGroup: 65534,
      runAsRoot: false,
      runAsUser: 65534,
      skipSubnets: '',
      xtMountPath: { mountPath: '/run', name: 'linkerd-proxy-init-xtables-lock' },
    },
    proxyInjector: {
      ...webhookDefaults(),
      ...probeTimeout(),
      namespaceSelector: {
        matchExpressions: [
          ...ADMISSION_WEBHOOKS_ENABLED.matchExpressions,
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'cert-manager'] },
        ],
      },
      objectSelector: {
        matchExpressions: [
          { key: 'linkerd.io/control-plane-component', operator: 'DoesNotExist' },
          { key: 'linkerd.io/cni-resource', operator: 'DoesNotExist' },
        ],
      },
      podAnnotations: {},
      timeoutSeconds: 10,
    },
    revisionHistoryLimit: 10,
    runtimeClassName: '',
    spValidator: probeTimeout(),
    webhookFailurePolicy: 'Ignore',
  };
}

/** The identity trust domain: `identityTrustDomain`, or the cluster domain when that is empty. */
export function trustDomainOf(values: LinkerdValues): string {
  return values.identityTrustDomain || values.clusterDomain;
}

/**
 * The props that shape injected proxies, in the words of LinkerdControlPlaneProps: what meshing
 * a workload needs to know about its control plane. Any LinkerdControlPlaneProps is one.
 */
export interface MeshValuesProps {
  /** Upstream's HA preset, which also sets proxy requests and limits. @default false */
  readonly highAvailability?: boolean;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16, fd00::/8 */
  readonly clusterNetworks?: string[];
  /** Only the trust domain and token projection are read here. @default - trust domain = cluster domain */
  readonly identity?: MeshIdentityProps;
  /** @default false */
  readonly ipv6?: boolean;
  /** @default false */
  readonly cni?: boolean;
  /** @default 'cr.l5d.io/linkerd' */
  readonly registry?: string;
  /** @default 'edge-26.8.3' */
  readonly version?: string;
  /** @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** @default - upstream's */
  readonly proxy?: ProxySettings;
  /** The CNI-mode network validator every injected pod gets. @default - see NetworkValidatorProps */
  readonly networkValidator?: NetworkValidatorProps;
}

/** The identity settings that shape injected proxies. */
export interface MeshIdentityProps {
  /** Trust domain of workload identities. @default - the cluster domain */
  readonly trustDomain?: string;
  /**
   * Proxies authenticate to the identity controller with a projected, audience-bound token
   * (`linkerd-identity-token` volume). Off, they use the pod's automounted ServiceAccount token,
   * so a pod with `automountServiceAccountToken: false` cannot be meshed.
   * @default true
   */
  readonly serviceAccountTokenProjection?: boolean;
}

/**
 * Resolves the mesh-wide values that shape proxies (chart defaults, HA preset, cluster and image
 * props, proxy settings), validating each prop. The control plane starts its values tree with
 * it, and meshing against a control plane installed elsewhere builds the same tree from the same
 * props. Errors name `scope` and the prop.
 */
export function resolveMeshValues(scope: IConstruct, props: MeshValuesProps): LinkerdValues {
  const values = defaultValues();
  if (props.highAvailability) applyHighAvailability(values);

  if (props.clusterDomain !== undefined) values.clusterDomain = check.dnsSubdomain(scope, 'clusterDomain', props.clusterDomain);
  if (props.clusterNetworks !== undefined) values.clusterNetworks = cidrList(scope, 'clusterNetworks', props.clusterNetworks);
  const trustDomain = props.identity?.trustDomain ?? values.clusterDomain;
  values.identityTrustDomain = check.dnsSubdomain(scope, 'identity.trustDomain', trustDomain);
  if (props.ipv6 !== undefined) values.disableIPv6 = !props.ipv6;
  if (props.cni !== undefined) values.cniEnabled = props.cni;

  if (props.registry !== undefined) {
    const registry = check.imageName(scope, 'registry', props.registry.replace(/\/+$/, ''));
    values.controllerImage = `${registry}/controller`;
    values.proxy.image.name = `${registry}/proxy`;
    (values.debugContainer as { image: { name: string } }).image.name = `${registry}/debug`;
  }
  if (props.version !== undefined) values.linkerdVersion = check.imageTag(scope, 'version', props.version);
  if (props.imagePullPolicy !== undefined) {
    values.imagePullPolicy = check.oneOf(scope, 'imagePullPolicy', props.imagePullPolicy, Object.values(ImagePullPolicy));
  }
  if (props.identity?.serviceAccountTokenProjection !== undefined) values.identity.serviceAccountTokenProjection = props.identity.serviceAccountTokenProjection;
  if (props.proxy) applyProxySettings(scope, 'proxy', values, props.proxy, presetOrigin(values));
  if (props.networkValidator) applyNetworkValidator(scope, values, props.networkValidator);
  return values;
}

/** Where a mesh-wide value comes from before the proxy settings: the CNI prop, the HA preset, or the chart default. */
function presetOrigin(values: LinkerdValues): (path: string) => ValueOrigin {
  const defaults = defaultValues();
  return (path) => {
    if (path === 'cniEnabled') return { own: false, field: 'cni', text: `cni: ${values.cniEnabled}` };
    const preset = values.highAvailability === true && JSON.stringify(valueAt(values, path)) !== JSON.stringify(valueAt(defaults, path));
    return { own: false, field: path, text: preset ? 'the highAvailability preset' : 'the default' };
  };
}
