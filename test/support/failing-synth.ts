import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
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
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-failing-'));
  fs.writeFileSync(path.join(out, '01-previous.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: previous\n');
  fs.mkdirSync(path.join(out, 'examples'));
  fs.writeFileSync(path.join(out, 'examples', 'kept.yaml'), 'kind: Kept\n');
  const before = hashDirectory(out);
  const stderr: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { stderr.push(String(chunk)); return true; });
  const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const exitCode = process.exitCode;
  let code: number | undefined;
  try {
    runSynth(build, out);
    code = process.exitCode as number | undefined;
  } finally {
    process.exitCode = exitCode;
    write.mockRestore();
    log.mockRestore();
  }
  const after = hashDirectory(out);
  fs.rmSync(out, { recursive: true, force: true });
  return { stderr: stderr.join(''), exitCode: code, before, after };
}
