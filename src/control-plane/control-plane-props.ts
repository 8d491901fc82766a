import { Duration } from 'cdk8s';
import type { Toleration } from 'kubernetes-types/core/v1';
import type { LinkerdCni } from '../cni/linkerd-cni';
import { KeyMaterial, LinkerdIdentityProps, WebhookTls } from '../identity';
import type { LabelSelectorJson } from '../policy/label-selector';
import { ContainerResources, ImagePullPolicy, LogFormat, ProxySettings } from '../proxy/proxy-spec';
import { Heartbeat } from './heartbeat';
import type { NetworkValidatorProps } from './network-validator';

/** What admission does when a Linkerd webhook cannot be reached. */
export enum WebhookFailurePolicy {
  /** Admit the object unchanged (an unmeshed pod, an unvalidated policy). */
  IGNORE = 'Ignore',
  /** Reject the request. */
  FAIL = 'Fail',
}

/** One admission webhook served by the control plane. */
export interface LinkerdWebhookProps {
  /** Serving certificate of the webhook. @default WebhookTls.generated() */
  readonly tls?: WebhookTls;
  /**
   * Namespaces whose requests the webhook receives; replaces the default selector as a whole
   * (keep the `config.linkerd.io/admission-webhooks NotIn [disabled]` expression to keep the
   * control plane's own namespace out).
   * @default - namespaces not labelled `config.linkerd.io/admission-webhooks: disabled`; for the
   * proxy injector, neither `kube-system` nor `cert-manager`
   */
  readonly namespaceSelector?: LabelSelectorJson;
}

export interface LinkerdProxyInjectorProps extends LinkerdWebhookProps {
  /** Admission timeout. @default 10 */
  readonly timeoutSeconds?: number;
}

/** Container resources of the control-plane components. Unset ones follow the HA preset, else none. */
export interface ControlPlaneResources {
  /** @default - none (HA: 100m / 50Mi, limit 250Mi) */
  readonly destination?: ContainerResources;
  /** @default - none (HA: 100m / 10Mi, limit 250Mi) */
  readonly identity?: ContainerResources;
  /** @default - none (HA: 100m / 50Mi, limit 250Mi) */
  readonly proxyInjector?: ContainerResources;
  /** @default - none (HA: 100m / 50Mi, limit 250Mi) */
  readonly spValidator?: ContainerResources;
  /** @default - none (HA: 100m / 50Mi, limit 250Mi) */
  readonly heartbeat?: ContainerResources;
  /** @default - none */
  readonly policyController?: ContainerResources;
}

/** Prometheus Operator PodMonitors for the control plane, proxies and multicluster controllers. */
export interface LinkerdPodMonitorProps {
  /** @default true */
  readonly controller?: boolean;
  /** @default true */
  readonly serviceMirror?: boolean;
  /** @default true */
  readonly proxy?: boolean;
  /** @default Duration.seconds(10) */
  readonly scrapeInterval?: Duration;
  /** @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /** Extra labels, e.g. the one your Prometheus selects PodMonitors by. @default - none */
  readonly labels?: Record<string, string>;
}

/** OpenTelemetry tracing of the controllers themselves (destination and identity), upstream's `controller.tracing`. */
export interface ControllerTracing {
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Collector the controllers export spans to, `host:port`.
   * @default - the proxies' collector, `proxy.tracing.collectorEndpoint`
   */
  readonly collectorEndpoint?: string;
}

