import * as fs from 'node:fs';
import * as path from 'node:path';
import { Composer, LineCounter, Parser } from 'yaml';
import { redactSecrets } from '../errors';
import { describeType } from '../validate';

/**
 * Reads directories of Kubernetes YAML for `cdk8s-linkerd check` (and any other command that
 * reads synthesized output), safely on repositories nobody vetted: a pull request can put
 * anything into a directory CI then checks.
 *
 * - Only regular files inside the given directories are read: a symbolic link whose target
 *   leaves the directory is refused (its target is never opened, so its content cannot leak into
 *   a report), as are FIFOs, sockets and devices named like manifests. A file is opened with
 *   O_NOFOLLOW and O_NONBLOCK and checked again once open, so that swapping it for a link or a
 *   FIFO between listing and reading changes nothing.
 * - Symbolic links within the directory are followed; one that leads back into a directory
 *   being walked (or to itself) is reported as a loop.
 * - Sizes are bounded per file and in total, and the number of files and directory entries, and
 *   every bound is checked from the listing, before anything is read.
 * - YAML is parsed one document at a time, with alias expansion bounded (no "billion laughs")
 *   and flow nesting bounded (the parser would exhaust the stack, or worse, on deeply nested
 *   input). Bytes that are not UTF-8, documents that are not objects and list items that are not
 *   objects are reported, not skipped.
 *
 * Every problem is collected (up to a cap) into one ManifestReadError; its text never quotes file
 * content beyond redacted error positions.
 */

/** Bounds of what is read. */
export interface ManifestReadLimits {
  /** Largest file, in bytes. @default 16 MiB */
  readonly maxFileBytes?: number;
  /** All files together, in bytes. @default 64 MiB */
  readonly maxTotalBytes?: number;
  /** Manifest files (`*.yaml`, `*.yml`). @default 10000 */
  readonly maxFiles?: number;
  /** Directory entries looked at, manifests or not. @default 100000 */
  readonly maxEntries?: number;
}

export const DEFAULT_MANIFEST_READ_LIMITS: Required<ManifestReadLimits> = {
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxFiles: 10_000,
  maxEntries: 100_000,
};

/** Alias expansions per document (the yaml library's own default, made explicit). */
const MAX_ALIAS_COUNT = 100;
/** Deepest `[`/`{` nesting accepted; real manifests stay far below. */
const MAX_FLOW_DEPTH = 512;
/** Problems collected before giving up. */
const MAX_PROBLEMS = 20;

/** A file to read: where it was found, and the regular file it is. */
export interface ManifestFileEntry {
  /** The path as found below the given input, e.g. `dist/examples/generated/01-control-plane.yaml`. */
  readonly path: string;
  /** The real path of the regular file (after following links inside the directory). */
  readonly realPath: string;
  readonly size: number;
}

/** One directory of manifests: an install. */
export interface ManifestSetListing {
  /** The directory as found, e.g. `dist/examples/generated`. */
  readonly directory: string;
  readonly files: ManifestFileEntry[];
}

/** The objects of one file, in document order (`List` kinds are flattened into their items). */
export interface ManifestFileRead {
  readonly path: string;
  readonly objects: Array<Record<string, any>>;
}

/** One directory of manifests, read. */
export interface ManifestSet {
  readonly directory: string;
  readonly files: ManifestFileRead[];
  /** Every object of every file, in order. */
  readonly objects: Array<Record<string, any>>;
}

/** What reading found wrong; `problems` holds one line per problem. */
export class ManifestReadError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(problems.map((p) => redactSecrets(p)).join('\n'));
    this.name = 'ManifestReadError';
  }
}

