import { IConstruct } from 'constructs';
import { Client } from './client';

/**
 * Clients that scrape proxy metrics mesh-wide, announced by the constructs that run them (linkerd-
 * viz's Prometheus) to the policies of the same app that grant scrapes (`MeshPolicy`), whichever
 * of the two is created first. Internal: not re-exported by the barrel.
 */
interface Registry {
  readonly clients: Client[];
  readonly listeners: Array<(client: Client) => void>;
}

const REGISTRIES = new WeakMap<IConstruct, Registry>();

function registryOf(scope: IConstruct): Registry {
  const root = scope.node.root;
  let registry = REGISTRIES.get(root);
  if (!registry) {
    registry = { clients: [], listeners: [] };
    REGISTRIES.set(root, registry);
  }
  return registry;
}

/** Tells every listener of the app, present and future, that `client` scrapes proxy metrics. */
export function announceMetricsScraper(scope: IConstruct, client: Client): void {
  const registry = registryOf(scope);
  registry.clients.push(client);
  for (const listener of registry.listeners) listener(client);
}

/** Calls `listener` with every scraper announced in the app, now and later. */
export function watchMetricsScrapers(scope: IConstruct, listener: (client: Client) => void): void {
  const registry = registryOf(scope);
  registry.listeners.push(listener);
  for (const client of registry.clients) listener(client);
}
