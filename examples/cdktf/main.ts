/**
 * CDK for Terraform: one mesh, two ways to install it. Run `npm run build` at the repository root,
 * then `cdktf synth` here (or `node ../../lib/examples/cdktf/main.js`, which writes cdktf.out/).
 *
 * - `linkerd-crds` then `linkerd-mesh`: every object as a `kubernetes_manifest`, in two stacks
 *   because a custom resource can only be planned once its CRD is in the cluster
 *   (`cdktf deploy linkerd-crds linkerd-mesh`).
 * - `linkerd-helm`: the official charts as two `helm_release` resources, with values from the
 *   same props (`cdktf deploy linkerd-helm`).
 *
 * Pick one of the two: both install the same objects. In your own project the imports are
 * `cdk8s-linkerd` and `cdk8s-linkerd/cdktf`.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Duration } from 'cdk8s';
import { App, TerraformStack } from 'cdktf';
import { IssuerCertificate, KeyMaterial, LinkerdConfigError, TrustAnchors } from '../../src';
import { LinkerdHelmReleases, LinkerdManifestStacks, LinkerdMeshProps, MeshSource } from '../../src/cdktf';
import { DEMO_NOT_BEFORE, DEMO_SEED } from '../options';

/** The mesh, in the props of the native constructs. */
export function meshProps(seed: string = process.env.LINKERD_SEED ?? DEMO_SEED): LinkerdMeshProps {
  return {
    controlPlane: {
      // Every generated key derives from the seed: pass your own through LINKERD_SEED, from a
      // secret store. The keys end up in Secrets, and so in the Terraform state (as sensitive
      // values); with IssuerCertificate.issuedByCertManager and WebhookTls.issuedByCertManager
      // no key reaches Terraform at all.
      keyMaterial: KeyMaterial.fromSeed({ seed, notBefore: DEMO_NOT_BEFORE }),
      emitGeneratedPrivateKeys: true,
      identity: {
        trustAnchors: TrustAnchors.generated({ validity: Duration.days(3650) }),
        issuer: IssuerCertificate.generated({ validity: Duration.days(365) }),
      },
      highAvailability: true,
    },
  };
}

/** The three stacks; `outdir` defaults to `$CDKTF_OUTDIR`, else cdktf.out/. */
export function buildCdktfApp(outdir?: string): App {
  const app = new App({ outdir });
  const mesh = meshProps();
  // Path 1: kubernetes_manifest, in a CRD stack and a mesh stack that depends on it.
  new LinkerdManifestStacks(app, 'linkerd', {
    source: MeshSource.fromProps(mesh),
    kubernetesProvider: { configPath: '~/.kube/config' },
  });
  // Path 2: helm_release of the official charts.
  const helm = new TerraformStack(app, 'linkerd-helm');
  new HelmProvider(helm, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
  new KubernetesProvider(helm, 'kubernetes', { configPath: '~/.kube/config' });
  new LinkerdHelmReleases(helm, 'linkerd', mesh);
  return app;
}

if (require.main === module) {
  try {
    buildCdktfApp().synth();
  } catch (error) {
    if (!(error instanceof LinkerdConfigError)) throw error;
    process.stderr.write(`cdk8s-linkerd: synth failed.\n${error.message}\n`);
    process.exitCode = 1;
  }
}
