import { createHash } from 'node:crypto';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from './errors';
import { parseQuantity } from './proxy/go-syntax';

/**
 * Prop checks shared by every construct. Each returns the value unchanged when it is valid and
 * throws a LinkerdConfigError naming the construct and the field when it is not, so they can
 * wrap a prop where it is read: `replicas = check.positiveInteger(this, 'replicas', props.replicas)`.
 *
 * Each value kind is checked against its grammar, and a rejection names the actual fault (too
 * long, upper case, a tag where none belongs, the cron field out of range, …). The `…Fault`
 * functions return that fault without throwing, for callers that judge text they did not get
 * from a prop (annotation checks).
 */

type Scope = IConstruct | string;

/** What is wrong with a value, and how to fix it. */
export interface Fault {
  readonly problem: string;
  readonly fix: string;
}

/** Longest rendering of a rejected value in a message. */
const MAX_SHOWN = 120;

/**
 * A value for a message: JSON, cut to a readable length. PEM private keys are redacted later, by
 * LinkerdConfigError, wherever the text ends up.
 */
export function formatValue(value: unknown): string {
  let text: string;
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return value.toString();
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  if (text.length <= MAX_SHOWN) return text;
  return `${text.slice(0, MAX_SHOWN - 20)}…${typeof value === 'string' ? `" (${value.length} characters)` : ' (cut)'}`;
}

function raise(scope: Scope, field: string, fault: Fault): never {
  throw new LinkerdConfigError(scope, field, fault.problem, fault.fix);
}

function fail(scope: Scope, field: string, value: unknown, expected: string, fix: string): never {
  throw new LinkerdConfigError(scope, field, `${formatValue(value)} is not ${expected}`, fix);
}

/** Fails unless `value` is a string, naming what it is instead. */
function requireString(scope: Scope, field: string, value: unknown, example: string): string {
  if (typeof value !== 'string') {
    throw new LinkerdConfigError(scope, field, `is ${describeType(value)}, not a string`, `give a string, e.g. ${example}`);
  }
  return value;
}

/** "a string ("x")", "a number (3)", "null", "an array", "a Duration", … for messages about types. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': return `a string (${formatValue(value)})`;
    case 'number': return Number.isFinite(value) ? `a number (${value})` : `${value}`;
    case 'boolean': return `a boolean (${value})`;
    case 'bigint': return `a bigint (${value}n)`;
    case 'function': return 'a function';
    case 'object': {
      const name = Object.getPrototypeOf(value)?.constructor?.name;
      return !name || name === 'Object' ? 'a plain object' : `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
    }
    default: return `a ${typeof value}`;
  }
}

// ---------------------------------------------------------------------------------- numbers

export function positiveInteger(scope: Scope, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    fail(scope, field, value, 'a positive integer', 'use a whole number of 1 or more');
  }
  return value;
}

export function nonNegativeInteger(scope: Scope, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    fail(scope, field, value, 'a non-negative integer', 'use a whole number of 0 or more');
  }
  return value;
}

export function port(scope: Scope, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    fail(scope, field, value, 'a TCP port', 'use a whole number from 1 to 65535');
  }
  return value;
}

// ---------------------------------------------------------------------------------- DNS names

const LABEL_CHARS = /^[a-z0-9-]*$/;

/** The first character of `text` that `allowed` rejects, quoted for a message. */
function firstBad(text: string, allowed: RegExp): string {
  for (const ch of text) {
    if (!allowed.test(ch)) return ch === ' ' ? '" " (a space)' : JSON.stringify(ch);
  }
  return '';
}

/** What is wrong with an RFC 1123 label, or undefined. `what` names it in messages. */
export function dnsLabelFault(value: string, what = 'a DNS label'): Fault | undefined {
  const shown = formatValue(value);
  if (value.length === 0) return { problem: 'is empty', fix: `give ${what}: lower-case letters, digits and "-"` };
  if (value.length > 63) {
    return { problem: `${shown} is ${value.length} characters long; ${what} has at most 63`, fix: 'use a shorter name, at most 63 characters' };
  }
  const upper = /[A-Z]/.test(value);
  if (upper && LABEL_CHARS.test(value.toLowerCase())) {
    return { problem: `${shown} has upper-case letters; ${what} is lower case`, fix: `use ${JSON.stringify(value.toLowerCase())}` };
  }
  if (!LABEL_CHARS.test(value)) {
    const bad = firstBad(value, /[a-zA-Z0-9-]/);
    return { problem: `${shown} contains ${bad}${upper ? ' and upper-case letters' : ''}; ${what} has only a-z, 0-9 and "-"`, fix: 'use lower-case letters, digits and "-" only' };
  }
  if (value.startsWith('-') || value.endsWith('-')) {
    return { problem: `${shown} ${value.startsWith('-') ? 'starts' : 'ends'} with "-"`, fix: 'start and end with a letter or digit' };
  }
  return undefined;
}

