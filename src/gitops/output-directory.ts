import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LinkerdConfigError } from '../errors';

/** One file to write, by its path relative to the output directory (`/`-separated). */
export interface OutputFile {
  readonly name: string;
  readonly content: string;
}

/** Options of an `OutputDirectory`. */
export interface OutputDirectoryOptions {
  /**
   * The project the synth runs for: neither it nor any directory above it can be an output
   * directory.
   * @default - the nearest directories with a package.json, cdk8s.yaml or .git at or above the
   * entry script (the app being run) and at or above the working directory
   */
  readonly projectRoot?: string;
}

const TEMP_SUFFIX = '.cdk8s-linkerd-tmp';
const HEADER = '# Written by cdk8s-linkerd: the files of this directory that synth owns. The next synth replaces\n'
  + '# or removes exactly these and leaves every other file alone. Do not edit.\n';

/**
 * A directory synth writes into without ever destroying what it did not write. It keeps a list
 * of the files it wrote (`.cdk8s-linkerd-files`, which Argo CD, kubectl and kustomize ignore) and
 * on the next synth replaces or removes exactly those: a `kustomization.yaml` or README placed
 * beside them survives.
 *
 * It refuses, with an error and before writing anything: `/`, the home directory, the working
 * directory, the project and any directory above them; a non-empty directory without its list
 * (it did not create it); a file it would overwrite that it did not write; and any symbolic link
 * on the way, so that nothing is written or removed outside the directory.
 */
export class OutputDirectory {
  /** The list of owned files, kept in the directory itself. */
  public static readonly OWNERSHIP_FILE = '.cdk8s-linkerd-files';

  /** The directory, as an absolute path. */
  public readonly directory: string;
  private readonly projectRoots: string[];

  public constructor(directory: string, options: OutputDirectoryOptions = {}) {
    this.directory = path.resolve(directory);
    const entry = require.main?.filename;
    this.projectRoots = options.projectRoot !== undefined ? [path.resolve(options.projectRoot)]
      : [entry ? findProjectRoot(path.dirname(entry)) : undefined, findProjectRoot(process.cwd())].filter((p): p is string => p !== undefined);
  }

  /** Everything `write` would refuse, checked without writing: throws a LinkerdConfigError. */
  public check(files: ReadonlyArray<OutputFile>): void {
    this.plan(files);
  }

  /**
   * Writes `files` and removes the files of the previous synth that are no longer among them.
   * New content goes to temporary files first, so a failure leaves the previous output in place.
   * With no files, an owned directory is emptied of its files and removed when nothing else is left.
   */
  public write(files: ReadonlyArray<OutputFile>): void {
    const plan = this.plan(files);
    // Nothing to write and nothing of ours here: leave the directory (if any) alone.
    if (files.length === 0 && plan.owned.length === 0) return;
    fs.mkdirSync(this.directory, { recursive: true });
    const staged: Array<{ temp: string; target: string }> = [];
    try {
      for (const file of plan.changed) {
        const target = this.resolve(file.name);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const temp = `${target}${TEMP_SUFFIX}`;
        fs.rmSync(temp, { force: true });
        fs.writeFileSync(temp, file.content, { flag: 'wx' });
        staged.push({ temp, target });
      }
      // Listed before they appear, so that an interrupted synth still owns what it wrote.
      this.writeOwnership([...new Set([...plan.owned, ...files.map((f) => f.name)])]);
    } catch (e) {
      for (const s of staged) fs.rmSync(s.temp, { force: true });
      throw e;
    }
    for (const s of staged) fs.renameSync(s.temp, s.target);
    for (const name of plan.stale) {
      fs.rmSync(this.resolve(name), { force: true });
      this.removeEmptyParents(name);
    }
    if (files.length === 0) {
      fs.rmSync(path.join(this.directory, OutputDirectory.OWNERSHIP_FILE), { force: true });
      if (fs.readdirSync(this.directory).length === 0) fs.rmdirSync(this.directory);
    } else {
      this.writeOwnership(files.map((f) => f.name));
    }
  }

  /** The files a previous synth wrote here, as listed. */
  public ownedFiles(): string[] {
    const list = path.join(this.directory, OutputDirectory.OWNERSHIP_FILE);
    if (!fs.existsSync(list)) return [];
    const names = fs.readFileSync(list, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const name of names) this.validName(name, `${OutputDirectory.OWNERSHIP_FILE} lists`);
    return names;
  }

