import { Construct, IConstruct } from 'constructs';
import { SynthChecks } from '../gitops/synth-checks';
import { LinkerdValues, MeshIdentityProps, MeshValuesProps, resolveMeshValues } from '../control-plane/values';
import { KeyMaterial, TrustAnchors } from '../identity';
import { cloneJson } from '../json-clone';
import { INSTALLED_CONTROL_PLANE_PROPS } from '../control-plane/control-plane-guards';
import { guardProps } from '../guards';
import * as check from '../validate';
import { ILinkerdMesh, MeshNamespaceOptions, MeshWorkloadOptions, NamespaceMesh, WorkloadMesh } from './mesh';
import { meshNamespace, meshWorkload } from './meshing';

/**
 * How a control plane installed elsewhere (another app, Helm, the CLI) was configured: the same
 * props as `LinkerdControlPlaneProps`, of which only those that shape proxies are read. Passing
 * the props the control plane was synthesized with gives exactly its values.
 */
export interface InstalledControlPlaneProps extends MeshValuesProps {
  /** Namespace of the control plane. @default 'linkerd' */
  readonly namespace?: string;
  /**
   * The mesh's trust anchors (needed by static injection, which inlines them into every proxy)
   * and its trust domain.
   * @default - no anchors: webhook mode only
   */
  readonly identity?: InstalledIdentityProps;
  /** Key material `TrustAnchors.generated()` derives the anchors from. @default - none */
  readonly keyMaterial?: KeyMaterial;
}

/** The identity settings of a control plane installed elsewhere that shape proxies. */
export interface InstalledIdentityProps extends MeshIdentityProps {
  /** The trust anchors, which static injection inlines into every proxy. @default - none: webhook mode only */
  readonly trustAnchors?: TrustAnchors;
}

/** A control plane this app does not synthesize, known by the props it was installed with. */
export class InstalledControlPlane extends Construct implements ILinkerdMesh {
  public readonly controlPlaneNamespace: string;
  private readonly _values: LinkerdValues;

  public constructor(scope: Construct, id: string, props: InstalledControlPlaneProps = {}) {
    super(scope, id);
    SynthChecks.of(this); // every synth of the app runs the library's checks
    guardProps(this, '', props, INSTALLED_CONTROL_PLANE_PROPS);
    this.controlPlaneNamespace = check.dnsLabel(this, 'namespace', props.namespace ?? 'linkerd');
    const values = resolveMeshValues(this, props);
    const anchors = props.identity?.trustAnchors;
    if (anchors !== undefined) {
      values.identityTrustAnchorsPEM = anchors.bind(this, { field: 'identity.trustAnchors', keyMaterial: props.keyMaterial }).pem;
    }
    this._values = values;
  }

  public get values(): LinkerdValues {
    return cloneJson(this._values);
  }

  public meshNamespace(namespace: IConstruct, options?: MeshNamespaceOptions): NamespaceMesh {
    return meshNamespace(namespace, options, this);
  }

  public meshWorkload(workload: IConstruct, options?: MeshWorkloadOptions): WorkloadMesh {
    return meshWorkload(this, workload, options);
  }
}
