import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { Finding, formatFinding } from './check';
import { LinkerdConfigError, redactSecrets } from './errors';
import { Kustomization, OutputDirectory, RenderedObject, SyncWaves, SynthChecks, SynthChecksProps } from './gitops';
import { inRenderPass } from './mesh/render-pass';
import { policyGraph } from './policy';
import { stringifyManifests } from './yaml';

/** One synthesized manifest file. */
export interface ManifestFile {
  /** File name, prefixed with its position in apply order, e.g. `01-linkerd-crds.yaml`. */
  readonly name: string;
  readonly content: string;
  /** The objects in the file, as rendered (empty for files that are not manifests). */
  readonly objects: ReadonlyArray<Record<string, any>>;
}

/** Options of a synth: how the checks judge it, and how the output is laid out. */
export interface SynthOptions extends SynthChecksProps {
  /**
   * Annotate every object with its Argo CD sync wave (`argocd.argoproj.io/sync-wave`, see
   * `SyncPhase`) and, where it needs it, `argocd.argoproj.io/sync-options: ServerSideApply=true`.
   * Files and objects are in apply order either way.
   * @default true
   */
  readonly syncWaves?: boolean;
  /**
   * Where `mesh-policy.md` and `mesh-policy.json` (who may talk to whom) go, written only when the
   * install has policy. A relative path is taken from the output directory's parent, so the
   * default lands beside it (`dist/` -> `reports/`).
   * @default 'reports'
   */
  readonly reportsDirectory?: string;
}

/** What synthesizing one app gives. */
interface SynthesizedApp {
  readonly files: ManifestFile[];
  readonly warnings: Finding[];
  readonly objects: number;
}

/**
 * Validates every construct, runs the library's checks (`SynthChecks`) and renders each chart of
 * the app into one YAML document stream, in dependency order: files are numbered by the phases of
 * their objects (CRDs, then the control plane, then workloads and policy), respecting explicit
 * chart dependencies, whatever the construction order; objects within a file are in sync-wave
 * order. Writes nothing; throws a LinkerdConfigError on the first problem.
 */
export function synthesizeManifests(app: App, options: SynthOptions = {}): ManifestFile[] {
  // One render pass: each shared rendering and tree index is made once (src/mesh/render-pass.ts).
  return inRenderPass(() => synthesizeApp(app, options).files);
}

function synthesizeApp(app: App, options: SynthOptions): SynthesizedApp {
  const checks = SynthChecks.of(app);
  const errors: string[] = [];
  for (const construct of app.node.findAll()) {
    // The checks run once below, on what is rendered.
    if (construct === checks) continue;
    for (const message of construct.node.validate()) errors.push(`${construct.node.path}: ${message}`);
  }
  if (errors.length > 0) {
    throw new LinkerdConfigError(app, 'validation', errors.join('; '), 'correct the props named above');
  }
  const charts = app.charts;
  // chart.toJson() validates the whole app again for every chart; the checks are not repeated.
  const rendered = checks._suspended(() => charts.map((chart) => chart.toJson()));
  const outcome = checks.check(withPaths(charts, rendered), options);
  if (outcome.error) throw outcome.error;
  const waves = new SyncWaves(rendered.flat());
  const width = Math.max(2, String(charts.length).length);
  const files = applyOrder(charts, rendered, waves).map((i, position) => {
    const objects = waves.sort(rendered[i]).map((o) => (options.syncWaves === false ? o : waves.annotate(o)));
    return { name: `${String(position + 1).padStart(width, '0')}-${charts[i].node.id}.yaml`, content: stringifyManifests(objects), objects };
  });
  return { files, warnings: outcome.warnings, objects: outcome.objects };
}

/** The rendered objects with the construct paths of their ApiObjects (in the order chart.toJson renders them). */
function withPaths(charts: Chart[], rendered: any[][]): RenderedObject[] {
  return charts.flatMap((chart, i) => {
    const apiObjects = new DependencyGraph(chart.node).topology()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
    const aligned = apiObjects.length === rendered[i].length;
    return rendered[i].map((object, j) => ({ path: aligned ? apiObjects[j].node.path : chart.node.path, object }));
  });
}

