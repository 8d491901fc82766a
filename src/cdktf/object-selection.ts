/** Which objects of a `MeshSource` a `KubernetesManifests` turns into resources. */
export enum ObjectSelection {
  /** Every object: for clusters where the custom resource definitions are already installed. */
  ALL = 'all',
  /** Only CustomResourceDefinitions: the first stage of a two-stage install. */
  CRDS = 'crds',
  /** Everything but CustomResourceDefinitions: the second stage, planned once the CRDs exist. */
  ALL_BUT_CRDS = 'all-but-crds',
}
