import { ControlPlaneContext } from './context';

/** One ServiceAccount per controller, and the heartbeat's unless it is disabled. */
export function renderServiceAccounts(ctx: ControlPlaneContext): void {
  const accounts: Array<[string, string]> = [
    ['linkerd-destination', 'destination'],
    ...(ctx.values.disableHeartBeat ? [] : [['linkerd-heartbeat', 'heartbeat'] as [string, string]]),
    ['linkerd-identity', 'identity'],
    ['linkerd-proxy-injector', 'proxy-injector'],
  ];
  for (const [name, component] of accounts) {
    ctx.obj(`sa-${component}`, 'v1', 'ServiceAccount', ctx.componentMeta(name, component, { createdBy: false }), {
      imagePullSecrets: ctx.values.imagePullSecrets,
    });
  }
}
