import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import { parseYaml11, stringifyManifests, stringifySortedYaml11 } from '../src/yaml';

/** What the `yaml` package writes for linkerd-config's values. */
const packageSorted = (value: unknown) => stringify(value, { sortMapEntries: true, lineWidth: 0, version: '1.1' });

/** Strings that exercise every way the package writes a scalar. */
const STRINGS = [
  '', ' ', 'a', 'plain text', 'with: colon', 'trailing:', 'key :x', 'a #b', 'a#b', '#x', '- x', '-', '?', '? x', '-x', '?x', ':x',
  'yes', 'No', 'ON', 'off', 'y', 'n', 'Y', 'true', 'False', 'null', 'Null', '~', '<<', '<x', '>x', '|x', '*x', '&x', '!x', '%x', '@x', '`x', "'x", '"x',
  '0', '007', '0o7', '0x1F', '0b101', '1_000', '12', '-12', '+12', '1.5', '.5', '1.', '1e3', '1.5E-3', 'e123456', 'E1234567', '+e12345', '123456789', '-1234567', '0x1234567', '.inf', '-.Inf', '.nan', '.NaN', '1:30', '1:30.5',
  '2026-11-01', '2026-11-01T00:00:00Z', '2026-1-1 1:2:3.5 +01:00', '...', '---', '--- x', 'a\n---\nb', '%YAML', 'x\n%y',
  'line1\nline2', 'line1\nline2\n', 'line1\nline2\n\n', 'trail\n\n\n', '\nlead', '\n\nlead\n', '  indented\nnext', ' lead space', 'trail space ',
  'x \ny', 'x\n y', 'tab\there', '\ttab', 'x\t', 'a\n\n\nb', 'ctl\u0001', 'bell\u0007', 'esc\u001b', 'nul\u0000', 'del\u007f', 'c1\u0085', 'nbsp\u00a0x',
  'ls\u2028', 'surrogate \ud800', 'emoji 😀', 'é accent', 'quote "double"', "quote 'single'", `both ' and "`, 'back\\slash', 'back\\\\n',
  'a long string with a newline and enough characters to pass forty\nsecond line \u0001 control', 'short ctl\n\u0002', 'spaces  before newline  \nx',
  'x'.repeat(2000), `k${'x'.repeat(1030)}`, '[a]', '{a}', 'a,b', 'a, b', '=', '$x', '(x)', 'C:\\dir', 'http://x:80/y', 'x:', 'x: y', 'x:y',
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'a\r\nb', '\r',
];

/** Fresh each time: the same object twice in a document is written as an alias, which is not what these cases are about. */
const values = (): unknown[] => [
  0, -0, 1, -1, 1.5, 1e21, 1e-7, 123456789012, NaN, Infinity, -Infinity, true, false, null, [], {}, [[]], [{}], [[1, 2], [3]], { a: [] }, { a: {} },
];

function objects(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  out.push(Object.fromEntries(STRINGS.map((s, i) => [`k${i}`, s])));
  out.push(Object.fromEntries(STRINGS.map((s, i) => [s, i])));
  out.push({ list: STRINGS, nested: { deeper: STRINGS.map((s) => ({ s, n: [s, { s }] })) } });
  out.push({ values: values(), map: Object.fromEntries(values().map((v, i) => [`v${i}`, v])) });
  out.push({ seqOfSeq: [[['a', 'b\nc'], []], [{ x: 'y\n' }]], block: { 'in-seq': ['a\nb', ' lead\nx', 'keep\n\n'] } });
  return out;
}

/** Short strings over the characters YAML treats specially, from a fixed seed (the same strings on every run). */
function generatedStrings(count: number): string[] {
  const alphabet = [' ', '\n', ':', '#', '-', '?', "'", '"', 'a', 'Y', '0', '1', '.', '\t', '|', '>', '%', '\u0001', 'é', '[', ',', '~', '_', 'e', '+', 'x'];
  let state = 20261101;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: count }, () => Array.from({ length: next() % 9 }, () => alphabet[next() % alphabet.length]).join(''));
}

