import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { Container, NodeAffinity, Toleration, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import type { LinkerdValues } from '../control-plane/values';
import { LinkerdConfigError } from '../errors';
import { prune, renderResources } from '../proxy/proxy-builder';
import { PortRange } from '../proxy/port-range';
import { cidrList, ContainerResources, ImagePullPolicy, ProxyPorts, resourceValues } from '../proxy/proxy-spec';
import * as check from '../validate';
import { CniIptablesMode, CniLogLevel } from './cni-options';
import { renderCniNetworkConfig } from './cni-network-config';
import { CniRepairControllerProps, repairControllerContainer } from './repair-controller';

/** Version of the linkerd2-cni plugin that ships with Linkerd edge-26.8.3 (it is versioned on its own). */
export const CNI_PLUGIN_VERSION = 'v1.7.0-alpha.1';

export interface LinkerdCniProps {
  /** Namespace of the plugin's DaemonSet. @default 'linkerd-cni' */
  readonly namespace?: string;
  /**
   * Emit the Namespace, labelled as `linkerd install-cni` labels it (admission webhooks off,
   * pod security `privileged`, which the host-path mounts need).
   * @default true
   */
  readonly createNamespace?: boolean;
  /** Plugin image repository, without tag. @default 'cr.l5d.io/linkerd/cni-plugin' */
  readonly image?: string;
  /** Plugin image tag. @default 'v1.7.0-alpha.1' */
  readonly version?: string;
  /** @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Pull secrets of the plugin's ServiceAccount. @default - none */
  readonly imagePullSecrets?: string[];
  /** @default CniLogLevel.INFO */
  readonly logLevel?: CniLogLevel;
  /** Directory on the host where the CNI network configuration lives. @default '/etc/cni/net.d' */
  readonly destCniNetDir?: string;
  /** Directory on the host where CNI plugin binaries live. @default '/opt/cni/bin' */
  readonly destCniBinDir?: string;
  /**
   * The proxy's ports, which the plugin redirects to (inbound, outbound) and never redirects
   * (admin, control). They must be the mesh's: a control plane given this plugin as `cniPlugin`
   * fails the synth when they differ.
   * @default - 4143 inbound, 4140 outbound, 4191 admin, 4190 control
   */
  readonly proxyPorts?: ProxyPorts;
  /** User id of the proxy, whose own traffic is not redirected. Must be the mesh's. @default 2102 */
  readonly proxyUid?: number;
  /** Group id of the proxy. Must be the mesh's. @default - none */
  readonly proxyGid?: number;
  /** Also set up IPv6 rules. Must match the mesh's `ipv6`. @default false */
  readonly ipv6?: boolean;
  /** Inbound ports that bypass the proxy on every meshed pod. @default - none besides the proxy's admin and control ports */
  readonly skipInboundPorts?: PortRange[];
  /** Outbound ports that bypass the proxy on every meshed pod. @default - none */
  readonly skipOutboundPorts?: PortRange[];
  /** Outbound CIDRs that bypass the proxy on every meshed pod. @default - none */
  readonly skipSubnets?: string[];
  /** Only these inbound ports are redirected to the proxy. @default - all */
  readonly portsToRedirect?: number[];
  /** @default CniIptablesMode.NFT */
  readonly iptablesMode?: CniIptablesMode;
  /** Pass `-w` to iptables, waiting for the xtables lock. @default false */
  readonly useWaitFlag?: boolean;
  /** Run the install-cni container privileged (some platforms need it to write to the host). @default false */
  readonly privileged?: boolean;
  /** @default - none */
  readonly priorityClassName?: string;
  /** @default - every taint tolerated (`operator: Exists`), so every node gets the plugin */
  readonly tolerations?: Toleration[];
  /** @default - none */
  readonly nodeAffinity?: NodeAffinity;
  /** Resources of the install-cni container. @default - none */
  readonly resources?: ContainerResources;
  /**
   * Run the repair controller next to the installer: it restarts meshed pods whose network
   * validator failed because they raced the plugin on a new node.
   * @default - no repair controller
   */
  readonly repairController?: CniRepairControllerProps;
  /** Old DaemonSet revisions kept. @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Nodes updated at once when the DaemonSet rolls. @default 1 */
  readonly maxUnavailable?: number;
  /** Labels on the plugin's pods. @default - none */
  readonly podLabels?: Record<string, string>;
  /** Labels on every object. @default - none */
  readonly commonLabels?: Record<string, string>;
}

const CNI_RESOURCE = { 'linkerd.io/cni-resource': 'true' };

/**
 * The linkerd2-cni plugin (the linkerd2-cni chart, natively): a DaemonSet that installs the
 * plugin on every node, which then sets up each meshed pod's traffic redirection when the pod's
 * network is created, so that no pod needs the privileged proxy-init container. Apply it before
 * the control plane; give it to `LinkerdControlPlane` as `cniPlugin` so that the two agree.
 */
export class LinkerdCni extends Chart {
  /** Namespace of the plugin. */
  public readonly cniNamespace: string;
  /** The proxy ports the plugin redirects to and around. */
  public readonly proxyPorts: ProxyPorts;
  /** User id of the proxy. */
  public readonly proxyUid: number;
  /** Group id of the proxy, when one is set. */
  public readonly proxyGid?: number;
  /** Whether the plugin sets up IPv6 rules. */
  public readonly ipv6: boolean;

  public constructor(scope: Construct, id: string, props: LinkerdCniProps = {}) {
    super(scope, id);
    const ns = check.dnsLabel(this, 'namespace', props.namespace ?? 'linkerd-cni');
    this.cniNamespace = ns;
    const ports = props.proxyPorts ?? {};
    this.proxyPorts = {
      inbound: check.port(this, 'proxyPorts.inbound', ports.inbound ?? 4143),
      outbound: check.port(this, 'proxyPorts.outbound', ports.outbound ?? 4140),
      admin: check.port(this, 'proxyPorts.admin', ports.admin ?? 4191),
      control: check.port(this, 'proxyPorts.control', ports.control ?? 4190),
    };
    this.proxyUid = check.nonNegativeInteger(this, 'proxyUid', props.proxyUid ?? 2102);
    this.proxyGid = props.proxyGid === undefined ? undefined : check.nonNegativeInteger(this, 'proxyGid', props.proxyGid);
    this.ipv6 = props.ipv6 ?? false;

    const version = check.imageTag(this, 'version', props.version ?? CNI_PLUGIN_VERSION);
    const image = {
      image: `${check.imageName(this, 'image', props.image ?? 'cr.l5d.io/linkerd/cni-plugin')}:${version}`,
      imagePullPolicy: check.oneOf(this, 'imagePullPolicy', props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT, Object.values(ImagePullPolicy)),
    };
    const netDir = hostDirectory(this, 'destCniNetDir', props.destCniNetDir ?? '/etc/cni/net.d');
    const binDir = hostDirectory(this, 'destCniBinDir', props.destCniBinDir ?? '/opt/cni/bin');
    const commonLabels = check.labelMap(this, 'commonLabels', props.commonLabels ?? {});
    const createdBy = { 'linkerd.io/created-by': `linkerd/cdk8s-linkerd ${version}` };
    const obj = (objId: string, apiVersion: string, kind: string, metadata: Record<string, unknown>, body: Record<string, unknown> = {}) =>
      new ApiObject(this, objId, prune({ apiVersion, kind, metadata: { ...metadata, labels: { ...(metadata.labels as object), ...commonLabels } }, ...body }));

    if (props.createNamespace ?? true) {
      obj('namespace', 'v1', 'Namespace', {
        name: ns,
        labels: { ...CNI_RESOURCE, 'config.linkerd.io/admission-webhooks': 'disabled', 'pod-security.kubernetes.io/enforce': 'privileged' },
      });
    }
    obj('service-account', 'v1', 'ServiceAccount', { name: 'linkerd-cni', namespace: ns, labels: CNI_RESOURCE }, {
      imagePullSecrets: (props.imagePullSecrets ?? []).map((name, i) => ({ name: check.dnsSubdomain(this, `imagePullSecrets[${i}]`, name) })),
    });
    obj('cluster-role', 'rbac.authorization.k8s.io/v1', 'ClusterRole', { name: 'linkerd-cni', labels: CNI_RESOURCE }, {
      rules: [
        { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces', 'services'], verbs: ['list', 'get', 'watch'] },
        // The repair controller deletes pods whose network validator failed, and says so in an event.
        ...(props.repairController ? [
          { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
          { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
        ] : []),
      ],
    });
    obj('cluster-role-binding', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { name: 'linkerd-cni', labels: CNI_RESOURCE }, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'linkerd-cni' },
      subjects: [{ kind: 'ServiceAccount', name: 'linkerd-cni', namespace: ns }],
    });

    const portList = (field: string, ranges: PortRange[] | undefined) => (ranges ?? []).map((r, i) => r.render(this, `${field}[${i}]`));
    const networkConfig = renderCniNetworkConfig({
      logLevel: check.oneOf(this, 'logLevel', props.logLevel ?? CniLogLevel.INFO, Object.values(CniLogLevel)),
      inboundProxyPort: this.proxyPorts.inbound!,
      outboundProxyPort: this.proxyPorts.outbound!,
      proxyUid: this.proxyUid,
      proxyGid: this.proxyGid,
      portsToRedirect: (props.portsToRedirect ?? []).map((p, i) => check.port(this, `portsToRedirect[${i}]`, p)),
      inboundPortsToIgnore: [String(this.proxyPorts.admin), String(this.proxyPorts.control), ...portList('skipInboundPorts', props.skipInboundPorts)],
      outboundPortsToIgnore: portList('skipOutboundPorts', props.skipOutboundPorts),
      subnetsToIgnore: props.skipSubnets ? cidrList(this, 'skipSubnets', props.skipSubnets).split(',') : [],
      useWaitFlag: props.useWaitFlag ?? false,
      iptablesMode: check.oneOf(this, 'iptablesMode', props.iptablesMode ?? CniIptablesMode.NFT, Object.values(CniIptablesMode)),
      ipv6: this.ipv6,
    });
    obj('config', 'v1', 'ConfigMap', { name: 'linkerd-cni-config', namespace: ns, labels: CNI_RESOURCE }, {
      data: { dest_cni_net_dir: netDir, dest_cni_bin_dir: binDir, cni_network_config: networkConfig },
    });

    // One host directory is mounted once when both settings name it.
    const hostDirs: Array<[string, string]> = binDir === netDir ? [['cni-net-dir', netDir]] : [['cni-bin-dir', binDir], ['cni-net-dir', netDir]];
    const mounts: VolumeMount[] = [...hostDirs.map(([name, dir]) => ({ mountPath: `/host${dir}`, name })), { mountPath: '/tmp', name: 'linkerd-tmp-dir' }];
    const volumes: Volume[] = [...hostDirs.map(([name, dir]) => ({ name, hostPath: { path: dir } })), { name: 'linkerd-tmp-dir', emptyDir: {} }];
    const fromConfig = (name: string, key: string) => ({ name, valueFrom: { configMapKeyRef: { name: 'linkerd-cni-config', key } } });
    const installer: Container = {
      name: 'install-cni',
      ...image,
      env: [
        fromConfig('DEST_CNI_NET_DIR', 'dest_cni_net_dir'),
        fromConfig('DEST_CNI_BIN_DIR', 'dest_cni_bin_dir'),
        fromConfig('CNI_NETWORK_CONFIG', 'cni_network_config'),
        { name: 'SLEEP', value: 'true' },
      ],
      // Gives the install script's cleanup a chance to run before the container is killed.
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'kill -15 1; sleep 15s'] } } },
      volumeMounts: mounts,
      securityContext: { readOnlyRootFilesystem: true, privileged: props.privileged ?? false },
      resources: props.resources ? renderResources(resourceValues(this, 'resources', props.resources)) : undefined,
    };
    const containers = [installer, ...(props.repairController ? [repairControllerContainer(this, props.repairController, image, this.ipv6)] : [])];
    const selector = { 'k8s-app': 'linkerd-cni' };
    obj('daemon-set', 'apps/v1', 'DaemonSet', { name: 'linkerd-cni', namespace: ns, labels: { ...selector, ...CNI_RESOURCE }, annotations: createdBy }, {
      spec: {
        revisionHistoryLimit: check.nonNegativeInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit ?? 10),
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: check.positiveInteger(this, 'maxUnavailable', props.maxUnavailable ?? 1) } },
        template: {
          metadata: {
            labels: { ...selector, ...CNI_RESOURCE, ...check.labelMap(this, 'podLabels', props.podLabels ?? {}) },
            annotations: { ...createdBy, 'linkerd.io/inject': 'disabled' },
          },
          spec: {
            tolerations: (props.tolerations ?? [{ operator: 'Exists' }]).map((t) => structuredClone(t)),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            affinity: props.nodeAffinity ? { nodeAffinity: structuredClone(props.nodeAffinity) } : undefined,
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            serviceAccountName: 'linkerd-cni',
            priorityClassName: props.priorityClassName === undefined ? undefined : check.dnsSubdomain(this, 'priorityClassName', props.priorityClassName),
            containers,
            volumes,
          },
        },
      },
    });
  }

  /**
   * Fails unless the mesh's proxies listen where this plugin redirects to, run as the user it
   * exempts, and use the same IP families. `scope` is the control plane.
   * @internal
   */
  public _checkAgreesWith(scope: IConstruct, values: LinkerdValues): void {
    const gid = values.proxy.gid >= 0 ? values.proxy.gid : undefined;
    const pairs: Array<[string, string, unknown, unknown]> = [
      ['proxy.ports.inbound', 'proxyPorts.inbound', values.proxy.ports.inbound, this.proxyPorts.inbound],
      ['proxy.ports.outbound', 'proxyPorts.outbound', values.proxy.ports.outbound, this.proxyPorts.outbound],
      ['proxy.ports.admin', 'proxyPorts.admin', values.proxy.ports.admin, this.proxyPorts.admin],
      ['proxy.ports.control', 'proxyPorts.control', values.proxy.ports.control, this.proxyPorts.control],
      ['proxy.uid', 'proxyUid', values.proxy.uid, this.proxyUid],
      ['proxy.gid', 'proxyGid', gid, this.proxyGid],
      ['ipv6', 'ipv6', !values.disableIPv6, this.ipv6],
    ];
    for (const [meshField, cniField, mesh, cni] of pairs) {
      if (mesh !== cni) {
        throw new LinkerdConfigError(scope, 'cniPlugin',
          `the mesh's ${meshField} is ${mesh ?? 'not set'} but the CNI plugin ${this.node.path} has ${cniField} ${cni ?? 'not set'}, so the plugin's redirection would not match the proxies`,
          `give both the same value: ${meshField} of the control plane and ${cniField} of the LinkerdCni`);
      }
    }
  }
}

function hostDirectory(scope: IConstruct, field: string, dir: string): string {
  if (typeof dir !== 'string' || !/^\/[^\s"]*$/.test(dir) || dir.split('/').includes('..')) {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(dir)} is not an absolute host path`, 'use an absolute path without spaces or "..", e.g. "/etc/cni/net.d"');
  }
  return dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
}
