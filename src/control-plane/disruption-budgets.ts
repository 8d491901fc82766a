import { ControlPlaneContext } from './context';

/** A PodDisruptionBudget for each controller Deployment, when enabled. */
export function renderDisruptionBudgets(ctx: ControlPlaneContext): void {
  const v = ctx.values;
  if (!v.enablePodDisruptionBudget) return;
  for (const [name, component] of [['linkerd-dst', 'destination'], ['linkerd-identity', 'identity'], ['linkerd-proxy-injector', 'proxy-injector']]) {
    ctx.obj(`pdb-${component}`, 'policy/v1', 'PodDisruptionBudget', ctx.componentMeta(name, component), {
      spec: {
        maxUnavailable: v.controller.podDisruptionBudget.maxUnavailable,
        selector: { matchLabels: { 'linkerd.io/control-plane-component': component } },
      },
    });
  }
}
