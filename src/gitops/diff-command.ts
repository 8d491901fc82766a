import * as path from 'node:path';
import { UpgradeDiff } from './upgrade-diff';

/** The objects of one directory of YAML (one install), as the CLI's reader returns them. */
export interface ManifestSet {
  readonly directory: string;
  readonly objects: Array<Record<string, any>>;
}

export const DIFF_USAGE = `usage: cdk8s-linkerd diff OLD_DIR NEW_DIR [--json]

Compares two synthesized outputs (e.g. dist/ of the deployed commit and of a new one) and prints,
per object, what changes and what applying it does in the cluster: pods that roll (pod template,
image or checksum changes), certificates and trust anchors that rotate, CRD versions that change,
objects that are removed. Each directory holding YAML files is one install, compared with the
directory at the same relative path on the other side (dist/ with dist/, dist/examples/x/ with
dist/examples/x/).

options:
  --json      print the plan as one JSON document
  -h, --help  print this help

exit status: 0 nothing changes, 1 changes that apply in place, 3 disruptive changes (pods roll,
objects are removed, CRD versions are dropped, immutable fields change), 2 usage or read error`;

/** Exit status of `diff`. */
export const DIFF_EXIT = { SAME: 0, CHANGES: 1, ERROR: 2, DISRUPTIVE: 3 } as const;

/** A usage error: exit status 2, with the usage text. */
export class DiffUsageError extends Error {}

/**
 * `cdk8s-linkerd diff OLD_DIR NEW_DIR`. `readSets` is the CLI's reader of YAML directories (the
 * one `check` uses), so both commands read manifests the same way.
 */
export class DiffCommand {
  /** Runs the command; returns the exit status. Read errors propagate (the CLI reports them with status 2). */
  public static run(args: string[], readSets: (input: string) => ManifestSet[], out: (s: string) => void, err: (s: string) => void): number {
    try {
      return DiffCommand.diff(args, readSets, out);
    } catch (error) {
      if (!(error instanceof DiffUsageError)) throw error;
      err(`cdk8s-linkerd: ${error.message}\n${DIFF_USAGE}\n`);
      return DIFF_EXIT.ERROR;
    }
  }

  private static diff(args: string[], readSets: (input: string) => ManifestSet[], out: (s: string) => void): number {
    let json = false;
    const inputs: string[] = [];
    for (const arg of args) {
      if (arg === '--json') json = true;
      else if (arg === '-h' || arg === '--help') {
        out(`${DIFF_USAGE}\n`);
        return DIFF_EXIT.SAME;
      } else if (arg.startsWith('-')) throw new DiffUsageError(`unknown option ${arg}`);
      else inputs.push(arg);
    }
    if (inputs.length !== 2) throw new DiffUsageError(`diff needs two directories (OLD_DIR NEW_DIR), got ${inputs.length}`);
    const [oldRoot, newRoot] = inputs;
    const sides = [readSets(oldRoot), readSets(newRoot)].map((sets, i) => new Map(sets.map((s) => [relativeSet(inputs[i], s.directory), s.objects])));
    const names = [...new Set([...sides[0].keys(), ...sides[1].keys()])].sort();
    const plans = names.map((name) => ({ set: name, diff: UpgradeDiff.between(sides[0].get(name) ?? [], sides[1].get(name) ?? []) }));
    const changed = plans.filter((p) => p.diff.hasChanges);
    if (json) {
      out(`${JSON.stringify({ old: oldRoot, new: newRoot, sets: plans.map((p) => ({ set: p.set || '.', summary: p.diff.summary(), changes: p.diff.changes })) }, null, 2)}\n`);
    } else {
      for (const p of changed) {
        if (plans.length > 1) out(`== ${p.set || '.'} ==\n`);
        out(p.diff.render());
        out(`diff${p.set ? ` ${p.set}` : ''}: ${p.diff.summary()}\n`);
      }
      if (changed.length === 0) out(`diff: no changes between ${oldRoot} and ${newRoot}\n`);
    }
    if (changed.some((p) => p.diff.disruptive)) return DIFF_EXIT.DISRUPTIVE;
    return changed.length > 0 ? DIFF_EXIT.CHANGES : DIFF_EXIT.SAME;
  }
}

/** A set's directory relative to the input it was found under (`''` for the input itself). */
function relativeSet(root: string, directory: string): string {
  const relative = path.relative(path.resolve(root), path.resolve(directory));
  return relative.split(path.sep).join('/');
}
