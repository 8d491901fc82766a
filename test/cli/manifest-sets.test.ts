import * as path from 'node:path';
import { runNode } from '../support/determinism';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'lib', 'src', 'cli.js');

describe('cdk8s-linkerd check on a directory of installs', () => {
  test('checks dist/ and every dist/examples/<mode>/ as separate installs, so alternatives do not collide', () => {
    // WHEN
    const result = runNode(CLI, ['check', path.join(ROOT, 'dist'), '--now', 'none']);
    // THEN
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/check: 0 errors, \d+ warnings over \d+ objects in 5 sets\n$/);
  });
});
