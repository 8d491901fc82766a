import { Client, MeshPolicy, ServiceAccountRef } from '../policy';
import { LinkerdViz } from '../viz/linkerd-viz';
import type { DemoApp } from './demo-app';

/**
 * The demo's inbound policy: its namespace denies by default, `web` may call `api` and `api` may
 * call `db` on their HTTP port, and linkerd-viz's Prometheus may scrape every proxy (the
 * LinkerdViz of the app, or, without one, viz's Prometheus as `linkerd viz install` runs it).
 * Kubelet probes keep working: the ports have no routes, so the policy controller admits them
 * itself. Nothing else can reach the demo's pods (port-forwards do not pass through the proxy).
 */
export function applyDemoPolicy(demo: DemoApp): MeshPolicy {
  const vizInApp = demo.node.root.node.findAll().some((c) => LinkerdViz.isLinkerdViz(c));
  const policy = new MeshPolicy(demo, 'policy', {
    metricsScrapers: vizInApp ? undefined : [Client.meshTls(ServiceAccountRef.fromName('prometheus', 'linkerd-viz'))],
  });
  policy.denyByDefault(demo.namespaceObject);
  policy.allow(Client.workload(demo.web.deployment), demo.api.deployment, { port: 'http' });
  policy.allow(Client.workload(demo.api.deployment), demo.db.deployment, { port: 'http' });
  return policy;
}