/** What is wrong with an RFC 1123 subdomain (dot-separated labels, at most 253 characters), or undefined. */
export function dnsSubdomainFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  if (value.length === 0) return { problem: 'is empty', fix: 'give a DNS subdomain, e.g. "cluster.local"' };
  if (value.length > 253) return { problem: `${shown} is ${value.length} characters long; a DNS subdomain has at most 253`, fix: 'use a shorter name' };
  const labels = value.split('.');
  const empty = labels.findIndex((l) => l === '');
  if (empty >= 0) {
    const where = empty === 0 ? 'starts with "."' : empty === labels.length - 1 ? 'ends with "."' : 'has two dots in a row';
    return { problem: `${shown} ${where}`, fix: 'separate non-empty labels with single dots, e.g. "cluster.local"' };
  }
  for (const [i, label] of labels.entries()) {
    const fault = dnsLabelFault(label, 'a DNS label');
    if (fault) {
      const fix = /upper-case/.test(fault.problem) ? `use ${JSON.stringify(value.toLowerCase())}` : fault.fix;
      return { problem: labels.length === 1 ? fault.problem : `label ${i + 1} of ${shown}: ${fault.problem}`, fix };
    }
  }
  return undefined;
}

export function dnsLabel(scope: Scope, field: string, value: string): string {
  const fault = dnsLabelFault(requireString(scope, field, value, '"linkerd"'));
  if (fault) raise(scope, field, fault);
  return value;
}

export function dnsSubdomain(scope: Scope, field: string, value: string): string {
  const fault = dnsSubdomainFault(requireString(scope, field, value, '"cluster.local"'));
  if (fault) raise(scope, field, fault);
  return value;
}

/** Options of `derivedName`. */
export interface DerivedNameOptions {
  /** Longest name. @default 63 */
  readonly max?: number;
  /** Dots are allowed (a DNS subdomain of short labels) rather than a single DNS label. @default false */
  readonly dots?: boolean;
}

/**
 * An object name made of parts joined with "-" (`api-9898-from-web`), valid as a whole: a name
 * that is already a valid DNS label (or subdomain, with `dots`) of at most `max` characters is
 * kept as it is; otherwise it is lower-cased, other characters become "-", and when it is still
 * too long it is cut and ends in a hash of the whole joined name, so that it stays unique and
 * the same on every synth. Every object name this library derives from user input goes through
 * here or is checked as a whole.
 */
