/**
 * Runs one command as a child process and measures it: wall time around the spawn, CPU time
 * (user + system) and peak RSS of the child. GNU time (`/usr/bin/time`) reports CPU and RSS for
 * any command when it works here; without it, a node child records `process.resourceUsage()` at
 * exit through a preload, and other commands get wall time only.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const GNU_TIME = '/usr/bin/time';
/** coreutils timeout: kills the measured command itself on time-out (killing GNU time would orphan it). */
const TIMEOUT = '/usr/bin/timeout';
const USAGE_FILE_VAR = 'CDK8S_LINKERD_BENCH_USAGE_FILE';
/** Writes `<wall s> <user s> <sys s> <peak RSS KiB>` to $CDK8S_LINKERD_BENCH_USAGE_FILE when the process exits. */
const USAGE_PRELOAD = `'use strict';
const file = process.env.${USAGE_FILE_VAR};
if (file) {
  delete process.env.${USAGE_FILE_VAR};
  process.on('exit', () => {
    const u = process.resourceUsage();
    require('fs').writeFileSync(file, \`0 \${u.userCPUTime / 1e6} \${u.systemCPUTime / 1e6} \${u.maxRSS}\`);
  });
}
`;

export type UsageProbe = 'gnu-time' | 'node-preload';

export interface Measurement {
  readonly wallMs: number;
  /** user + system; NaN when the probe cannot see the command's usage. */
  readonly cpuMs: number;
  /** NaN when the probe cannot see the command's usage. */
  readonly rssMb: number;
}

export interface Command {
  /** For error messages. */
  readonly label: string;
  /** The executable; `process.execPath` for node scripts. */
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Exit statuses that count as success. @default [0] */
  readonly okStatuses?: readonly number[];
  /** Called before the output directory is removed, e.g. to read what the command wrote there. */
  readonly inspect?: (outdir: string, stdout: string) => void;
}

/** Measures commands; output directories and usage files live in `work`. */
export class Meter {
  public readonly probe: UsageProbe;
  private readonly preload: string;
  private count = 0;

  public constructor(private readonly work: string, probe: UsageProbe | 'auto' = 'auto') {
    this.preload = path.join(work, 'usage-preload.js');
    fs.writeFileSync(this.preload, USAGE_PRELOAD);
    this.probe = probe === 'auto' ? detectProbe(work) : probe;
  }

  /** Runs `command` with CDK8S_OUTDIR set to a fresh directory; throws when it fails. */
  public run(command: Command): Measurement {
    const n = ++this.count;
    const outdir = path.join(this.work, `out-${n}`);
    const usageFile = path.join(this.work, `usage-${n}`);
    fs.mkdirSync(outdir);
    const env: NodeJS.ProcessEnv = { ...process.env, ...command.env, CDK8S_OUTDIR: outdir };
    const node = command.file === process.execPath;
    let file = command.file;
    let args = [...command.args];
    if (this.probe === 'node-preload' && node) {
      args = ['--require', this.preload, ...args];
      env[USAGE_FILE_VAR] = usageFile;
    }
    if (fs.existsSync(TIMEOUT)) {
      args = ['--signal=KILL', `${Math.ceil(command.timeoutMs / 1000)}s`, file, ...args];
      file = TIMEOUT;
    }
    if (this.probe === 'gnu-time') {
      args = ['-f', '%e %U %S %M', '-o', usageFile, file, ...args];
      file = GNU_TIME;
    }
    try {
      const start = process.hrtime.bigint();
      const r = spawnSync(file, args, { env, encoding: 'utf8', timeout: command.timeoutMs + 10_000, maxBuffer: 512 * 1024 * 1024 });
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      // GNU time and timeout exit 128+N when the command dies of signal N.
      const why = r.error ? r.error.message
        : r.signal ? `killed by ${r.signal}${r.signal === 'SIGTERM' ? ` (timeout ${command.timeoutMs} ms?)` : ''}`
          : r.status !== null && r.status > 128 ? `killed by signal ${r.status - 128}${r.status === 137 ? ` (time-out ${command.timeoutMs} ms?)` : ''}`
            : !(command.okStatuses ?? [0]).includes(r.status ?? -1) ? `exit status ${r.status}` : undefined;
      if (why) throw new Error(`${command.label}: ${why}\n${tail(r.stderr)}`);
      command.inspect?.(outdir, r.stdout);
      const usage = fs.existsSync(usageFile) ? lastLine(fs.readFileSync(usageFile, 'utf8')).split(/\s+/).map(Number) : [];
      const [, user, sys, rssKiB] = usage.length === 4 && usage.every(Number.isFinite) ? usage : [NaN, NaN, NaN, NaN];
      if (node && !Number.isFinite(rssKiB)) throw new Error(`${command.label}: no resource usage reported (${this.probe})`);
      return { wallMs, cpuMs: (user + sys) * 1000, rssMb: rssKiB / 1024 };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
      fs.rmSync(usageFile, { force: true });
    }
  }
}

/** GNU time is usable when it runs and writes four numbers with -o (BusyBox time has no -f). */
function detectProbe(work: string): UsageProbe {
  if (!fs.existsSync(GNU_TIME)) return 'node-preload';
  const out = path.join(work, 'probe');
  const r = spawnSync(GNU_TIME, ['-f', '%e %U %S %M', '-o', out, process.execPath, '-e', ''], { encoding: 'utf8' });
  const ok = r.status === 0 && fs.existsSync(out) && /^[\d.]+ [\d.]+ [\d.]+ \d+\s*$/.test(lastLine(fs.readFileSync(out, 'utf8')));
  fs.rmSync(out, { force: true });
  return ok ? 'gnu-time' : 'node-preload';
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function tail(s: string | null | undefined, lines = 20): string {
  const text = (s ?? '').trimEnd();
  if (!text) return '  (no stderr)';
  return text.split('\n').slice(-lines).map((l) => `  | ${l}`).join('\n');
}

export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rounded for printing; NaN becomes null in JSON. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
