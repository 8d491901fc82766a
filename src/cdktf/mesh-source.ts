import { App } from 'cdk8s';
import { LinkerdControlPlaneProps } from '../control-plane';
import { LinkerdCrdManifestsOptions } from '../crds';
import { buildNativeMesh, renderCharts, SourceChart } from './native-mesh';

/** A Linkerd mesh in the words of the native constructs: what `LinkerdCrds` and `LinkerdControlPlane` take. */
export interface LinkerdMeshProps {
  /** Props of the control plane, exactly as `LinkerdControlPlane` takes them. */
  readonly controlPlane: LinkerdControlPlaneProps;
  /**
   * Options of the CRDs. Their `controlPlaneNamespace` follows `controlPlane.namespace`.
   * @default - the Linkerd CRDs without Gateway API ones, as the linkerd-crds chart's defaults
   */
  readonly crds?: LinkerdCrdManifestsOptions;
}

/**
 * Where the Kubernetes objects of a CDK for Terraform install come from: any cdk8s app (your
 * own charts, meshed workloads included), or the props of the Linkerd constructs. The app is
 * synthesized once, with the library's checks, however many stacks read it.
 */
export abstract class MeshSource {
  /** Every chart of a cdk8s app, in the order `npm run synth` applies them. */
  public static fromApp(app: App): MeshSource {
    return new AppSource(() => app);
  }

  /** The CRDs and control plane built from their props (construct ids `linkerd-crds`, `linkerd-control-plane`). */
  public static fromProps(props: LinkerdMeshProps): MeshSource {
    return new AppSource(() => buildNativeMesh(props, 'MeshSource.fromProps').app);
  }

  /**
   * The charts, synthesized and checked (throws LinkerdConfigError on bad input).
   * @internal
   */
  public abstract _charts(): readonly SourceChart[];
}

class AppSource extends MeshSource {
  private rendered?: readonly SourceChart[];

  public constructor(private readonly build: () => App) {
    super();
  }

  public _charts(): readonly SourceChart[] {
    this.rendered ??= renderCharts(this.build());
    return this.rendered;
  }
}
