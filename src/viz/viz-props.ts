import type { Toleration } from 'kubernetes-types/core/v1';
import { WebhookFailurePolicy } from '../control-plane/control-plane-props';
import { KeyMaterial, WebhookTls } from '../identity';
import { ILinkerdMesh, MeshMode } from '../mesh/mesh';
import { ContainerResources, ImagePullPolicy, LogFormat, ProxySettings } from '../proxy/proxy-spec';
import { VizPrometheus } from './prometheus';

/** What every linkerd-viz component can override of the extension-wide settings. */
export interface VizComponentProps {
  /** @default 1 (HA preset: 3 for tap) */
  readonly replicas?: number;
  /** Requests and limits of the component's container. @default - none (HA preset: tap and dashboard 100m / 50Mi, limit 250Mi) */
  readonly resources?: ContainerResources;
  /** Log level (panic, fatal, error, warn, info, debug, trace). @default - the extension's `logLevel` */
  readonly logLevel?: string;
  /** @default - the extension's `logFormat` */
  readonly logFormat?: LogFormat;
  /** Image repository. @default - `<registry>/<component image>` (`metrics-api`, `tap`, `web`) */
  readonly image?: string;
  /** Image tag. @default - the extension's `version` */
  readonly imageVersion?: string;
  /** @default - the extension's `imagePullPolicy` */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** User id the container runs as. @default 2103 */
  readonly uid?: number;
  /** Group id the container runs as. @default 2103 */
  readonly gid?: number;
  /** @default - the extension's `nodeSelector` */
  readonly nodeSelector?: Record<string, string>;
  /** @default - the extension's `tolerations` */
  readonly tolerations?: Toleration[];
  /**
   * Proxy settings of the component's pods (written as the injector's annotations, e.g. proxy
   * resources), over the control plane's mesh-wide ones.
   * @default - the mesh-wide proxy settings
   */
  readonly proxy?: ProxySettings;
  /** Extra annotations of the component's Service. @default - none */
  readonly serviceAnnotations?: Record<string, string>;
}

/** The tap API server, registered with the Kubernetes aggregator as `v1alpha1.tap.linkerd.io`. */
export interface VizTapProps extends VizComponentProps {
  /**
   * Serving certificate of the tap API (Secret `tap-k8s-tls`, DNS name `tap.<namespace>.svc`)
   * and how the APIService trusts it.
   * @default WebhookTls.generated() - from the key material, deterministic
   */
  readonly tls?: WebhookTls;
  /** Request and response headers tap leaves out of its events, e.g. `authorization`. @default - none */
  readonly ignoreHeaders?: string[];
}

/** The tap injector, a mutating webhook that lets tap reach every meshed pod's proxy. */
export interface VizTapInjectorProps extends VizComponentProps {
  /**
   * Serving certificate of the webhook (Secret `tap-injector-k8s-tls`, DNS name
   * `tap-injector.<namespace>.svc`) and how the API server trusts it.
   * @default WebhookTls.generated() - from the key material, deterministic
   */
  readonly tls?: WebhookTls;
  /** What admission does when the webhook cannot be reached. @default WebhookFailurePolicy.IGNORE */
  readonly failurePolicy?: WebhookFailurePolicy;
}

/** The web dashboard. */
export interface VizDashboardProps extends VizComponentProps {
  /**
   * Host names (a Go RE2 regular expression matched against the `Host` header) the dashboard
   * answers; protects against DNS rebinding. Use `.*` only behind an ingress that checks hosts.
   * @default - localhost, 127.0.0.1, [::1] and the dashboard Service's cluster names, with any port
   */
  readonly enforcedHostRegexp?: string;
  /**
   * Leave out the dashboard's cluster-wide read access (namespaces, pods, RBAC, webhooks, CRDs)
   * and its tap permission: it then shows only what the metrics API serves.
   * @default false
   */
  readonly restrictPrivileges?: boolean;
  /** Extra labels of the dashboard's Service. @default - none */
  readonly serviceLabels?: Record<string, string>;
}

