import { Lazy } from 'cdk8s';
import { SUPPRESS_CHECKS_ANNOTATION } from '../check/run-checks';
import { AuthorizationPolicy } from '../policy/authorization-policy';
import { PodSelector } from '../policy/label-selector';
import { ServiceAccountRef } from '../policy/references';
import { ProxyProtocol, Server } from '../policy/server';
import { EXTENSION_LABEL, MulticlusterContext } from './context';


/** One admin port the metrics scraper may reach, on pods with these labels. */
interface AdminPort {
  readonly id: string;
  readonly name: string;
  readonly component?: string;
  readonly port: string;
  /** The pods come from elsewhere (other installs), or not yet (per-link controllers before any link). */
  readonly podsElsewhere?: () => boolean;
}

/**
 * The admin ports of the extension's pods (proxy admin, controllers' admin servers), open to the
 * scraper only: viz's Prometheus by default, which `linkerd multicluster gateways` relies on.
 */
export function renderAdminPolicies(ctx: MulticlusterContext, scraper: ServiceAccountRef, options: { readonly linked: () => boolean }): void {
  const ports: AdminPort[] = [
    { id: 'proxy-admin', name: 'linkerd-admin', port: 'linkerd-admin' },
    // Service mirrors of `linkerd multicluster link` (the CLI's link chart), installed outside this library.
    { id: 'legacy-service-mirror', name: 'service-mirror', component: 'linkerd-service-mirror', port: 'svcmi-admin', podsElsewhere: () => true },
    { id: 'controller', name: 'controller', component: 'controller', port: 'ctrl-admin', podsElsewhere: () => !options.linked() },
    { id: 'local-service-mirror', name: 'local-service-mirror', component: 'local-service-mirror', port: 'locsm-admin' },
  ];
  for (const p of ports) {
    const selector = { ...EXTENSION_LABEL, ...(p.component ? { component: p.component } : {}) };
    const metadata = {
      name: p.name,
      namespace: ctx.namespace,
      labels: { ...selector, ...ctx.commonLabels },
      // No pod to select is expected here: L5D301 would be a false alarm. Links come after construction, hence lazy.
      annotations: p.podsElsewhere ? { [SUPPRESS_CHECKS_ANNOTATION]: Lazy.any({ produce: () => (p.podsElsewhere!() ? 'L5D301' : undefined) }) as unknown as string } : undefined,
    };
    const server = new Server(ctx.chart, `${p.id}-server`, { metadata, podSelector: PodSelector.labels(selector), port: p.port, proxyProtocol: ProxyProtocol.HTTP1 });
    new AuthorizationPolicy(ctx.chart, `${p.id}-authorization`, {
      metadata: { ...metadata, annotations: undefined },
      target: server,
      requiredAuthentications: [scraper],
    });
  }
}
