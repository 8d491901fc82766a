import { VizContext } from './context';

/**
 * The extension's Namespace, with the metadata upstream's Helm post-install hook (the
 * `namespace-metadata` Job running extension-init) patches in after the fact: the extension
 * label the CLI finds viz by, the pod-security level its pods' init containers need, and the
 * external Prometheus URL. Declared up front, nothing is left for a hook to do.
 */
export function renderNamespace(ctx: VizContext): void {
  const c = ctx.config;
  ctx.obj('namespace', 'v1', 'Namespace', {
    name: c.namespace,
    labels: {
      ...ctx.labels(),
      // proxy-init needs NET_ADMIN; with the CNI plugin every pod passes the restricted profile.
      'pod-security.kubernetes.io/enforce': c.cniEnabled ? 'restricted' : 'privileged',
    },
    annotations: c.prometheus.externalUrl ? { 'viz.linkerd.io/external-prometheus': c.prometheus.externalUrl } : undefined,
  }, {});
}
