/**
 * Bench target: an application of N workloads. Each workload is a ServiceAccount, a cdk8s-plus-27
 * Deployment with liveness and readiness probes, and a Service, all in one namespace that denies
 * by default; workload i may call workload i+1 on its HTTP port (`MeshPolicy.allow`). The mesh is
 * installed elsewhere (`LinkerdControlPlane.fromInstalled`, with its trust anchor for static
 * injection).
 *
 *   node lib/scripts/bench/scale-app.js <N> webhook|static <ca.crt>   meshed, full runSynth (checks, mesh-policy report)
 *   node lib/scripts/bench/scale-app.js <N> plain                     the same workloads in plain cdk8s (no library), app.synth()
 *
 * Writes into $CDK8S_OUTDIR. `plain` is the floor the meshed modes are compared with.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

const NAMESPACE = 'bench';
const PORT = 8080;

interface Workload {
  readonly deployment: kplus.Deployment;
}

/** The namespace and N workloads, as a user writes them with cdk8s-plus. */
function addWorkloads(chart: Chart, count: number): { namespace: kplus.Namespace; workloads: Workload[] } {
  const namespace = new kplus.Namespace(chart, 'namespace', { metadata: { name: NAMESPACE } });
  const workloads: Workload[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(5, '0')}`;
    const metadata = { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': name } };
    const serviceAccount = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata });
    const deployment = new kplus.Deployment(chart, `${name}-deployment`, {
      metadata,
      replicas: 2,
      serviceAccount,
      podMetadata: { labels: metadata.labels },
      containers: [{
        name,
        image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
        ports: [{ name: 'http', number: PORT }],
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: PORT }),
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: PORT }),
        securityContext: { user: 65534, group: 65534 },
      }],
    });
    new kplus.Service(chart, `${name}-service`, { metadata, selector: deployment, ports: [{ name: 'http', port: PORT, targetPort: PORT }] });
    workloads.push({ deployment });
  }
  return { namespace, workloads };
}

function main(argv: string[]): void {
  const count = Number(argv[0]);
  const mode = argv[1];
  if (!Number.isInteger(count) || count < 2 || !['webhook', 'static', 'plain'].includes(mode) || (mode !== 'plain' && !argv[2])) {
    throw new Error('usage: scale-app <N >= 2> webhook|static <ca.crt> | scale-app <N> plain');
  }
  if (mode === 'plain') {
    const app = new App();
    addWorkloads(new Chart(app, 'app'), count);
    app.synth();
    return;
  }
  // Loaded only for the meshed modes, so that the floor never loads the library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const l5d = require('../../src') as typeof import('../../src');
  const anchors = fs.readFileSync(argv[2], 'utf8');
  l5d.runSynth(() => {
    const app = new App();
    const mesh = l5d.LinkerdControlPlane.fromInstalled(app, 'mesh', { identity: { trustAnchors: l5d.TrustAnchors.fromPem(anchors) } });
    const chart = new Chart(app, 'app');
    const { namespace, workloads } = addWorkloads(chart, count);
    const meshMode = mode === 'static' ? l5d.MeshMode.STATIC : l5d.MeshMode.WEBHOOK;
    for (const w of workloads) mesh.meshWorkload(w.deployment, { mode: meshMode });
    const policy = new l5d.MeshPolicy(chart, 'policy');
    policy.denyByDefault(namespace);
    workloads.forEach((w, i) => policy.allow(l5d.Client.workload(w.deployment), workloads[(i + 1) % count].deployment, { port: 'http' }));
    return app;
    // The report inside the output directory, where the benchmark measures it.
  }, undefined, { reportsDirectory: path.join(process.env.CDK8S_OUTDIR ?? 'dist', 'reports') });
}

main(process.argv.slice(2));
