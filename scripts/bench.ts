/**
 * Benchmark: synthesizing the default install as a compiled node process.
 *
 *   npm run bench [-- --runs N] [--script PATH] [--warmup N] [--rss-probe gnu-time|node-preload]
 *   npm run bench -- --benchmark synth-default|check-cli-20mb   (default: both; see scripts/bench-check.ts)
 *
 * Runs `node <script>` (default lib/src/main.js) with CDK8S_OUTDIR set to a fresh temporary
 * directory, once or more to warm up (not measured), then N times. Each run's wall time is taken
 * around the spawn; the child's peak RSS comes from GNU time (`/usr/bin/time -f %M`) when that
 * works here, else from a preload that records `process.resourceUsage().maxRSS` at exit. Prints one
 * JSON line per metric, e.g.
 *
 *   {"benchmark":"synth-default","metric":"wall_ms_median","value":812.4,"runs":7}
 *
 * and exits 1 when any run fails (non-zero exit, signal, timeout, or no files written).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BENCHMARK = 'synth-default';
const GNU_TIME = '/usr/bin/time';
const RSS_FILE_VAR = 'CDK8S_LINKERD_BENCH_RSS_FILE';
/** Writes this process's peak RSS (KiB) to $CDK8S_LINKERD_BENCH_RSS_FILE when it exits. */
const RSS_PRELOAD = `'use strict';
const file = process.env.${RSS_FILE_VAR};
if (file) {
  delete process.env.${RSS_FILE_VAR};
  process.on('exit', () => { require('fs').writeFileSync(file, String(process.resourceUsage().maxRSS)); });
}
`;

interface Options {
  readonly runs: number;
  readonly probe: RssProbe | 'auto';
  readonly warmup: number;
  readonly script: string;
  readonly timeoutMs: number;
}

type RssProbe = 'gnu-time' | 'node-preload';

interface Run {
  readonly wallMs: number;
  readonly rssKiB: number;
}

function usage(): string {
  return 'usage: bench [--runs N (default 7)] [--warmup N (default 1)] [--script PATH (default lib/src/main.js)]'
    + ' [--timeout-ms MS (default 300000)] [--rss-probe auto|gnu-time|node-preload (default auto)]';
}

function parseArgs(argv: string[]): Options {
  let runs = 7;
  let warmup = 1;
  let timeoutMs = 300_000;
  let probe: RssProbe | 'auto' = 'auto';
  let script = path.resolve(__dirname, '..', 'src', 'main.js');
  const count = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}, got ${v ?? 'nothing'}\n${usage()}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') runs = count(a, argv[++i], 1);
    else if (a === '--warmup') warmup = count(a, argv[++i], 0);
    else if (a === '--timeout-ms') timeoutMs = count(a, argv[++i], 1);
    else if (a === '--script' && argv[i + 1]) script = path.resolve(argv[++i]);
    else if (a === '--rss-probe' && ['auto', 'gnu-time', 'node-preload'].includes(argv[i + 1])) probe = argv[++i] as RssProbe | 'auto';
    else if (a === '--help' || a === '-h') {
      process.stdout.write(usage() + '\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${usage()}`);
  }
  if (!fs.existsSync(script)) throw new Error(`script not found: ${script} (build first, or pass --script)`);
  return { runs, warmup, script, timeoutMs, probe };
}

/** GNU time is usable when it runs and writes a number with -o (BusyBox time has no -f). */
function detectProbe(work: string): RssProbe {
  if (!fs.existsSync(GNU_TIME)) return 'node-preload';
  const out = path.join(work, 'probe.rss');
  const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', out, process.execPath, '-e', ''], { encoding: 'utf8' });
  const ok = r.status === 0 && fs.existsSync(out) && /^\d+\s*$/.test(lastLine(fs.readFileSync(out, 'utf8')));
  fs.rmSync(out, { force: true });
  return ok ? 'gnu-time' : 'node-preload';
}

