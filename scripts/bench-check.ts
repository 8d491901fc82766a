/**
 * Benchmark: `cdk8s-linkerd check` on a 20 MB directory of manifests, as a compiled node process.
 *
 *   npm run bench -- --benchmark check-cli-20mb [--runs N] [--warmup N] [--size-mb N]
 *
 * The input is built from the committed dist/: the control plane once, and the demo app copied
 * into as many namespaces as it takes to reach the size (about 20 KB each, 50 per file), so that
 * every object is distinct and every rule has work to do. Each run's wall time is taken around
 * the spawn; the child's peak RSS comes from a preload that records
 * `process.resourceUsage().maxRSS` at exit. Prints one JSON line per metric, e.g.
 *
 *   {"benchmark":"check-cli-20mb","metric":"wall_ms_median","value":9120.4,"runs":3,"input_mb":20}
 *
 * and the memory target of the issue (peak RSS <= 5 x input + 100 MB) as `rss_target_mb`.
 * Exits 1 when a run fails (an exit status other than 0 or 1, a signal, a timeout).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const CHECK_BENCHMARK = 'check-cli-20mb';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'lib', 'src', 'cli.js');
const RSS_VAR = 'CDK8S_LINKERD_BENCH_CHECK_RSS';
const PRELOAD = `'use strict';
const file = process.env.${RSS_VAR};
if (file) process.on('exit', () => { require('fs').writeFileSync(file, String(process.resourceUsage().maxRSS)); });
`;

interface Options {
  readonly runs: number;
  readonly warmup: number;
  readonly sizeMb: number;
  readonly timeoutMs: number;
}

function parse(argv: string[]): Options {
  let runs = 3;
  let warmup = 1;
  let sizeMb = 20;
  let timeoutMs = 600_000;
  const count = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') runs = count(a, argv[++i], 1);
    else if (a === '--warmup') warmup = count(a, argv[++i], 0);
    else if (a === '--size-mb') sizeMb = count(a, argv[++i], 1);
    else if (a === '--timeout-ms') timeoutMs = count(a, argv[++i], 1);
  }
  return { runs, warmup, sizeMb, timeoutMs };
}

/** Writes about `sizeMb` MB of manifests into `dir`; returns the exact byte count. */
export function writeCheckInput(dir: string, sizeMb: number): number {
  const dist = path.join(ROOT, 'dist');
  const controlPlane = fs.readFileSync(path.join(dist, '02-linkerd-control-plane.yaml'), 'utf8');
  const demo = fs.readFileSync(path.join(dist, '03-demo.yaml'), 'utf8');
  fs.writeFileSync(path.join(dir, '00-control-plane.yaml'), controlPlane);
  let bytes = Buffer.byteLength(controlPlane);
  let copies: string[] = [];
  let file = 0;
  const flush = () => {
    const text = copies.join('---\n');
    fs.writeFileSync(path.join(dir, `app-${String(file++).padStart(4, '0')}.yaml`), text);
    copies = [];
  };
  for (let n = 0; bytes < sizeMb * 1_000_000; n++) {
    const copy = demo.replace(/\bdemo\b/g, `demo-${n}`);
    copies.push(copy);
    bytes += Buffer.byteLength(copy) + 4;
    if (copies.length === 50) flush();
  }
  if (copies.length > 0) flush();
  return bytes;
}

function runOnce(dir: string, work: string, opts: Options, label: string): { wallMs: number; rssKiB: number } {
  const rssFile = path.join(work, `${label.replace(/\W+/g, '-')}.rss`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(work, 'preload.js'), CLI, 'check', dir, '--now', 'none'], {
    env: { ...process.env, [RSS_VAR]: rssFile }, encoding: 'utf8', timeout: opts.timeoutMs, maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  // Exit 1 means "error findings": the input is read and checked either way.
  if (r.error || r.signal || (r.status !== 0 && r.status !== 1)) {
    throw new Error(`${label}: ${r.error?.message ?? (r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`)}\n${(r.stderr ?? '').slice(-2000)}`);
  }
  const rssKiB = Number(fs.readFileSync(rssFile, 'utf8'));
  return { wallMs, rssKiB };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Runs the benchmark; returns the exit status. */
export function runCheckBenchmark(argv: string[]): number {
  let opts: Options;
  try {
    opts = parse(argv);
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} not found: build first`);
  } catch (e) {
    process.stderr.write(`bench-check: ${(e as Error).message}\n`);
    return 2;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-bench-check-'));
  try {
    fs.writeFileSync(path.join(work, 'preload.js'), PRELOAD);
    const input = path.join(work, 'input');
    fs.mkdirSync(input);
    const bytes = writeCheckInput(input, opts.sizeMb);
    for (let i = 0; i < opts.warmup; i++) runOnce(input, work, opts, `warm-up ${i + 1}`);
    const runs = Array.from({ length: opts.runs }, (_, i) => runOnce(input, work, opts, `run ${i + 1}`));
    const inputMb = round1(bytes / 1_000_000);
    const emit = (metric: string, value: number) => process.stdout.write(`${JSON.stringify({ benchmark: CHECK_BENCHMARK, metric, value: round1(value), runs: runs.length, input_mb: inputMb })}\n`);
    const wall = runs.map((r) => r.wallMs);
    const rss = runs.map((r) => r.rssKiB / 1024);
    emit('wall_ms_median', median(wall));
    emit('wall_ms_min', Math.min(...wall));
    emit('wall_ms_max', Math.max(...wall));
    emit('peak_rss_mb_max', Math.max(...rss));
    emit('peak_rss_mb_median', median(rss));
    emit('rss_target_mb', 5 * (bytes / 1024 / 1024) + 100);
    return 0;
  } catch (e) {
    process.stderr.write(`bench-check: ${(e as Error).message}\n`);
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  process.exitCode = runCheckBenchmark(process.argv.slice(2));
}

/**
 * Splits `npm run bench` arguments: `--benchmark NAME[,NAME]` (repeatable) selects benchmarks
 * (default: all of `names`); `--size-mb N` is this benchmark's own and is kept from the others.
 */
export function selectBenchmarks(argv: string[], names: readonly string[]): { selected: string[]; synthArgs: string[]; checkArgs: string[] } {
  const selected: string[] = [];
  const synthArgs: string[] = [];
  const checkArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--benchmark') {
      const value = argv[++i] ?? '';
      for (const name of value.split(',')) {
        if (!names.includes(name)) throw new Error(`--benchmark: ${JSON.stringify(name)} is not one of ${names.join(', ')}`);
        selected.push(name);
      }
    } else if (argv[i] === '--size-mb') {
      checkArgs.push(argv[i], argv[++i]);
    } else {
      synthArgs.push(argv[i]);
      checkArgs.push(argv[i]);
    }
  }
  return { selected: selected.length > 0 ? selected : [...names], synthArgs, checkArgs };
}
