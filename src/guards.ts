import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from './errors';
import { describeType } from './validate';

/**
 * Runtime type guards for the public API. TypeScript checks prop types at compile time, but
 * JavaScript callers (and jsii languages, through their own bindings) can hand a string where a
 * `Duration`, a number or a class instance is expected; without a guard that surfaces deep
 * inside as "d.toMilliseconds is not a function". A guard describes the expected shape once, next
 * to the props interface, and `guardProps` checks a value against it before anything reads it:
 *
 *   const SERVER_PROPS = lazy(() => struct<ServerProps>({ port: required(union(is.number, is.string)), … }));
 *   guardProps(this, '', props, SERVER_PROPS);
 *
 * `struct<P>` demands a guard for every key of `P`, so a prop added to an interface without a
 * guard does not compile. Guards check types only (plus enum membership); ranges and grammars
 * stay with the validators in validate.ts, which run after.
 */

/** Where a value differs from its guard, and what to give instead. */
export interface Mismatch {
  /** Dotted path of the value, e.g. `identity.issuanceLifetime` or `networks[2].cidr`. */
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

/** The expected shape of a value. */
export interface Guard {
  /** What is expected, for messages, e.g. `a Duration`. */
  readonly expected: string;
  /** How to give it, e.g. `use a cdk8s Duration, e.g. Duration.seconds(30)`. */
  readonly fix: string;
  /** Whether `undefined` is a mismatch (as a struct member). */
  readonly required?: boolean;
  /** The first mismatch of `value` (never undefined or null here), or undefined when it fits. */
  mismatch(value: unknown, path: string): Mismatch | undefined;
}

/** `{ key: guard }` for every key of `P`, optional ones included. */
export type Shape<P> = { readonly [K in keyof Required<P>]: Guard };

function leaf(expected: string, fix: string, test: (value: unknown) => boolean): Guard {
  return {
    expected,
    fix,
    mismatch: (value, path) => (test(value) ? undefined : { path, problem: `is ${describeType(value)}, not ${expected}`, fix }),
  };
}

/** Checks `value` against `guard` and maps undefined (when required) and null to mismatches. */
function inspect(guard: Guard, value: unknown, path: string): Mismatch | undefined {
  if (value === undefined) {
    return guard.required ? { path, problem: 'is required', fix: `give ${guard.expected}: ${guard.fix}` } : undefined;
  }
  if (value === null) {
    return { path, problem: 'is null', fix: guard.required ? `give ${guard.expected}: ${guard.fix}` : `leave it out for the default, or give ${guard.expected}: ${guard.fix}` };
  }
  return guard.mismatch(value, path);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A cdk8s Duration, also one from another copy of cdk8s (duck-typed). */
export function isDuration(value: unknown): value is { toMilliseconds(opts?: { integral?: boolean }): number; toHumanString(): string } {
  return typeof value === 'object' && value !== null
    && typeof (value as any).toMilliseconds === 'function' && typeof (value as any).toHumanString === 'function';
}

/** The guards of plain kinds of values. */
export const is = {
  string: leaf('a string', 'give text in quotes', (v) => typeof v === 'string'),
  number: leaf('a number', 'give a number', (v) => typeof v === 'number' && Number.isFinite(v)),
  boolean: leaf('a boolean', 'give true or false', (v) => typeof v === 'boolean'),
  duration: leaf('a Duration', 'use a cdk8s Duration, e.g. Duration.seconds(30) or Duration.hours(24)', isDuration),
  date: leaf('a Date', 'give a Date, e.g. new Date("2026-01-01T00:00:00Z")', (v) => v instanceof Date && !Number.isNaN(v.getTime())),
  construct: leaf('a construct', 'pass a construct: an ApiObject, a cdk8s-plus resource or a construct of this library', (v) => Construct.isConstruct(v)),
  /** A plain JSON object of any content (Kubernetes types passed through, e.g. a SecurityContext). */
  object: leaf('a map', 'give an object literal ({ … })', isPlainObject),
  function: leaf('a function', 'give a function', (v) => typeof v === 'function'),
  /** Anything: for props whose content is checked elsewhere. */
  any: { expected: 'a value', fix: 'give a value', mismatch: () => undefined } as Guard,
};

/** A member that must be given. */
export function required(guard: Guard): Guard {
  return {
    get expected() { return guard.expected; },
    get fix() { return guard.fix; },
    required: true,
    mismatch: (value, path) => guard.mismatch(value, path),
  };
}

/** An instance of one of this library's classes, made with one of its factories. */
export function instanceOf(type: { readonly prototype: object }, name: string, factories: string): Guard {
  return leaf(`a ${name}`, `use ${factories}`, (v) => typeof v === 'object' && v !== null && type.prototype.isPrototypeOf(v));
}

/** One of the values of a string enum, e.g. `enumOf('ImagePullPolicy', ImagePullPolicy)`. */
export function enumOf(name: string, values: Record<string, string>): Guard {
  const allowed = Object.values(values);
  const members = Object.keys(values).map((k) => `${name}.${k}`).join(', ');
  return {
    expected: `a ${name}`,
    fix: `use ${members}`,
    mismatch: (value, path) => {
      if (typeof value !== 'string') return { path, problem: `is ${describeType(value)}, not ${article(name)} ${name}`, fix: `use ${members}` };
      return allowed.includes(value) ? undefined : { path, problem: `${JSON.stringify(value)} is not ${article(name)} ${name} (${allowed.join(', ')})`, fix: `use ${members}` };
    },
  };
}

/** A value that fits one of several guards (a `number | string` prop). */
export function union(...guards: Guard[]): Guard {
  return {
    get expected() { return guards.map((g) => g.expected).join(' or '); },
    get fix() { return guards.map((g) => g.fix).join('; or '); },
    mismatch(value, path) {
      const mismatches = guards.map((g) => g.mismatch(value, path));
      if (mismatches.some((m) => m === undefined)) return undefined;
      // A value of the right kind with a bad inside (a struct with a bad member) says more than "not a …".
      const deeper = mismatches.find((m) => m!.path !== path);
      return deeper ?? { path, problem: `is ${describeType(value)}, not ${this.expected}`, fix: this.fix };
    },
  };
}

function plural(item: Guard): string {
  return `${item.expected.replace(/^an? /, '')}s`;
}

/** A list whose every item fits `item`. */
export function arrayOf(item: Guard): Guard {
  const each = required(item);
  return {
    get expected() { return `a list of ${plural(item)}`; },
    get fix() { return `give a list ([…]) of ${plural(item)}`; },
    mismatch: (value, path) => {
      if (!Array.isArray(value)) return { path, problem: `is ${describeType(value)}, not a list`, fix: `give a list ([…]); ${item.fix}` };
      for (let i = 0; i < value.length; i++) {
        const m = inspect(each, value[i], `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    },
  };
}

/** A map whose every value fits `item` (labels, annotations). */
export function recordOf(item: Guard): Guard {
  const each = required(item);
  return {
    get expected() { return `a map of ${plural(item)}`; },
    get fix() { return `give an object literal whose values are ${plural(item)}`; },
    mismatch: (value, path) => {
      if (!isPlainObject(value)) return { path, problem: `is ${describeType(value)}, not a map`, fix: `give an object literal ({ key: value }); ${item.fix}` };
      for (const [key, v] of Object.entries(value)) {
        const m = inspect(each, v, join(path, key));
        if (m) return m;
      }
      return undefined;
    },
  };
}

/**
 * A props struct: every member by name. Members not in the shape are left alone (a wider object,
 * e.g. the control plane's props passed where a subset is read, is fine).
 */
export function struct<P>(shape: Shape<P>, name = 'a map of settings', fix = 'give an object literal ({ … })'): Guard {
  return {
    expected: name,
    fix,
    mismatch: (value, path) => {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date || isDuration(value)) {
        return { path, problem: `is ${describeType(value)}, not ${name}`, fix };
      }
      for (const [key, guard] of Object.entries<Guard>(shape as Record<string, Guard>)) {
        const m = inspect(guard, (value as Record<string, unknown>)[key], join(path, key));
        if (m) return m;
      }
      return undefined;
    },
  };
}

/** A guard built on first use, so that shapes may refer to classes of modules that load later. */
export function lazy(build: () => Guard): Guard {
  let built: Guard | undefined;
  const get = () => (built ??= build());
  return {
    get expected() { return get().expected; },
    get fix() { return get().fix; },
    get required() { return get().required; },
    mismatch: (value, path) => get().mismatch(value, path),
  };
}

/**
 * Fails with a LinkerdConfigError naming `scope`, the path of the first mismatch and what to give
 * instead, unless `value` fits `guard`. `field` prefixes every path ('' for a construct's own
 * props). Used on every public entry point before a prop is read.
 */
export function guardProps(scope: IConstruct | string, field: string, value: unknown, guard: Guard): void {
  const m = inspect(guard, value, field);
  if (m) throw new LinkerdConfigError(scope, m.path === '' ? 'props' : m.path, m.problem, m.fix);
}

function article(noun: string): string {
  return /^[AEIOUaeiou]/.test(noun) ? 'an' : 'a';
}
