#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { formatFinding, listCheckCodes, runChecks, Severity } from './check';
import { DiffCommand } from './gitops/diff-command';

const USAGE = `usage: cdk8s-linkerd check <dir|file>... [options]
       cdk8s-linkerd check --list
       cdk8s-linkerd diff OLD_DIR NEW_DIR [--json]   (see diff --help)

Reads synthesized Kubernetes YAML (every *.yaml / *.yml below a directory) and runs
cdk8s-linkerd's checks: certificates and identity, proxy configuration, policy. Each directory
holding YAML files is one install and is checked on its own, so "check dist" checks dist/ and
each dist/examples/<mode>/ separately.

options:
  --suppress CODE[,CODE]  leave these codes out (repeatable); unknown codes are an error
  --now ISO-DATE|none     judge validity periods at this instant (default: the current time);
                          "none" skips the date-dependent checks
  --horizon-days N        warn about certificates that expire within N days (default 60)
  --json                  print the findings as one JSON document
  --list                  print every check code with its description, and exit
  -h, --help              print this help

exit status: 0 no error findings, 1 at least one error finding, 2 usage or read error`;

/** A usage error: exit status 2, with the usage text. */
class UsageError extends Error {}

/** Every *.yaml / *.yml file below the given paths (or the path itself when it is a file), sorted. */
function manifestFiles(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (p: string, given: boolean) => {
    if (!fs.existsSync(p)) throw new Error(`${p}: no such file or directory`);
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name), false);
    } else if (given || /\.ya?ml$/.test(p)) {
      files.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return files;
}

/** Files grouped by the directory that holds them: each directory is one install. */
function manifestSets(files: string[]): Array<{ directory: string; files: string[] }> {
  const sets = new Map<string, string[]>();
  for (const file of files) {
    const directory = path.dirname(file);
    sets.set(directory, [...(sets.get(directory) ?? []), file]);
  }
  return [...sets].map(([directory, group]) => ({ directory, files: group }));
}

function readObjects(files: string[]): Array<Record<string, any>> {
  const objects: Array<Record<string, any>> = [];
  for (const file of files) {
    parseAllDocuments(fs.readFileSync(file, 'utf8')).forEach((doc, i) => {
      if (doc.errors.length > 0) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0].message}`);
      const value = doc.toJS({ maxAliasCount: -1 });
      if (!value || typeof value !== 'object') return;
      const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
      objects.push(...items);
    });
  }
  return objects;
}

interface CheckArguments {
  readonly inputs: string[];
  readonly suppress: string[];
  /** undefined: the current time; null: no date-dependent checks. */
  readonly now?: Date | null;
  readonly horizon?: number;
  readonly json: boolean;
  readonly list: boolean;
  readonly help: boolean;
}

function parseArguments(rest: string[]): CheckArguments {
  const inputs: string[] = [];
  const suppress: string[] = [];
  let now: Date | null | undefined;
  let horizon: number | undefined;
  let json = false;
  let list = false;
  let help = false;
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
    } else if (arg === '--json') json = true;
    else if (arg === '--list') list = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else inputs.push(arg);
  }
  return { inputs, suppress, now, horizon, json, list, help };
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
      return DiffCommand.run(rest, (input) => manifestSets(manifestFiles([input])).map((s) => ({ directory: s.directory, objects: readObjects(s.files) })), out, err);
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
    const sets = manifestSets(manifestFiles(args.inputs));
    const results = sets.map(({ directory, files }) => {
      const objects = readObjects(files);
      const findings = runChecks(objects, { suppress: args.suppress, now, expiryHorizonDays: args.horizon });
      return { directory, objects: objects.length, findings, errors: findings.filter((f) => f.severity === Severity.ERROR).length };
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
    err(`cdk8s-linkerd: ${(error as Error).message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
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
