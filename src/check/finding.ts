/** How bad a finding is: errors fail synth and `cdk8s-linkerd check`, warnings are reported only. */
export enum Severity {
  ERROR = 'error',
  WARNING = 'warning',
}

/** One problem found in a set of manifests. */
export interface Finding {
  /** Stable code, e.g. `L5D101`; documented in README, usable in suppressions. */
  readonly code: string;
  readonly severity: Severity;
  /** The object concerned, as `Kind namespace/name` (or `Kind name` when cluster-scoped). */
  readonly object?: string;
  /** Where in the object, e.g. `data.crt.pem` or `spec.template.metadata.annotations`. */
  readonly field?: string;
  readonly message: string;
  /** What to change, in the manifest and (where it applies) in the cdk8s-linkerd prop that produces it. */
  readonly fix?: string;
}

/** What a rule sees: every object of the set, and the clock to judge validity periods by. */
export interface CheckContext {
  readonly objects: ReadonlyArray<Record<string, any>>;
  /**
   * "Now" for expiry checks; when undefined, checks that depend on the date are skipped. Synth
   * passes only a date the user gave, so that its result never depends on the clock.
   */
  readonly now?: Date;
  /** Certificates must stay valid at least this long after `now`. */
  readonly expiryHorizonDays: number;
}

/** A family of checks. Each rule returns its findings; codes must be unique across rules. */
export interface CheckRule {
  /** Codes this rule can report, with a one-line description each (for docs and `--list`). */
  readonly codes: Readonly<Record<string, string>>;
  run(context: CheckContext): Finding[];
}

/** `Kind namespace/name` of a manifest, for messages. */
export function describeObject(o: Record<string, any>): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name}`;
}