/**
 * The linkerd-viz extension: metrics API, tap, tap injector, web dashboard and (by default) a
 * bundled Prometheus. Everything is optional; `controlPlane` links it to a control plane of the
 * same app.
 */
export interface LinkerdVizProps {
  /**
   * The control plane viz extends: its namespace, cluster and trust domains, CNI mode, and the
   * key material of generated certificates come from it, and viz's pods are meshed with its
   * proxy settings. `LinkerdControlPlane.fromInstalled(...)` names one installed elsewhere.
   * @default - a control plane installed elsewhere with the default settings (namespace `linkerd`, trust domain `cluster.local`)
   */
  readonly controlPlane?: ILinkerdMesh;
  /** Namespace of the extension. @default 'linkerd-viz' */
  readonly namespace?: string;
  /**
   * Emit the Namespace, with the metadata upstream's post-install hook Job patches in
   * (`linkerd.io/extension: viz`, the pod-security level, the external Prometheus URL).
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Where the generated tap and tap-injector certificates get their keys.
   * @default - the control plane's key material, when it is a LinkerdControlPlane of this app
   */
  readonly keyMaterial?: KeyMaterial;
  /**
   * Acknowledges that the output holds the private keys of the generated tap and tap-injector
   * certificates (see README, "Keys and Git").
   * @default - the control plane's setting when it is a LinkerdControlPlane of this app, else false
   */
  readonly emitGeneratedPrivateKeys?: boolean;
  /**
   * Upstream's HA preset (`values-ha.yaml`): pod anti-affinity, disruption budgets for components
   * with several replicas, three tap replicas, and requests and limits for tap, the dashboard
   * and Prometheus. Individual props still override it.
   * @default false
   */
  readonly highAvailability?: boolean;
  /** Spread replicas over nodes (required) and zones (preferred). @default false (HA: true) */
  readonly podAntiAffinity?: boolean;
  /** A PodDisruptionBudget for each component with more than one replica. @default false (HA: true) */
  readonly podDisruptionBudget?: boolean;
  /** @default VizPrometheus.bundled() */
  readonly prometheus?: VizPrometheus;
  /** @default - one replica, extension-wide settings */
  readonly metricsApi?: VizComponentProps;
  /** @default - one replica (HA: three), generated certificate */
  readonly tap?: VizTapProps;
  /** @default - one replica, generated certificate, fails open */
  readonly tapInjector?: VizTapInjectorProps;
  /** The web dashboard. @default - one replica, cluster-local host names only */
  readonly dashboard?: VizDashboardProps;
  /** Registry prefix of the viz images. @default 'cr.l5d.io/linkerd' */
  readonly registry?: string;
  /** Image tag of the viz images. @default 'edge-26.8.3' */
  readonly version?: string;
  /** @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Pull secrets added to every viz ServiceAccount. @default - none */
  readonly imagePullSecrets?: string[];
  /** Log level of the viz components. @default 'info' */
  readonly logLevel?: string;
  /** @default LogFormat.PLAIN */
  readonly logFormat?: LogFormat;
  /** @default { 'kubernetes.io/os': 'linux' } */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: Toleration[];
  /** PriorityClass of every viz pod. @default - none */
  readonly priorityClassName?: string;
  /** Old ReplicaSets kept per Deployment. @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Labels on every object. @default - none */
  readonly commonLabels?: Record<string, string>;
  /** Labels on every viz pod. @default - none */
  readonly podLabels?: Record<string, string>;
  /** Annotations on every viz pod. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /**
   * How viz's pods join the mesh: annotated for the proxy injector, as upstream does, or with the
   * proxy rendered into the manifest from the control plane's values.
   * @default MeshMode.WEBHOOK
   */
  readonly meshMode?: MeshMode;
}