function runOnce(opts: Options, probe: RssProbe, work: string, label: string): Run {
  const outdir = fs.mkdtempSync(path.join(work, 'out-'));
  const rssFile = path.join(work, `${path.basename(outdir)}.rss`);
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: outdir };
  let cmd: string;
  let args: string[];
  if (probe === 'gnu-time') {
    cmd = GNU_TIME;
    args = ['-f', '%M', '-o', rssFile, process.execPath, opts.script];
  } else {
    cmd = process.execPath;
    args = ['--require', path.join(work, 'rss-preload.js'), opts.script];
    env[RSS_FILE_VAR] = rssFile;
  }
  try {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: opts.timeoutMs, maxBuffer: 256 * 1024 * 1024 });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;

    // GNU time exits 128+N when the command dies of signal N.
    const why = r.error ? r.error.message
      : r.signal ? `killed by ${r.signal}`
        : probe === 'gnu-time' && r.status !== null && r.status > 128 ? `killed by signal ${r.status - 128}`
          : r.status !== 0 ? `exit status ${r.status}` : undefined;
    if (why) throw new Error(`${label}: ${why}\n${tail(r.stderr)}`);
    if (countFiles(outdir) === 0) throw new Error(`${label}: wrote no files to CDK8S_OUTDIR (${outdir})\n${tail(r.stderr)}`);
    const rss = fs.existsSync(rssFile) ? Number(lastLine(fs.readFileSync(rssFile, 'utf8'))) : NaN;
    if (!Number.isFinite(rss) || rss <= 0) throw new Error(`${label}: no peak RSS reported (${probe})`);
    return { wallMs, rssKiB: rss };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(rssFile, { force: true });
  }
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function tail(s: string | null | undefined, lines = 20): string {
  const text = (s ?? '').trimEnd();
  if (!text) return '  (no stderr)';
  return text.split('\n').slice(-lines).map(l => `  | ${l}`).join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function main(argv: string[]): number {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-bench-'));
  try {
    fs.writeFileSync(path.join(work, 'rss-preload.js'), RSS_PRELOAD);
    const probe = opts.probe === 'auto' ? detectProbe(work) : opts.probe;
    for (let i = 0; i < opts.warmup; i++) runOnce(opts, probe, work, `warm-up ${i + 1}`);
    const runs: Run[] = [];
    for (let i = 0; i < opts.runs; i++) runs.push(runOnce(opts, probe, work, `run ${i + 1}/${opts.runs}`));

    const wall = runs.map(r => r.wallMs);
    const rssMb = runs.map(r => r.rssKiB / 1024);
    const emit = (metric: string, value: number, extra: Record<string, string> = {}): void => {
      process.stdout.write(JSON.stringify({ benchmark: BENCHMARK, metric, value: round1(value), runs: runs.length, ...extra }) + '\n');
    };
    emit('wall_ms_median', median(wall));
    emit('wall_ms_min', Math.min(...wall));
    emit('wall_ms_max', Math.max(...wall));
    emit('peak_rss_mb_max', Math.max(...rssMb), { rss_probe: probe });
    emit('peak_rss_mb_median', median(rssMb), { rss_probe: probe });
    emit('peak_rss_mb_min', Math.min(...rssMb), { rss_probe: probe });
    return 0;
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // Two benchmarks, selectable with --benchmark: this file's, and the check CLI's (scripts/bench-check.ts).
  const { CHECK_BENCHMARK, runCheckBenchmark, selectBenchmarks } = require('./bench-check') as typeof import('./bench-check');
  try {
    const { selected, synthArgs, checkArgs } = selectBenchmarks(process.argv.slice(2), [BENCHMARK, CHECK_BENCHMARK]);
    let status = selected.includes(BENCHMARK) ? main(synthArgs) : 0;
    if (status === 0 && selected.includes(CHECK_BENCHMARK)) status = runCheckBenchmark(checkArgs);
    process.exitCode = status;
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
