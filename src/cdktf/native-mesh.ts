import { ApiObject, App, Chart } from 'cdk8s';
import { LinkerdControlPlane } from '../control-plane';
import { LinkerdCrds } from '../crds';
import { LinkerdConfigError } from '../errors';
import { synthesizeManifests } from '../synth';
import type { LinkerdMeshProps } from './mesh-source';

/** The native mesh of `LinkerdMeshProps`: the CRDs chart, then the control plane depending on it. */
export interface NativeMesh {
  readonly app: App;
  readonly crds: LinkerdCrds;
  readonly controlPlane: LinkerdControlPlane;
}

/**
 * Builds the native mesh as `npm run synth` does (construct ids `linkerd-crds` and
 * `linkerd-control-plane`). Errors about how the two fit together name `scopePath`.
 */
export function buildNativeMesh(props: LinkerdMeshProps, scopePath: string): NativeMesh {
  const app = new App();
  const namespace = props.controlPlane?.namespace ?? 'linkerd';
  const crdsNamespace = props.crds?.controlPlaneNamespace;
  if (crdsNamespace !== undefined && crdsNamespace !== namespace) {
    throw new LinkerdConfigError(scopePath, 'crds.controlPlaneNamespace', `is "${crdsNamespace}" but the control plane's namespace is "${namespace}"`,
      'leave crds.controlPlaneNamespace unset: it follows controlPlane.namespace');
  }
  const crds = new LinkerdCrds(app, 'linkerd-crds', { ...props.crds, controlPlaneNamespace: namespace });
  const controlPlane = new LinkerdControlPlane(app, 'linkerd-control-plane', props.controlPlane);
  controlPlane.addDependency(crds);
  return { app, crds, controlPlane };
}

/** One chart of a synthesized cdk8s app, as Terraform resources need it. */
export interface SourceChart {
  /** Construct id of the chart, e.g. `linkerd-control-plane`. */
  readonly name: string;
  /** Its objects, rendered and checked, in the chart's order. */
  readonly objects: ReadonlyArray<Record<string, any>>;
  /** Indexes (in `MeshSource._charts()`) of the charts that must be applied first. */
  readonly dependsOn: readonly number[];
}

/**
 * Synthesizes an app (with the library's checks) and returns each chart's rendered objects, in
 * the app's chart order. Argo CD sync waves are left out: Terraform orders by dependencies.
 */
export function renderedObjectsByChart(app: App): ReadonlyArray<Record<string, any>>[] {
  // Files come in apply order, named `<position>-<chart id>.yaml`: match them to charts by id.
  const byChartId = new Map(synthesizeManifests(app, { syncWaves: false })
    .map((file) => [file.name.replace(/^\d+-/, '').replace(/\.yaml$/, ''), file.objects]));
  return app.charts.map((chart) => byChartId.get(chart.node.id) ?? []);
}

/** Synthesizes an app (with the library's checks) into its charts, in apply order. */
export function renderCharts(app: App): SourceChart[] {
  const rendered = renderedObjectsByChart(app);
  const charts = app.charts;
  const index = new Map<Chart, number>(charts.map((c, i) => [c, i]));
  return charts.map((chart, i) => ({
    name: chart.node.id,
    objects: rendered[i],
    dependsOn: [...chartDependencies(chart, index)].sort((a, b) => a - b),
  }));
}

/** Charts that any construct of `chart` depends on (chart.addDependency, ApiObject.addDependency), by index. */
function chartDependencies(chart: Chart, index: Map<Chart, number>): Set<number> {
  const own = index.get(chart);
  const found = new Set<number>();
  for (const construct of chart.node.findAll()) {
    for (const dependency of construct.node.dependencies) {
      const owner = dependency instanceof Chart ? dependency : dependency instanceof ApiObject ? dependency.chart : Chart.of(dependency);
      const i = index.get(owner);
      if (i !== undefined && i !== own) found.add(i);
    }
  }
  return found;
}
