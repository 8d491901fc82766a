import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { LinkerdValues } from '../control-plane/values';
import type { ProxySettings } from '../proxy/proxy-spec';

/** How a workload joins the mesh. */
export enum MeshMode {
  /**
   * Annotate the pod template (`linkerd.io/inject: enabled` and the `config.linkerd.io/*`
   * overrides); the proxy injector adds the proxy when the pods are created, from the
   * `linkerd-config` in the cluster.
   */
  WEBHOOK = 'webhook',
  /**
   * Write the injected pod into the manifest, as `linkerd inject --manual` does: proxy,
   * proxy-init (or the CNI network validator), volumes, labels and annotations, rendered from
   * this mesh's values by the same builder the control plane uses. No admission webhook needed.
   */
  STATIC = 'static',
}

/**
 * What meshing does with a workload `linkerd inject` refuses: one on the host network, one that
 * already runs another mesh's proxy, or one with `automountServiceAccountToken: false` while
 * token projection is off.
 */
export enum InjectRefusal {
  /** Fail the synth, naming the workload, the field and the fix, as `linkerd inject` exits 1. */
  FAIL = 'fail',
  /**
   * Leave the workload as it is, unmeshed, with a warning (and `skipReason`), as the proxy
   * injector skips such pods at admission.
   */
  SKIP = 'skip',
}

/** Options of `meshNamespace`. */
export interface MeshNamespaceOptions {
  /**
   * Proxy configuration for every pod of the namespace, written as the annotations the
   * injector copies onto them. Only settings pods inherit from namespaces are allowed.
   * @default - the mesh-wide defaults
   */
  readonly proxy?: ProxySettings;
}

/** Options of `meshWorkload`. */
export interface MeshWorkloadOptions {
  /** @default MeshMode.WEBHOOK */
  readonly mode?: MeshMode;
  /**
   * Proxy configuration of this workload, over its namespace's and the mesh-wide defaults.
   * Written on the pod template as `config.linkerd.io/*` annotations in both modes; in static
   * mode also applied to the proxy rendered into the manifest.
   * @default - the namespace's or the mesh-wide defaults
   */
  readonly proxy?: ProxySettings;
  /** A workload the injector would refuse fails the synth, or is left unmeshed. @default InjectRefusal.FAIL */
  readonly onRefusal?: InjectRefusal;
}

/**
 * A Linkerd control plane workloads can join: one synthesized in this app
 * (`LinkerdControlPlane`) or one installed elsewhere (`LinkerdControlPlane.fromInstalled`).
 */
export interface ILinkerdMesh extends IConstruct {
  /** Namespace of the control plane. */
  readonly controlPlaneNamespace: string;
  /** The mesh-wide values the injector renders proxies from (a copy). */
  readonly values: LinkerdValues;
  /**
   * Enables injection for every pod of a Namespace (a cdk8s-plus Namespace or any ApiObject of
   * kind Namespace): `linkerd.io/inject: enabled` (or `ingress`) and the namespace-level proxy
   * configuration. A namespace annotated `linkerd.io/inject: disabled` is left alone, with a
   * warning.
   */
  meshNamespace(namespace: IConstruct, options?: MeshNamespaceOptions): NamespaceMesh;
  /**
   * Meshes one workload: a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod,
   * or any ApiObject with a pod template (`spec.template`, a CronJob's
   * `spec.jobTemplate.spec.template`, or a Pod's own spec), including `Include`d YAML and
   * objects of other cdk8s-plus versions. The pod is read when the object is rendered, so
   * containers added later are seen.
   *
   * As with `linkerd inject`, a workload that already carries Linkerd's proxy is un-injected
   * first and injected again with the current settings (which replace the config annotations of
   * the earlier injection), and a workload without `metadata.namespace` is meshed (its pods are
   * labelled with an empty `linkerd.io/workload-ns`). A workload annotated
   * `linkerd.io/inject: disabled` is left alone, with a warning; one the injector refuses fails
   * the synth unless `onRefusal` says to skip it.
   */
  meshWorkload(workload: IConstruct, options?: MeshWorkloadOptions): WorkloadMesh;
}

/** The outcome of meshing one object, known once the object is rendered. */
export abstract class MeshedObject {
  /** @internal */
  protected _skipReason: string | undefined;

  protected constructor(
    /** The object that is meshed. */
    public readonly apiObject: ApiObject,
  ) {}

  /**
   * Why the object was left as it is (an explicit opt-out, or a refusal skipped with
   * `InjectRefusal.SKIP`), or undefined when it is meshed. Renders the object to find out.
   */
  public get skipReason(): string | undefined {
    this.apiObject.toJson();
    return this._skipReason;
  }

  /** @internal */
  public _skipped(reason: string | undefined): void {
    if (reason !== undefined && this._skipReason !== reason) {
      process.emitWarning(`${this.apiObject.node.path}: not meshed: ${reason}`, { code: 'CDK8S_LINKERD_MESH_SKIPPED' });
    }
    this._skipReason = reason;
  }
}

/** A namespace whose pods the injector meshes. */
export class NamespaceMesh extends MeshedObject {
  /** @internal */
  public constructor(apiObject: ApiObject) {
    super(apiObject);
  }
}

/** A workload in the mesh. */
export class WorkloadMesh extends MeshedObject {
  /** @internal */
  public constructor(
    apiObject: ApiObject,
    /** How the workload is meshed. */
    public readonly mode: MeshMode,
  ) {
    super(apiObject);
  }
}
