import { IConstruct } from 'constructs';

/**
 * The one error type of this library. It names where the bad value was given (the construct
 * path), which field holds it, and what would be accepted instead, so that a failed synth
 * points straight at the line to change.
 */
export class LinkerdConfigError extends Error {
  /** Construct path of the construct whose props were rejected, e.g. `App/linkerd-control-plane`. */
  public readonly constructPath: string;
  /** Dotted name of the rejected prop, e.g. `controllerReplicas` or `identity.issuer.certificatePem`. */
  public readonly field: string;
  /** What to change. */
  public readonly fix: string;

  public constructor(scope: IConstruct | string, field: string, problem: string, fix: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path || '<root>';
    super(`${path}: ${field}: ${problem}. Fix: ${fix}`);
    this.name = 'LinkerdConfigError';
    this.constructPath = path;
    this.field = field;
    this.fix = fix;
  }
}
