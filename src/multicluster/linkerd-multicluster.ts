import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Toleration } from 'kubernetes-types/core/v1';
import { renderCrd } from '../crds/render';
import { LINK_CRD } from '../crds/link';
import { LinkerdConfigError } from '../errors';
import { pemBlocks } from '../identity/pem';
import { ILinkerdMesh } from '../mesh/mesh';
import { LabelSelectorJson } from '../policy/label-selector';
import { ServiceAccountRef } from '../policy/references';
import { ImagePullPolicy } from '../proxy/proxy-spec';
import * as check from '../validate';
import { renderAdminPolicies } from './admin-policies';
import { CREATED_BY_ANNOTATION, EXTENSION_LABEL, MulticlusterContext, multiclusterObject, RBAC } from './context';
import { annotationMap, GatewayServiceType, MulticlusterGatewayProps, renderGateway, ResolvedGateway } from './gateway';
import { Link, LinkCredentials, LinkGatewayProps } from './link';
import { LocalServiceMirrorProps, MIRROR_LOCAL_RULES, renderLocalServiceMirror } from './local-service-mirror';
import { EXTENSION_INIT_IMAGE, renderNamespaceMetadata } from './namespace-metadata';
import { renderRemoteAccess } from './remote-access';
import { CONTROLLER_CLUSTER_ROLE, renderServiceMirror } from './service-mirror';
import { resolveServiceMirror, ServiceMirrorProps } from './service-mirror-settings';

export interface LinkerdMulticlusterProps {
  /** The control plane of this cluster: synthesized in this app, or `LinkerdControlPlane.fromInstalled`. */
  readonly controlPlane: ILinkerdMesh;
  /** @default 'linkerd-multicluster' */
  readonly namespace?: string;
  /**
   * Emit the Namespace, labelled as `linkerd multicluster install` labels it (pod security
   * `restricted` with the CNI plugin, else `privileged` for proxy-init).
   * @default true
   */
  readonly createNamespace?: boolean;
  /** Emit the Link CRD (`links.multicluster.linkerd.io`) with the extension, as the chart does. @default true */
  readonly installLinkCrd?: boolean;
  /** @default - a LoadBalancer gateway; see MulticlusterGatewayProps */
  readonly gateway?: MulticlusterGatewayProps;
  /** @default - see LocalServiceMirrorProps */
  readonly localServiceMirror?: LocalServiceMirrorProps;
  /** Defaults of every link's service mirror; each link can override them. @default - see ServiceMirrorProps */
  readonly serviceMirrorDefaults?: ServiceMirrorProps;
  /**
   * ServiceAccounts (each with a token Secret Kubernetes fills in and read access to what mirrors
   * need) whose tokens other clusters use to link to this one.
   * @default ['linkerd-service-mirror-remote-access-default']
   */
  readonly remoteAccessServiceAccounts?: string[];
  /** Service mirrors may create the namespaces of the Services they mirror. @default false */
  readonly enableNamespaceCreation?: boolean;
  /** Run the post-install Job that labels the namespace for `linkerd check` and viz. @default true */
  readonly namespaceMetadataJob?: boolean;
  /** Spread gateway and mirror replicas over nodes and zones, with PodDisruptionBudgets; 3 gateway replicas. @default false */
  readonly highAvailability?: boolean;
  /** The ServiceAccount allowed to scrape the extension's admin ports. @default - linkerd-viz's Prometheus */
  readonly metricsScraper?: ServiceAccountRef;
  /** Pull policy of the namespace-metadata Job's image. @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Pull secrets of every ServiceAccount of the extension. @default - none */
  readonly imagePullSecrets?: string[];
  /** Annotations of the service mirrors' pods. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Labels of every pod. @default - none */
  readonly podLabels?: Record<string, string>;
  /** Labels of every object. @default - none */
  readonly commonLabels?: Record<string, string>;
  /** @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Scheduling of the namespace-metadata Job. @default - none */
  readonly namespaceMetadataNodeSelector?: Record<string, string>;
  /** @default - none */
  readonly namespaceMetadataTolerations?: Toleration[];
}

