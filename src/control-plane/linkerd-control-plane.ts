import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { cloneJson } from '../json-clone';
import { SynthChecks } from '../gitops/synth-checks';
import { guardProps, required } from '../guards';
import { KeyMaterial } from '../identity';
import { ProxyBuilder } from '../proxy/proxy-builder';
import { InstalledControlPlane, InstalledControlPlaneProps } from '../mesh/installed-control-plane';
import { ILinkerdMesh, MeshNamespaceOptions, MeshWorkloadOptions, NamespaceMesh, WorkloadMesh } from '../mesh/mesh';
import { meshNamespace, meshWorkload } from '../mesh/meshing';
import * as check from '../validate';
import { renderCertManagerObjects, renderIdentityObjects, resolveCertificates } from './certificates';
import { controlPlaneContext } from './context';
import { LINKERD_CONTROL_PLANE_PROPS } from './control-plane-guards';
import { LinkerdControlPlaneProps } from './control-plane-props';
import { renderDestination } from './destination';
import { renderDisruptionBudgets } from './disruption-budgets';
import { renderHeartbeat } from './heartbeat-cronjob';
import { renderIdentity } from './identity-controller';
import { renderConfig } from './linkerd-config';
import { renderNamespace } from './namespace';
import { renderPodMonitors } from './pod-monitors';
import { renderProxyInjector } from './proxy-injector';
import { renderRbac } from './rbac-objects';
import { resolveControlPlaneValues } from './resolve-values';
import { renderServiceAccounts } from './service-accounts';
import { renderServices } from './services';
import { LinkerdValues } from './values';
import { renderWebhookConfigurations, renderWebhookSecrets } from './webhooks';

/**
 * The Linkerd control plane (edge-26.8.3): identity, destination with the policy controller and
 * the ServiceProfile validator, the proxy injector, the heartbeat, their RBAC, Services and
 * webhooks, and the `linkerd-config` document the injector reads. Output is deterministic: the
 * same props give byte-identical manifests.
 */
export class LinkerdControlPlane extends Chart implements ILinkerdMesh {
  /**
   * A control plane installed elsewhere (another app, Helm, the CLI), for meshing workloads of
   * this app: give the props it was installed with (the LinkerdControlPlaneProps themselves
   * will do); only those that shape proxies are read, and nothing is emitted.
   */
  public static fromInstalled(scope: Construct, id: string, props: InstalledControlPlaneProps = {}): ILinkerdMesh {
    return new InstalledControlPlane(scope, id, props);
  }

  /** Namespace of the control plane. */
  public readonly controlPlaneNamespace: string;
  /**
   * The resolved values tree (the content of `linkerd-config`'s `values`, plus private keys
   * never written there). Returned as a copy.
   */
  public get values(): LinkerdValues {
    return cloneJson(this._values);
  }

  /** The proxy builder configured with this mesh's defaults, for meshing workloads. */
  public readonly proxyBuilder: ProxyBuilder;

  /**
   * The key material and whether its generated keys may be emitted, for extensions installed with
   * this control plane (linkerd-viz's webhook certificates).
   * @internal
   */
  public readonly _keys: { readonly keyMaterial?: KeyMaterial; readonly emitGeneratedPrivateKeys?: boolean };

  private readonly _values: LinkerdValues;

  /** Enables injection for every pod of a namespace; see `ILinkerdMesh.meshNamespace`. */
  public meshNamespace(namespace: IConstruct, options?: MeshNamespaceOptions): NamespaceMesh {
    return meshNamespace(namespace, options, this);
  }

  /** Meshes one workload, by annotation or statically; see `ILinkerdMesh.meshWorkload`. */
  public meshWorkload(workload: IConstruct, options?: MeshWorkloadOptions): WorkloadMesh {
    return meshWorkload(this, workload, options);
  }

  public constructor(scope: Construct, id: string, props: LinkerdControlPlaneProps) {
    super(scope, id);
    SynthChecks.of(this); // every synth of the app runs the library's checks
    guardProps(this, '', props, required(LINKERD_CONTROL_PLANE_PROPS));
    this.controlPlaneNamespace = check.dnsLabel(this, 'namespace', props.namespace ?? 'linkerd');
    const values = resolveControlPlaneValues(this, this.controlPlaneNamespace, props);
    this._values = values;
    this._keys = { keyMaterial: props.keyMaterial, emitGeneratedPrivateKeys: props.emitGeneratedPrivateKeys };
    if (props.cniPlugin) {
      props.cniPlugin._checkAgreesWith(this, values);
      this.addDependency(props.cniPlugin);
    } else if (values.cniEnabled) {
      process.emitWarning(`${this.node.path}: cni: true, but no cniPlugin: the linkerd2-cni plugin must be installed separately, before the control plane, with the mesh's proxy ports and uid`,
        { code: 'CDK8S_LINKERD_CNI' });
    }
    this.proxyBuilder = new ProxyBuilder(values);
    const ctx = controlPlaneContext(this, this.controlPlaneNamespace, values);

    // Objects are created in this order, and their construct ids are fixed: both shape the output.
    const tls = resolveCertificates(ctx, props);
    if (props.createNamespace ?? true) renderNamespace(ctx);
    renderServiceAccounts(ctx);
    const webhookSecrets = renderWebhookSecrets(ctx, tls.webhooks);
    renderIdentityObjects(ctx, tls.issuer);
    renderCertManagerObjects(ctx, tls.manifests);
    const config = renderConfig(ctx);
    renderRbac(ctx);
    renderServices(ctx);
    const webhookConfigs = renderWebhookConfigurations(ctx, tls.webhooks);
    renderDestination(ctx, [...webhookSecrets.filter((s) => s.name !== 'linkerd-proxy-injector-k8s-tls'), ...webhookConfigs.slice(1)]);
    renderIdentity(ctx);
    renderProxyInjector(ctx, [config, ...webhookSecrets.filter((s) => s.name === 'linkerd-proxy-injector-k8s-tls'), webhookConfigs[0]]);
    renderDisruptionBudgets(ctx);
    renderHeartbeat(ctx);
    renderPodMonitors(ctx);
  }
}