/**
 * Chart indexes in apply order: a topological order of the chart dependencies that, among the
 * charts ready to go, takes the one whose objects come latest in the sync waves last (by latest
 * wave, then earliest wave, then construction order).
 */
function applyOrder(charts: Chart[], rendered: any[][], waves: SyncWaves): number[] {
  const index = new Map(charts.map((c, i) => [c as object, i]));
  const rank = rendered.map((objects) => {
    const w = objects.map((o) => waves.waveOf(o));
    return w.length === 0 ? [0, 0] : [Math.max(...w), Math.min(...w)];
  });
  const dependencies = charts.map((c) => new Set(c.node.dependencies.map((d) => index.get(d)).filter((i): i is number => i !== undefined)));
  const placed: number[] = [];
  const done = new Set<number>();
  while (placed.length < charts.length) {
    const ready = charts.map((_, i) => i).filter((i) => !done.has(i) && [...dependencies[i]].every((d) => done.has(d) || d === i));
    // A cycle cannot happen (cdk8s rejects it); fall back to construction order all the same.
    const candidates = ready.length > 0 ? ready : charts.map((_, i) => i).filter((i) => !done.has(i));
    const next = candidates.sort((a, b) => rank[a][0] - rank[b][0] || rank[a][1] - rank[b][1] || a - b)[0];
    placed.push(next);
    done.add(next);
  }
  return placed;
}

/**
 * Writes `files` into `outdir`, replacing or removing only files an earlier synth wrote there
 * (see `OutputDirectory`): foreign files survive, and a directory that is not safe to write is
 * refused before anything is written.
 */
export function writeManifests(files: ManifestFile[], outdir: string): void {
  new OutputDirectory(outdir).write(files);
}

/** One app to synthesize. */
export interface SynthTarget {
  /** Sub-directory of the output directory, e.g. `examples/cert-manager`. @default - the output directory itself */
  readonly directory?: string;
  /**
   * An output directory of its own instead of (a sub-directory of) the main one, e.g. `argocd`
   * for Argo CD Applications. A relative path is taken from the main output directory's parent.
   * @default - the main output directory
   */
  readonly outdir?: string;
  /**
   * Add a `kustomization.yaml` listing the target's files (`kubectl apply -k`, kustomize bases,
   * Argo CD kustomize sources).
   * @default false
   */
  readonly kustomization?: boolean;
  readonly build: () => App;
}

/** Everything a synth writes, rendered and checked. */
interface SynthPlan {
  /** Files of the main output directory. */
  readonly main: ManifestFile[];
  /** Files of targets with an output directory of their own, by `SynthTarget.outdir`. */
  readonly own: Map<string, ManifestFile[]>;
  /** The policy reports, empty when the install has no policy. */
  readonly reports: ManifestFile[];
  readonly warnings: string[];
  readonly objects: number;
}

/** Reports are written only for installs with policy. */
function hasPolicy(objects: ReadonlyArray<Record<string, any>>): boolean {
  return objects.some((o) => typeof o.apiVersion === 'string' && o.apiVersion.startsWith('policy.linkerd.io/'));
}

/** `mesh-policy.md` and `.json` for an install, none when it has no policy. */
function policyReports(files: ManifestFile[]): ManifestFile[] {
  const manifests = files.flatMap((f) => f.objects);
  if (!hasPolicy(manifests)) return [];
  const graph = policyGraph(manifests);
  return [
    { name: 'mesh-policy.md', content: graph.markdown, objects: [] },
    { name: 'mesh-policy.json', content: `${JSON.stringify(graph.json, null, 2)}\n`, objects: [] },
  ];
}

