import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listManifestSets, ManifestReadError, readManifestSet, readManifestSets } from '../../src/check/manifest-reader';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-reader-'));
}

describe('the manifest directory reader', () => {
  test('groups files by directory in a fixed order, flattens List kinds and skips empty documents', () => {
    // GIVEN
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'b'));
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'z.yaml'), 'kind: A\n---\n---\nkind: List\nitems: [{ kind: B }, { kind: C }]\n');
    fs.writeFileSync(path.join(dir, 'b', 'x.yml'), 'kind: D\n');
    fs.writeFileSync(path.join(dir, 'a', 'y.yaml'), 'kind: E\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not read');
    // WHEN
    const sets = [...readManifestSets([dir])];
    // THEN
    expect(sets.map((s) => [path.relative(dir, s.directory), s.objects.map((o) => o.kind)])).toEqual([['', ['A', 'B', 'C']], ['a', ['E']], ['b', ['D']]]);
    expect(sets[0].files.map((f) => path.basename(f.path))).toEqual(['z.yaml']);
  });

  test('a file swapped for a FIFO after the listing is refused without blocking', () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(file, 'kind: A\n');
    const [listing] = listManifestSets([dir]);
    fs.rmSync(file);
    expect(spawnSync('mkfifo', [file]).status).toBe(0);
    expect(() => readManifestSet(listing)).toThrow(ManifestReadError);
    expect(() => readManifestSet(listing)).toThrow(`${file}: is a FIFO, not a regular file; refused`);
  });

  test('a file swapped for a symbolic link after the listing is not followed', () => {
    const outside = path.join(tempDir(), 'secret.yaml');
    fs.writeFileSync(outside, 'kind: Secret\n');
    const dir = tempDir();
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(file, 'kind: A\n');
    const [listing] = listManifestSets([dir]);
    fs.rmSync(file);
    fs.symlinkSync(outside, file);
    expect(() => readManifestSet(listing)).toThrow(`${file}: cannot be opened (ELOOP)`);
  });

  test('every problem is listed, up to a cap', () => {
    const dir = tempDir();
    for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(dir, `f${String(i).padStart(2, '0')}.yaml`), '"text"\n');
    try {
      for (const set of listManifestSets([dir])) readManifestSet(set);
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ManifestReadError);
      const problems = (e as ManifestReadError).problems;
      expect(problems).toHaveLength(21);
      expect(problems[20]).toBe('… and more problems; fix these first');
    }
  });

  test('the entry and file limits apply to the listing', () => {
    const dir = tempDir();
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, `f${i}.yaml`), 'kind: A\n');
    expect(() => listManifestSets([dir], { maxEntries: 3 })).toThrow('has more than 3 directory entries; refused');
    expect(() => listManifestSets([dir], { maxTotalBytes: 20 })).toThrow('over the limit of 0.0 MiB (--max-total-size)');
  });
});
