import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { Finding } from '../check';
import { LinkerdConfigError } from '../errors';
import { objectKey } from './object-key';

/** How the library's checks judge a synth. */
export interface SynthChecksProps {
  /**
   * Check codes to leave out, e.g. `['L5D111']`. Each must be a code of one of the rules, so that
   * a typo cannot silently suppress nothing.
   * @default - none
   */
  readonly suppress?: string[];
  /**
   * The instant certificate validity is judged at. Pin it for a build that must give the same
   * verdict on every day (a demo, a test). It never changes the output, only whether synth
   * succeeds.
   * @default - the time the synth runs, unless `CDK8S_LINKERD_NOW` holds an ISO 8601 date (or `none`)
   */
  readonly now?: Date;
  /**
   * Whether date-dependent checks run at all: certificates already expired or not yet valid are
   * errors, those expiring within the horizon warnings. Switch off to rebuild an old commit.
   * @default true
   */
  readonly checkDates?: boolean;
  /**
   * Certificates must stay valid this many days after `now`; closer expiry is a warning.
   * @default 60, like `linkerd check`
   */
  readonly expiryHorizonDays?: number;
}

/** One object of the app, rendered, with the construct that emitted it. */
export interface RenderedObject {
  /** Construct path of the ApiObject. */
  readonly path: string;
  readonly object: Record<string, any>;
}

/** What one run of the checks found. */
export interface SynthCheckOutcome {
  /** Findings of severity warning, sorted. */
  readonly warnings: Finding[];
  /** One line per error (duplicates and error findings), each starting with a construct path. */
  readonly errors: string[];
  /** The first error as the library's error type, naming its construct and field. */
  readonly error?: LinkerdConfigError;
  /** How many objects were checked. */
  readonly objects: number;
}

const MARKER = Symbol.for('cdk8s-linkerd.SynthChecks');

/**
 * The check rules, loaded when a synth first runs them: every construct of the library adds a
 * SynthChecks, and the rules reach back into the policy model (a cycle at load time otherwise).
 */
function rules(): typeof import('../check') & typeof import('../check/finding-source') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { ...require('../check'), ...require('../check/finding-source') };
}

/**
 * The library's checks as a construct validation of the whole app, so that every way of
 * synthesizing runs them: `app.synth()`, `cdk8s synth`, `runSynth` and `synthesizeManifests`.
 * Errors (check findings of severity error, and two objects with the same group, kind, namespace
 * and name) fail the synth; warnings go to stderr.
 *
 * Every construct of this library that emits objects adds one to its app (`SynthChecks.of`), with
 * the defaults; create it yourself, at the root of the app, to choose the options:
 *
 * ```ts
 * new SynthChecks(app, 'checks', { suppress: ['L5D111'], expiryHorizonDays: 30 });
 * ```
 */
export class SynthChecks extends Construct {
  /** The id of the instance `SynthChecks.of` creates. */
  public static readonly DEFAULT_ID = 'cdk8s-linkerd-checks';
  /** The variable that pins (an ISO 8601 date) or switches off (`none`) the date-dependent checks when `now` is not given. */
  public static readonly NOW_VARIABLE = 'CDK8S_LINKERD_NOW';

  /** The checks of the app `scope` belongs to, created with the defaults if it has none yet. */
  public static of(scope: IConstruct): SynthChecks {
    const root = scope.node.root;
    const existing = root.node.children.find(SynthChecks.isSynthChecks);
    if (existing) return existing;
    SynthChecks.creatingDefault = true;
    try {
      return new SynthChecks(root as Construct, SynthChecks.DEFAULT_ID);
    } finally {
      SynthChecks.creatingDefault = false;
    }
  }

  /** Whether `x` is a SynthChecks (also across copies of this library). */
  public static isSynthChecks(x: unknown): x is SynthChecks {
    return x !== null && typeof x === 'object' && MARKER in (x as object);
  }

  private static creatingDefault = false;

  /** The options as given. */
  public readonly props: SynthChecksProps;
  private readonly isDefault: boolean;
  private suspended = 0;
  private lastRun?: { readonly key: string; readonly errors: string[] };

  public constructor(scope: Construct, id: string, props: SynthChecksProps = {}) {
    const root = scope.node.root;
    if (scope !== root) {
      throw new LinkerdConfigError(scope, 'scope', 'SynthChecks judge a whole app, so they must be created at its root', 'pass the App as scope');
    }
    for (const other of root.node.children.filter(SynthChecks.isSynthChecks)) {
      if (!other.isDefault) {
        throw new LinkerdConfigError(other, 'SynthChecks', 'the app already has its checks', 'create SynthChecks once per app, with all options');
      }
      // The defaults a construct added give way to the options chosen explicitly.
      root.node.tryRemoveChild(other.node.id);
    }
    super(scope, id);
    Object.defineProperty(this, MARKER, { value: true });
    this.isDefault = SynthChecks.creatingDefault;
    this.props = props;
    this.node.addValidation({ validate: () => this.validateApp() });
  }