export function derivedName(parts: readonly string[], options: DerivedNameOptions = {}): string {
  const max = Math.min(options.max ?? 63, options.dots ? 253 : 63);
  const joined = parts.join('-');
  const valid = (name: string) => name.length <= max && (options.dots ? dnsSubdomainFault(name) : dnsLabelFault(name)) === undefined;
  if (valid(joined)) return joined;
  const clean = joined.toLowerCase()
    .replace(options.dots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-')
    .replace(/-*\.[-.]*/g, '.').replace(/-+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'x';
  if (valid(clean)) return clean;
  const hash = createHash('sha256').update(joined).digest('hex').slice(0, 10);
  return `${clean.slice(0, max - hash.length - 1).replace(/[-.]+$/, '')}-${hash}`;
}

// ---------------------------------------------------------------------------------- labels and annotations

const LABEL_NAME_CHARS = /^[A-Za-z0-9_.-]*$/;

function labelNameFault(value: string, what: string): Fault | undefined {
  const shown = formatValue(value);
  if (value.length > 63) return { problem: `${shown} is ${value.length} characters long; ${what} has at most 63`, fix: 'use at most 63 characters' };
  if (!LABEL_NAME_CHARS.test(value)) {
    return { problem: `${shown} contains ${firstBad(value, /[A-Za-z0-9_.-]/)}; ${what} has only letters, digits, "-", "_" and "."`, fix: 'remove the other characters' };
  }
  if (value !== '' && (!/^[A-Za-z0-9]/.test(value) || !/[A-Za-z0-9]$/.test(value))) {
    return { problem: `${shown} ${/^[A-Za-z0-9]/.test(value) ? 'ends' : 'starts'} with ${JSON.stringify(/^[A-Za-z0-9]/.test(value) ? value.slice(-1) : value[0])}`, fix: 'start and end with a letter or digit' };
  }
  return undefined;
}

/** What is wrong with a label or annotation key (`[prefix/]name`), or undefined. */
export function labelKeyFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  if (value.length > 317) return { problem: `${shown} is ${value.length} characters long; a key has at most 317 (253 prefix, "/", 63 name)`, fix: 'use a shorter key' };
  const parts = value.split('/');
  if (parts.length > 2) return { problem: `${shown} has ${parts.length - 1} "/"; a key has at most one, between prefix and name`, fix: 'use "prefix/name", e.g. "example.com/tier"' };
  const name = parts[parts.length - 1];
  if (name === '') return { problem: `${shown} has an empty name`, fix: 'give a name after the prefix, e.g. "example.com/tier"' };
  if (parts.length === 2) {
    const prefix = dnsSubdomainFault(parts[0]);
    if (prefix) return { problem: `the prefix of ${shown}: ${prefix.problem}`, fix: prefix.fix };
  }
  const fault = labelNameFault(name, 'the name part of a key');
  return fault && { problem: parts.length === 2 ? `the name of ${shown}: ${fault.problem}` : fault.problem, fix: fault.fix };
}

export function labelKey(scope: Scope, field: string, value: string): string {
  const fault = labelKeyFault(requireString(scope, field, value, '"example.com/tier"'));
  if (fault) raise(scope, field, fault);
  return value;
}

export function labelValue(scope: Scope, field: string, value: string): string {
  const fault = labelNameFault(requireString(scope, field, value, '"frontend"'), 'a label value');
  if (fault) raise(scope, field, fault);
  return value;
}

// ---------------------------------------------------------------------------------- images

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/**
 * What is wrong with an image repository without tag (`[registry[:port]/]path`, the
 * distribution reference grammar), or undefined.
 */
export function imageNameFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  const tagFix = 'give "[registry/]repository" only, e.g. "cr.l5d.io/linkerd/proxy", and the tag in the matching version prop';
  if (value.length === 0) return { problem: 'is empty', fix: tagFix };
  if (value.length > 255) return { problem: `${shown} is ${value.length} characters long; an image name has at most 255`, fix: 'use a shorter name' };
  const space = /\s/.exec(value);
  if (space) return { problem: `${shown} contains whitespace`, fix: 'remove the whitespace' };
  const at = value.indexOf('@');
  if (at >= 0) return { problem: `${shown} has a digest (${formatValue(value.slice(at))})`, fix: tagFix };
  const components = value.split('/');
  const first = components[0];
  const hasRegistry = components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first));
  const path = hasRegistry ? components.slice(1) : components;
  if (hasRegistry) {
    const [host, portText, ...more] = first.split(':');
    if (more.length > 0) return { problem: `${shown} has an extra ":" in the registry ${formatValue(first)}`, fix: 'write the registry as "host[:port]"' };
    if (portText !== undefined && !/^\d{1,5}$/.test(portText)) return { problem: `the registry port ${formatValue(portText)} of ${shown} is not a number`, fix: 'write the registry as "host[:port]", e.g. "localhost:5000"' };
    const badHost = host.split('.').find((c) => !DOMAIN_COMPONENT.test(c));
    if (badHost !== undefined) return { problem: `the registry host ${formatValue(host)} of ${shown} is not a host name`, fix: 'use a host name such as "cr.l5d.io" or "localhost:5000"' };
  }
  for (const [i, component] of path.entries()) {
    const last = i === path.length - 1;
    if (component === '') return { problem: `${shown} has an empty path component${last ? ' (it ends with "/")' : ' ("//")'}`, fix: 'separate non-empty components with single "/"' };
    const colon = component.indexOf(':');
    if (colon >= 0) {
      return last && !component.slice(colon + 1).includes(':')
        ? { problem: `${shown} has a tag (${formatValue(component.slice(colon))})`, fix: tagFix }
        : { problem: `${shown} has an extra ":" in ${formatValue(component)}`, fix: tagFix };
    }
    if (/[A-Z]/.test(component) && PATH_COMPONENT.test(component.toLowerCase())) {
      return { problem: `path component ${formatValue(component)} of ${shown} has upper-case letters; repositories are lower case`, fix: `use ${formatValue(value.replace(component, component.toLowerCase()))}` };
    }
    if (!PATH_COMPONENT.test(component)) {
      const bad = firstBad(component, /[a-z0-9._-]/);
      return {
        problem: bad ? `path component ${formatValue(component)} of ${shown} contains ${bad}`
          : `path component ${formatValue(component)} of ${shown} starts, ends or joins words with a separator other than ".", "_", "__" or "-"`,
        fix: 'use lower-case letters and digits, joined by ".", "_", "__" or "-"',
      };
    }
  }
  return undefined;
}

