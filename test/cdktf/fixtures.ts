import { TerraformStack, Testing as TfTesting } from 'cdktf';
import {
  CertManagerIssuer, IssuerCertificate, LinkerdControlPlaneProps, synthesizeManifests, WebhookTls,
} from '../../src';
import { appliedManifest } from '../../src/cdktf/manifest-resource';
import { buildApp } from '../../src/main';
import { controlPlaneProps } from '../control-plane/fixtures';

/** A `kubernetes_manifest` of a synthesized stack, with its manifest as Terraform will read it. */
export interface ManifestResource {
  readonly name: string;
  readonly manifest: Record<string, any>;
  /** The manifest went through `sensitive()`. */
  readonly sensitive: boolean;
  readonly config: Record<string, any>;
}

/** Synthesizes a stack with CDKTF's Testing.synth and parses the JSON. */
export function synthStack(stack: TerraformStack): Record<string, any> {
  return JSON.parse(TfTesting.synth(stack));
}

/** The stack's `kubernetes_manifest` resources; a `sensitive(local.x)` manifest is read from the local. */
export function manifestResources(config: Record<string, any>): ManifestResource[] {
  return Object.entries(config.resource?.kubernetes_manifest ?? {}).map(([name, resource]: [string, any]) => {
    const manifest = appliedManifest(config, resource);
    if (manifest === undefined) throw new Error(`${name}: unexpected manifest expression ${resource.manifest}`);
    return { name, manifest, sensitive: typeof resource.manifest === 'string', config: resource };
  });
}

/** `group/kind namespace/name` of an object, as in the tests' messages. */
export function key(o: Record<string, any>): string {
  return `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core'}/${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Every object `npm run synth` writes into dist/ (CRDs, control plane, demo app). */
export function nativeObjects(): Array<Record<string, any>> {
  return synthesizeManifests(buildApp(), { syncWaves: false }).flatMap((f) => f.objects) as Array<Record<string, any>>;
}

/** A control plane whose issuer and webhook certificates come from cert-manager: no private key in its output. */
export function certManagerControlPlane(): LinkerdControlPlaneProps {
  const tls = WebhookTls.issuedByCertManager({ issuer: CertManagerIssuer.selfSigned() });
  return {
    identity: {
      trustAnchors: controlPlaneProps().identity.trustAnchors,
      issuer: IssuerCertificate.issuedByCertManager({ issuer: CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' }) }),
    },
    keyMaterial: controlPlaneProps().keyMaterial,
    proxyInjector: { tls }, spValidator: { tls }, policyValidator: { tls },
  };
}

/** Whether any string in a JSON value holds a PEM private key, directly or base64-encoded. */
export function holdsPrivateKey(value: unknown): boolean {
  const text = JSON.stringify(value);
  if (/PRIVATE KEY/.test(text)) return true;
  const strings: string[] = [];
  JSON.parse(text, (_k, v) => { if (typeof v === 'string') strings.push(v); return v; });
  return strings.some((s) => /^[A-Za-z0-9+/=]{40,}$/.test(s) && /PRIVATE KEY/.test(Buffer.from(s, 'base64').toString('latin1')));
}
