import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { find, generatedInstall, writeManifestDir } from '../check/identity-fixtures';
import { runNode } from '../support/determinism';

/**
 * `cdk8s-linkerd check` runs in CI on pull requests, so the directory it reads is written by
 * whoever opened the pull request. It must read only regular files inside the directory, never
 * hang, stay within memory, and say clearly why it refuses an input (exit status 2).
 */

const CLI = path.resolve(__dirname, '..', '..', 'lib', 'src', 'cli.js');
/** Generous: the point is that nothing hangs, not how fast it is. */
const TIMEOUT_MS = 60_000;
const SECRET = 'TOP-SECRET-CONTENT-OF-A-FILE-OUTSIDE';

function cli(args: string[]) {
  return runNode(CLI, args, {}, { timeoutMs: TIMEOUT_MS });
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-hostile-'));
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests with \`npm test\`, which compiles first`);
});

describe('cdk8s-linkerd check on hostile input', () => {
  test('refuses a symbolic link to a file outside the directory, without reading or printing it', () => {
    // GIVEN a manifest-looking file outside, and a link to it inside
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'secret.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  token: ${SECRET}\n`);
    const dir = writeManifestDir(generatedInstall());
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'stolen.yaml'));
    // WHEN
    const result = cli(['check', dir, '--now', 'none', '--json']);
    // THEN
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, 'stolen.yaml')}: is a symbolic link that leaves ${dir}; refused (it was not read)`);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stdout).toBe('');
  });

  test('refuses a symbolic link to a directory outside, and follows links that stay inside', () => {
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'a.yaml'), `kind: ConfigMap\ndata: { k: ${SECRET} }\n`);
    const dir = writeManifestDir(generatedInstall());
    fs.symlinkSync(outside, path.join(dir, 'elsewhere'));
    expect(cli(['check', dir, '--now', 'none']).stderr).toMatch(/elsewhere: is a symbolic link that leaves .*; refused/);

    const clean = writeManifestDir(generatedInstall());
    fs.mkdirSync(path.join(clean, 'real'));
    fs.renameSync(path.join(clean, 'manifests.yaml'), path.join(clean, 'real', 'manifests.yaml'));
    fs.symlinkSync('real/manifests.yaml', path.join(clean, 'alias.yaml'));
    const result = cli(['check', clean, '--now', 'none']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('a FIFO named like a manifest is refused, and does not hang', () => {
    const dir = writeManifestDir(generatedInstall());
    const made = spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
    // WHEN (a hang would hit the timeout and leave status null)
    const result = cli(['check', dir, '--now', 'none']);
    // THEN
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, 'pipe.yaml')}: is a FIFO, not a regular file; refused`);
  });

  test('reports symbolic link loops as loops', () => {
    const dir = writeManifestDir(generatedInstall());
    fs.symlinkSync('self.yaml', path.join(dir, 'self.yaml'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    const result = cli(['check', dir, '--now', 'none']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, 'self.yaml')}: is a symbolic link loop`);
    expect(result.stderr).toContain(`${path.join(dir, 'sub', 'up')}: is a symbolic link loop (it leads back to . of ${dir})`);
  });

  test('a 100 MB input fails fast with a clear error, within the memory target (5 × input + 100 MB)', () => {
    // GIVEN 100 MB of (sparse) files, each under the per-file limit
    const dir = tempDir();
    for (let i = 0; i < 10; i++) {
      const file = path.join(dir, `part-${i}.yaml`);
      fs.writeFileSync(file, '');
      fs.truncateSync(file, 10 * 1000 * 1000);
    }
    // WHEN, measuring the child's peak RSS
    const script = `const code = require(${JSON.stringify(CLI)}).main(process.argv.slice(1), () => {}, (s) => process.stderr.write(s));
      process.stderr.write('maxrss-kib ' + process.resourceUsage().maxRSS + '\\n'); process.exitCode = code;`;
    const result = spawnSync(process.execPath, ['-e', script, 'check', dir, '--now', 'none'], { encoding: 'utf8', timeout: TIMEOUT_MS });
    // THEN
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('the manifests are 95.4 MiB in all, over the limit of 64.0 MiB (--max-total-size)');
    const rssMiB = Number(/maxrss-kib (\d+)/.exec(result.stderr)![1]) / 1024;
    expect(rssMiB).toBeLessThan(5 * 100 + 100);
  });

  test('a file over the per-file limit is refused before it is read', () => {
    const dir = tempDir();
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 20 * 1024 * 1024);
    const result = cli(['check', dir, '--now', 'none']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}: is 20.0 MiB, over the limit of 16.0 MiB per file (--max-file-size)`);
    // A higher limit lets it through to the parser, which reports what it is.
    expect(cli(['check', dir, '--now', 'none', '--max-file-size', '32']).stderr).not.toContain('over the limit');
  });

  test('documents that are not objects, alias bombs, deep nesting and bytes that are not UTF-8 are reported, not skipped', () => {
    const dir = tempDir();
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    fs.writeFileSync(path.join(dir, 'docs.yaml'), ['"just a string"', '[1, 2]', '---', 'kind: List\nitems: [3]', '---', ...bomb].join('\n').replace('[1, 2]', '---\n[1, 2]'));
    fs.writeFileSync(path.join(dir, 'deep.yaml'), `a: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    fs.writeFileSync(path.join(dir, 'binary.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const result = cli(['check', dir, '--now', 'none']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('binary.yaml: is not UTF-8 text');
    expect(result.stderr).toContain('deep.yaml: line 1: nests "[" or "{" 20000 deep, more than the 512 accepted');
    expect(result.stderr).toContain('docs.yaml: document 1: is a string, not an object; a Kubernetes manifest is a map with apiVersion and kind');
    expect(result.stderr).toContain('docs.yaml: document 2: is an array, not an object');
    expect(result.stderr).toContain('docs.yaml: document 3: items[0] is a number, not an object');
    expect(result.stderr).toContain('docs.yaml: document 4: expands more than 100 aliases, which looks like an alias bomb; refused');
  });

  test('invalid base64 in a Secret is reported as such', () => {
    const objects = generatedInstall();
    find(objects, 'Secret', 'linkerd-identity-issuer').data['crt.pem'] = 'not base64!';
    const result = cli(['check', writeManifestDir(objects), '--now', 'none']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^ERROR L5D100 Secret linkerd\/linkerd-identity-issuer data\.crt\.pem: issuer certificate is not valid base64 \(the API server rejects the object\)/m);
  });

  test('a huge annotation key is reported without a suggestion and cut in the output', () => {
    const key = `config.linkerd.io/${'x'.repeat(200_000)}`;
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'pod.yaml'), stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a', annotations: { [key]: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] },
    }, { lineWidth: 0 }));
    const result = cli(['check', dir, '--now', 'none']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^ERROR L5D201 Pod a\/p metadata\.annotations\["config\.linkerd\.io\/x{82}… \(200018 characters\)"\]: .* is not a proxy configuration annotation, so the injector ignores it\. Fix: shorten it: Kubernetes accepts keys of at most 317 characters$/m);
    expect(result.stdout.length).toBeLessThan(2000);
  });

  test('limits are options with clear usage errors', () => {
    expect(cli(['check', '.', '--max-total-size', '0']).stderr).toMatch(/--max-total-size needs a size in MiB greater than 0, not "0"/);
    expect(cli(['check', '.', '--max-files', 'many']).stderr).toMatch(/--max-files needs a whole number of 1 or more, not "many"/);
    const dir = writeManifestDir(generatedInstall());
    fs.writeFileSync(path.join(dir, 'second.yaml'), '');
    expect(cli(['check', dir, '--max-files', '1']).stderr).toContain('the inputs hold 2 manifest files, over the limit of 1 (--max-files)');
  });
});
