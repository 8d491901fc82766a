import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { goDurationText } from '../go-duration';
import { LabelSelectorJson, renderLabelSelector } from '../policy/label-selector';
import { prune } from '../proxy/proxy-builder';
import * as check from '../validate';
import { CREATED_BY_ANNOTATION } from './context';

/**
 * The credentials a Link's service mirror uses to watch the target cluster's API: a Secret of
 * type `mirror.linkerd.io/remote-kubeconfig` with key `kubeconfig`, in the multicluster
 * namespace. It holds a ServiceAccount token of the target cluster, so this library never
 * generates it: create it from the target (`linkerd --context=<target> multicluster link-gen`
 * prints it) through your secret store, e.g. External Secrets or Sealed Secrets.
 */
export class LinkCredentials {
  /** The Secret of this name, which exists in the cluster (or is created by another tool). */
  public static fromSecretName(name: string): LinkCredentials {
    return new LinkCredentials(name);
  }

  private constructor(
    /** Name of the Secret. */
    public readonly secretName: string,
  ) {}
}

/** The target cluster's gateway, as the service mirror reaches and probes it. */
export interface LinkGatewayProps {
  /** Addresses of the gateway's Service from this cluster: IP addresses or DNS names. */
  readonly addresses: string[];
  /** mTLS identity of the gateway's proxy, `<gateway>.<namespace>.serviceaccount.identity.<control-plane namespace>.<trust domain>`. */
  readonly identity: string;
  /** Port of the gateway (the node port, for a NodePort gateway). @default 4143 */
  readonly port?: number;
  /** Port of its probe (the node port, for a NodePort gateway). @default 4191 */
  readonly probePort?: number;
  /** @default '/ready' */
  readonly probePath?: string;
  /** @default Duration.seconds(3) */
  readonly probePeriod?: Duration;
  /** @default - the CRD's default, 30 s */
  readonly probeTimeout?: Duration;
  /** Failed probes before the gateway counts as down. @default - the CRD's default, 3 */
  readonly probeFailureThreshold?: number;
}

export interface LinkProps {
  /** Name of the target cluster, as this cluster knows it: names the Link and suffixes the mirrored Services. */
  readonly targetClusterName: string;
  /** Namespace of the Link: the multicluster extension's. */
  readonly namespace: string;
  /** @default LinkCredentials.fromSecretName(`cluster-credentials-<targetClusterName>`) */
  readonly credentials?: LinkCredentials;
  /**
   * The target's gateway, for mirrored Services whose traffic goes through it.
   * @default - no gateway: only remote discovery and federated Services (flat networks)
   */
  readonly gateway?: LinkGatewayProps;
  /** @default 'cluster.local' */
  readonly targetClusterDomain?: string;
  /** Namespace of the target's control plane. @default 'linkerd' */
  readonly targetLinkerdNamespace?: string;
  /** The target's Services mirrored through its gateway. @default - labelled `mirror.linkerd.io/exported: "true"` */
  readonly selector?: LabelSelectorJson;
  /** The target's Services mirrored for remote discovery (direct pod-to-pod). @default - labelled `mirror.linkerd.io/exported: remote-discovery` */
  readonly remoteDiscoverySelector?: LabelSelectorJson;
  /** The target's members of federated Services. @default - labelled `mirror.linkerd.io/federated: member` */
  readonly federatedServiceSelector?: LabelSelectorJson;
  /** Annotations not copied onto mirrored Services. @default - none */
  readonly excludedAnnotations?: string[];
  /** Labels not copied onto mirrored Services. @default - none */
  readonly excludedLabels?: string[];
}