/** Options shared by `addLink` and `linkTo`: what this cluster mirrors from the target, and how. */
export interface MulticlusterLinkOptions {
  /** @default LinkCredentials.fromSecretName(`cluster-credentials-<clusterName>`) */
  readonly credentials?: LinkCredentials;
  /** @default - Services labelled `mirror.linkerd.io/exported: "true"` */
  readonly selector?: LabelSelectorJson;
  /** @default - Services labelled `mirror.linkerd.io/exported: remote-discovery` */
  readonly remoteDiscoverySelector?: LabelSelectorJson;
  /** @default - Services labelled `mirror.linkerd.io/federated: member` */
  readonly federatedServiceSelector?: LabelSelectorJson;
  /** @default - none */
  readonly excludedAnnotations?: string[];
  /** @default - none */
  readonly excludedLabels?: string[];
  /** This link's service mirror, over `serviceMirrorDefaults`. @default - the defaults */
  readonly serviceMirror?: ServiceMirrorProps;
  /** Mirror headless Services (and their pods) too. @default false */
  readonly enableHeadlessServices?: boolean;
}

/** A link to a cluster this app does not define: everything about the target is given. */
export interface MulticlusterLinkProps extends MulticlusterLinkOptions {
  /** Name of the target cluster, as this cluster knows it. */
  readonly clusterName: string;
  /** @default - no gateway: remote discovery and federated Services only */
  readonly gateway?: LinkGatewayProps;
  /** @default 'cluster.local' */
  readonly targetClusterDomain?: string;
  /** @default 'linkerd' */
  readonly targetLinkerdNamespace?: string;
}

/** A link to another LinkerdMulticluster of this app: the target's gateway is read from it. */
export interface ClusterLinkOptions extends MulticlusterLinkOptions {
  /** Name of the target cluster, as this cluster knows it. */
  readonly clusterName: string;
  /**
   * Addresses (IP addresses or DNS names) at which this cluster reaches the target's gateway.
   * The load balancer's address exists only in the target cluster, so it must be given.
   * @default - the target gateway's `loadBalancerIP`, when it requests one
   */
  readonly gatewayAddresses?: string[];
}

/**
 * The Linkerd multicluster extension (the linkerd-multicluster chart, natively): the Link CRD,
 * the gateway through which linked clusters reach this one, the local service mirror for
 * federated Services, the remote-access ServiceAccount linked clusters use, their policy, and
 * one service mirror controller per Link added with `addLink` or `linkTo`. Apply it after the
 * control plane, whose proxy injector meshes its pods.
 */
export class LinkerdMulticluster extends Chart {
  /** Namespace of the extension. */
  public readonly multiclusterNamespace: string;
  /** The control plane this extension belongs to. */
  public readonly controlPlane: ILinkerdMesh;
  /** The gateway, as linked clusters see it; undefined when disabled. */
  public readonly gateway?: ResolvedGateway;
  private readonly ctx: MulticlusterContext;
  private readonly serviceMirrorDefaults: ServiceMirrorProps;
  private readonly links = new Map<string, Link>();

  public constructor(scope: Construct, id: string, props: LinkerdMulticlusterProps) {
    super(scope, id);
    if (!props || !props.controlPlane) {
      throw new LinkerdConfigError(this, 'controlPlane', 'is required', 'pass the LinkerdControlPlane of this cluster, or LinkerdControlPlane.fromInstalled(...)');
    }
    const cp = props.controlPlane;
    this.controlPlane = cp;
    const values = cp.values;
    const ns = check.dnsLabel(this, 'namespace', props.namespace ?? 'linkerd-multicluster');
    this.multiclusterNamespace = ns;
    const commonLabels = check.labelMap(this, 'commonLabels', props.commonLabels ?? {});
    this.ctx = {
      chart: this,
      namespace: ns,
      controlPlaneNamespace: cp.controlPlaneNamespace,
      trustDomain: values.identityTrustDomain || values.clusterDomain,
      controllerImage: `${values.controllerImage}:${values.controllerImageVersion || values.linkerdVersion}`,
      linkerdVersion: values.linkerdVersion,
      imagePullPolicy: check.oneOf(this, 'imagePullPolicy', props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT, Object.values(ImagePullPolicy)),
      imagePullSecrets: (props.imagePullSecrets ?? []).map((name, i) => ({ name: check.dnsSubdomain(this, `imagePullSecrets[${i}]`, name) })),
      commonLabels,
      podLabels: check.labelMap(this, 'podLabels', props.podLabels ?? {}),
      podAnnotations: annotationMap(this, 'podAnnotations', props.podAnnotations),
      revisionHistoryLimit: check.nonNegativeInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit ?? 10),
      highAvailability: props.highAvailability ?? false,
      enableNamespaceCreation: props.enableNamespaceCreation ?? false,
      obj: multiclusterObject(this, commonLabels),
    };
    this.serviceMirrorDefaults = props.serviceMirrorDefaults ?? {};
    resolveServiceMirror(this, 'serviceMirrorDefaults', this.serviceMirrorDefaults);
    const ctx = this.ctx;

