import * as fs from 'node:fs';
import * as path from 'node:path';
import { listCheckCodes } from '../../src';
import { brokenInstalls, certManagerInstall, generatedInstall, writeManifestDir } from '../check/identity-fixtures';
import { runNode } from '../support/determinism';

const CLI = path.resolve(__dirname, '..', '..', 'lib', 'src', 'cli.js');
const NOW = ['--now', '2026-06-01T00:00:00Z'];

function cli(args: string[], options: { fakeDate?: string } = {}) {
  return runNode(CLI, args, {}, { fakeDate: options.fakeDate, timeoutMs: 60_000 });
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests with \`npm test\`, which compiles first`);
});

describe('cdk8s-linkerd check', () => {
  test('exits 0 on a valid install and prints the summary', () => {
    // GIVEN
    const dir = writeManifestDir(generatedInstall());
    // WHEN
    const result = cli(['check', dir, ...NOW]);
    // THEN
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^check: 0 errors, 0 warnings over \d+ objects\n$/);
    expect(result.status).toBe(0);
  });

  test('reads every *.yaml below a directory, and a cert-manager install is clean too', () => {
    const dir = writeManifestDir(certManagerInstall(), 'nested.yml');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.renameSync(path.join(dir, 'nested.yml'), path.join(dir, 'sub', 'nested.yml'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a manifest: ignored');
    const result = cli(['check', dir, ...NOW]);
    expect(result.stdout).toMatch(/check: 0 errors, 0 warnings over 4\d objects/);
    expect(result.status).toBe(0);
  });

  describe.each(brokenInstalls())('fails on $name', ({ code, objects, now }) => {
    test(`exits 1 and reports ${code}`, () => {
      // GIVEN
      const dir = writeManifestDir(objects);
      // WHEN
      const result = cli(['check', dir, '--now', now ?? '2026-06-01T00:00:00Z']);
      // THEN
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`^ERROR ${code} `, 'm'));
      expect(result.stdout).toMatch(/^check: [1-9]\d* errors, \d+ warnings over \d+ objects$/m);
    });
  });

  test('--suppress leaves a code out, and can make the check pass', () => {
    // GIVEN an issuer valid only 12 hours, which is both short-lived and, by June, expired
    const broken = brokenInstalls().find((b) => b.code === 'L5D112')!;
    const dir = writeManifestDir(broken.objects);
    // WHEN
    const one = cli(['check', dir, ...NOW, '--suppress', 'L5D110']);
    const both = cli(['check', dir, ...NOW, '--suppress', 'L5D110,L5D112']);
    const repeated = cli(['check', dir, ...NOW, '--suppress=L5D110', '--suppress', 'L5D112']);
    // THEN
    expect(one.status).toBe(1);
    expect(one.stdout).not.toMatch(/L5D110/);
    expect(one.stdout).toMatch(/ERROR L5D112/);
    expect(both.status).toBe(0);
    expect(repeated.status).toBe(0);
  });

  test('judges dates by the current time unless told otherwise, and --now none skips date checks', () => {
    // GIVEN the generated install, whose issuer ends on 2027-01-01
    const dir = writeManifestDir(generatedInstall());
    // WHEN the clock says 2027-02-01
    const today = cli(['check', dir], { fakeDate: '2027-02-01T00:00:00Z' });
    const none = cli(['check', dir, '--now', 'none'], { fakeDate: '2027-02-01T00:00:00Z' });
    // THEN
    expect(today.status).toBe(1);
    expect(today.stdout).toMatch(/ERROR L5D110 Secret linkerd\/linkerd-identity-issuer data\.crt\.pem: issuer certificate .* expired on 2027-01-01T00:00:00\.000Z \(now is 2027-02-01T00:00:00\.000Z\)/);
    expect(none.status).toBe(0);
  });

  test('--horizon-days sets when expiry becomes a warning; warnings alone exit 0', () => {
    const dir = writeManifestDir(generatedInstall());
    const result = cli(['check', dir, '--now', '2026-12-01T00:00:00Z', '--horizon-days', '45']);
    expect(result.stdout).toMatch(/^WARNING L5D111 Secret linkerd\/linkerd-identity-issuer/m);
    expect(result.status).toBe(0);
    expect(cli(['check', dir, '--now', '2026-12-01T00:00:00Z', '--horizon-days', '10']).stdout).not.toMatch(/L5D111/);
  });

  test('--json prints the findings as one document', () => {
    const dir = writeManifestDir(brokenInstalls().find((b) => b.code === 'L5D101')!.objects);
    const result = cli(['check', dir, ...NOW, '--json']);
    const report = JSON.parse(result.stdout);
    expect(result.status).toBe(1);
    expect(report).toMatchObject({ errors: 1, warnings: 0, now: '2026-06-01T00:00:00.000Z' });
    expect(report.findings).toEqual([expect.objectContaining({ code: 'L5D101', severity: 'error', object: 'Secret linkerd/linkerd-identity-issuer', field: 'data.crt.pem' })]);
  });

  test('--list prints every code with its description', () => {
    const result = cli(['check', '--list']);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(listCheckCodes().map((c) => c.code));
    expect(result.stdout).toMatch(/^L5D120 {2}A webhook serving certificate .* lacks the DNS SAN <service>\.<namespace>\.svc\.$/m);
  });

  test.each([
    ['no command', [], /no command given/],
    ['an unknown command', ['lint', 'x'], /unknown command "lint"/],
    ['no input', ['check'], /no manifest directory or file given/],
    ['an unknown option', ['check', '.', '--fast'], /unknown option --fast/],
    ['a bad date', ['check', '.', '--now', 'tomorrow'], /--now needs an ISO 8601 date or "none"/],
    ['a bad horizon', ['check', '.', '--horizon-days', '-3'], /--horizon-days needs a whole number of days/],
    ['a missing value', ['check', '.', '--suppress'], /--suppress needs a value/],
    ['an unknown suppressed code', ['check', '.', '--suppress', 'L5D999'], /--suppress: L5D999 is not a check code \(see --list\)/],
    ['a missing path', ['check', '/nonexistent/manifests'], /\/nonexistent\/manifests: no such file or directory/],
  ])('exits 2 on %s', (_what, args, message) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  test('exits 2 on a file that is not YAML', () => {
    const dir = writeManifestDir([]);
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [unclosed\n');
    const result = cli(['check', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/broken\.yaml: document 1 \(line 2, column 1\): Flow sequence/);
  });

  test('--help prints the usage and exits 0', () => {
    const result = cli(['check', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: cdk8s-linkerd check <dir\|file>\.\.\. \[options\]/);
  });
});