/** What is wrong with an image tag, or undefined. */
export function imageTagFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  const fix = 'use up to 128 letters, digits, "_", "." and "-", not starting with "." or "-", e.g. "edge-26.8.3"';
  if (value.length === 0) return { problem: 'is empty', fix };
  if (value.length > 128) return { problem: `${shown} is ${value.length} characters long; a tag has at most 128`, fix };
  if (value.startsWith(':')) return { problem: `${shown} starts with ":"`, fix: `give the tag without the colon: ${formatValue(value.slice(1))}` };
  if (value.includes(':')) return { problem: `${shown} has an extra ":"`, fix: `give only the tag, e.g. ${formatValue(value.slice(value.lastIndexOf(':') + 1))}` };
  if (value.includes('@')) return { problem: `${shown} has a digest`, fix };
  if (!/^[\w.-]+$/.test(value)) return { problem: `${shown} contains ${firstBad(value, /[\w.-]/)}`, fix };
  if (!/^\w/.test(value)) return { problem: `${shown} starts with ${JSON.stringify(value[0])}`, fix };
  return undefined;
}

/** What is wrong with a full image reference (`name[:tag][@digest]`), or undefined. */
export function imageReferenceFault(value: string): Fault | undefined {
  const at = value.indexOf('@');
  const nameAndTag = at >= 0 ? value.slice(0, at) : value;
  if (at >= 0 && !/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(value.slice(at + 1))) {
    return { problem: `the digest ${formatValue(value.slice(at))} of ${formatValue(value)} is not "algorithm:hex"`, fix: 'use e.g. "@sha256:<64 hex digits>"' };
  }
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', slash + 1);
  const name = colon >= 0 ? nameAndTag.slice(0, colon) : nameAndTag;
  const nameFault = imageNameFault(name);
  if (nameFault) return nameFault;
  return colon >= 0 ? imageTagFault(nameAndTag.slice(colon + 1)) : undefined;
}

export function imageName(scope: Scope, field: string, value: string): string {
  const fault = imageNameFault(requireString(scope, field, value, '"cr.l5d.io/linkerd/proxy"'));
  if (fault) raise(scope, field, fault);
  return value;
}

export function imageTag(scope: Scope, field: string, value: string): string {
  const fault = imageTagFault(requireString(scope, field, value, '"edge-26.8.3"'));
  if (fault) raise(scope, field, fault);
  return value;
}

export function imageReference(scope: Scope, field: string, value: string): string {
  const fault = imageReferenceFault(requireString(scope, field, value, '"ghcr.io/acme/web:1.2"'));
  if (fault) raise(scope, field, fault);
  return value;
}

// ---------------------------------------------------------------------------------- durations and quantities

const GO_DURATION_UNITS = ['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'];

/** What is wrong with a Go duration such as `24h0m0s` (no sign), or undefined. */
export function goDurationFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  const fix = 'use numbers with units ns, us, ms, s, m or h, e.g. "100ms", "24h0m0s"';
  if (value === '') return { problem: 'is empty', fix };
  let rest = value;
  while (rest !== '') {
    const number = /^\d+(?:\.\d+)?/.exec(rest);
    if (!number) return { problem: `${shown} has ${formatValue(rest[0])} where a number belongs`, fix };
    const unit = /^[^\d.]*/.exec(rest.slice(number[0].length))![0];
    if (unit === '') return { problem: `${shown} has no unit after ${number[0]}`, fix };
    if (!GO_DURATION_UNITS.includes(unit)) return { problem: `${formatValue(unit)} in ${shown} is not a unit`, fix };
    rest = rest.slice(number[0].length + unit.length);
  }
  return undefined;
}