/** Manifest files; a kustomization file beside them is kustomize's configuration, not a manifest. */
function isManifestFile(name: string): boolean {
  return /\.ya?ml$/.test(name) && !/^kustomization\.ya?ml$/i.test(name);
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function inside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Collects problems and stops the walk once there are too many. */
class Problems {
  public readonly list: string[] = [];
  public add(problem: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
    else if (this.list.length === MAX_PROBLEMS) this.list.push('… and more problems; fix these first');
  }

  public get full(): boolean {
    return this.list.length > MAX_PROBLEMS;
  }

  public throwIfAny(): void {
    if (this.list.length > 0) throw new ManifestReadError(this.list);
  }
}

/**
 * The manifest files below `inputs`, grouped by the directory that holds them (each directory
 * is one install), in a fixed order; nothing is read. An input that is a file is taken as it is,
 * whatever its name. Throws a ManifestReadError listing every refused entry and exceeded limit.
 */
export function listManifestSets(inputs: readonly string[], limits: ManifestReadLimits = {}): ManifestSetListing[] {
  const bounds = { ...DEFAULT_MANIFEST_READ_LIMITS, ...limits };
  const problems = new Problems();
  const sets = new Map<string, ManifestFileEntry[]>();
  const seen = new Set<string>();
  let entries = 0;
  let files = 0;
  let total = 0;

  const addFile = (shown: string, realPath: string, size: number) => {
    if (seen.has(realPath)) return; // the same file reached again through a link inside the directory
    seen.add(realPath);
    files++;
    total += size;
    if (size > bounds.maxFileBytes) problems.add(`${shown}: is ${mib(size)}, over the limit of ${mib(bounds.maxFileBytes)} per file (--max-file-size)`);
    const directory = path.dirname(shown);
    if (!sets.has(directory)) sets.set(directory, []);
    sets.get(directory)!.push({ path: shown, realPath, size });
  };

  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.add(code === 'ELOOP' ? `${input}: is a symbolic link loop` : `${input}: no such file or directory`);
      continue;
    }
    if (stat.isFile()) {
      addFile(input, fs.realpathSync(input), stat.size);
      continue;
    }
    if (!stat.isDirectory()) {
      problems.add(`${input}: is ${kindOf(stat)}, not a file or directory; refused`);
      continue;
    }
    const root = fs.realpathSync(input);
    // Depth-first, each directory's entries in code-unit order; `open` holds the real paths of the
    // directories on the current branch, which a link back into one of them would loop through.
    const stack: Array<{ shown: string; real: string; ancestors: ReadonlySet<string> }> = [{ shown: input, real: root, ancestors: new Set([root]) }];
    while (stack.length > 0 && !problems.full) {
      const dir = stack.pop()!;
      let names: string[];
      try {
        names = fs.readdirSync(dir.real).sort();
      } catch (e) {
        problems.add(`${dir.shown}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      entries += names.length;
      if (entries > bounds.maxEntries) {
        problems.add(`${input}: has more than ${bounds.maxEntries} directory entries; refused (limit: maxEntries)`);
        break;
      }
      const subdirectories: typeof stack = [];
      for (const name of names) {
        const shown = path.join(dir.shown, name);
        const real = path.join(dir.real, name);
        let lstat: fs.Stats;
        try {
          lstat = fs.lstatSync(real);
        } catch {
          continue; // gone since the listing
        }
        let target = real;
        let stat = lstat;
        if (lstat.isSymbolicLink()) {
          try {
            target = fs.realpathSync(real);
            stat = fs.statSync(target);
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'ELOOP') problems.add(`${shown}: is a symbolic link loop`);
            else if (isManifestFile(name)) problems.add(`${shown}: is a symbolic link to nothing (${code ?? 'error'})`);
            continue;
          }
          const followed = stat.isDirectory() || isManifestFile(name);
          if (!inside(root, target)) {
            if (followed) problems.add(`${shown}: is a symbolic link that leaves ${input}; refused (it was not read)`);
            continue;
          }
        }
        if (stat.isDirectory()) {
          if (dir.ancestors.has(target)) {
            problems.add(`${shown}: is a symbolic link loop (it leads back to ${path.relative(root, target) || '.'} of ${input})`);
            continue;
          }
          subdirectories.push({ shown, real: target, ancestors: new Set([...dir.ancestors, target]) });
        } else if (isManifestFile(name)) {
          if (!stat.isFile()) problems.add(`${shown}: is ${kindOf(stat)}, not a regular file; refused`);
          else addFile(shown, target, stat.size);
        }
      }
      // Reverse, so that the first subdirectory in order is walked first.
      stack.push(...subdirectories.reverse());
    }
  }
  if (files > bounds.maxFiles) problems.add(`the inputs hold ${files} manifest files, over the limit of ${bounds.maxFiles} (--max-files)`);
  if (total > bounds.maxTotalBytes) problems.add(`the manifests are ${mib(total)} in all, over the limit of ${mib(bounds.maxTotalBytes)} (--max-total-size)`);
  problems.throwIfAny();
  return [...sets].map(([directory, group]) => ({ directory, files: group }));
}

/**
 * Reads one file: opened without following a link and without blocking (a FIFO swapped in
 * fails instead of hanging), checked to be the regular file listed, and read up to its size
 * limit. Returns its text, or undefined after recording a problem.
 */
function readFileText(entry: ManifestFileEntry, maxBytes: number, problems: Problems): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(entry.realPath, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    problems.add(`${entry.path}: cannot be opened (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      problems.add(`${entry.path}: is ${kindOf(stat)}, not a regular file; refused`);
      return undefined;
    }
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) {
      problems.add(`${entry.path}: grew past the limit of ${mib(maxBytes)} per file while being read`);
      return undefined;
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      problems.add(`${entry.path}: is not UTF-8 text`);
      return undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The deepest `[`/`{` nesting of `text`, counted naively (brackets in strings count too). */
function flowDepth(text: string): { depth: number; line: number } {
  let depth = 0;
  let max = 0;
  let line = 1;
  let maxLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > max) {
        max = depth;
        maxLine = line;
      }
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return { depth: max, line: maxLine };
}

/** Parses one file's text into objects, one document at a time, recording problems. */
function parseManifests(file: string, text: string, problems: Problems): Array<Record<string, any>> {
  const nesting = flowDepth(text);
  if (nesting.depth > MAX_FLOW_DEPTH) {
    problems.add(`${file}: line ${nesting.line}: nests "[" or "{" ${nesting.depth} deep, more than the ${MAX_FLOW_DEPTH} accepted`);
    return [];
  }
  const lines = new LineCounter();
  const objects: Array<Record<string, any>> = [];
  const composer = new Composer({ prettyErrors: false });
  let index = 0;
  for (const doc of composer.compose(new Parser(lines.addNewLine).parse(text), true)) {
    index++;
    const where = `${file}: document ${index}`;
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const pos = lines.linePos(error.pos[0]);
      problems.add(`${where} (line ${pos.line}, column ${pos.col}): ${error.message.split('\n')[0]}`);
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      problems.add(`${where}: ${/alias/i.test((e as Error).message) ? `expands more than ${MAX_ALIAS_COUNT} aliases, which looks like an alias bomb; refused` : (e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. after a trailing ---
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.add(`${where}: is ${describeType(value).replace(/ \(.*\)$/, '')}, not an object; a Kubernetes manifest is a map with apiVersion and kind`);
      continue;
    }
    const object = value as Record<string, any>;
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item: unknown, i: number) => {
        if (typeof item === 'object' && item !== null && !Array.isArray(item)) objects.push(item as Record<string, any>);
        else problems.add(`${where}: items[${i}] is ${describeType(item).replace(/ \(.*\)$/, '')}, not an object`);
      });
    } else {
      objects.push(object);
    }
  }
  return objects;
}

/** Reads the files of one listed set. Throws a ManifestReadError on any problem. */
export function readManifestSet(listing: ManifestSetListing, limits: ManifestReadLimits = {}): ManifestSet {
  const maxBytes = limits.maxFileBytes ?? DEFAULT_MANIFEST_READ_LIMITS.maxFileBytes;
  const problems = new Problems();
  const files: ManifestFileRead[] = [];
  for (const entry of listing.files) {
    if (problems.full) break;
    const text = readFileText(entry, maxBytes, problems);
    if (text === undefined) continue;
    files.push({ path: entry.path, objects: parseManifests(entry.path, text, problems) });
  }
  problems.throwIfAny();
  return { directory: listing.directory, files, objects: files.flatMap((f) => f.objects) };
}

/**
 * Lists and reads every set below `inputs`, one set at a time, so that a caller that handles
 * each set before asking for the next holds one install in memory, not all of them.
 */
export function* readManifestSets(inputs: readonly string[], limits: ManifestReadLimits = {}): Generator<ManifestSet> {
  for (const listing of listManifestSets(inputs, limits)) yield readManifestSet(listing, limits);
}
