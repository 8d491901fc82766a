#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { formatFinding, runChecks, Severity } from './check';

const USAGE = `usage: cdk8s-linkerd check <dir|file>... [--suppress CODE[,CODE]] [--now ISO-DATE] [--horizon-days N]

Reads synthesized Kubernetes YAML and runs cdk8s-linkerd's checks (certificates, proxy
annotations, policy). Exits 1 when any finding is an error, 2 on a usage or read error.`;

/** Every *.yaml / *.yml file below the given paths, sorted. */
function manifestFiles(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name));
    } else if (/\.ya?ml$/.test(p) || paths.includes(p)) {
      files.push(p);
    }
  };
  paths.forEach(walk);
  return files;
}

function readObjects(files: string[]): Array<Record<string, any>> {
  const objects: Array<Record<string, any>> = [];
  for (const file of files) {
    parseAllDocuments(fs.readFileSync(file, 'utf8')).forEach((doc, i) => {
      if (doc.errors.length > 0) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0].message}`);
      const value = doc.toJS();
      if (!value || typeof value !== 'object') return;
      const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
      objects.push(...items);
    });
  }
  return objects;
}

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command !== 'check') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const inputs: string[] = [];
  const suppress: string[] = [];
  let now: Date | undefined;
  let horizon: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--suppress') suppress.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
    else if (arg === '--now') {
      now = new Date(value());
      if (Number.isNaN(now.getTime())) throw new Error('--now needs an ISO 8601 date');
    } else if (arg === '--horizon-days') {
      horizon = Number(value());
      if (!Number.isInteger(horizon) || horizon < 0) throw new Error('--horizon-days needs a whole number');
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else inputs.push(arg);
  }
  if (inputs.length === 0) throw new Error('no manifest directory or file given');
  const objects = readObjects(manifestFiles(inputs));
  // Unlike synth, a check of existing output is about today unless told otherwise.
  const findings = runChecks(objects, { suppress, now: now ?? new Date(), expiryHorizonDays: horizon });
  for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
  const errors = findings.filter((f) => f.severity === Severity.ERROR).length;
  process.stdout.write(`check: ${errors} errors, ${findings.length - errors} warnings over ${objects.length} objects\n`);
  return errors > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`cdk8s-linkerd: ${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
  }
}
