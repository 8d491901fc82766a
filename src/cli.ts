#!/usr/bin/env node
import { formatFinding, listCheckCodes, runChecks, Severity } from './check';
import { DiffCommand } from './gitops/diff-command';
import {
  DEFAULT_MANIFEST_READ_LIMITS, listManifestSets, ManifestReadError, ManifestReadLimits, readManifestSet, readManifestSets,
} from './check/manifest-reader';
import { redactSecrets } from './errors';

const USAGE = `usage: cdk8s-linkerd check <dir|file>... [options]
       cdk8s-linkerd check --list
       cdk8s-linkerd diff OLD_DIR NEW_DIR [--json]   (see diff --help)

Reads synthesized Kubernetes YAML (every *.yaml / *.yml below a directory) and runs
cdk8s-linkerd's checks: certificates and identity, proxy configuration, policy. Each directory
holding YAML files is one install and is checked on its own, so "check dist" checks dist/ and
each dist/examples/<mode>/ separately.

Safe on untrusted repositories: only regular files inside the given directories are read
(symbolic links that leave them, FIFOs and devices are refused), within size limits.

options:
  --suppress CODE[,CODE]  leave these codes out (repeatable); unknown codes are an error
  --now ISO-DATE|none     judge validity periods at this instant (default: the current time);
                          "none" skips the date-dependent checks
  --horizon-days N        warn about certificates that expire within N days (default 60)
  --json                  print the findings as one JSON document
  --max-file-size MIB     largest manifest file read (default ${DEFAULT_MANIFEST_READ_LIMITS.maxFileBytes / 1024 / 1024})
  --max-total-size MIB    all manifest files together (default ${DEFAULT_MANIFEST_READ_LIMITS.maxTotalBytes / 1024 / 1024})
  --max-files N           manifest files (default ${DEFAULT_MANIFEST_READ_LIMITS.maxFiles})
  --list                  print every check code with its description, and exit
  -h, --help              print this help

exit status: 0 no error findings, 1 at least one error finding, 2 usage or read error`;

/** A usage error: exit status 2, with the usage text. */
class UsageError extends Error {}


interface CheckArguments {
  readonly inputs: string[];
  readonly suppress: string[];
  /** undefined: the current time; null: no date-dependent checks. */
  readonly now?: Date | null;
  readonly horizon?: number;
  readonly json: boolean;
  readonly list: boolean;
  readonly help: boolean;
  readonly limits: ManifestReadLimits;
}

/** A positive size in MiB (fractions allowed), as bytes. */
function mebibytes(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0)) throw new UsageError(`${option} needs a size in MiB greater than 0, not ${JSON.stringify(text)}`);
  return Math.floor(n * 1024 * 1024);
}

function parseArguments(rest: string[]): CheckArguments {
  const inputs: string[] = [];
  const suppress: string[] = [];
  let now: Date | null | undefined;
  let horizon: number | undefined;
  let json = false;
  let list = false;
  let help = false;
  const limits: { -readonly [K in keyof ManifestReadLimits]: ManifestReadLimits[K] } = {};
  for (let i = 0; i < rest.length; i++) {
    const [arg, inline] = rest[i].startsWith('--') && rest[i].includes('=') ? [rest[i].slice(0, rest[i].indexOf('=')), rest[i].slice(rest[i].indexOf('=') + 1)] : [rest[i], undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--suppress') {
      suppress.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
    } else if (arg === '--now') {
      const v = value();
      now = v === 'none' ? null : new Date(v);
      if (now !== null && (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(now.getTime()))) throw new UsageError(`--now needs an ISO 8601 date or "none", not ${JSON.stringify(v)}`);
    } else if (arg === '--horizon-days') {
      const v = value();
      horizon = Number(v);
      if (!/^\d+$/.test(v)) throw new UsageError(`--horizon-days needs a whole number of days, not ${JSON.stringify(v)}`);
    } else if (arg === '--max-file-size') {
      limits.maxFileBytes = mebibytes(arg, value());
    } else if (arg === '--max-total-size') {
      limits.maxTotalBytes = mebibytes(arg, value());
    } else if (arg === '--max-files') {
      const v = value();
      if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--max-files needs a whole number of 1 or more, not ${JSON.stringify(v)}`);
      limits.maxFiles = Number(v);
    } else if (arg === '--json') json = true;
    else if (arg === '--list') list = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else inputs.push(arg);
  }
  return { inputs, suppress, now, horizon, json, list, help, limits };
}

/** Runs the command line; returns the exit status. Output goes to `out`, diagnostics to `err`. */
export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  try {
    const [command, ...rest] = argv;
    if (command === '-h' || command === '--help') {
      out(`${USAGE}\n`);
      return 0;
    }
    if (command === 'diff') {
      return DiffCommand.run(rest, (input) => [...readManifestSets([input])].map((s) => ({ directory: s.directory, objects: s.objects })), out, err);
    }
    if (command !== 'check') throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
    const args = parseArguments(rest);
    if (args.help) {
      out(`${USAGE}\n`);
      return 0;
    }
    if (args.list) {
      const codes = listCheckCodes();
      if (args.json) out(`${JSON.stringify(codes, null, 2)}\n`);
      else for (const c of codes) out(`${c.code}  ${c.description}\n`);
      return 0;
    }
    if (args.inputs.length === 0) throw new UsageError('no manifest directory or file given');
    const known = new Set(listCheckCodes().map((c) => c.code));
    const unknown = args.suppress.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new UsageError(`--suppress: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a check code' : 'are not check codes'} (see --list)`);
    // Unlike synth, a check of existing output is about today unless told otherwise.
    const now = args.now === null ? undefined : args.now ?? new Date();
    // Everything is listed (and every limit checked) before anything is read; then one install
    // at a time is read and checked, and only its findings are kept.
    const sets = listManifestSets(args.inputs, args.limits);
    const results = sets.map((listing) => {
      const set = readManifestSet(listing, args.limits);
      const findings = runChecks(set.objects, { suppress: args.suppress, now, expiryHorizonDays: args.horizon });
      return { directory: set.directory, objects: set.objects.length, findings, errors: findings.filter((f) => f.severity === Severity.ERROR).length };
    });
    const errors = results.reduce((n, r) => n + r.errors, 0);
    const findingCount = results.reduce((n, r) => n + r.findings.length, 0);
    const objectCount = results.reduce((n, r) => n + r.objects, 0);
    const summary = `check: ${errors} errors, ${findingCount - errors} warnings over ${objectCount} objects`;
    if (args.json) {
      out(`${JSON.stringify({
        findings: results.flatMap((r) => r.findings.map((f) => (sets.length > 1 ? { ...f, set: r.directory } : f))),
        errors, warnings: findingCount - errors, objects: objectCount, now: now?.toISOString() ?? null,
      }, null, 2)}\n`);
    } else {
      for (const r of results) {
        for (const f of r.findings) out(`${sets.length > 1 ? `[${r.directory}] ` : ''}${formatFinding(f)}\n`);
      }
      out(`${summary}${sets.length > 1 ? ` in ${sets.length} sets` : ''}\n`);
    }
    return errors > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof ManifestReadError) {
      err(`cdk8s-linkerd: cannot check the manifests:\n${error.problems.map((p) => `  ${redactSecrets(p)}`).join('\n')}\n`);
      return 2;
    }
    err(`cdk8s-linkerd: ${redactSecrets((error as Error).message)}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
    return 2;
  }
}

if (require.main === module) {
  // `cdk8s-linkerd check --list | head`: a closed pipe is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = main(process.argv.slice(2));
}
