/**
 * `npm run bench`: speed and memory of synthesizing, as compiled node processes, printed as one
 * JSON line per result.
 *
 *   npm run bench [-- --only default,core,scale,check] [--runs N] [--core-runs N] [--scale-runs N]
 *                    [--workloads 100,500,2000,5000] [--modes webhook,static] [--check-mb N] [--timeout-ms MS]
 *
 * - `default`: `npm run synth`'s app (lib/src/main.js: the demo mesh and the examples).
 * - `core`: the core install (CRDs + control plane, identity certificates brought as PEM,
 *   scripts/bench/core-install.ts) against `helm template` of the same two official charts with
 *   the reference values, and against the floor (node starting and loading cdk8s). Runs are
 *   paired: each round runs all three, in an order that alternates, and the speed-ups are the
 *   medians of the per-round ratios, so that load from elsewhere on the machine hits both sides.
 *   Needs ../shared (helm, charts, reference values); without it only our side is measured.
 * - `scale`: an app of N workloads (scripts/bench/scale-app.ts) in webhook and static mode, each
 *   round next to the same workloads in plain cdk8s (the floor), with the size of
 *   mesh-policy.json; then time(largest N) / time(500) per mode.
 * - `check`: `cdk8s-linkerd check` on about 20 MB of manifests (scripts/bench/check-input.ts),
 *   with the memory target of the hardened reader (peak RSS <= 5 x input + 100 MB).
 *
 * Wall time is taken around the spawn; CPU (user + system) and peak RSS come from GNU time, or
 * from a preload in node children. CPU time is the steadier number on a shared machine.
 * Exits 1 when any run fails; the failure is printed as a JSON line with `error` and the rest goes on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeCheckInput } from './bench/check-input';
import { Command, median, Measurement, Meter, round } from './bench/measure';

const ROOT = path.resolve(__dirname, '..', '..');
const LIB = path.resolve(__dirname, '..');
const SHARED = path.resolve(ROOT, '..', 'shared');
const HELM = path.join(SHARED, 'tools', 'helm');
const CHARTS = path.join(SHARED, 'charts', 'edge-26.8.3');
const REFERENCE = path.join(SHARED, 'reference', 'edge-26.8.3');

const SUITES = ['default', 'core', 'scale', 'check'] as const;
type Suite = typeof SUITES[number];
const MODES = ['webhook', 'static'] as const;
type Mode = typeof MODES[number];

interface Options {
  readonly only: Suite[];
  readonly runs: number;
  readonly coreRuns: number;
  readonly scaleRuns: number;
  readonly workloads: number[];
  readonly modes: Mode[];
  readonly checkMb: number;
  readonly timeoutMs: number;
}

function usage(): string {
  return 'usage: bench [--only default,core,scale,check] [--runs N (default 5)] [--core-runs N (default 7)] [--scale-runs N (default 1)]'
    + ' [--workloads 100,500,2000,5000] [--modes webhook,static] [--check-mb N (default 20)] [--timeout-ms MS (default 900000)]';
}

function parseArgs(argv: string[]): Options {
  const opts = { only: [...SUITES] as Suite[], runs: 5, coreRuns: 7, scaleRuns: 1, workloads: [100, 500, 2000, 5000], modes: [...MODES] as Mode[], checkMb: 20, timeoutMs: 900_000 };
  const count = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  const list = <T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T[] => {
    const items = (v ?? '').split(',').filter(Boolean);
    const bad = items.filter((x) => !allowed.includes(x as T));
    if (items.length === 0 || bad.length > 0) throw new Error(`${flag} takes a comma-separated list of ${allowed.join(', ')}; got ${v ?? 'nothing'}`);
    return items as T[];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') opts.only = list(a, argv[++i], SUITES);
    else if (a === '--runs') opts.runs = count(a, argv[++i], 1);
    else if (a === '--core-runs') opts.coreRuns = count(a, argv[++i], 1);
    else if (a === '--scale-runs') opts.scaleRuns = count(a, argv[++i], 1);
    else if (a === '--modes') opts.modes = list(a, argv[++i], MODES);
    else if (a === '--timeout-ms') opts.timeoutMs = count(a, argv[++i], 1);
    else if (a === '--check-mb') opts.checkMb = count(a, argv[++i], 1);
    else if (a === '--workloads') opts.workloads = (argv[++i] ?? '').split(',').map((x) => count(a, x, 2));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Medians of a list of measurements, as printed fields with a prefix. */
