import { ApiObject } from 'cdk8s';
import { stringify } from 'yaml';
import { prune } from '../proxy/proxy-builder';
import { VizContext } from './context';

/**
 * Keeps the admin port of this control plane's proxies in running pods, and labels their metrics
 * with namespace and pod, and with the pod's labels (`linkerd.io/` prefixes dropped).
 */
const proxyRelabeling = (linkerdNamespace: string) => [
  { source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Pending|Running)', action: 'keep' },
  {
    source_labels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name', '__meta_kubernetes_pod_label_linkerd_io_control_plane_ns'],
    action: 'keep',
    regex: `^linkerd-proxy;linkerd-admin;${linkerdNamespace}$`,
  },
  { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
  // Kubernetes' `job` label would collide with Prometheus' own.
  { source_labels: ['__meta_kubernetes_pod_label_linkerd_io_proxy_job'], action: 'replace', target_label: 'k8s_job' },
  { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_job' },
  // linkerd.io/proxy-deployment=foo becomes deployment=foo, and so on.
  { action: 'labelmap', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)' },
  { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)' },
  { action: 'labelmap', regex: '__meta_kubernetes_pod_label_linkerd_io_(.+)' },
  // Every other pod label, with linkerd.io/ prefixes dropped.
  { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)', replacement: '__tmp_pod_label_$1' },
  { action: 'labelmap', regex: '__tmp_pod_label_linkerd_io_(.+)', replacement: '__tmp_pod_label_$1' },
  { action: 'labeldrop', regex: '__tmp_pod_label_linkerd_io_(.+)' },
  { action: 'labelmap', regex: '__tmp_pod_label_(.+)' },
];

/** Keeps the `*-admin` ports of controllers, but not the proxies' `linkerd-admin`; labels by container. */
const ADMIN_PORT_RELABELING = [
  { source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'drop', regex: 'linkerd-admin' },
  { source_labels: ['__meta_kubernetes_pod_container_name'], action: 'replace', target_label: 'component' },
];

/** viz's Prometheus configuration: the control plane, viz, multicluster controllers, nodes' cAdvisor and every proxy. */
export function prometheusConfig(ctx: VizContext): Record<string, unknown> {
  const c = ctx.config;
  const p = c.prometheus.bundled!;
  const proxyJob: Record<string, unknown> = {
    job_name: 'linkerd-proxy',
    kubernetes_sd_configs: [{ role: 'pod' }],
    relabel_configs: proxyRelabeling(c.linkerdNamespace),
    metric_relabel_configs: p.metricRelabelConfigs,
  };
  return prune({
    global: p.globalConfig,
    rule_files: ['/etc/prometheus/*_rules.yml', '/etc/prometheus/*_rules.yaml'],
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
      {
        // For cAdvisor dashboards (Grafana 315): container metrics through the API server's node proxy.
        job_name: 'kubernetes-nodes-cadvisor',
        scheme: 'https',
        tls_config: { ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', insecure_skip_verify: true },
        bearer_token_file: '/var/run/secrets/kubernetes.io/serviceaccount/token',
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [
          { action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' },
          { target_label: '__address__', replacement: 'kubernetes.default.svc:443' },
          { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics/cadvisor' },
        ],
        metric_relabel_configs: [
          { source_labels: ['__name__'], regex: '(container|machine)_(cpu|memory|network|fs)_(.+)', action: 'keep' },
          { source_labels: ['__name__'], regex: 'container_memory_failures_total', action: 'drop' },
        ],
      },
      {
        job_name: 'linkerd-controller',
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [c.linkerdNamespace, c.namespace] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: '.*admin$' },
          ...ADMIN_PORT_RELABELING,
        ],
      },
      {
        job_name: 'linkerd-multicluster-controller',
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          {
            source_labels: ['__meta_kubernetes_pod_label_component', '__meta_kubernetes_pod_container_port_name'],
            action: 'keep',
            regex: '(linkerd-service-mirror|controller);.*-admin$',
          },
          ...ADMIN_PORT_RELABELING,
        ],
      },
      proxyJob,
      ...p.scrapeConfigs,
    ],
    remote_write: p.remoteWrite,
  });
}

/** The ConfigMap `prometheus-config`, mounted by the Prometheus pod. */
export function renderPrometheusConfig(ctx: VizContext): ApiObject | undefined {
  const c = ctx.config;
  if (!c.prometheus.bundled) return undefined;
  return ctx.track('prometheus-config', ctx.obj('configmap-prometheus', 'v1', 'ConfigMap', {
    name: 'prometheus-config',
    namespace: c.namespace,
    labels: ctx.labels({ component: 'prometheus', namespaceLabel: true }),
    annotations: ctx.createdBy,
  }, {
    data: { 'prometheus.yml': stringify(prometheusConfig(ctx), { lineWidth: 0 }) },
  }));
}
