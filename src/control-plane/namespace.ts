import { ControlPlaneContext } from './context';

/** The control-plane namespace, with injection and admission webhooks turned off for it. */
export function renderNamespace(ctx: ControlPlaneContext): void {
  ctx.obj('namespace', 'v1', 'Namespace', {
    name: ctx.namespace,
    annotations: { 'linkerd.io/inject': 'disabled' },
    labels: {
      'linkerd.io/is-control-plane': 'true',
      'config.linkerd.io/admission-webhooks': 'disabled',
      ...ctx.baseLabels,
      // proxy-init needs NET_ADMIN; with the CNI plugin every pod passes the restricted profile.
      'pod-security.kubernetes.io/enforce': ctx.values.cniEnabled ? 'restricted' : 'privileged',
    },
  }, {});
}
