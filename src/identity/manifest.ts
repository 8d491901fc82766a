/**
 * A Kubernetes object that an identity source asks the control plane to emit next to the objects
 * that use it: a cert-manager Issuer or Certificate, a trust-manager Bundle. The control plane
 * adds the usual labels and annotations.
 */
export interface IdentityManifest {
  /** e.g. `cert-manager.io/v1`. */
  readonly apiVersion: string;
  /** e.g. `Certificate`. */
  readonly kind: string;
  /** `metadata.name`. */
  readonly name: string;
  /**
   * `metadata.namespace`.
   * @default - none: the object is cluster-scoped
   */
  readonly namespace?: string;
  /**
   * Value of the label `linkerd.io/control-plane-component`.
   * @default - no such label
   */
  readonly component?: string;
  /** The object without `apiVersion`, `kind` and `metadata`, e.g. `{ spec: { … } }`. */
  readonly body: Record<string, unknown>;
}
