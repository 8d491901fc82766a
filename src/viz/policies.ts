import { AuthorizationPolicy } from '../policy/authorization-policy';
import { PodSelector } from '../policy/label-selector';
import { MeshTlsAuthentication } from '../policy/meshtls-authentication';
import { NetworkAuthentication } from '../policy/network-authentication';
import { ServiceAccountRef } from '../policy/references';
import { ProxyProtocol, Server } from '../policy/server';
import { VizContext } from './context';

/** Any source address: webhooks and aggregated API calls come from the API server, whose addresses cannot be known. */
const ANYWHERE = [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }];

/**
 * The extension's own inbound policy, as upstream ships it: the metrics API answers the
 * dashboard only, Prometheus' admin port the metrics API only, and the tap API and the tap
 * injector's webhook any source (the API server calls them). Built with the library's policy
 * constructs, so the policy checks and graph see them like any other.
 */
export function renderPolicies(ctx: VizContext): void {
  const c = ctx.config;
  const chart = ctx.chart;
  const metadata = (name: string, component?: string) => ({
    name,
    namespace: c.namespace,
    labels: { ...ctx.labels({ component }), ...c.commonLabels },
    annotations: ctx.createdBy,
  });
  const server = (name: string, component: string, port: string, protocol: ProxyProtocol, labelComponent: string | undefined, namespaceLabel = false) =>
    new Server(chart, `server-${name}`, {
      metadata: metadata(name, labelComponent),
      podSelector: PodSelector.labels(ctx.labels({ component, namespaceLabel })),
      port,
      proxyProtocol: protocol,
    });

  new NetworkAuthentication(chart, 'networkauthentication-kubelet', { metadata: metadata('kubelet'), networks: ANYWHERE });
  const apiServer = new NetworkAuthentication(chart, 'networkauthentication-kube-api-server', { metadata: metadata('kube-api-server'), networks: ANYWHERE });

  const dashboard = new MeshTlsAuthentication(chart, 'meshtlsauthentication-metrics-api-web', {
    metadata: metadata('metrics-api-web', 'metrics-api'),
    serviceAccounts: [ServiceAccountRef.fromName('web')],
  });
  new AuthorizationPolicy(chart, 'authorizationpolicy-metrics-api', {
    metadata: metadata('metrics-api', 'metrics-api'),
    target: server('metrics-api', 'metrics-api', 'http', ProxyProtocol.HTTP1, 'metrics-api'),
    requiredAuthentications: [dashboard],
  });
  // Without the bundled Prometheus there is no admin port to protect.
  if (c.prometheus.bundled) {
    new AuthorizationPolicy(chart, 'authorizationpolicy-prometheus-admin', {
      metadata: metadata('prometheus-admin'),
      target: server('prometheus-admin', 'prometheus', 'admin', ProxyProtocol.HTTP1, undefined, true),
      requiredAuthentications: [ServiceAccountRef.fromName('metrics-api', c.namespace)],
    });
  }
  new AuthorizationPolicy(chart, 'authorizationpolicy-tap-injector', {
    metadata: metadata('tap-injector', 'tap-injector'),
    target: server('tap-injector-webhook', 'tap-injector', 'tap-injector', ProxyProtocol.TLS, 'tap-injector'),
    requiredAuthentications: [apiServer],
  });
  new AuthorizationPolicy(chart, 'authorizationpolicy-tap', {
    metadata: metadata('tap', 'tap'),
    target: server('tap-api', 'tap', 'apiserver', ProxyProtocol.TLS, 'tap'),
    requiredAuthentications: [apiServer],
  });
}