function summary(prefix: string, ms: readonly Measurement[]): Record<string, number> {
  return {
    [`${prefix}wall_ms`]: round(median(ms.map((m) => m.wallMs))),
    [`${prefix}cpu_ms`]: round(median(ms.map((m) => m.cpuMs))),
    [`${prefix}peak_rss_mb`]: round(median(ms.map((m) => m.rssMb))),
  };
}

/** Median over rounds of a[i] / b[i]. */
function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return round(median(a.map((x, i) => x / b[i])), 2);
}

const node = (script: string, ...args: string[]) => ({ file: process.execPath, args: [path.join(LIB, script), ...args] });

class Bench {
  public failed = false;

  public constructor(private readonly meter: Meter, private readonly opts: Options) {}

  /** Runs one command per round for each label; a failing label stops being run and is reported. */
  public rounds(rounds: number, commands: Record<string, Omit<Command, 'label' | 'timeoutMs'>>, report: (results: Record<string, Measurement[]>, errors: Record<string, string>) => void): void {
    const labels = Object.keys(commands);
    const results: Record<string, Measurement[]> = Object.fromEntries(labels.map((l) => [l, []]));
    const errors: Record<string, string> = {};
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so that neither side always runs first (warm page cache, load spikes).
      const order = r % 2 === 0 ? labels : [...labels].reverse();
      for (const label of order) {
        if (errors[label]) continue;
        try {
          results[label].push(this.meter.run({ ...commands[label], label, timeoutMs: this.opts.timeoutMs }));
        } catch (e) {
          errors[label] = (e as Error).message;
          process.stderr.write(`bench: ${errors[label]}\n`);
          this.failed = true;
        }
      }
    }
    report(results, errors);
  }

  public defaultSynth(): void {
    const main = path.join(LIB, 'src', 'main.js');
    this.rounds(1, { warmup: node('src/main.js') }, () => undefined);
    this.rounds(this.opts.runs, { default: { file: process.execPath, args: [main] } }, (results, errors) => {
      emit({ benchmark: 'synth-default', runs: results.default.length, ...summary('', results.default), ...errorField(errors.default) });
    });
  }

  public core(): void {
    const haveShared = [HELM, path.join(CHARTS, 'linkerd-crds'), path.join(CHARTS, 'linkerd-control-plane'), path.join(REFERENCE, 'values')].every((p) => fs.existsSync(p));
    const certs = haveShared ? path.join(REFERENCE, 'certs') : path.join(ROOT, 'examples', 'pem');
    const commands: Record<string, Omit<Command, 'label' | 'timeoutMs'>> = {
      ours: node('scripts/bench/core-install.js', certs),
      floor: { file: process.execPath, args: ['-e', 'require("cdk8s")'] },
    };
    let helmVersion: string | undefined;
    if (haveShared) {
      helmVersion = spawnSync(HELM, ['version', '--short'], { encoding: 'utf8' }).stdout.trim();
      // Both charts in one shell, as one command, so that one measurement covers both renders.
      const values = path.join(REFERENCE, 'values');
      const template = (release: string, valuesFile: string) => [HELM, 'template', release, path.join(CHARTS, release), '-n', 'linkerd', '-f', path.join(values, valuesFile)]
        .map((a) => `'${a}'`).join(' ');
      commands.helm = { file: '/bin/sh', args: ['-c', `${template('linkerd-crds', 'crds.values.yaml')} > "$CDK8S_OUTDIR/crds.yaml" && ${template('linkerd-control-plane', 'control-plane-default.values.yaml')} > "$CDK8S_OUTDIR/control-plane.yaml"`] };
    } else {
      emit({ benchmark: 'core-install-vs-helm', skipped: `${SHARED} (helm, charts, reference values) not found: measuring our side only` });
    }
    this.rounds(1, commands, () => undefined); // warm-up: page cache, helm's plugin directory
    this.rounds(this.opts.coreRuns, commands, (results, errors) => {
      const ours = results.ours;
      const line: Record<string, unknown> = { benchmark: 'core-install-vs-helm', runs: ours.length, ...summary('ours_', ours), ...summary('floor_', results.floor) };
      if (results.helm) {
        Object.assign(line, { helm: helmVersion, ...summary('helm_', results.helm),
          wall_speedup: pairedRatio(results.helm.map((m) => m.wallMs), ours.map((m) => m.wallMs)),
          cpu_speedup: pairedRatio(results.helm.map((m) => m.cpuMs), ours.map((m) => m.cpuMs)),
          floor_wall_speedup: pairedRatio(results.helm.map((m) => m.wallMs), results.floor.map((m) => m.wallMs)),
          floor_cpu_speedup: pairedRatio(results.helm.map((m) => m.cpuMs), results.floor.map((m) => m.cpuMs)) });
      }
      emit({ ...line, ...errorField(Object.values(errors).join('; ') || undefined) });
    });
  }

  public scale(): void {
    const anchors = fs.existsSync(path.join(REFERENCE, 'certs', 'ca.crt')) ? path.join(REFERENCE, 'certs', 'ca.crt') : path.join(ROOT, 'examples', 'pem', 'ca.crt');
    const wall = new Map<string, number>();
    for (const n of this.opts.workloads) {
      const policyBytes: Record<string, number> = {};
      const commands: Record<string, Omit<Command, 'label' | 'timeoutMs'>> = { plain: node('scripts/bench/scale-app.js', String(n), 'plain') };
      for (const mode of this.opts.modes) {
        commands[mode] = {
          ...node('scripts/bench/scale-app.js', String(n), mode, anchors),
          inspect: (outdir) => { policyBytes[mode] = fs.statSync(path.join(outdir, 'reports', 'mesh-policy.json')).size; },
        };
      }
      this.rounds(this.opts.scaleRuns, commands, (results, errors) => {
        const floor = results.plain;
        emit({ benchmark: 'scale', workloads: n, mode: 'plain-cdk8s', runs: floor.length, ...summary('', floor), ...errorField(errors.plain) });
        for (const mode of this.opts.modes) {
          const ms = results[mode];
          if (ms.length > 0) wall.set(`${mode}/${n}`, median(ms.map((m) => m.wallMs)));
          if (ms.length > 0) wall.set(`${mode}/${n}/cpu`, median(ms.map((m) => m.cpuMs)));
          emit({
            benchmark: 'scale', workloads: n, mode, runs: ms.length, ...summary('', ms),
            wall_vs_floor: pairedRatio(ms.map((m) => m.wallMs), floor.map((m) => m.wallMs)),
            cpu_vs_floor: pairedRatio(ms.map((m) => m.cpuMs), floor.map((m) => m.cpuMs)),
            mesh_policy_json_bytes_per_workload: policyBytes[mode] === undefined ? null : round(policyBytes[mode] / n),
            ...errorField(errors[mode]),
          });
        }
      });
    }
    const largest = Math.max(...this.opts.workloads);
    if (largest === 500 || !this.opts.workloads.includes(500)) return;
    for (const mode of this.opts.modes) {
      const at = (n: number, what = '') => wall.get(`${mode}/${n}${what}`) ?? NaN;
      emit({ benchmark: 'scale-growth', mode, from: 500, to: largest, wall_ratio: round(at(largest) / at(500), 2), cpu_ratio: round(at(largest, '/cpu') / at(500, '/cpu'), 2) });
    }
  }
  public check(work: string): void {
    const input = path.join(work, 'check-input');
    fs.mkdirSync(input);
    const bytes = writeCheckInput(input, this.opts.checkMb);
    // Exit 1 means error findings: the input is read and checked either way.
    const command = { ...node('src/cli.js', 'check', input, '--now', 'none'), okStatuses: [0, 1] };
    this.rounds(1, { warmup: command }, () => undefined);
    this.rounds(this.opts.runs, { check: command }, (results, errors) => {
      const inputMb = bytes / 1024 / 1024;
      emit({ benchmark: 'check-cli', input_mb: round(inputMb), runs: results.check.length, ...summary('', results.check),
        peak_rss_target_mb: round(5 * inputMb + 100), ...errorField(errors.check) });
    });
  }
}

function errorField(error: string | undefined): Record<string, string> {
  return error ? { error: error.split('\n')[0] } : {};
}

function main(argv: string[]): number {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${usage()}\n`);
    return 2;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-bench-'));
  try {
    const bench = new Bench(new Meter(work), opts);
    if (opts.only.includes('default')) bench.defaultSynth();
    if (opts.only.includes('core')) bench.core();
    if (opts.only.includes('scale')) bench.scale();
    if (opts.only.includes('check')) bench.check(work);
    return bench.failed ? 1 : 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
