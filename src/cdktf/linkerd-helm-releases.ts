import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { positiveInteger } from '../validate';
import { chartValuesYaml, linkerdChartInputs } from './chart-values';
import { groupOf, manifestResource, resourceName, terraformLiteral } from './manifest-resource';
import { LinkerdMeshProps } from './mesh-source';

export interface LinkerdHelmReleasesProps extends LinkerdMeshProps {
  /** Helm repository of the linkerd-crds and linkerd-control-plane charts. @default 'https://helm.linkerd.io/edge' */
  readonly repository?: string;
  /**
   * Version of both charts. The values are those of edge-26.8.3's charts; another version may
   * read them differently.
   * @default '2026.8.3'
   */
  readonly chartVersion?: string;
  /** Seconds Helm waits for each release's resources to become ready. @default 300 */
  readonly timeoutSeconds?: number;
}

/**
 * The mesh as two `helm_release` resources of the official charts, `linkerd-crds` and then
 * `linkerd-control-plane`, for teams that want Helm to own the lifecycle. Their values come from
 * the same props and the same values tree as `LinkerdCrds` and `LinkerdControlPlane`, and the
 * certificates from the same identity sources, so Helm renders what the native constructs do
 * (proven by `npm run conformance`), with certificates that do not change between runs.
 *
 * Private keys (the identity issuer's and the webhooks', when the library holds them) go through
 * `set_sensitive`: hidden in plans, stored in the state. With cert-manager or existing Secrets
 * there is no key to give. What the charts do not render (the Namespace with Linkerd's labels,
 * cert-manager and trust-manager objects) is added as `kubernetes_manifest` resources that the
 * releases depend on. The stack needs a `HelmProvider` and a `KubernetesProvider`.
 */
export class LinkerdHelmReleases extends Construct {
  /** The official Linkerd edge chart repository. */
  public static readonly EDGE_REPOSITORY = 'https://helm.linkerd.io/edge';
  /** The chart version of Linkerd edge-26.8.3, which the values are made for. */
  public static readonly CHART_VERSION = '2026.8.3';

  public readonly crdsRelease: Release;
  public readonly controlPlaneRelease: Release;
  /** The objects the charts do not render, by resource name. */
  public readonly manifests: Record<string, Manifest> = {};

  public constructor(scope: Construct, id: string, props: LinkerdHelmReleasesProps) {
    super(scope, id);
    const inputs = linkerdChartInputs(props, this.node.path);
    const namespaces = inputs.extraObjects.filter((o) => groupOf(o) === '' && o.kind === 'Namespace');
    const others = inputs.extraObjects.filter((o) => !namespaces.includes(o));
    const namespaceResources = namespaces.map((o) => this.add(o, []));
    const otherResources = others.map((o) => this.add(o, namespaceResources));

    const common = {
      repository: props.repository ?? LinkerdHelmReleases.EDGE_REPOSITORY,
      version: props.chartVersion ?? LinkerdHelmReleases.CHART_VERSION,
      namespace: inputs.namespace,
      createNamespace: false,
      timeout: props.timeoutSeconds === undefined ? undefined : positiveInteger(this, 'timeoutSeconds', props.timeoutSeconds),
    };
    this.crdsRelease = new Release(this, 'linkerd-crds', {
      ...common,
      name: 'linkerd-crds',
      chart: 'linkerd-crds',
      values: [terraformLiteral(chartValuesYaml(inputs.crdsValues))],
      dependsOn: namespaceResources.length > 0 ? namespaceResources : undefined,
    });
    this.crdsRelease.overrideLogicalId('linkerd-crds');
    this.controlPlaneRelease = new Release(this, 'linkerd-control-plane', {
      ...common,
      name: 'linkerd-control-plane',
      chart: 'linkerd-control-plane',
      values: [terraformLiteral(chartValuesYaml(inputs.controlPlaneValues))],
      setSensitive: inputs.controlPlaneSensitiveValues.length > 0
        ? inputs.controlPlaneSensitiveValues.map(({ name, value }) => ({ name, value: terraformLiteral(value), type: 'string' }))
        : undefined,
      dependsOn: [this.crdsRelease, ...namespaceResources, ...otherResources],
    });
    this.controlPlaneRelease.overrideLogicalId('linkerd-control-plane');
  }

  private add(object: Record<string, any>, dependsOn: Manifest[]): Manifest {
    const resource = manifestResource(this, object, { dependsOn, waitForRollout: false });
    this.manifests[resourceName(object)] = resource;
    return resource;
  }
}
