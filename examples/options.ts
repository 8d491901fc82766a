import { KeyMaterial } from '../src';
import { DEMO_PEM_DIRECTORY } from './demo-pem';

/** What an example may be given instead of its demo defaults (tests use them). */
export interface ExampleOptions {
  /**
   * Start of validity of generated certificates.
   * @default '2026-11-01T00:00:00Z'
   */
  readonly notBefore?: string;
  /**
   * Key material of the generated example, e.g. `KeyMaterial.fromStateDirectory('.linkerd-state')`.
   * @default - KeyMaterial.fromSeed with the public demo seed and `notBefore`
   */
  readonly keyMaterial?: KeyMaterial;
  /**
   * Directory with the PEM files of the bring-your-own and cluster-reference examples.
   * @default - examples/pem, the committed demo files
   */
  readonly pemDirectory?: string;
}

export const DEMO_NOT_BEFORE = '2026-11-01T00:00:00Z';

/**
 * The seed of the generated examples. Whoever knows it can derive every private key of their
 * output, so it is for trying the library out only (see README, "Keys and Git").
 */
export const DEMO_SEED = 'cdk8s-linkerd example mesh - public, not for production';

export function pemDirectory(options: ExampleOptions): string {
  return options.pemDirectory ?? DEMO_PEM_DIRECTORY;
}
