import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { CheckOptions, describeObject, formatFinding, runChecks, Severity } from './check';
import { LinkerdConfigError } from './errors';

/** One synthesized manifest file. */
export interface ManifestFile {
  /** File name, prefixed with its position in apply order, e.g. `01-linkerd-crds.yaml`. */
  readonly name: string;
  readonly content: string;
}

/**
 * Validates every construct and renders each chart of the app into one YAML document stream, in
 * dependency order (the order to apply them in). Writes nothing.
 */
export function synthesizeManifests(app: App, options: CheckOptions = {}): ManifestFile[] {
  const errors: string[] = [];
  for (const construct of app.node.findAll()) {
    for (const message of construct.node.validate()) errors.push(`${construct.node.path}: ${message}`);
  }
  if (errors.length > 0) {
    throw new LinkerdConfigError(app, 'validation', errors.join('; '), 'correct the props named above');
  }
  const charts = app.charts;
  const rendered = charts.map((chart) => chart.toJson());
  checkManifests(app, rendered.flat(), options);
  const width = Math.max(2, String(charts.length).length);
  return charts.map((chart: Chart, i: number) => ({
    name: `${String(i + 1).padStart(width, '0')}-${chart.node.id}.yaml`,
    content: Yaml.stringify(...rendered[i]),
  }));
}

/**
 * Runs the library's checks over everything the app renders and fails on any error finding,
 * naming the construct that emitted the object.
 */
function checkManifests(app: App, objects: any[], options: CheckOptions): void {
  const errors = runChecks(objects, options).filter((f) => f.severity === Severity.ERROR);
  if (errors.length === 0) return;
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

/**
 * Runs a synth entry point: builds the app, renders it completely, and only then writes it.
 * Configuration errors are printed as one line naming the construct path and field, with no
 * stack trace, and the process exits 1 with the output directory untouched.
 */
export function runSynth(build: () => App, outdir: string = process.env.CDK8S_OUTDIR ?? 'dist', options: CheckOptions = {}): void {
  try {
    const files = synthesizeManifests(build(), options);
    writeManifests(files, outdir);
    for (const file of files) process.stdout.write(`${path.join(outdir, file.name)}\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cdk8s-linkerd: synth failed, nothing was written.\n${error instanceof LinkerdConfigError ? '' : 'unexpected error: '}${message}\n`);
    if (!(error instanceof LinkerdConfigError) && process.env.CDK8S_LINKERD_DEBUG) {
      process.stderr.write(`${(error as Error).stack}\n`);
    }
    process.exitCode = 1;
  }
}