export function goDuration(scope: Scope, field: string, value: string): string {
  const fault = goDurationFault(requireString(scope, field, value, '"24h0m0s"'));
  if (fault) raise(scope, field, fault);
  return value;
}

/** Parses a Go duration into milliseconds; the value must already have passed goDuration. */
export function durationMillis(value: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(amount) * units[unit];
  }
  return total;
}

const QUANTITY_NUMBER = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)/;
const QUANTITY_SUFFIXES = ['n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const QUANTITY_SUFFIX_HINTS: Record<string, string> = { mb: 'Mi or M', mib: 'Mi', gb: 'Gi or G', gib: 'Gi', kb: 'Ki or k', kib: 'Ki', tb: 'Ti or T', b: 'no suffix (bytes)', K: 'k or Ki' };

/** What is wrong with a non-negative Kubernetes quantity (`100m`, `0.5`, `64Mi`), or undefined. */
export function quantityFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  const fix = 'use e.g. "100m" or "0.5" for CPU, "64Mi" or "1Gi" for memory';
  if (value === '') return { problem: 'is empty', fix };
  if (/\s/.test(value)) return { problem: `${shown} contains whitespace`, fix: `write it without spaces, e.g. ${formatValue(value.replace(/\s+/g, ''))}` };
  if (value.startsWith('-')) return { problem: `${shown} is negative`, fix: 'use a quantity of zero or more' };
  const number = QUANTITY_NUMBER.exec(value);
  if (!number) return { problem: `${shown} does not start with a number`, fix };
  const suffix = value.slice(number[0].length);
  if (suffix === '' || QUANTITY_SUFFIXES.includes(suffix) || /^[eE][+-]?\d+$/.test(suffix)) return undefined;
  const hint = QUANTITY_SUFFIX_HINTS[suffix] ?? QUANTITY_SUFFIX_HINTS[suffix.toLowerCase()];
  return { problem: `${formatValue(suffix)} in ${shown} is not a quantity suffix`, fix: hint ? `use ${hint}, e.g. ${formatValue(`${number[0]}${hint.split(' ')[0]}`)}` : `use one of ${QUANTITY_SUFFIXES.join(', ')}` };
}

export function quantity(scope: Scope, field: string, value: string): string {
  const fault = quantityFault(requireString(scope, field, value, '"64Mi"'));
  if (fault) raise(scope, field, fault);
  return value;
}

// ---------------------------------------------------------------------------------- choices

export function oneOf<T extends string>(scope: Scope, field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    fail(scope, field, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, `use one of ${allowed.join(', ')}`);
  }
  return value;
}

// ---------------------------------------------------------------------------------- log filters

const TRACING_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'off'];
const RUST_TARGET = /^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*$/;
// A span filter after the target: `[span]`, `[{field}]`, `[span{field=value}]`.
const SPAN_FILTER = /^\[(?:[A-Za-z_][A-Za-z0-9_]*)?(?:\{[^{}\[\]]*\})?\]$/;

/**
 * What is wrong with a log filter in the `tracing` directive syntax the Rust proxy and policy
 * controller read (`warn,linkerd=info,hickory=error`): comma-separated directives, each a level
 * (trace, debug, info, warn, error, off) or `target=level`, where the target is a Rust module
 * path, optionally with a span filter in brackets. The proxy drops a directive it cannot parse
 * without a word, so a typo silently changes what is logged.
 */
export function logFilterFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  const fix = `use comma-separated levels (${TRACING_LEVELS.join(', ')}) or target=level directives, e.g. "warn,linkerd=info"`;
  if (value.trim() === '') return { problem: 'is empty', fix };
  const directives = value.split(',');
  for (const [i, raw] of directives.entries()) {
    const directive = raw.trim();
    const which = directives.length > 1 ? `directive ${i + 1} (${formatValue(directive)}) of ${shown}` : shown;
    if (directive === '') return { problem: `${shown} has an empty directive${i === directives.length - 1 ? ' (a trailing ",")' : ''}`, fix };
    // A span filter may hold "=" ([span{field=value}]): the level follows the last "]".
    const eq = directive.indexOf('=', directive.lastIndexOf(']') + 1);
    if (eq < 0) {
      if (TRACING_LEVELS.includes(directive.toLowerCase())) continue;
      return {
        problem: `${which} is not a level (${TRACING_LEVELS.join(', ')})`,
        fix: RUST_TARGET.test(directive) ? `give the target a level, e.g. "${directive}=debug", or use a level` : fix,
      };
    }
    const target = directive.slice(0, eq);
    const level = directive.slice(eq + 1);
    const bracket = target.indexOf('[');
    const path = bracket >= 0 ? target.slice(0, bracket) : target;
    if ((path !== '' || bracket < 0) && !RUST_TARGET.test(path)) {
      return { problem: `the target ${formatValue(path)} in ${which} is not a Rust module path`, fix: 'use a target such as "linkerd", "linkerd_proxy_http" or "linkerd::app"' };
    }
    if (bracket >= 0 && !SPAN_FILTER.test(target.slice(bracket))) {
      return { problem: `the span filter ${formatValue(target.slice(bracket))} in ${which} is not "[span{field=value}]"`, fix: 'write span filters as "target[span{field=value}]=level"' };
    }
    if (!TRACING_LEVELS.includes(level.toLowerCase())) {
      return { problem: `the level ${formatValue(level)} in ${which} is not one of ${TRACING_LEVELS.join(', ')}`, fix: `use e.g. "${path || 'linkerd'}=debug"` };
    }
  }
  return undefined;
}