describe('stringifyManifests', () => {
  test('writes exactly what cdk8s writes for thousands of generated strings, as keys, values and list items', () => {
    const strings = generatedStrings(3000);
    for (let i = 0; i < strings.length; i += 100) {
      const chunk = strings.slice(i, i + 100);
      const doc = { values: Object.fromEntries(chunk.map((v, j) => [`k${j}`, v])), keys: Object.fromEntries(chunk.map((k, j) => [k, j])), items: chunk, nested: [{ m: { x: chunk } }] };
      expect(stringifyManifests([doc])).toEqual(Yaml.stringify(doc));
    }
  });

  test('writes exactly what cdk8s Yaml.stringify writes, for every kind of scalar and nesting', () => {
    for (const doc of objects()) expect(stringifyManifests([doc])).toEqual(Yaml.stringify(doc));
    expect(stringifyManifests(objects())).toEqual(Yaml.stringify(...objects()));
  });

  test('writes exactly what cdk8s writes for every committed manifest in dist/', () => {
    const dist = path.join(__dirname, '..', 'dist');
    const files: string[] = [];
    const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) files.push(p);
    });
    walk(dist);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
      expect(stringifyManifests(docs)).toEqual(Yaml.stringify(...docs));
    }
  });

  test('leaves what it does not cover to the yaml package: shared objects, undefined, other classes, long keys', () => {
    const shared = { a: 1 };
    const cases: unknown[] = [
      { x: shared, y: shared }, { x: undefined }, { x: [undefined] }, { d: new Date(0) }, { m: new Map([['a', 1]]) },
      { [`k${'y'.repeat(1100)}`]: 1 }, { big: BigInt(12) }, undefined,
    ];
    for (const doc of cases) expect(stringifyManifests([doc])).toEqual(Yaml.stringify(doc));
  });
});

describe('stringifySortedYaml11', () => {
  test('writes exactly what the yaml package writes with sorted keys and YAML 1.1', () => {
    for (const doc of [...objects(), { b: 1, a: { d: undefined, c: [1, 'off'] }, B: 'x', _: null }, { only: undefined }, { x: [undefined] }]) {
      expect(stringifySortedYaml11(doc)).toEqual(packageSorted(doc));
    }
  });
});

describe('parseYaml11', () => {
  test('gives for a document written by stringifySortedYaml11 what the yaml package parses from it', () => {
    const { parse } = require('yaml') as typeof import('yaml');
    const { App } = require('cdk8s') as typeof import('cdk8s');
    const l5d = require('../src') as typeof import('../src');
    for (const props of [{}, { highAvailability: true }, { cni: true }]) {
      const cp = new l5d.LinkerdControlPlane(new App(), 'cp', {
        ...props,
        keyMaterial: l5d.KeyMaterial.fromSeed({ seed: 'parse-yaml-11-test-seed', notBefore: '2026-01-01T00:00:00Z' }),
        emitGeneratedPrivateKeys: true,
        identity: { trustAnchors: l5d.TrustAnchors.generated(), issuer: l5d.IssuerCertificate.generated() },
      });
      const text = cp.toJson().find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 'linkerd-config').data.values;
      expect(parseYaml11(text)).toEqual(parse(text, { version: '1.1' }));
    }
    for (const doc of [...objects(), { b: 1, a: { d: undefined, c: [1, 'off', { x: undefined }] }, B: 'x', _: null, n: NaN }]) {
      const text = stringifySortedYaml11(doc);
      let expected: unknown;
      try {
        expected = parse(text, { version: '1.1' });
      } catch {
        continue; // a `<<` key, which YAML 1.1 reads as a merge: not something linkerd-config holds
      }
      expect(parseYaml11(text)).toEqual(expected);
    }
  });

  test('parses any other text with the yaml package', () => {
    expect(parseYaml11('a: "yes"\nb: yes\n')).toEqual({ a: 'yes', b: true });
  });
});