  /**
   * Runs the checks over rendered objects. `overrides` (e.g. options given to `runSynth`) win over
   * this construct's props, field by field.
   */
  public check(objects: RenderedObject[], overrides: SynthChecksProps = {}): SynthCheckOutcome {
    const options = { ...this.props, ...definedFields(overrides) };
    const errors: string[] = [];
    let error: LinkerdConfigError | undefined;

    const { describeObject, findingsError, runChecks, Severity } = rules();
    const byKey = new Map<string, RenderedObject[]>();
    for (const r of objects) byKey.set(objectKey(r.object), [...(byKey.get(objectKey(r.object)) ?? []), r]);
    for (const [key, same] of byKey) {
      if (same.length < 2) continue;
      const [first, ...later] = same;
      for (const r of later) {
        const problem = `${describeObject(r.object)} (API group "${key.slice(0, key.indexOf('/'))}") is emitted twice, by ${first.path} and by ${r.path}; in the cluster the later one would replace the earlier`;
        const fix = 'give one of them another name or namespace, or emit the object once';
        errors.push(`${r.path}: metadata.name: ${problem}. Fix: ${fix}`);
        error ??= new LinkerdConfigError(r.path, 'metadata.name', problem, fix);
      }
    }

    const findings = runChecks(objects.map((r) => r.object), {
      suppress: options.suppress,
      now: this.resolveNow(options),
      expiryHorizonDays: options.expiryHorizonDays,
    });
    const failed = findings.filter((f) => f.severity === Severity.ERROR);
    if (failed.length > 0) {
      // Named after the construct and the prop the user set, with each finding's own fix.
      const mapped = findingsError(this.node.root, failed);
      errors.push(mapped.message);
      error ??= mapped;
    }
    return { warnings: findings.filter((f) => f.severity === Severity.WARNING), errors, error, objects: objects.length };
  }

  /**
   * Runs `fn` with this validation switched off: for a caller that runs the checks itself on
   * what it renders, and renders through cdk8s calls that validate the app again.
   * @internal
   */
  public _suspended<T>(fn: () => T): T {
    this.suspended++;
    try {
      return fn();
    } finally {
      this.suspended--;
    }
  }

  /** The date the checks judge validity at, or undefined when date-dependent checks are off. */
  private resolveNow(options: SynthChecksProps): Date | undefined {
    if (options.checkDates === false) return undefined;
    if (options.now !== undefined) return options.now;
    const pinned = process.env[SynthChecks.NOW_VARIABLE];
    if (pinned === undefined || pinned === '') return new Date();
    if (pinned === 'none') return undefined;
    const date = new Date(pinned);
    if (!/^\d{4}-\d{2}-\d{2}/.test(pinned) || Number.isNaN(date.getTime())) {
      throw new LinkerdConfigError(this, SynthChecks.NOW_VARIABLE, `${JSON.stringify(pinned)} is neither an ISO 8601 date nor "none"`, 'set it to e.g. 2027-01-01T00:00:00Z, or to none to skip date-dependent checks');
    }
    return date;
  }

  /**
   * The construct validation: renders every ApiObject of the app and checks them. cdk8s validates
   * the app once per chart it renders, so an unchanged app is checked (and its warnings printed)
   * once.
   */
  private validateApp(): string[] {
    if (this.suspended > 0) return [];
    const objects = renderApp(this.node.root);
    const key = JSON.stringify(objects);
    if (this.lastRun?.key === key) return this.lastRun.errors;
    let errors: string[];
    try {
      const outcome = this.check(objects);
      errors = outcome.errors;
      if (outcome.warnings.length > 0) {
        for (const f of outcome.warnings) process.stderr.write(`${rules().formatFinding(f)}\n`);
        process.stderr.write(`cdk8s-linkerd: ${outcome.warnings.length} ${outcome.warnings.length === 1 ? 'warning' : 'warnings'} over ${outcome.objects} objects\n`);
      }
    } catch (e) {
      errors = [(e as Error).message];
    }
    this.lastRun = { key, errors };
    return errors;
  }
}

/** Every ApiObject below `root`, rendered, with its construct path. */
function renderApp(root: IConstruct): RenderedObject[] {
  return root.node.findAll().filter(ApiObject.isApiObject).map((o) => ({ path: o.node.path, object: o.toJson() }));
}

function definedFields<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