    if (props.createNamespace ?? true) {
      ctx.obj('namespace', 'v1', 'Namespace', {
        name: ns,
        labels: { ...EXTENSION_LABEL, 'pod-security.kubernetes.io/enforce': values.cniEnabled ? 'restricted' : 'privileged' },
      });
    }
    if (props.installLinkCrd ?? true) {
      // Not pruned: `subresources: { status: {} }` is meaningful.
      new ApiObject(this, 'link-crd', renderCrd(LINK_CRD, { ...EXTENSION_LABEL, ...commonLabels }, { ...CREATED_BY_ANNOTATION }));
    }
    if (props.gateway?.enabled ?? true) {
      this.gateway = renderGateway(ctx, this, props.gateway ?? {}, { inbound: values.proxy.ports.inbound, admin: values.proxy.ports.admin });
    }
    renderLocalServiceMirror(ctx, this, props.localServiceMirror ?? {});
    ctx.obj('controller-cluster-role', RBAC, 'ClusterRole', { name: CONTROLLER_CLUSTER_ROLE, labels: { ...EXTENSION_LABEL, component: 'controller' } }, {
      rules: [...MIRROR_LOCAL_RULES, ...(ctx.enableNamespaceCreation ? [{ apiGroups: [''], resources: ['namespaces'], verbs: ['create'] }] : [])],
    });
    const remote = props.remoteAccessServiceAccounts ?? ['linkerd-service-mirror-remote-access-default'];
    renderRemoteAccess(ctx, remote.map((name, i) => check.dnsSubdomain(this, `remoteAccessServiceAccounts[${i}]`, name)));
    // The per-link controllers' Server selects nothing until a link exists; links are added after construction.
    renderAdminPolicies(ctx, props.metricsScraper ?? ServiceAccountRef.fromName('prometheus', 'linkerd-viz'), { linked: () => this.links.size > 0 });
    if (props.namespaceMetadataJob ?? true) {
      renderNamespaceMetadata(ctx, {
        image: EXTENSION_INIT_IMAGE,
        uid: props.gateway?.uid ?? 2103,
        gid: props.gateway?.gid ?? 2103,
        nodeSelector: props.namespaceMetadataNodeSelector ? check.labelMap(this, 'namespaceMetadataNodeSelector', props.namespaceMetadataNodeSelector) : undefined,
        tolerations: props.namespaceMetadataTolerations?.map((t) => structuredClone(t)),
      });
    }
  }

  /** The links added so far, by target cluster name. */
  public get linkedClusters(): string[] {
    return [...this.links.keys()];
  }

  /**
   * Links this cluster to a target cluster this app does not define: emits the Link and its
   * service mirror controller. The credentials Secret is referenced, never generated.
   */
  public addLink(props: MulticlusterLinkProps): Link {
    const name = check.dnsLabel(this, 'addLink.clusterName', props.clusterName);
    if (this.links.has(name)) {
      throw new LinkerdConfigError(this, 'addLink.clusterName', `cluster ${name} is linked already`, 'link each target cluster once');
    }
    const link = new Link(this, `link-${name}`, {
      targetClusterName: name,
      namespace: this.multiclusterNamespace,
      credentials: props.credentials,
      gateway: props.gateway,
      targetClusterDomain: props.targetClusterDomain,
      targetLinkerdNamespace: props.targetLinkerdNamespace,
      selector: props.selector,
      remoteDiscoverySelector: props.remoteDiscoverySelector,
      federatedServiceSelector: props.federatedServiceSelector,
      excludedAnnotations: props.excludedAnnotations,
      excludedLabels: props.excludedLabels,
    });
    const mirror = resolveServiceMirror(link, 'serviceMirror', props.serviceMirror, this.serviceMirrorDefaults);
    renderServiceMirror(this.ctx, link, link, mirror, { enableHeadlessServices: props.enableHeadlessServices ?? false });
    this.links.set(name, link);
    return link;
  }

  /**
   * Links this cluster to `target`, another cluster defined in the same program: the target's
   * gateway address (given), port, probe and identity, its cluster domain and control-plane
   * namespace are read from it. Both control planes must share a trust anchor, or the gateway's
   * mTLS would fail. Mirroring both ways takes a link in each direction. Give each cluster its
   * own App (synthesized into its own directory, e.g. `runSynth([{ directory: 'east', ... },
   * { directory: 'west', ... }])`): manifests of two clusters in one directory would be applied,
   * and checked, as one install.
   */
  public linkTo(target: LinkerdMulticluster, options: ClusterLinkOptions): Link {
    if (target === this) {
      throw new LinkerdConfigError(this, 'linkTo', 'links the cluster to itself', 'link to the LinkerdMulticluster of another cluster');
    }
    checkSharedTrustAnchor(this, this.controlPlane, target.controlPlane);
    const targetValues = target.controlPlane.values;
    let gateway: LinkGatewayProps | undefined;
    const gw = target.gateway;
    if (gw) {
      const addresses = options.gatewayAddresses ?? (gw.loadBalancerIP ? [gw.loadBalancerIP] : undefined);
      if (!addresses) {
        throw new LinkerdConfigError(this, 'linkTo.gatewayAddresses', `are required: the address of ${target.node.path}'s gateway is only known in its cluster`,
          'give the DNS name or IP address of the target\'s gateway, or reserve one with its gateway.loadBalancerIP');
      }
      const nodePorts = gw.serviceType === GatewayServiceType.NODE_PORT;
      gateway = {
        addresses,
        identity: gw.identity,
        port: nodePorts ? required(this, gw.nodePort, 'nodePort', target) : gw.port,
        probePort: nodePorts ? required(this, gw.probeNodePort, 'probeNodePort', target) : gw.probePort,
        probePath: gw.probePath,
        probePeriod: gw.probePeriod,
      };
    } else if (options.gatewayAddresses !== undefined) {
      throw new LinkerdConfigError(this, 'linkTo.gatewayAddresses', `are given, but ${target.node.path} has no gateway`, 'leave gatewayAddresses unset, or enable the target\'s gateway');
    }
    return this.addLink({
      ...options,
      gateway,
      targetClusterDomain: targetValues.clusterDomain,
      targetLinkerdNamespace: target.controlPlane.controlPlaneNamespace,
    });
  }
}

