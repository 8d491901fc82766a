import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { runSynth } from '../../src';
import { hashDirectory } from './determinism';

/** What a failed `runSynth` left behind. */
export interface FailedSynth {
  /** What it printed on stderr. */
  readonly stderr: string;
  readonly exitCode: number | undefined;
  /** Hashes of the output directory before and after. */
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
}

/**
 * Runs `runSynth(build)` into an output directory that holds an earlier synth's files, and
 * returns what it printed and the directory's hashes before and after, so that a test can
 * assert the message and that nothing was written.
 */
export function synthInto(build: () => App): FailedSynth {
  // An earlier synth's output (dist/, with its list of owned files, and reports/ beside it), plus a file of the user's.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-failing-'));
  const out = path.join(root, 'dist');
  quietly(() => runSynth(previousApp, out));
  fs.mkdirSync(path.join(out, 'examples'));
  fs.writeFileSync(path.join(out, 'examples', 'kept.yaml'), 'kind: Kept\n');
  const before = hashDirectory(root);
  const exitCode = process.exitCode;
  let code: number | undefined;
  let stderr = '';
  try {
    // A worker's process runs many test files: start from no exit code.
    process.exitCode = undefined;
    stderr = quietly(() => runSynth(build, out));
    code = process.exitCode as number | undefined;
  } finally {
    process.exitCode = exitCode;
  }
  const after = hashDirectory(root);
  fs.rmSync(root, { recursive: true, force: true });
  return { stderr, exitCode: code, before, after };
}

/** One Namespace: what the output directory held before. */
function previousApp(): App {
  const app = new App();
  new ApiObject(new Chart(app, 'previous'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'previous' } });
  return app;
}

/** Runs `fn` with stdout and stderr captured; returns what went to stderr. */
function quietly(fn: () => void): string {
  const stderr: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { stderr.push(String(chunk)); return true; });
  const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    fn();
  } finally {
    write.mockRestore();
    log.mockRestore();
  }
  return stderr.join('');
}