  private plan(files: ReadonlyArray<OutputFile>): { exists: boolean; owned: string[]; changed: OutputFile[]; stale: string[] } {
    this.refuseSpecialDirectories();
    const stat = lstat(this.directory);
    if (stat?.isSymbolicLink()) this.fail('is a symbolic link', 'write to the directory it points to, named by its real path');
    if (stat && !stat.isDirectory()) this.fail('exists and is not a directory', 'remove it or choose another output directory');
    const exists = stat !== undefined;
    const hasList = exists && fs.existsSync(path.join(this.directory, OutputDirectory.OWNERSHIP_FILE));
    if (exists && !hasList && fs.readdirSync(this.directory).length > 0) {
      this.fail(`is not empty and was not created by cdk8s-linkerd (it has no ${OutputDirectory.OWNERSHIP_FILE})`,
        'choose a new or empty output directory, or move its files away; synth never deletes files it did not write');
    }
    const owned = hasList ? this.ownedFiles() : [];
    const ownedSet = new Set(owned);
    const names = new Set<string>();
    const changed: OutputFile[] = [];
    for (const file of files) {
      this.validName(file.name, 'synth produced');
      if (names.has(file.name)) this.fail(`would receive ${file.name} twice`, 'give the targets different directories');
      names.add(file.name);
      this.refuseLinksOnTheWay(file.name);
      const target = this.resolve(file.name);
      const existing = lstat(target);
      if (existing && !ownedSet.has(file.name)) {
        this.fail(`already has ${file.name}, which cdk8s-linkerd did not write`, `move ${file.name} away or rename it; synth never overwrites files it did not write`);
      }
      if (existing?.isDirectory()) this.fail(`has a directory where ${file.name} goes`, 'remove that directory');
      if (existing?.isFile() && fs.readFileSync(target, 'utf8') === file.content) continue;
      changed.push(file);
    }
    const stale = owned.filter((name) => !names.has(name));
    for (const name of stale) this.refuseLinksOnTheWay(name);
    return { exists, owned, changed, stale };
  }

  private refuseSpecialDirectories(): void {
    const dir = this.directory;
    const protectedDirs: Array<[string | undefined, string]> = [
      [path.parse(dir).root, 'the file-system root'],
      [process.cwd(), 'the working directory'],
      [os.homedir(), 'the home directory'],
      ...this.projectRoots.map((p): [string, string] => [p, 'the project']),
    ];
    const dirs = [dir, realpathOfNearest(dir)];
    for (const [p, what] of protectedDirs) {
      if (p === undefined) continue;
      const resolved = path.resolve(p);
      if (dirs.some((d) => isAncestorOrSelf(d, resolved) || isAncestorOrSelf(d, realpath(resolved)))) {
        this.fail(dir === resolved ? `is ${what}` : `contains ${what} (${resolved})`,
          'write into a dedicated directory such as dist/, which synth may fill and empty');
      }
    }
  }

  /** No symbolic link between the output directory and the file: nothing is written through one. */
  private refuseLinksOnTheWay(name: string): void {
    const parts = name.split('/');
    let current = this.directory;
    for (const part of parts.slice(0, -1)) {
      current = path.join(current, part);
      const stat = lstat(current);
      if (stat === undefined) return;
      if (stat.isSymbolicLink()) this.fail(`has a symbolic link at ${path.relative(this.directory, current)}`, 'replace the link by a directory, or remove it; synth never writes through links');
      if (!stat.isDirectory()) this.fail(`has a file where the directory ${path.relative(this.directory, current)} goes`, 'remove that file');
    }
  }

  private validName(name: string, context: string): void {
    const parts = name.split('/');
    if (name === '' || path.isAbsolute(name) || name.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')
      || name === OutputDirectory.OWNERSHIP_FILE || name.endsWith(TEMP_SUFFIX)) {
      this.fail(`${context} the file name ${JSON.stringify(name)}, which is not a plain relative path inside it`,
        context.includes(OutputDirectory.OWNERSHIP_FILE) ? `restore ${OutputDirectory.OWNERSHIP_FILE} or empty the directory` : 'use relative names without "." or ".." parts');
    }
  }

  private removeEmptyParents(name: string): void {
    let dir = path.dirname(this.resolve(name));
    while (dir !== this.directory && dir.startsWith(this.directory + path.sep)) {
      if (lstat(dir)?.isDirectory() !== true || fs.readdirSync(dir).length > 0) return;
      fs.rmdirSync(dir);
      dir = path.dirname(dir);
    }
  }

  private writeOwnership(names: string[]): void {
    const list = path.join(this.directory, OutputDirectory.OWNERSHIP_FILE);
    const temp = `${list}${TEMP_SUFFIX}`;
    fs.writeFileSync(temp, `${HEADER}${[...names].sort().join('\n')}\n`);
    fs.renameSync(temp, list);
  }

  private resolve(name: string): string {
    return path.join(this.directory, ...name.split('/'));
  }

  private fail(problem: string, fix: string): never {
    throw new LinkerdConfigError('output', 'outdir', `${this.directory} ${problem}`, fix);
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The real path of `p`, through its nearest existing ancestor (links resolved) when it does not exist yet. */
function realpathOfNearest(p: string): string {
  const parent = path.dirname(p);
  if (fs.existsSync(p) || parent === p) return realpath(p);
  return path.join(realpathOfNearest(parent), path.basename(p));
}

/** Whether `dir` is `p` or a directory above it. */
function isAncestorOrSelf(dir: string, p: string): boolean {
  const relative = path.relative(dir, p);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The nearest directory at or above `start` that looks like a project. */
function findProjectRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (['package.json', 'cdk8s.yaml', '.git'].some((m) => fs.existsSync(path.join(dir, m)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
