import { Yaml } from 'cdk8s';

/** Options of a `Kustomization`. */
export interface KustomizationProps {
  /** The manifest files, relative to the kustomization, in apply order. */
  readonly resources: string[];
  /**
   * Keep the order of `resources` (kustomize's `sortOptions: fifo`) instead of kustomize's own
   * kind order, so that `kubectl apply -k` sees the objects in dependency order.
   * @default true
   */
  readonly keepOrder?: boolean;
}

/**
 * A `kustomization.yaml` listing synthesized files, so that the directory is a kustomize base:
 * `kubectl apply -k dist/`, `kubectl kustomize dist/`, an overlay's `resources: [../dist]`, or an
 * Argo CD Application whose source is a kustomization.
 */
export class Kustomization {
  /** The file name kustomize looks for. */
  public static readonly FILE_NAME = 'kustomization.yaml';

  public constructor(private readonly props: KustomizationProps) {}

  /** The file's YAML. */
  public render(): string {
    return Yaml.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [...this.props.resources],
      ...(this.props.keepOrder === false ? {} : { sortOptions: { order: 'fifo' } }),
    });
  }
}
