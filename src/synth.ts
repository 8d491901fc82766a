import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { CheckOptions, describeObject, Finding, formatFinding, runChecks, Severity } from './check';
import { policyGraph } from './policy';
import { LinkerdConfigError } from './errors';

/** One synthesized manifest file. */
export interface ManifestFile {
  /** File name, prefixed with its position in apply order, e.g. `01-linkerd-crds.yaml`. */
  readonly name: string;
  readonly content: string;
  /** The objects in the file, as rendered (empty for files that are not manifests). */
  readonly objects: ReadonlyArray<Record<string, any>>;
}

/**
 * Validates every construct and renders each chart of the app into one YAML document stream, in
 * dependency order (the order to apply them in). Writes nothing.
 */
export function synthesizeManifests(app: App, options: CheckOptions = {}): ManifestFile[] {
  return renderApp(app, options).files;
}

/** The files of an app, and the warnings its checks found (errors throw). */
function renderApp(app: App, options: CheckOptions): { files: ManifestFile[]; warnings: Finding[] } {
  const errors: string[] = [];
  for (const construct of app.node.findAll()) {
    for (const message of construct.node.validate()) errors.push(`${construct.node.path}: ${message}`);
  }
  if (errors.length > 0) {
    throw new LinkerdConfigError(app, 'validation', errors.join('; '), 'correct the props named above');
  }
  const charts = app.charts;
  const rendered = charts.map((chart) => chart.toJson());
  const warnings = checkManifests(app, rendered.flat(), options);
  const width = Math.max(2, String(charts.length).length);
  const files = charts.map((chart: Chart, i: number) => ({
    name: `${String(i + 1).padStart(width, '0')}-${chart.node.id}.yaml`,
    content: Yaml.stringify(...rendered[i]),
    objects: rendered[i],
  }));
  return { files, warnings };
}

/**
 * Runs the library's checks over everything the app renders and fails on any error finding,
 * naming the construct that emitted the object. Returns the warnings.
 */
function checkManifests(app: App, objects: any[], options: CheckOptions): Finding[] {
  const findings = runChecks(objects, options);
  const errors = findings.filter((f) => f.severity === Severity.ERROR);
  if (errors.length === 0) return findings.filter((f) => f.severity === Severity.WARNING);
  const paths = new Map<string, string>();
  for (const construct of app.node.findAll()) {
    if (construct instanceof ApiObject) paths.set(describeObject(construct.toJson()), construct.node.path);
  }
  const first = errors[0];
  const where = (first.object && paths.get(first.object)) ?? app.node.path;
  throw new LinkerdConfigError(where, first.field ?? first.code, errors.map(formatFinding).join('; '),
    `correct the input, or suppress the code explicitly (${errors.map((f) => f.code).join(', ')}) if it is intended`);
}

/**
 * Replaces `outdir` with exactly these files. The files are written to a sibling directory first
 * and swapped in with renames, so a failure never leaves a half-written output directory.
 */
export function writeManifests(files: ManifestFile[], outdir: string): void {
  const target = path.resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  const previous = `${target}.previous-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    for (const file of files) {
      const destination = path.join(staging, file.name);
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.writeFileSync(destination, file.content);
    }
    const hadTarget = fs.existsSync(target);
    if (hadTarget) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    if (hadTarget) fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** One app to synthesize into a sub-directory of the output. */
export interface SynthTarget {
  /** Sub-directory of the output directory, e.g. `examples/cert-manager`. @default - the output directory itself */
  readonly directory?: string;
  readonly build: () => App;
}

/**
 * Renders every target and adds, for the main target, `mesh-policy.md` and `mesh-policy.json`:
 * who may talk to whom, computed from the same model as the policy checks. Writes nothing.
 */
export function synthesizeTargets(targets: SynthTarget[], options: CheckOptions = {}): ManifestFile[] {
  return renderTargets(targets, options).files;
}

function renderTargets(targets: SynthTarget[], options: CheckOptions): { files: ManifestFile[]; warnings: Finding[] } {
  const warnings: Finding[] = [];
  const files = targets.flatMap(({ directory, build }) => {
    const app = renderApp(build(), options);
    warnings.push(...app.warnings);
    const manifests = app.files;
    if (directory) return manifests.map((f) => ({ ...f, name: `${directory}/${f.name}` }));
    const graph = policyGraph(manifests.flatMap((f) => f.objects));
    return [
      ...manifests,
      { name: 'mesh-policy.md', content: graph.markdown, objects: [] },
      { name: 'mesh-policy.json', content: `${JSON.stringify(graph.json, null, 2)}\n`, objects: [] },
    ];
  });
  return { files, warnings };
}

/**
 * Runs a synth entry point: builds the app (or several, each into its own sub-directory),
 * renders everything completely, and only then writes it. Configuration errors are printed as
 * one line naming the construct path and field, with no stack trace, and the process exits 1
 * with the output directory untouched.
 */
export function runSynth(build: (() => App) | SynthTarget[], outdir: string = process.env.CDK8S_OUTDIR ?? 'dist', options: CheckOptions = {}): void {
  try {
    const { files, warnings } = renderTargets(typeof build === 'function' ? [{ build }] : build, options);
    writeManifests(files, outdir);
    for (const file of files) process.stdout.write(`${path.join(outdir, file.name)}\n`);
    // Warnings do not stop a synth; they are reported as `cdk8s-linkerd check` reports them.
    for (const warning of warnings) process.stdout.write(`${formatFinding(warning)}\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cdk8s-linkerd: synth failed, nothing was written.\n${error instanceof LinkerdConfigError ? '' : 'unexpected error: '}${message}\n`);
    if (!(error instanceof LinkerdConfigError) && process.env.CDK8S_LINKERD_DEBUG) {
      process.stderr.write(`${(error as Error).stack}\n`);
    }
    process.exitCode = 1;
  }
}
