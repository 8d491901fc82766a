/**
 * The CNI network configuration the install-cni container writes on every node
 * (`cni_network_config` of ConfigMap `linkerd-cni-config`): how the plugin redirects each pod's
 * traffic to its proxy. `__KUBECONFIG_FILEPATH__` is filled in on the node by the installer.
 */
export interface CniNetworkConfig {
  readonly logLevel: string;
  readonly inboundProxyPort: number;
  readonly outboundProxyPort: number;
  readonly proxyUid: number;
  /** Left out when undefined. */
  readonly proxyGid?: number;
  readonly portsToRedirect: number[];
  /** Always starts with the proxy's admin and control ports, which must never be redirected. */
  readonly inboundPortsToIgnore: string[];
  /** Left out when empty. */
  readonly outboundPortsToIgnore: string[];
  /** Left out when empty. */
  readonly subnetsToIgnore: string[];
  readonly useWaitFlag: boolean;
  readonly iptablesMode: string;
  readonly ipv6: boolean;
}

/** The JSON document, keys in the order the chart writes them. */
export function renderCniNetworkConfig(c: CniNetworkConfig): string {
  const linkerd: Record<string, unknown> = {
    'incoming-proxy-port': c.inboundProxyPort,
    'outgoing-proxy-port': c.outboundProxyPort,
    'proxy-uid': c.proxyUid,
    ...(c.proxyGid !== undefined ? { 'proxy-gid': c.proxyGid } : {}),
    'ports-to-redirect': c.portsToRedirect,
    'inbound-ports-to-ignore': c.inboundPortsToIgnore,
    ...(c.outboundPortsToIgnore.length > 0 ? { 'outbound-ports-to-ignore': c.outboundPortsToIgnore } : {}),
    ...(c.subnetsToIgnore.length > 0 ? { 'subnets-to-ignore': c.subnetsToIgnore } : {}),
    'simulate': false,
    'use-wait-flag': c.useWaitFlag,
    'iptables-mode': c.iptablesMode,
    'ipv6': c.ipv6,
  };
  return JSON.stringify({
    name: 'linkerd-cni',
    type: 'linkerd-cni',
    log_level: c.logLevel,
    kubernetes: { kubeconfig: '__KUBECONFIG_FILEPATH__' },
    linkerd,
  }, null, 2);
}