export function logFilter(scope: Scope, field: string, value: string): string {
  const fault = logFilterFault(requireString(scope, field, value, '"warn,linkerd=info"'));
  if (fault) raise(scope, field, fault);
  return value;
}

// ---------------------------------------------------------------------------------- cron

const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];
const CRON_DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/**
 * What is wrong with a five-field cron schedule as Kubernetes parses CronJob schedules
 * (`minute hour day-of-month month day-of-week`; `*`, numbers, `a-b` ranges, `/step`, lists,
 * month and weekday names, `?` for the days, and the `@daily`-style descriptors), or undefined.
 * The problem names the field and the part that is wrong.
 */
export function cronFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  const layout = 'use "minute hour day-of-month month day-of-week", e.g. "0 3 * * *"';
  const text = value.trim();
  if (text.startsWith('@')) {
    return CRON_DESCRIPTORS.includes(text) ? undefined : { problem: `${shown} is not a cron descriptor`, fix: `use one of ${CRON_DESCRIPTORS.join(', ')}, or five fields` };
  }
  if (/^(CRON_)?TZ=/.test(text)) return { problem: `${shown} sets a time zone, which Kubernetes rejects in a schedule`, fix: 'leave the TZ= prefix out (CronJobs run in the controller manager\'s time zone)' };
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== 5) return { problem: `${shown} has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5`, fix: layout };
  for (const [i, spec] of CRON_FIELDS.entries()) {
    const fault = cronFieldFault(fields[i], spec, i >= 2 && i !== 3);
    if (fault) return { problem: `${shown}: field ${i + 1} (${spec.name}) ${formatValue(fields[i])}: ${fault}`, fix: `use ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ''}, "*", ranges "a-b", steps "/n" and lists "a,b"` };
  }
  return undefined;
}

function cronFieldFault(field: string, spec: typeof CRON_FIELDS[number], questionMark: boolean): string | undefined {
  const value = (text: string): number | undefined => {
    if (/^\d+$/.test(text)) return Number(text);
    const i = spec.names?.indexOf(text.toLowerCase()) ?? -1;
    return i < 0 ? undefined : i + spec.min;
  };
  for (const part of field.split(',')) {
    if (part === '') return 'a list entry is empty';
    const [range, step, ...extra] = part.split('/');
    if (extra.length > 0) return `${formatValue(part)} has more than one "/"`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return `the step ${formatValue(step)} is not a whole number of 1 or more`;
    if (range === '*' || (range === '?' && questionMark)) continue;
    const [lowText, highText, ...more] = range.split('-');
    if (more.length > 0) return `${formatValue(range)} has more than one "-"`;
    const low = value(lowText);
    const high = highText === undefined ? low : value(highText);
    const bad = low === undefined ? lowText : high === undefined ? highText : undefined;
    if (bad !== undefined) return `${formatValue(bad)} is not a number${spec.names ? ' or name' : ''}`;
    for (const n of [low!, high!]) {
      if (n < spec.min || n > spec.max) return `${n} is outside ${spec.min}-${spec.max}`;
    }
    if (low! > high!) return `the range ${formatValue(range)} starts after it ends`;
  }
  return undefined;
}

export function cronSchedule(scope: Scope, field: string, value: string): string {
  const fault = cronFault(requireString(scope, field, value, '"0 3 * * *"'));
  if (fault) raise(scope, field, fault);
  return value;
}

