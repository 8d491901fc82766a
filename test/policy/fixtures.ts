/**
 * A three-tier app for policy tests: web -> api -> db in namespace `demo`, built with
 * cdk8s-plus-27 the way users build theirs. Every pod is meshed (`linkerd.io/inject: enabled` on
 * the namespace) and has HTTP probes; api also exposes metrics.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { linkerdCrdManifests } from '../../src/crds';
import { SynthChecks } from '../../src/gitops';

export interface DemoApp {
  readonly app: App;
  readonly chart: Chart;
  readonly namespace: kplus.Namespace;
  readonly web: kplus.Deployment;
  readonly api: kplus.Deployment;
  readonly db: kplus.StatefulSet;
  readonly webSa: kplus.ServiceAccount;
  readonly apiSa: kplus.ServiceAccount;
  readonly dbSa: kplus.ServiceAccount;
  readonly apiService: kplus.Service;
  readonly dbService: kplus.Service;
}

/** The demo app in a fresh Testing app. */
export function demoApp(): DemoApp {
  const app = Testing.app();
  const namespaces = new Chart(app, 'namespaces');
  const namespace = new kplus.Namespace(namespaces, 'demo', { metadata: { name: 'demo', annotations: { 'linkerd.io/inject': 'enabled' } } });
  const chart = new Chart(app, 'demo', { namespace: 'demo' });
  const sa = (name: string) => new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name } });
  const webSa = sa('web');
  const apiSa = sa('api');
  const dbSa = sa('db');
  const web = new kplus.Deployment(chart, 'web', {
    metadata: { name: 'web' },
    serviceAccount: webSa,
    containers: [{
      name: 'web', image: 'nginx:1.27', ports: [{ number: 8080, name: 'http' }],
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
      liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      securityContext: { ensureNonRoot: false },
    }],
  });
  const api = new kplus.Deployment(chart, 'api', {
    metadata: { name: 'api' },
    serviceAccount: apiSa,
    containers: [{
      name: 'api', image: 'ghcr.io/example/api:1.0', ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }],
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
      securityContext: { ensureNonRoot: false },
    }],
  });
  const db = new kplus.StatefulSet(chart, 'db', {
    metadata: { name: 'db' },
    serviceAccount: dbSa,
    containers: [{
      name: 'db', image: 'postgres:17', ports: [{ number: 5432, name: 'postgres' }],
      securityContext: { ensureNonRoot: false },
    }],
  });
  const apiService = new kplus.Service(chart, 'api-svc', { metadata: { name: 'api' }, selector: api, ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
  const dbService = db.service;
  new kplus.Service(chart, 'web-svc', { metadata: { name: 'web' }, selector: web, ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
  return { app, chart, namespace, web, api, db, webSa, apiSa, dbSa, apiService, dbService };
}

/**
 * For a test that renders a fragment whose references point outside it: synth (its checks run as
 * a construct validation) would otherwise reject the missing objects with these codes.
 */
export function allowMissing(app: App, ...codes: string[]): void {
  new SynthChecks(app, 'checks', { suppress: codes });
}

/** Every object the app renders. */
export function synthAll(app: App): any[] {
  return app.charts.flatMap((c) => c.toJson());
}

/** The CRDs to validate policy objects against. */
export function policyCrds(): any[] {
  return linkerdCrdManifests();
}

/** Objects of a kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of a kind and name. */
export function find(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}: ${objects.filter((o) => o.kind === kind).map((o) => o.metadata?.name).join(', ')}`);
  return found[0];
}

export { ApiObject };
