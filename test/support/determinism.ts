/**
 * Helpers for determinism tests: run a compiled script in a controlled environment (time zone,
 * locale, a stopped clock) and fingerprint the files it writes.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The preload that replaces the global Date; see the file for what it fakes. */
export const FAKE_CLOCK = path.join(__dirname, 'fake-clock.js');
/** The variable the preload reads the fake "now" from. */
export const FAKE_NOW_VAR = 'CDK8S_LINKERD_FAKE_NOW';

/** Variables the child inherits from this process; everything else comes from `env`. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'SystemRoot'];

export interface RunNodeOptions {
  /** Stop the child's clock at this instant (ISO 8601, e.g. `2031-01-01T00:00:00Z`). @default - the real clock */
  readonly fakeDate?: string;
  /** Working directory of the child. @default - this process's */
  readonly cwd?: string;
  /** Give up after this long (the result then has status null). @default 120000 */
  readonly timeoutMs?: number;
}

export interface RunNodeResult {
  /** Exit code; null when the child was killed (signal or timeout). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node <scriptPath> <args>` synchronously. The child's environment is `env` on top of a
 * minimal base (PATH, HOME, TMPDIR from this process, plus `TZ=UTC` and `LANG=C` unless `env` sets
 * them), so the ambient environment cannot leak into what is measured.
 */
export function runNode(scriptPath: string, args: string[] = [], env: Record<string, string> = {}, options: RunNodeOptions = {}): RunNodeResult {
  const base: Record<string, string> = { TZ: 'UTC', LANG: 'C' };
  for (const k of INHERITED) {
    const v = process.env[k];
    if (v !== undefined) base[k] = v;
  }
  const childEnv: Record<string, string> = { ...base, ...env };
  const nodeArgs: string[] = [];
  if (options.fakeDate !== undefined) {
    if (Number.isNaN(Date.parse(options.fakeDate))) throw new Error(`runNode: fakeDate is not a date: ${options.fakeDate}`);
    nodeArgs.push('--require', FAKE_CLOCK);
    childEnv[FAKE_NOW_VAR] = options.fakeDate;
  }
  const r = spawnSync(process.execPath, [...nodeArgs, scriptPath, ...args], {
    cwd: options.cwd,
    env: childEnv,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * sha256 of every regular file below `dir`, keyed by its path relative to `dir` with `/`
 * separators, in sorted order. Symbolic links and other special files are listed with the
 * value `symlink -> <target>` / `special`, so they cannot hide in a comparison.
 */
export function hashDirectory(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string): void => {
    for (const name of fs.readdirSync(abs).sort()) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(a);
      if (st.isDirectory()) walk(a, r);
      else if (st.isFile()) out[r] = createHash('sha256').update(fs.readFileSync(a)).digest('hex');
      else if (st.isSymbolicLink()) out[r] = `symlink -> ${fs.readlinkSync(a)}`;
      else out[r] = 'special';
    }
  };
  walk(dir, '');
  return Object.fromEntries(Object.keys(out).sort().map(k => [k, out[k]]));
}
