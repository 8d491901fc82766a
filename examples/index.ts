import { App } from 'cdk8s';
import { buildBringYourOwnPemExample } from './bring-your-own-pem';
import { buildCertManagerExample } from './cert-manager';
import { buildClusterReferencesExample } from './cluster-references';
import { buildGeneratedExample } from './generated';
import { ExampleOptions } from './options';
import { rotationSteps, RotationOptions } from './rotation';

export * from './argocd/app-of-apps';
export * from './bring-your-own-pem';
export * from './cert-manager';
export * from './cluster-references';
export * from './demo-pem';
export * from './generated';
export * from './options';
export * from './rotation';

/** The identity modes the examples show. */
export type ExampleMode = 'generated' | 'bring-your-own-pem' | 'cluster-references' | 'cert-manager';

/** One example per identity mode: `npm run synth` writes each into `dist/examples/<mode>/`. */
export function exampleApps(options: ExampleOptions = {}): Array<{ mode: ExampleMode; build: () => App }> {
  return [
    { mode: 'generated', build: () => buildGeneratedExample(options) },
    { mode: 'bring-your-own-pem', build: () => buildBringYourOwnPemExample(options) },
    { mode: 'cluster-references', build: () => buildClusterReferencesExample(options) },
    { mode: 'cert-manager', build: () => buildCertManagerExample(options) },
  ];
}

/** The three steps of a trust-anchor rotation, e.g. for `dist/examples/<step>/`. */
export function rotationApps(options: RotationOptions = {}): Array<{ mode: string; build: () => App }> {
  return rotationSteps(options).map((s) => ({ mode: s.step, build: s.build }));
}
