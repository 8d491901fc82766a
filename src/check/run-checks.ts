import { LinkerdConfigError, redactSecrets } from '../errors';
import { CheckContext, CheckRule, describeObject, Finding, Severity } from './finding';
import { CHECK_RULES } from './rules';
import { compareText } from '../order';

export interface CheckOptions {
  /**
   * Codes to leave out of the result, e.g. `['L5D111']`. Each must be a code of one of the
   * rules, so that a typo cannot silently suppress nothing.
   * @default - none
   */
  readonly suppress?: string[];
  /** "Now" for expiry checks. @default - none: date-dependent checks are skipped */
  readonly now?: Date;
  /** Certificates must stay valid this many days after `now`. @default 60, like `linkerd check` */
  readonly expiryHorizonDays?: number;
  /** @default - every rule of the library */
  readonly rules?: CheckRule[];
}

/** Runs the checks over a set of manifests; findings come sorted by severity, code, object and field. */
export function runChecks(objects: ReadonlyArray<Record<string, any>>, options: CheckOptions = {}): Finding[] {
  const rules = options.rules ?? CHECK_RULES;
  const horizon = options.expiryHorizonDays ?? 60;
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new LinkerdConfigError('checks', 'expiryHorizonDays', `${JSON.stringify(horizon)} is not a whole number of days`, 'use 0 or more, e.g. 60 like linkerd check');
  }
  if (options.now !== undefined && !(options.now instanceof Date && !Number.isNaN(options.now.getTime()))) {
    throw new LinkerdConfigError('checks', 'now', `${String(options.now)} is not a valid Date`, 'pass a Date, e.g. new Date("2027-01-01T00:00:00Z")');
  }
  const known = new Set(rules.flatMap((r) => Object.keys(r.codes)));
  const unknown = (options.suppress ?? []).filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new LinkerdConfigError('checks', 'suppress', `${unknown.map((c) => JSON.stringify(c)).join(', ')} ${unknown.length === 1 ? 'is not a check code' : 'are not check codes'}`,
      'use codes as listed by "cdk8s-linkerd check --list", e.g. L5D111');
  }
  const context: CheckContext = { objects, now: options.now, expiryHorizonDays: horizon };
  const suppressed = new Set(options.suppress ?? []);
  const suppressedOn = objectSuppressions(objects, known);
  const findings = rules.flatMap((rule) => rule.run(context))
    .filter((f) => !suppressed.has(f.code) && !(f.object !== undefined && suppressedOn.get(f.object)?.has(f.code)));
  const rank = (f: Finding) => (f.severity === Severity.ERROR ? 0 : 1);
  return findings.sort((a, b) => rank(a) - rank(b) || compareText(a.code, b.code) || compareText(a.object ?? '', b.object ?? '')
    || compareText(a.field ?? '', b.field ?? ''));
}

/**
 * Annotation that suppresses check codes for one object (comma-separated), where a finding is
 * expected by design, e.g. a Server for pods another install creates.
 */
export const SUPPRESS_CHECKS_ANNOTATION = 'check.cdk8s-linkerd.io/suppress';

/** Codes suppressed per object (`Kind namespace/name`); an unknown code fails, as `suppress` does. */
function objectSuppressions(objects: ReadonlyArray<Record<string, any>>, known: Set<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const o of objects) {
    const value = o?.metadata?.annotations?.[SUPPRESS_CHECKS_ANNOTATION];
    if (typeof value !== 'string') continue;
    const codes = value.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new LinkerdConfigError(describeObject(o), `metadata.annotations["${SUPPRESS_CHECKS_ANNOTATION}"]`,
        `${unknown.map((c) => JSON.stringify(c)).join(', ')} ${unknown.length === 1 ? 'is not a check code' : 'are not check codes'}`,
        'use codes as listed by "cdk8s-linkerd check --list", e.g. L5D301');
    }
    out.set(describeObject(o), new Set(codes));
  }
  return out;
}

/**
 * `ERROR L5D101 Secret linkerd/linkerd-identity-issuer data.crt.pem: message. Fix: what to do`,
 * with any private key material in it redacted.
 */
export function formatFinding(f: Finding): string {
  return redactSecrets(`${f.severity.toUpperCase()} ${f.code}${f.object ? ` ${f.object}` : ''}${f.field ? ` ${f.field}` : ''}: ${f.message}${f.fix ? `. Fix: ${f.fix}` : ''}`);
}

/** Every code the rules can report, with its description, sorted by code. */
export function listCheckCodes(rules: CheckRule[] = CHECK_RULES): Array<{ code: string; description: string }> {
  return rules.flatMap((r) => Object.entries(r.codes).map(([code, description]) => ({ code, description })))
    .sort((a, b) => compareText(a.code, b.code));
}
