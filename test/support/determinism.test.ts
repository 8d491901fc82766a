import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashDirectory, runNode } from './determinism';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'determinism-test-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, body);
  return file;
}

describe('runNode', () => {
  const CLOCK = `
    class Sub extends Date {}
    const later = new Promise(r => setTimeout(r, 20));
    later.then(() => console.log(JSON.stringify({
      iso: new Date().toISOString(),
      now: Date.now(),
      call: Date(),
      explicit: new Date(2020, 0, 2).toISOString(),
      parsed: Date.parse('2000-01-01T00:00:00Z'),
      utc: Date.UTC(2001, 0, 1),
      instance: new Date() instanceof Date,
      sub: new Sub().toISOString(),
      subInstance: new Sub() instanceof Date,
      ctor: new Date().constructor === Date,
      hours: new Date().getHours(),
      tz: process.env.TZ,
      argv: process.argv.slice(2),
    })));
  `;

  test('stops the clock at fakeDate and passes args and env', () => {
    // GIVEN
    const file = script('clock.js', CLOCK);

    // WHEN
    const r = runNode(file, ['a', 'b'], { TZ: 'Asia/Kolkata' }, { fakeDate: '2031-06-01T12:00:00Z' });

    // THEN
    expect(r.stderr).toEqual('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      iso: '2031-06-01T12:00:00.000Z',
      now: Date.parse('2031-06-01T12:00:00Z'),
      explicit: '2020-01-01T18:30:00.000Z', // local midnight in +05:30
      parsed: Date.parse('2000-01-01T00:00:00Z'),
      utc: Date.UTC(2001, 0, 1),
      instance: true,
      sub: '2031-06-01T12:00:00.000Z',
      subInstance: true,
      ctor: true,
      hours: 17, // 12:00Z in +05:30
      tz: 'Asia/Kolkata',
      argv: ['a', 'b'],
    });
    expect(out.call).toMatch(/^Sun Jun 01 2031 17:30:00 GMT\+0530/);
  });

  test('uses the real clock and TZ=UTC by default, without inheriting the environment', () => {
    // GIVEN
    const file = script('env.js', 'console.log(JSON.stringify({ now: Date.now(), tz: process.env.TZ, leak: process.env.DETERMINISM_TEST_LEAK ?? null }))');
    process.env.DETERMINISM_TEST_LEAK = 'yes';

    // WHEN
    const before = Date.now();
    const r = runNode(file, [], {});
    delete process.env.DETERMINISM_TEST_LEAK;

    // THEN
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.now).toBeGreaterThanOrEqual(before);
    expect(out.tz).toEqual('UTC');
    expect(out.leak).toBeNull();
  });

  test('reports a failing child', () => {
    const file = script('fail.js', 'process.stderr.write("boom\\n"); process.exit(3)');
    expect(runNode(file)).toEqual({ status: 3, stdout: '', stderr: 'boom\n' });
  });

  test('fails on a fakeDate that is not a date', () => {
    expect(() => runNode(script('noop.js', ''), [], {}, { fakeDate: 'tomorrow' })).toThrow(/not a date/);
  });
});

describe('hashDirectory', () => {
  test('hashes every file by its relative path, in sorted order', () => {
    // GIVEN
    const dir = path.join(tmp, 'tree');
    fs.mkdirSync(path.join(dir, 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'z.yaml'), 'z');
    fs.writeFileSync(path.join(dir, 'b', 'c', 'a.yaml'), '');
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'abc');

    // WHEN
    const h = hashDirectory(dir);

    // THEN
    expect(Object.keys(h)).toEqual(['a.yaml', 'b/c/a.yaml', 'z.yaml']);
    expect(h['a.yaml']).toEqual('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(h['b/c/a.yaml']).toEqual('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

    // a changed byte changes the hash
    fs.writeFileSync(path.join(dir, 'z.yaml'), 'Z');
    expect(hashDirectory(dir)['z.yaml']).not.toEqual(h['z.yaml']);
  });
});
