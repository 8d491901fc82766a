import { App, Duration, Testing } from 'cdk8s';
import {
  IssuerCertificate, KeyMaterial, LinkerdControlPlane, LinkerdControlPlaneProps, linkerdCrdManifests, TrustAnchors,
} from '../../src';

/** Key material shared by the tests: fixed seed and start date, so every run synthesizes the same certificates. */
export const TEST_KEYS = KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd unit tests, not secret', notBefore: '2026-01-01T00:00:00Z' });

/** Props of a control plane with generated identity, plus overrides. */
export function controlPlaneProps(overrides: Partial<LinkerdControlPlaneProps> = {}): LinkerdControlPlaneProps {
  return {
    keyMaterial: TEST_KEYS,
    emitGeneratedPrivateKeys: true,
    identity: {
      trustAnchors: TrustAnchors.generated({ validity: Duration.days(3650) }),
      issuer: IssuerCertificate.generated({ validity: Duration.days(365) }),
    },
    ...overrides,
  };
}

/** Synthesizes a control plane with the given props in a fresh app. */
export function synthControlPlane(overrides: Partial<LinkerdControlPlaneProps> = {}): { chart: LinkerdControlPlane; objects: any[] } {
  const app = Testing.app();
  const chart = new LinkerdControlPlane(app, 'linkerd-control-plane', controlPlaneProps(overrides));
  return { chart, objects: Testing.synth(chart) };
}

export function find(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

export function podSpec(objects: any[], deployment: string): any {
  return find(objects, 'Deployment', deployment).spec.template.spec;
}

/** Our own CRDs, for validating custom resources. */
export const OUR_CRDS = linkerdCrdManifests();

export function newApp(): App {
  return Testing.app();
}