const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:]*|(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

/**
 * `Link` (multicluster.linkerd.io/v1alpha3): this cluster's link to a target cluster, what
 * `linkerd multicluster link-gen` writes, minus the credentials Secret (see `LinkCredentials`).
 * The extension's service mirror for the link reads it.
 */
export class Link extends Construct {
  /** The Kubernetes object. */
  public readonly apiObject: ApiObject;
  /** Name of the target cluster. */
  public readonly targetClusterName: string;
  /** Name of the credentials Secret. */
  public readonly credentialsSecretName: string;
  /** Port of the target's gateway probe; undefined without a gateway. */
  public readonly probePort?: number;

  public constructor(scope: Construct, id: string, props: LinkProps) {
    super(scope, id);
    const name = check.dnsLabel(this, 'targetClusterName', props.targetClusterName);
    this.targetClusterName = name;
    this.credentialsSecretName = check.dnsSubdomain(this, 'credentials', props.credentials?.secretName ?? `cluster-credentials-${name}`);
    const selector = (field: string, given: LabelSelectorJson | undefined, labels: Record<string, string>) =>
      renderLabelSelector(this, field, given ?? { matchLabels: labels });
    const gw = props.gateway;
    let gateway: Record<string, unknown> = {};
    if (gw) {
      if (gw.addresses.length === 0) {
        throw new LinkerdConfigError(this, 'gateway.addresses', 'the list is empty', 'give the addresses (IP addresses or DNS names) at which this cluster reaches the target\'s gateway');
      }
      gw.addresses.forEach((a, i) => {
        if (!ADDRESS.test(a)) {
          throw new LinkerdConfigError(this, `gateway.addresses[${i}]`, `${JSON.stringify(a)} is neither an IP address nor a DNS name`, 'give an address such as "203.0.113.7" or "gateway.east.example.com"');
        }
      });
      this.probePort = check.port(this, 'gateway.probePort', gw.probePort ?? 4191);
      const threshold = gw.probeFailureThreshold === undefined ? undefined : check.positiveInteger(this, 'gateway.probeFailureThreshold', gw.probeFailureThreshold);
      gateway = {
        gatewayAddress: gw.addresses.join(','),
        gatewayIdentity: check.dnsSubdomain(this, 'gateway.identity', gw.identity),
        gatewayPort: String(check.port(this, 'gateway.port', gw.port ?? 4143)),
        probeSpec: {
          path: gw.probePath ?? '/ready',
          port: String(this.probePort),
          period: goDurationText(gw.probePeriod ?? Duration.seconds(3)),
          timeout: gw.probeTimeout ? goDurationText(gw.probeTimeout) : undefined,
          failureThreshold: threshold === undefined ? undefined : String(threshold),
        },
        selector: selector('selector', props.selector, { 'mirror.linkerd.io/exported': 'true' }),
      };
    } else if (props.selector !== undefined) {
      throw new LinkerdConfigError(this, 'selector', 'selects Services to mirror through the target\'s gateway, but the link has none',
        'give gateway, or select Services with remoteDiscoverySelector');
    }
    this.apiObject = new ApiObject(this, 'Resource', prune({
      apiVersion: 'multicluster.linkerd.io/v1alpha3',
      kind: 'Link',
      metadata: { name, namespace: props.namespace, annotations: CREATED_BY_ANNOTATION },
      spec: {
        targetClusterName: name,
        targetClusterDomain: check.dnsSubdomain(this, 'targetClusterDomain', props.targetClusterDomain ?? 'cluster.local'),
        targetClusterLinkerdNamespace: check.dnsLabel(this, 'targetLinkerdNamespace', props.targetLinkerdNamespace ?? 'linkerd'),
        clusterCredentialsSecret: this.credentialsSecretName,
        ...gateway,
        remoteDiscoverySelector: selector('remoteDiscoverySelector', props.remoteDiscoverySelector, { 'mirror.linkerd.io/exported': 'remote-discovery' }),
        federatedServiceSelector: selector('federatedServiceSelector', props.federatedServiceSelector, { 'mirror.linkerd.io/federated': 'member' }),
        excludedAnnotations: props.excludedAnnotations?.map((a, i) => check.labelKey(this, `excludedAnnotations[${i}]`, a)),
        excludedLabels: props.excludedLabels?.map((l, i) => check.labelKey(this, `excludedLabels[${i}]`, l)),
      },
    }));
  }
}
