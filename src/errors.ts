import { IConstruct } from 'constructs';

/**
 * The one error type of this library. It names where the bad value was given (the construct
 * path), which field holds it, and what would be accepted instead, so that a failed synth
 * points straight at the line to change.
 *
 * Messages often echo the rejected value. Whatever is echoed, PEM private keys (also
 * base64-encoded, as in a Secret's `data`) are redacted here, centrally, so that no error, log
 * or CI output ever carries key material.
 */
export class LinkerdConfigError extends Error {
  /** Construct path of the construct whose props were rejected, e.g. `App/linkerd-control-plane`. */
  public readonly constructPath: string;
  /** Dotted name of the rejected prop, e.g. `controllerReplicas` or `identity.issuer.certificatePem`. */
  public readonly field: string;
  /** What is wrong, without path and field. */
  public readonly problem: string;
  /** What to change. */
  public readonly fix: string;

  public constructor(scope: IConstruct | string, field: string, problem: string, fix: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path || '<root>';
    const safeField = redactSecrets(field);
    const safeFix = redactSecrets(fix);
    super(`${redactSecrets(path)}: ${safeField}: ${redactSecrets(problem)}. Fix: ${safeFix}`);
    this.name = 'LinkerdConfigError';
    this.constructPath = path;
    this.field = safeField;
    this.problem = redactSecrets(problem);
    this.fix = safeFix;
  }
}

/** Marker that replaces redacted key material. */
export const REDACTED = '<redacted>';

// A PEM private key block, raw or inside a JSON string (newlines escaped). An unterminated block
// is redacted up to the end of the quoted value, or of the text.
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|(?=["'`])|$)/g;
// Base64 of "-----BEGIN" starts with "LS0tLS1CRUdJTi"; the run may be wrapped in (escaped) newlines.
const BASE64_PEM = /LS0tLS1CRUdJTi(?:[A-Za-z0-9+/=]|\\[rn]|[\r\n])*/g;

/**
 * `text` with every PEM private key replaced by `-----BEGIN … PRIVATE KEY----- <redacted>`, and
 * every base64 run that decodes to one replaced by `<redacted>`. Certificates and other PEM
 * blocks are left as they are: they are public.
 */
export function redactSecrets(text: string): string {
  if (typeof text !== 'string') return text;
  if (!text.includes('PRIVATE KEY') && !text.includes('LS0tLS1CRUdJTi')) return text;
  return text
    .replace(PEM_PRIVATE_KEY, (_m, label: string) => `-----BEGIN ${label}----- ${REDACTED} -----END ${label}-----`)
    .replace(BASE64_PEM, (run) => {
      const head = Buffer.from(run.replace(/\\[rn]|[\r\n]/g, '').slice(0, 64), 'base64').toString('latin1');
      return /PRIVATE KEY/.test(head) ? REDACTED : run;
    });
}
