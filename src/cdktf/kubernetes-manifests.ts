import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { DataResource, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { groupOf, isCrd, manifestResource, ResourceNames, resourceName } from './manifest-resource';
import { MeshSource } from './mesh-source';
import { ObjectSelection } from './object-selection';

export interface KubernetesManifestsProps {
  /** The cdk8s app (or Linkerd props) whose objects become resources. */
  readonly source: MeshSource;
  /** @default ObjectSelection.ALL */
  readonly objects?: ObjectSelection;
  /**
   * Let each Deployment, StatefulSet and DaemonSet wait for its rollout (`wait { rollout = true }`),
   * so that charts applied after it, e.g. meshed workloads after the proxy injector, find it
   * serving.
   * @default true
   */
  readonly waitForRollout?: boolean;
}

/**
 * One `kubernetes_manifest` per synthesized object, added to the enclosing `TerraformStack`
 * (which needs a `KubernetesProvider`). Resource names come from (group, kind, namespace, name)
 * only, so they never move in the state while the object keeps its identity. The charts' order
 * is kept with `depends_on`: a chart's resources wait for a `terraform_data` barrier behind every
 * resource of each chart it depends on, and namespaced objects wait for their Namespace.
 * Secrets are `sensitive()`, CRDs wait until established.
 *
 * `kubernetes_manifest` reads the schema of every object's kind from the cluster at plan time,
 * so custom resources can only be planned once their CRDs exist: use `ObjectSelection.CRDS` and
 * `ObjectSelection.ALL_BUT_CRDS` in two stacks (`LinkerdManifestStacks` does).
 */
export class KubernetesManifests extends Construct {
  /** The resources, in apply order, by resource name. */
  public readonly resources: Record<string, Manifest> = {};

  public constructor(scope: Construct, id: string, props: KubernetesManifestsProps) {
    super(scope, id);
    const selection = props.objects ?? ObjectSelection.ALL;
    const keep = (object: Record<string, any>) => selection === ObjectSelection.ALL || (selection === ObjectSelection.CRDS) === isCrd(object);
    const names = new ResourceNames(this);
    // Per chart, what a chart depending on it waits for: its barrier, or, when none of its
    // objects is in this stack, what it waited for itself.
    const gates: DataResource[][] = [];
    const charts = props.source._charts();
    // Namespaces first, so that every namespaced object can depend on its own.
    const namespaces = new Map<string, Manifest>();
    for (const chart of charts) {
      for (const object of chart.objects.filter((o) => keep(o) && groupOf(o) === '' && o.kind === 'Namespace')) {
        names.claim(object);
        namespaces.set(object.metadata.name, this.add(object, [], props));
      }
    }
    charts.forEach((chart, i) => {
      const after = [...new Set(chart.dependsOn.flatMap((d) => gates[d]))];
      const resources: Manifest[] = [];
      for (const object of chart.objects.filter(keep)) {
        if (groupOf(object) === '' && object.kind === 'Namespace') {
          resources.push(namespaces.get(object.metadata.name)!);
          continue;
        }
        names.claim(object);
        const namespace = namespaces.get(object.metadata?.namespace);
        resources.push(this.add(object, namespace ? [...after, namespace] : after, props));
      }
      if (resources.length > 0) {
        const barrier = new DataResource(this, `${chart.name}-applied`, { dependsOn: resources });
        barrier.overrideLogicalId(`${chart.name.replace(/[^A-Za-z0-9-]/g, '_')}_applied`);
        gates[i] = [barrier];
      } else {
        gates[i] = after;
      }
    });
  }

  private add(object: Record<string, any>, dependsOn: ITerraformDependable[], props: KubernetesManifestsProps): Manifest {
    const resource = manifestResource(this, object, { dependsOn, waitForRollout: props.waitForRollout ?? true });
    this.resources[resourceName(object)] = resource;
    return resource;
  }
}
