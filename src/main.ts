#!/usr/bin/env node
import { App, Duration } from 'cdk8s';
import { LinkerdControlPlane } from './control-plane';
import { LinkerdCrds } from './crds';
import { addDemoApp, DemoCollector } from './demo';
import { IssuerCertificate, KeyMaterial, TrustAnchors } from './identity';
import { buildArgoCdExample, exampleApps } from '../examples';
import { runSynth } from './synth';
import { LinkerdViz } from './viz';

/**
 * The seed of the demo install in `dist/`. Whoever knows it can derive every private key of that
 * install, so it is for trying the library out only: a real cluster passes its own seed from a
 * secret store (see README, "Keys and Git").
 */
const DEMO_SEED = 'cdk8s-linkerd demo mesh - not for production clusters';

/**
 * The default mesh `npm run synth` writes into dist/: CRDs, the control plane tracing to an
 * OpenTelemetry collector, linkerd-viz, the collector, then a demo app.
 */
export function buildApp(): App {
  const app = new App();
  const crds = new LinkerdCrds(app, 'linkerd-crds');
  const collector = DemoCollector.endpoint();
  const controlPlane = new LinkerdControlPlane(app, 'linkerd-control-plane', {
    keyMaterial: KeyMaterial.fromSeed({ seed: DEMO_SEED, notBefore: '2026-11-01T00:00:00Z' }),
    // The demo's issuer and webhook keys are derived from DEMO_SEED and written into dist/ on purpose.
    emitGeneratedPrivateKeys: true,
    identity: {
      trustAnchors: TrustAnchors.generated({ validity: Duration.days(3650) }),
      issuer: IssuerCertificate.generated({ validity: Duration.days(730) }),
    },
    // Every proxy, and the destination and identity controllers, send spans to the collector.
    proxy: { tracing: { collectorEndpoint: collector, collectorServiceAccount: 'otel-collector', collectorNamespace: 'observability' } },
    controllerTracing: {},
  });
  controlPlane.addDependency(crds);
  // Dashboard, tap and golden metrics; its tap certificates come from the same seed.
  new LinkerdViz(app, 'linkerd-viz', { controlPlane });
  new DemoCollector(app, 'observability', { mesh: controlPlane }).addDependency(controlPlane);
  // A three-tier app built with cdk8s-plus-27, meshed both by annotation and statically.
  addDemoApp(app, controlPlane, { traceAttributes: { 'deployment.environment': 'demo' } });
  return app;
}

/**
 * The instant the demo's certificates are judged at. A real install leaves `now` out, so that a
 * synth fails once a certificate has expired; the demo pins it, so that this repository (and
 * its dist/ freshness test) builds on any day. `CDK8S_LINKERD_NOW` does the same for an app
 * without code changes, e.g. to rebuild an old commit.
 */
export const DEMO_CHECKED_AT = new Date('2026-12-01T00:00:00Z');

if (require.main === module) {
  // node lib/src/main.js [OUTDIR]: cdk8s.yaml names dist/ here, while the cdk8s CLI's own
  // (emptied) output directory arrives in CDK8S_OUTDIR and receives a copy.
  const outdir = process.argv[2] ?? process.env.CDK8S_OUTDIR ?? 'dist';
  runSynth([
    // The main mesh into dist/, and one example per identity mode into dist/examples/<mode>/.
    { build: buildApp },
    ...exampleApps().map(({ mode, build }) => ({ directory: `examples/${mode}`, build })),
    // Argo CD Applications for dist/, beside it: kubectl apply -n argocd -k argocd/
    { outdir: 'argocd', build: () => buildArgoCdExample(), kustomization: true },
  ], outdir, { now: DEMO_CHECKED_AT });
}