// ---------------------------------------------------------------------------------- cross-field

/**
 * Fails when a request is above its limit (`field` names the request the user set), as the
 * API server does for containers. Quantities are compared by value, so `1Gi` and `1024Mi` are
 * equal and `0.5` equals `500m`.
 */
export function requestWithinLimit(scope: Scope, field: string, resource: string, request: string | undefined, limit: string | undefined, limitFrom: string): void {
  if (!request || !limit) return;
  const r = quantityFault(request) ? undefined : parseQuantity(request);
  const l = quantityFault(limit) ? undefined : parseQuantity(limit);
  if (r !== undefined && l !== undefined && r > l * (1 + 1e-12)) {
    throw new LinkerdConfigError(scope, field,
      `the ${resource} request ${request} is above the ${resource} limit ${limit} (${limitFrom}); Kubernetes rejects such a container`,
      `lower the request to ${limit} or less, or raise the limit to at least ${request}`);
  }
}

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * What is wrong with a `host:port` address, or undefined: a DNS name (a trailing dot is allowed),
 * an IPv4 address or a bracketed IPv6 address, then a port from 1 to 65535, as Linkerd's
 * controllers and proxies dial it.
 */
export function hostPortFault(value: string): Fault | undefined {
  const shown = formatValue(value);
  const example = 'e.g. "otel-collector.observability.svc.cluster.local:4317"';
  const m = HOST_PORT.exec(value);
  if (!m) {
    return /:\d+$/.test(value) || value.includes(':')
      ? { problem: `${shown} is not a host:port address`, fix: `give the host and the port, ${example}` }
      : { problem: `${shown} has no port`, fix: `add the port, ${example}` };
  }
  const port = Number(m[3]);
  if (!(port >= 1 && port <= 65535)) return { problem: `the port of ${shown} is outside 1-65535`, fix: `use a port from 1 to 65535, ${example}` };
  if (m[1] !== undefined) return m[1].includes(':') ? undefined : { problem: `${shown} has no IPv6 address in brackets`, fix: 'write an IPv6 address as "[fd00::1]:4317"' };
  const host = m[2].replace(/\.$/, '');
  if (IPV4.test(host)) {
    return host.split('.').every((o) => Number(o) <= 255) ? undefined : { problem: `${host} in ${shown} is not an IPv4 address`, fix: 'use octets from 0 to 255' };
  }
  const fault = dnsSubdomainFault(host);
  return fault && { problem: `the host of ${shown}: ${fault.problem}`, fix: fault.fix };
}

export function hostPort(scope: IConstruct | string, field: string, value: string): string {
  const fault = hostPortFault(requireString(scope, field, value, '"otel-collector.observability.svc.cluster.local:4317"'));
  if (fault) raise(scope, field, fault);
  return value;
}

/** An absolute `http://` or `https://` URL with a host, as Linkerd's components take for Prometheus; the message names the fault. */
export function httpUrl(scope: IConstruct | string, field: string, text: string): string {
  const example = 'use e.g. "http://prometheus.monitoring.svc.cluster.local:9090"';
  let url: URL;
  try {
    url = new URL(requireString(scope, field, text, '"http://prometheus.monitoring.svc.cluster.local:9090"'));
  } catch {
    throw new LinkerdConfigError(scope, field, `${formatValue(text)} is not a URL${/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? '' : ' (it has no scheme)'}`, example);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LinkerdConfigError(scope, field, `${formatValue(text)} has the scheme ${url.protocol.slice(0, -1)}, not http or https`, example);
  }
  if (/\s/.test(text) || url.hostname === '') {
    throw new LinkerdConfigError(scope, field, `${formatValue(text)} ${url.hostname === '' ? 'has no host' : 'contains whitespace'}`, example);
  }
  return text;
}

/** A map of labels (valid keys and values), copied. */
export function labelMap(scope: IConstruct | string, field: string, map: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(map)) {
    labelKey(scope, `${field}.${k}`, k);
    labelValue(scope, `${field}.${k}`, v);
  }
  return { ...map };
}

/** A map of annotations (valid keys, text values), copied. */
export function annotationMap(scope: IConstruct | string, field: string, map: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(map)) {
    labelKey(scope, `${field}.${k}`, k);
    if (typeof v !== 'string') fail(scope, `${field}.${k}`, v, 'a string', 'give annotation values as text');
  }
  return { ...map };
}