/** A NodePort gateway's ports must be fixed to be written into a Link. */
function required(scope: Construct, port: number | undefined, field: string, target: LinkerdMulticluster): number {
  if (port === undefined) {
    throw new LinkerdConfigError(scope, 'linkTo', `${target.node.path}'s gateway is a NodePort Service without gateway.${field}, so its port is only known in its cluster`,
      `set gateway.${field} on the target`);
  }
  return port;
}

/** Fails unless both meshes trust at least one common anchor certificate. */
function checkSharedTrustAnchor(scope: Construct, source: ILinkerdMesh, target: ILinkerdMesh): void {
  const certificates = (mesh: ILinkerdMesh) => new Set(pemBlocks(mesh.values.identityTrustAnchorsPEM)
    .filter((b) => b.label === 'CERTIFICATE').map((b) => Buffer.from(b.der).toString('base64')));
  const mine = certificates(source);
  const theirs = certificates(target);
  if (mine.size === 0 || theirs.size === 0) {
    throw new LinkerdConfigError(scope, 'linkTo', `the trust anchors of ${(mine.size === 0 ? source : target).node.path} are not known`,
      'give both control planes identity.trustAnchors (LinkerdControlPlane.fromInstalled takes them too)');
  }
  if (![...mine].some((c) => theirs.has(c))) {
    throw new LinkerdConfigError(scope, 'linkTo', `${source.node.path} and ${target.node.path} share no trust anchor, so their proxies cannot authenticate each other through the gateway`,
      'give both control planes the same TrustAnchors (or bundles with a common anchor), each with its own issuer signed by it');
  }
}
