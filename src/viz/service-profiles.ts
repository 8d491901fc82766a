import { HttpMethod } from '../policy/route-match';
import { ServiceRef } from '../policy/references';
import { ServiceProfile } from '../policy/service-profile';
import { VizContext } from './context';

/** The routes of viz's APIs, so that their per-route metrics have names. */
const ROUTES: Record<'metrics-api' | 'prometheus', Array<[HttpMethod, string]>> = {
  'metrics-api': ['StatSummary', 'TopRoutes', 'ListPods', 'ListServices', 'SelfCheck', 'Gateways', 'Edges'].map((r) => [HttpMethod.POST, `/api/v1/${r}`]),
  'prometheus': [[HttpMethod.POST, '/api/v1/query'], [HttpMethod.GET, '/api/v1/query_range'], [HttpMethod.GET, '/api/v1/series']],
};

/** ServiceProfiles of the metrics API and the bundled Prometheus. */
export function renderServiceProfiles(ctx: VizContext): void {
  const c = ctx.config;
  for (const service of ['metrics-api', 'prometheus'] as const) {
    if (service === 'prometheus' && !c.prometheus.bundled) continue;
    new ServiceProfile(ctx.chart, `serviceprofile-${service}`, {
      metadata: { labels: { ...ctx.labels(), ...c.commonLabels } },
      service: ServiceRef.fromName(service, c.namespace),
      clusterDomain: c.clusterDomain,
      routes: ROUTES[service].map(([method, pathRegex]) => ({ name: `${method} ${pathRegex}`, method, pathRegex })),
    });
  }
}
