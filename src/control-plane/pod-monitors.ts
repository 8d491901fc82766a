import { CREATED_BY } from '../version';
import { ControlPlaneContext } from './context';

/** Prometheus Operator PodMonitors for the controllers, the service mirrors and the proxies, as enabled. */
export function renderPodMonitors(ctx: ControlPlaneContext): void {
  const v = ctx.values;
  const pm = v.podMonitor;
  if (!pm.enabled) return;
  const keepAdmin = { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], action: 'drop', regex: 'linkerd-admin' };
  const componentLabel = { sourceLabels: ['__meta_kubernetes_pod_container_name'], action: 'replace', targetLabel: 'component' };
  const monitors: Array<{ enabled: boolean; name: string; honorTimestamps: boolean; namespaceSelector: unknown; relabelings: unknown[] }> = [
    {
      enabled: pm.controller.enabled,
      name: 'linkerd-controller',
      honorTimestamps: pm.controller.honorTimestamps,
      namespaceSelector: { matchNames: [ctx.namespace, 'linkerd-viz'] },
      relabelings: [
        { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: '.*-admin$' },
        keepAdmin, componentLabel,
      ],
    },
    {
      enabled: pm.serviceMirror.enabled,
      name: 'linkerd-multicluster-controller',
      honorTimestamps: pm.serviceMirror.honorTimestamps,
      namespaceSelector: { any: true },
      relabelings: [
        {
          sourceLabels: ['__meta_kubernetes_pod_label_linkerd_io_control_plane_component', '__meta_kubernetes_pod_container_port_name'],
          action: 'keep',
          regex: '(linkerd-service-mirror|controller);.*-admin$',
        },
        keepAdmin, componentLabel,
      ],
    },
    {
      enabled: pm.proxy.enabled,
      name: 'linkerd-proxy',
      honorTimestamps: pm.proxy.honorTimestamps,
      namespaceSelector: { any: true },
      relabelings: PROXY_RELABELINGS(ctx.namespace),
    },
  ];
  for (const m of monitors.filter((x) => x.enabled)) {
    ctx.obj(`podmonitor-${m.name}`, 'monitoring.coreos.com/v1', 'PodMonitor', {
      name: m.name,
      namespace: ctx.namespace,
      labels: { ...ctx.baseLabels, ...pm.labels },
      annotations: { 'linkerd.io/created-by': CREATED_BY },
    }, {
      spec: {
        namespaceSelector: m.namespaceSelector,
        selector: { matchLabels: {} },
        podMetricsEndpoints: [{ interval: pm.scrapeInterval, scrapeTimeout: pm.scrapeTimeout, honorTimestamps: m.honorTimestamps, relabelings: m.relabelings }],
      },
    });
  }
}

/** Relabelings that turn proxy metrics' pod labels into Prometheus labels, as upstream's proxy PodMonitor does. */
function PROXY_RELABELINGS(ns: string): unknown[] {
  const labelmap = (regex: string, replacement?: string) => ({ action: 'labelmap', regex, ...(replacement ? { replacement } : {}) });
  const labeldrop = (regex: string) => ({ action: 'labeldrop', regex });
  const copy = (source: string, target: string) => ({ sourceLabels: [source], action: 'replace', targetLabel: target });
  return [
    {
      sourceLabels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name', '__meta_kubernetes_pod_label_linkerd_io_control_plane_ns'],
      action: 'keep',
      regex: `^linkerd-proxy;linkerd-admin;${ns}$`,
    },
    copy('__meta_kubernetes_namespace', 'namespace'),
    copy('__meta_kubernetes_pod_name', 'pod'),
    copy('__meta_kubernetes_pod_label_linkerd_io_proxy_job', 'k8s_job'),
    labeldrop('__meta_kubernetes_pod_label_linkerd_io_proxy_job'),
    labelmap('__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)'),
    labeldrop('__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)'),
    labelmap('__meta_kubernetes_pod_label_linkerd_io_(.+)'),
    labelmap('__meta_kubernetes_pod_label_(.+)', '__tmp_pod_label_$1'),
    labelmap('__tmp_pod_label_linkerd_io_(.+)', '__tmp_pod_label_$1'),
    labeldrop('__tmp_pod_label_linkerd_io_(.+)'),
    labelmap('__tmp_pod_label_(.+)'),
  ];
}
