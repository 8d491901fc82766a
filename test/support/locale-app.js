/**
 * A policy app whose names sort differently under different collations ("aa" after "z" in
 * Danish, "y" between "i" and "j" in Lithuanian), synthesized into $CDK8S_OUTDIR with runSynth:
 * the locale tests run it as a child process under several LC_ALL values.
 */
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-27');
const { Client, MeshPolicy, runSynth } = require('../../lib/src');

runSynth(() => {
  const app = new App();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new kplus.Namespace(chart, 'ns', { metadata: { name: 'shop', annotations: { 'linkerd.io/inject': 'enabled' } } });
  const names = ['z', 'aa', 'y', 'i', 'j', 'ingest', 'yak', 'jobs', 'Ia'.toLowerCase()];
  const workloads = names.map((name) => {
    const sa = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name } });
    const d = new kplus.Deployment(chart, name, {
      metadata: { name },
      serviceAccount: sa,
      podMetadata: { annotations: { 'linkerd.io/unknown-key': name } },
      containers: [{ name, image: 'ghcr.io/example/app:1.0', ports: [{ number: 8080, name: 'http' }], securityContext: { ensureNonRoot: false } }],
    });
    return d;
  });
  const policy = new MeshPolicy(chart, 'policy');
  workloads.forEach((target, i) => {
    policy.denyByDefault(target);
    policy.allow(Client.workload(workloads[(i + 1) % workloads.length]), target, { port: 'http' });
    policy.allow(Client.workload(workloads[(i + 3) % workloads.length]), target, { port: 'http' });
  });
  return app;
});
