import { VizContext } from './context';

/** One ServiceAccount per component, with upstream's labels (tap-injector's carries no component label). */
export function renderServiceAccounts(ctx: VizContext): void {
  const accounts: Array<[string, Record<string, string>]> = [
    ['metrics-api', ctx.labels({ component: 'metrics-api' })],
    ...(ctx.config.prometheus.bundled ? [['prometheus', ctx.labels({ component: 'prometheus', namespaceLabel: true })] as [string, Record<string, string>]] : []),
    ['tap-injector', ctx.labels()],
    ['tap', ctx.labels({ component: 'tap', namespaceLabel: true })],
    ['web', ctx.labels({ component: 'web', namespaceLabel: true })],
  ];
  for (const [name, labels] of accounts) {
    ctx.track(name, ctx.obj(`sa-${name}`, 'v1', 'ServiceAccount', { name, namespace: ctx.config.namespace, labels }, {
      imagePullSecrets: ctx.config.imagePullSecrets,
    }));
  }
}