function planSynth(targets: SynthTarget[], options: SynthOptions): SynthPlan {
  const main: ManifestFile[] = [];
  const own = new Map<string, ManifestFile[]>();
  const warnings: string[] = [];
  let objects = 0;
  let reports: ManifestFile[] | undefined;
  for (const target of targets) {
    const app = target.build();
    // The reports describe the main install: the first target written to the output directory itself.
    const describesInstall = !target.outdir && !target.directory && reports === undefined;
    // One render pass for the app's manifests and its report, which share one policy model.
    const { synthesized, report } = inRenderPass(() => {
      const result = synthesizeApp(app, options);
      return { synthesized: result, report: describesInstall ? policyReports(result.files) : undefined };
    });
    if (report) reports = report;
    objects += synthesized.objects;
    const label = target.outdir ?? target.directory;
    warnings.push(...synthesized.warnings.map((f) => `${label ? `[${label}] ` : ''}${formatFinding(f)}`));
    const kustomization = target.kustomization
      ? [{ name: Kustomization.FILE_NAME, content: new Kustomization({ resources: synthesized.files.map((f) => f.name) }).render(), objects: [] }]
      : [];
    const files = [...synthesized.files, ...kustomization];
    if (target.outdir) {
      own.set(target.outdir, [...(own.get(target.outdir) ?? []), ...files]);
      continue;
    }
    const prefix = target.directory ? `${target.directory.replace(/\/+$/, '')}/` : '';
    main.push(...files.map((f) => ({ ...f, name: `${prefix}${f.name}` })));
  }
  return { main, own, reports: reports ?? [], warnings, objects };
}

/**
 * Renders every target and returns the files of the main output directory (targets without an
 * `outdir` of their own); reports go elsewhere (see `runSynth`). Writes nothing.
 */
export function synthesizeTargets(targets: SynthTarget[], options: SynthOptions = {}): ManifestFile[] {
  return planSynth(targets, options).main;
}

/**
 * Runs a synth entry point: builds the app (or several, each into its own directory), renders
 * and checks everything, checks that every output directory may be written, and only then
 * writes. Check warnings go to stderr; the written files to stdout; a summary line (objects,
 * files, warnings) to stderr. Configuration errors are printed as one line naming the construct
 * path and field, with no stack trace, and the process exits 1 with every directory untouched.
 *
 * Under `cdk8s synth`, which empties its output directory (`CDK8S_OUTDIR`) before running the
 * app, point cdk8s.yaml's `output` at a scratch directory and name the real one here: the files
 * are written safely to `outdir` and copied to the scratch directory for the cdk8s CLI.
 */
export function runSynth(build: (() => App) | SynthTarget[], outdir: string = process.env.CDK8S_OUTDIR ?? 'dist', options: SynthOptions = {}): void {
  try {
    const plan = planSynth(typeof build === 'function' ? [{ build }] : build, options);
    // Other directories sit beside the main one: dist/ -> reports/, argocd/.
    const beside = (p: string) => path.resolve(path.dirname(outdir), p);
    const outputs = [
      { directory: outdir, files: plan.main },
      ...[...plan.own].map(([directory, files]) => ({ directory: beside(directory), files })),
    ];
    // Without policy there is nothing to report: the directory is only written (emptied) when an earlier synth made it.
    const reports = beside(options.reportsDirectory ?? 'reports');
    if (plan.reports.length > 0 || fs.existsSync(reports)) outputs.push({ directory: reports, files: plan.reports });
    const cliOutdir = process.env.CDK8S_OUTDIR;
    const copy = cliOutdir && path.resolve(cliOutdir) !== path.resolve(outdir) ? [{ directory: cliOutdir, files: plan.main }] : [];
    const writes = [...outputs, ...copy].map((o) => ({ ...o, target: new OutputDirectory(o.directory) }));
    for (const w of writes) w.target.check(w.files);
    for (const w of writes) w.target.write(w.files);
    let written = 0;
    for (const o of outputs) {
      for (const file of o.files) process.stdout.write(`${path.join(o.directory, file.name)}\n`);
      written += o.files.length;
    }
    for (const w of plan.warnings) process.stderr.write(`${w}\n`);
    process.stderr.write(`cdk8s-linkerd: ${plan.objects} objects in ${written} files, ${plan.warnings.length} ${plan.warnings.length === 1 ? 'warning' : 'warnings'}\n`);
  } catch (error) {
    // A LinkerdConfigError redacts itself; anything else may echo a key it choked on.
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    process.stderr.write(`cdk8s-linkerd: synth failed, nothing was written.\n${error instanceof LinkerdConfigError ? '' : 'unexpected error: '}${message}\n`);
    if (!(error instanceof LinkerdConfigError) && process.env.CDK8S_LINKERD_DEBUG) {
      process.stderr.write(`${(error as Error).stack}\n`);
    }
    process.exitCode = 1;
  }
}
