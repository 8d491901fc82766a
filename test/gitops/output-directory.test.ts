import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LinkerdConfigError, OutputDirectory } from '../../src';
import { hashDirectory, runNode } from '../support/determinism';

const ROOT = path.resolve(__dirname, '..', '..');
const FILES = [{ name: '01-app.yaml', content: 'kind: A\n' }, { name: 'examples/x/01-app.yaml', content: 'kind: B\n' }];

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-out-'));
}

/** The error `write` throws, checking that nothing was written under `watched` (null: too big to watch). */
function refusal(directory: string, files = FILES, watched: string | null = path.dirname(path.resolve(directory)), options = {}): string {
  const before = watched !== null && fs.existsSync(watched) ? hashDirectory(watched) : undefined;
  let error: unknown;
  try {
    new OutputDirectory(directory, options).write(files);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LinkerdConfigError);
  if (before !== undefined) expect(hashDirectory(watched!)).toEqual(before);
  return (error as Error).message;
}

describe('OutputDirectory refuses', () => {
  test('fails on the file-system root', () => {
    expect(refusal('/', FILES, null)).toMatch(/^output: outdir: \/ is the file-system root\. Fix: write into a dedicated directory/);
  });

  test('fails on the working directory, and on any directory above it', () => {
    const cwd = process.cwd();
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'work'));
    fs.writeFileSync(path.join(dir, 'work', 'keep.txt'), 'x');
    process.chdir(path.join(dir, 'work'));
    try {
      expect(refusal('.', FILES, dir, { projectRoot: dir })).toMatch(/work is the working directory/);
      expect(refusal(dir, FILES, dir, { projectRoot: path.join(dir, 'work') })).toMatch(/contains the working directory/);
    } finally {
      process.chdir(cwd);
    }
  });

  test('fails on the home directory', () => {
    expect(refusal(os.homedir(), FILES, null)).toMatch(/is the home directory|contains the working directory|contains the project/);
    // a home directory that holds neither the working directory nor the project (in a child
    // process: the home directory comes from HOME as the process started)
    const home = path.join(tempDir(), 'home');
    fs.mkdirSync(home);
    const script = path.join(tempDir(), 'write-home.js');
    fs.writeFileSync(script, `
      const { OutputDirectory } = require(${JSON.stringify(path.join(ROOT, 'lib', 'src'))});
      for (const dir of [process.env.HOME, require('path').dirname(process.env.HOME)]) {
        try { new OutputDirectory(dir).write([{ name: 'a.yaml', content: 'kind: A\\n' }]); } catch (e) { console.log(e.message); }
      }
    `);
    const result = runNode(script, [], { HOME: home }, { cwd: os.tmpdir() });
    expect(result.stdout).toMatch(new RegExp(`^output: outdir: ${home} is the home directory\\..*\noutput: outdir: ${path.dirname(home)} contains the home directory`));
    expect(fs.readdirSync(home)).toEqual([]);
  });

  test('fails on the project and any directory above it (the CDK8S_OUTDIR=. accident)', () => {
    // GIVEN a working directory outside the project, so that only the project rule applies
    const cwd = process.cwd();
    process.chdir(tempDir());
    try {
      expect(refusal(ROOT, FILES, path.join(ROOT, 'dist'), { projectRoot: ROOT })).toMatch(new RegExp(`${ROOT} is the project\\.`));
      expect(refusal(path.dirname(ROOT), FILES, path.join(ROOT, 'dist'), { projectRoot: ROOT })).toMatch(/contains the project \(.*\)\./);
    } finally {
      process.chdir(cwd);
    }
    // from inside the project, the working directory's rule says it first
    expect(refusal(ROOT, FILES, path.join(ROOT, 'dist'))).toMatch(/is the working directory/);
  });

  test('fails on a non-empty directory it did not create', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    expect(refusal(dir, FILES, dir)).toMatch(/is not empty and was not created by cdk8s-linkerd \(it has no \.cdk8s-linkerd-files\)/);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  test('fails on a file it would overwrite that it did not write', () => {
    const dir = path.join(tempDir(), 'dist');
    new OutputDirectory(dir).write(FILES.slice(0, 1));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'mine\n');
    expect(refusal(dir, [...FILES, { name: 'kustomization.yaml', content: 'ours\n' }], dir)).toMatch(/already has kustomization\.yaml, which cdk8s-linkerd did not write/);
    expect(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')).toBe('mine\n');
  });

  test('fails on a symbolic link as the output directory, or on the way to a file', () => {
    const outside = tempDir();
    const dir = tempDir();
    fs.symlinkSync(outside, path.join(dir, 'dist'));
    expect(refusal(path.join(dir, 'dist'), FILES, outside)).toMatch(/dist is a symbolic link/);
    const out = path.join(tempDir(), 'dist');
    new OutputDirectory(out).write(FILES.slice(0, 1));
    fs.symlinkSync(outside, path.join(out, 'examples'));
    expect(refusal(out, FILES, outside)).toMatch(/has a symbolic link at examples/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  test('fails on a tampered list that names files outside the directory', () => {
    const dir = path.join(tempDir(), 'dist');
    new OutputDirectory(dir).write(FILES);
    fs.writeFileSync(path.join(dir, OutputDirectory.OWNERSHIP_FILE), '../../etc/passwd\n');
    expect(refusal(dir, FILES, dir)).toMatch(/\.cdk8s-linkerd-files lists the file name "\.\.\/\.\.\/etc\/passwd", which is not a plain relative path/);
  });
});

describe('OutputDirectory writes', () => {
  test('creates the directory, lists what it wrote, and on the next write replaces and removes only those files', () => {
    // GIVEN
    const dir = path.join(tempDir(), 'dist');
    new OutputDirectory(dir).write(FILES);
    fs.writeFileSync(path.join(dir, 'README.md'), 'mine\n');
    fs.writeFileSync(path.join(dir, 'examples', 'x', 'notes.txt'), 'mine too\n');
    // WHEN
    new OutputDirectory(dir).write([{ name: '01-app.yaml', content: 'kind: A2\n' }, { name: '02-more.yaml', content: 'kind: C\n' }]);
    // THEN
    expect(Object.keys(hashDirectory(dir))).toEqual(['.cdk8s-linkerd-files', '01-app.yaml', '02-more.yaml', 'README.md', 'examples/x/notes.txt']);
    expect(fs.readFileSync(path.join(dir, '01-app.yaml'), 'utf8')).toBe('kind: A2\n');
    expect(new OutputDirectory(dir).ownedFiles()).toEqual(['01-app.yaml', '02-more.yaml']);
  });

  test('replaces an owned file that became a symbolic link, without writing through it', () => {
    const outside = path.join(tempDir(), 'victim.txt');
    fs.writeFileSync(outside, 'precious\n');
    const dir = path.join(tempDir(), 'dist');
    new OutputDirectory(dir).write(FILES);
    fs.rmSync(path.join(dir, '01-app.yaml'));
    fs.symlinkSync(outside, path.join(dir, '01-app.yaml'));
    new OutputDirectory(dir).write(FILES);
    expect(fs.readFileSync(outside, 'utf8')).toBe('precious\n');
    expect(fs.lstatSync(path.join(dir, '01-app.yaml')).isFile()).toBe(true);
  });

  test('with no files, removes its files and the directory when nothing else is left', () => {
    const dir = path.join(tempDir(), 'reports');
    new OutputDirectory(dir).write(FILES);
    new OutputDirectory(dir).write([]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('an unchanged file is not rewritten', () => {
    const dir = path.join(tempDir(), 'dist');
    new OutputDirectory(dir).write(FILES);
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(path.join(dir, '01-app.yaml'), past, past);
    new OutputDirectory(dir).write(FILES);
    expect(fs.statSync(path.join(dir, '01-app.yaml')).mtime.toISOString()).toBe(past.toISOString());
  });
});
