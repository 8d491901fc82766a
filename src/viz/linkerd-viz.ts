import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LinkerdControlPlane } from '../control-plane/linkerd-control-plane';
import { ILinkerdMesh } from '../mesh/mesh';
import { Client } from '../policy/client';
import { announceMetricsScraper } from '../policy/metrics-scrapers';
import { ServiceAccountRef } from '../policy/references';
import { vizContext } from './context';
import { renderDeployments } from './deployments';
import { renderNamespace } from './namespace';
import { renderPolicies } from './policies';
import { renderPrometheusConfig } from './prometheus-config';
import { renderRbac } from './rbac';
import { renderServiceAccounts } from './service-accounts';
import { renderServiceProfiles } from './service-profiles';
import { renderServices } from './services';
import { resolveVizConfig } from './viz-config';
import { LinkerdVizProps } from './viz-props';
import { renderApiService, renderServingCertificates, renderTapInjectorWebhook } from './webhooks';

const VIZ_MARKER = Symbol.for('cdk8s-linkerd.LinkerdViz');

/**
 * The linkerd-viz extension (edge-26.8.3) in a chart of its own: the metrics API, tap and its
 * injector, the web dashboard and a bundled (or external) Prometheus, with their RBAC, Services,
 * the tap APIService and injector webhook, ServiceProfiles and the extension's own inbound
 * policy. Deterministic like the control plane: the tap and injector certificates come from key
 * material, so the same props give byte-identical manifests.
 *
 * Upstream's Helm chart finishes its install with a post-install hook Job that labels the
 * namespace; this construct emits the Namespace with that metadata instead, so there is no hook.
 */
export class LinkerdViz extends Chart {
  /** Whether `x` is a LinkerdViz (`instanceof` is true for every cdk8s Chart). */
  public static isLinkerdViz(x: unknown): x is LinkerdViz {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[VIZ_MARKER] === true;
  }

  /** Namespace of the extension. */
  public readonly vizNamespace: string;
  /** URL the metrics API queries Prometheus at. */
  public readonly prometheusUrl: string;
  /**
   * The mesh identity that scrapes proxy metrics for viz (its Prometheus, or the external one's
   * `scrapedBy`); a `MeshPolicy` of the same app admits it wherever it denies by default.
   */
  public readonly metricsScraper?: Client;
  /** The control plane viz extends. */
  public readonly controlPlane: ILinkerdMesh;

  public constructor(scope: Construct, id: string, props: LinkerdVizProps = {}) {
    super(scope, id);
    Object.defineProperty(this, VIZ_MARKER, { value: true });
    const mesh = props.controlPlane ?? LinkerdControlPlane.fromInstalled(this, 'control-plane');
    this.controlPlane = mesh;
    const config = resolveVizConfig(this, props, mesh);
    this.vizNamespace = config.namespace;
    this.prometheusUrl = config.prometheusUrl;
    this.metricsScraper = config.prometheus.bundled
      ? Client.meshTls(ServiceAccountRef.fromName('prometheus', config.namespace))
      : config.prometheus.scrapedBy;
    // Extensions are applied after the control plane whose injector meshes their pods.
    if (mesh instanceof Chart && mesh.node.root === this.node.root) this.addDependency(mesh);
    // (`instanceof` does not tell charts apart: cdk8s answers it for any Chart.)
    const keys: LinkerdControlPlane['_keys'] = (mesh as Partial<Pick<LinkerdControlPlane, '_keys'>>)._keys ?? {};

    // Objects are created in this order, and their construct ids are fixed: both shape the output.
    const ctx = vizContext(this, config);
    if (props.createNamespace ?? true) renderNamespace(ctx);
    renderServiceAccounts(ctx);
    const tls = renderServingCertificates(ctx, {
      tap: props.tap?.tls,
      tapInjector: props.tapInjector?.tls,
      keyMaterial: props.keyMaterial ?? keys.keyMaterial,
      emitGeneratedPrivateKeys: props.emitGeneratedPrivateKeys ?? keys.emitGeneratedPrivateKeys,
    });
    renderPrometheusConfig(ctx);
    renderRbac(ctx);
    renderServices(ctx);
    renderApiService(ctx, tls);
    renderTapInjectorWebhook(ctx, tls);
    renderDeployments(ctx, mesh);
    renderPolicies(ctx);
    renderServiceProfiles(ctx);
    if (this.metricsScraper) announceMetricsScraper(this, this.metricsScraper);
  }
}
