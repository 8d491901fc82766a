import { KubernetesProvider, KubernetesProviderConfig } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { KubernetesManifests } from './kubernetes-manifests';
import { MeshSource } from './mesh-source';
import { ObjectSelection } from './object-selection';

export interface LinkerdManifestStacksProps {
  /** The cdk8s app (or Linkerd props) to install. */
  readonly source: MeshSource;
  /**
   * Configuration of the Kubernetes provider of both stacks.
   * @default - an empty provider block: the provider reads KUBE_CONFIG_PATH, KUBE_CTX and the other KUBE_* variables
   */
  readonly kubernetesProvider?: KubernetesProviderConfig;
  /** @default true */
  readonly waitForRollout?: boolean;
}

/**
 * The two-stage install through `kubernetes_manifest`: a stack `<id>-crds` with every
 * CustomResourceDefinition of the source, and a stack `<id>-mesh` with everything else that
 * depends on it. `kubernetes_manifest` plans a custom resource against its CRD's schema in the
 * cluster, so the mesh stack can only be planned once the CRD stack is applied;
 * `cdktf deploy <id>-crds <id>-mesh` (or `--all`) applies them in that order.
 *
 * `scope` must be the CDKTF `App`: the stacks are created beside this construct, as children of
 * the App, because the CDKTF CLI orders stacks by names that only match for top-level stacks.
 */
export class LinkerdManifestStacks extends Construct {
  /** Holds the CRDs; give it a backend with `crdStack` as scope. */
  public readonly crdStack: TerraformStack;
  /** Holds everything else. */
  public readonly meshStack: TerraformStack;
  public readonly crds: KubernetesManifests;
  public readonly mesh: KubernetesManifests;

  public constructor(scope: Construct, id: string, props: LinkerdManifestStacksProps) {
    super(scope, id);
    if (!App.isApp(scope)) {
      throw new LinkerdConfigError(this, 'scope', 'is not the CDKTF App', 'create LinkerdManifestStacks directly in the App: it adds two stacks of its own');
    }
    this.crdStack = new TerraformStack(scope, `${id}-crds`);
    this.meshStack = new TerraformStack(scope, `${id}-mesh`);
    this.meshStack.addDependency(this.crdStack);
    for (const stack of [this.crdStack, this.meshStack]) new KubernetesProvider(stack, 'kubernetes', props.kubernetesProvider ?? {});
    this.crds = new KubernetesManifests(this.crdStack, 'manifests', { source: props.source, objects: ObjectSelection.CRDS, waitForRollout: props.waitForRollout });
    this.mesh = new KubernetesManifests(this.meshStack, 'manifests', { source: props.source, objects: ObjectSelection.ALL_BUT_CRDS, waitForRollout: props.waitForRollout });
  }
}
