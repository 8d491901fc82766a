import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashDirectory, runNode } from '../support/determinism';

/**
 * Reports and manifests are byte-identical under any locale. Node's ICU takes its default locale
 * from LC_ALL / LANG of the process (whether or not the OS has that locale generated), and that
 * default drives `localeCompare` and `Intl.Collator`: under da_DK "aa" sorts after "z", under
 * lt_LT "y" sorts next to "i". The app synthesized here has such names, so a comparator that
 * follows the locale would change the policy graph (mesh-policy.md/.json) and the order of check
 * findings; the first test shows that the children really do collate differently.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(__dirname, '..', 'support', 'locale-app.js');
const CLI = path.join(ROOT, 'lib', 'src', 'cli.js');
const LOCALES = ['C', 'da_DK.UTF-8', 'lt_LT.UTF-8', 'tr_TR.UTF-8'];
const NAMES = ['z', 'aa', 'y', 'i', 'j', 'ingest', 'yak', 'jobs', 'ia'];

const env = (locale: string) => ({ LC_ALL: locale, LANG: locale });

describe('output does not depend on the locale', () => {
  test('the child processes really collate differently (so the comparison below means something)', () => {
    const order = (locale: string) => JSON.parse(runNode(path.join(__dirname, '..', 'support', 'collate.js'), [JSON.stringify(NAMES)], env(locale)).stdout);
    const c = order('C');
    expect(order('da_DK.UTF-8').locale).toBe('da-DK');
    expect(order('da_DK.UTF-8').sorted).not.toEqual(c.sorted);
    expect(order('lt_LT.UTF-8').sorted).not.toEqual(c.sorted);
    expect(order('tr_TR.UTF-8').locale).toBe('tr-TR');
  });

  test('a policy app synthesized under C, da_DK, lt_LT and tr_TR is byte-identical, and so is its check report', () => {
    const outputs = LOCALES.map((locale) => {
      // dist/ in a directory of its own: the reports are written beside it
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-locale-'));
      const out = path.join(root, 'dist');
      const synth = runNode(APP, [], { ...env(locale), CDK8S_OUTDIR: out });
      expect(synth.status).toBe(0);
      const report = runNode(CLI, ['check', out, '--now', 'none', '--json'], env(locale));
      expect(report.status).toBe(0);
      // The warnings synth prints are in the same order too.
      return { files: hashDirectory(root), stderr: synth.stderr, report: report.stdout.split(out).join('<out>') };
    });
    expect(Object.keys(outputs[0].files)).toEqual(['dist/.cdk8s-linkerd-files', 'dist/01-shop.yaml', 'reports/.cdk8s-linkerd-files', 'reports/mesh-policy.json', 'reports/mesh-policy.md']);
    expect(outputs[0].stderr).toMatch(/^WARNING L5D202 /);
    expect(JSON.parse(outputs[0].report).warnings).toBeGreaterThanOrEqual(NAMES.length);
    for (const o of outputs.slice(1)) {
      expect(o.files).toEqual(outputs[0].files);
      expect(o.report).toBe(outputs[0].report);
      expect(o.stderr).toBe(outputs[0].stderr);
    }
  });

  test('no source file sorts or compares by locale', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /localeCompare|Intl\.Collator|toLocale(Lower|Upper)Case|toLocaleString/.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(ROOT, p));
      }
    };
    for (const dir of ['src', 'scripts', 'examples']) walk(path.join(ROOT, dir));
    expect(offenders).toEqual([]);
  });
});
