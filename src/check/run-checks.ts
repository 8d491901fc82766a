import { CheckContext, CheckRule, Finding, Severity } from './finding';
import { CHECK_RULES } from './rules';

export interface CheckOptions {
  /** Codes to leave out of the result, e.g. `['L5D105']`. @default - none */
  readonly suppress?: string[];
  /** "Now" for expiry checks. @default - none: date-dependent checks are skipped */
  readonly now?: Date;
  /** Certificates must stay valid this many days after `now`. @default 60, like `linkerd check` */
  readonly expiryHorizonDays?: number;
  /** @default - every rule of the library */
  readonly rules?: CheckRule[];
}

/** Runs the checks over a set of manifests; findings come sorted by severity, code and object. */
export function runChecks(objects: ReadonlyArray<Record<string, any>>, options: CheckOptions = {}): Finding[] {
  const context: CheckContext = {
    objects,
    now: options.now,
    expiryHorizonDays: options.expiryHorizonDays ?? 60,
  };
  const suppressed = new Set(options.suppress ?? []);
  const findings = (options.rules ?? CHECK_RULES).flatMap((rule) => rule.run(context)).filter((f) => !suppressed.has(f.code));
  const rank = (f: Finding) => (f.severity === Severity.ERROR ? 0 : 1);
  return findings.sort((a, b) => rank(a) - rank(b) || a.code.localeCompare(b.code) || (a.object ?? '').localeCompare(b.object ?? ''));
}

/** `ERROR L5D101 Secret linkerd/linkerd-identity-issuer data.crt.pem: message` */
export function formatFinding(f: Finding): string {
  return `${f.severity.toUpperCase()} ${f.code}${f.object ? ` ${f.object}` : ''}${f.field ? ` ${f.field}` : ''}: ${f.message}`;
}