export interface LinkerdControlPlaneProps {
  /** Namespace of the control plane. @default 'linkerd' */
  readonly namespace?: string;
  /**
   * Emit the Namespace object with the labels `linkerd install` gives it (webhooks disabled on
   * it, the pod-security level its init containers need).
   * @default true
   */
  readonly createNamespace?: boolean;
  /** Trust anchors, issuer, and who writes the trust-roots ConfigMap. */
  readonly identity: LinkerdIdentityProps;
  /**
   * Where generated certificates get their keys. Needed by every `generated()` certificate
   * source, including the default webhook certificates.
   * @default - none: every certificate must then be given explicitly
   */
  readonly keyMaterial?: KeyMaterial;
  /**
   * Acknowledges that the output holds private keys generated from `keyMaterial`: the identity
   * issuer's (`IssuerCertificate.generated()`) and the webhooks' (`WebhookTls.generated()`, the
   * default) are written into Secrets. Without it such a synth fails, so that keys never end up
   * in manifests (and in Git) unnoticed; see README, "Keys and Git". Keys you give yourself go
   * through props named `privateKeyPem`, and cert-manager or existing Secrets emit no key at all.
   * @default false
   */
  readonly emitGeneratedPrivateKeys?: boolean;
  /**
   * Upstream's HA preset: 3 replicas, PodDisruptionBudgets, pod anti-affinity, resource
   * requests and limits, webhooks that fail closed. Individual props still override it.
   * @default false
   */
  readonly highAvailability?: boolean;
  /** Replicas of each controller Deployment. @default 1 (HA: 3) */
  readonly controllerReplicas?: number;
  /** Emit PodDisruptionBudgets for the controllers. @default false (HA: true) */
  readonly podDisruptionBudget?: boolean;
  /** `maxUnavailable` of those budgets. @default 1 */
  readonly podDisruptionBudgetMaxUnavailable?: number;
  /** Spread controller replicas over nodes (required) and zones (preferred). @default false (HA: true) */
  readonly podAntiAffinity?: boolean;
  /** `maxUnavailable` of the Deployments' rolling update. @default '25%' (HA: 1) */
  readonly rollingUpdateMaxUnavailable?: number | string;
  /** `maxSurge` of the Deployments' rolling update. @default '25%' */
  readonly rollingUpdateMaxSurge?: number | string;
  /** @default WebhookFailurePolicy.IGNORE (HA: FAIL) */
  readonly webhookFailurePolicy?: WebhookFailurePolicy;
  /**
   * The linkerd2-cni plugin sets up traffic redirection, so pods get the network validator
   * instead of the privileged proxy-init container. Give the plugin as `cniPlugin` when this app
   * installs it; without it a warning says it must be installed another way.
   * @default false (true with `cniPlugin`)
   */
  readonly cni?: boolean;
  /**
   * The linkerd2-cni plugin this app installs. Implies `cni: true`, makes the control plane
   * depend on it (applied after it), and fails the synth when the plugin's proxy ports, uid, gid
   * or IPv6 setting differ from the mesh's.
   * @default - none: with `cni: true` the plugin must be installed another way (a warning says so)
   */
  readonly cniPlugin?: LinkerdCni;
  /** The network validator pods get instead of proxy-init in CNI mode. @default - see NetworkValidatorProps */
  readonly networkValidator?: NetworkValidatorProps;
  /** Emit Prometheus Operator PodMonitors. @default - none */
  readonly podMonitors?: LinkerdPodMonitorProps;
  /** @default Heartbeat.daily() */
  readonly heartbeat?: Heartbeat;
  /** Prometheus the heartbeat reads metrics from. @default - linkerd-viz's Prometheus */
  readonly prometheusUrl?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Networks considered part of the cluster. @default 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16, fd00::/8 */
  readonly clusterNetworks?: string[];
  /** Listen and redirect on IPv6 too. @default false */
  readonly ipv6?: boolean;
  /** Registry prefix of the controller, proxy and debug images. @default 'cr.l5d.io/linkerd' */
  readonly registry?: string;
  /**
   * Repository of the controller image (destination, identity, proxy injector, policy
   * controller, heartbeat), without tag, independent of `registry`.
   * @default - `controller` under `registry`
   */
  readonly controllerImage?: string;
  /** Group id the controller containers run as (`runAsGroup`). @default - none: the image's */
  readonly controllerGid?: number;
  /**
   * Let the destination controller read and write EndpointSlices (`-enable-endpoint-slices`);
   * off, it reads Endpoints and its ClusterRole loses the EndpointSlice rule.
   * @default true
   */
  readonly enableEndpointSlices?: boolean;
  /**
   * Networks kubelet probes come from, which the policy controller authorizes on every Server
   * (`--probe-networks`).
   * @default ['0.0.0.0/0', '::/0']
   */
  readonly policyControllerProbeNetworks?: string[];
  /**
   * Ports of the Kubernetes API server. The control plane's own proxy-init skips them
   * outbound, so controllers reach the API before their proxy is up.
   * @default [443, 6443]
   */
  readonly kubeApiServerPorts?: number[];
  /** Image tag of the controller and proxy. @default 'edge-26.8.3' */
  readonly version?: string;
  /** @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Pull secrets added to every control-plane ServiceAccount. @default - none */
  readonly imagePullSecrets?: string[];
  /** @default 'info' */
  readonly controllerLogLevel?: string;
  /** @default LogFormat.PLAIN */
  readonly controllerLogFormat?: LogFormat;
  /** Log filter of the policy controller. @default 'info' */
  readonly policyControllerLogLevel?: string;
  /** @default - see ControlPlaneResources */
  readonly resources?: ControlPlaneResources;
  /** @default { 'kubernetes.io/os': 'linux' } */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: Toleration[];
  /** @default - none */
  readonly priorityClassName?: string;
  /** @default - none */
  readonly runtimeClassName?: string;
  /** Old ReplicaSets kept per Deployment. @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Labels on every object. @default - none */
  readonly commonLabels?: Record<string, string>;
  /** Labels on every control-plane pod. @default - none */
  readonly podLabels?: Record<string, string>;
  /** Annotations on every control-plane pod. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Tracing of the controllers; the proxies' tracing is `proxy.tracing`.
   * @default - the controllers export no spans
   */
  readonly controllerTracing?: ControllerTracing;
  /** Mesh-wide proxy defaults; the control plane's own proxies use them too. @default - upstream's */
  readonly proxy?: ProxySettings;
  /** @default - generated certificate, 10 s timeout */
  readonly proxyInjector?: LinkerdProxyInjectorProps;
  /** The ServiceProfile validator. @default - generated certificate */
  readonly spValidator?: LinkerdWebhookProps;
  /** The policy validator. @default - generated certificate */
  readonly policyValidator?: LinkerdWebhookProps;
}
