import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { arrayOf, enumOf, Guard, guardProps, is, recordOf, required, struct } from '../guards';
import * as check from '../validate';

/** The operators of a Kubernetes label selector expression. */
export enum LabelSelectorOperator {
  IN = 'In',
  NOT_IN = 'NotIn',
  EXISTS = 'Exists',
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One `matchExpressions` entry. */
export interface LabelSelectorExpression {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  /** Required for In and NotIn, forbidden otherwise. @default - none */
  readonly values?: string[];
}

/** A label selector as Kubernetes serializes it. */
export interface LabelSelectorJson {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: LabelSelectorExpression[];
}

/**
 * Which pods a Server applies to. An empty selector selects every pod of the namespace, which is
 * rarely what a typo meant, so it has its own factory: `PodSelector.all()`.
 */
export class PodSelector {
  /** Pods carrying all of these labels. */
  public static labels(matchLabels: Record<string, string>): PodSelector {
    return new PodSelector({ matchLabels: copy(matchLabels) }, false);
  }

  /** Pods matching these expressions (and labels). */
  public static expressions(matchExpressions: LabelSelectorExpression[], matchLabels: Record<string, string> = {}): PodSelector {
    return new PodSelector({ matchLabels: copy(matchLabels), matchExpressions: copy(matchExpressions) }, false);
  }

  /** Every pod of the namespace (`podSelector: {}`). */
  public static all(): PodSelector {
    return new PodSelector({}, true);
  }

  private constructor(private readonly selector: LabelSelectorJson, public readonly selectsAll: boolean) {}

  /**
   * The selector as Kubernetes JSON, validated: label keys and values, operators and their values,
   * and that it is not accidentally empty.
   */
  public render(scope: IConstruct | string, field: string): LabelSelectorJson {
    if (this.selectsAll) return {};
    guardProps(scope, field, this.selector, LABEL_SELECTOR_GUARD);
    const rendered = renderLabelSelector(scope, field, this.selector);
    if (selectorIsEmpty(rendered)) {
      throw new LinkerdConfigError(scope, field, 'the selector is empty, so it would select every pod of the namespace',
        'give at least one label, or use PodSelector.all() if every pod is meant');
    }
    return rendered;
  }
}

/**
 * A label selector as Kubernetes JSON, validated: label keys and values, operators and their
 * values. Empty parts are left out; an empty selector (which selects everything) is allowed.
 */
export function renderLabelSelector(scope: IConstruct | string, field: string, selector: LabelSelectorJson): LabelSelectorJson {
  const labels = selector.matchLabels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    check.labelKey(scope, `${field}.matchLabels`, k);
    check.labelValue(scope, `${field}.matchLabels[${JSON.stringify(k)}]`, v);
  }
  const expressions = selector.matchExpressions ?? [];
  expressions.forEach((e, i) => {
    check.labelKey(scope, `${field}.matchExpressions[${i}].key`, e.key);
    check.oneOf(scope, `${field}.matchExpressions[${i}].operator`, e.operator, Object.values(LabelSelectorOperator));
    const needsValues = e.operator === LabelSelectorOperator.IN || e.operator === LabelSelectorOperator.NOT_IN;
    if (needsValues !== ((e.values ?? []).length > 0)) {
      throw new LinkerdConfigError(scope, `${field}.matchExpressions[${i}].values`,
        needsValues ? `${e.operator} needs values` : `${e.operator} takes no values`,
        needsValues ? 'list at least one value' : 'leave values unset');
    }
  });
  return {
    matchLabels: Object.keys(labels).length > 0 ? sortedRecord(labels) : undefined,
    matchExpressions: expressions.length > 0 ? expressions.map((e) => ({ key: e.key, operator: e.operator, values: e.values ? [...e.values] : undefined })) : undefined,
  };
}

/** True when the labels satisfy the selector; an empty or absent selector matches everything. */
export function selectorMatches(selector: LabelSelectorJson | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    switch (e.operator) {
      case LabelSelectorOperator.IN: if (!has || !(e.values ?? []).includes(l[e.key])) return false; break;
      case LabelSelectorOperator.NOT_IN: if (has && (e.values ?? []).includes(l[e.key])) return false; break;
      case LabelSelectorOperator.EXISTS: if (!has) return false; break;
      case LabelSelectorOperator.DOES_NOT_EXIST: if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** True when the selector has neither labels nor expressions. */
export function selectorIsEmpty(selector: LabelSelectorJson | undefined): boolean {
  return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

/** A deep copy of JSON-like input, kept as given so that `render` can judge it (and name what is wrong). */
function copy<T>(value: T): T {
  return value === undefined || value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));
}

/** Runtime guard of a label selector's shape (its content is checked where it is rendered). */
export const LABEL_SELECTOR_GUARD: Guard = struct<LabelSelectorJson>({
  matchLabels: recordOf(is.string),
  matchExpressions: arrayOf(struct<LabelSelectorExpression>({
    key: required(is.string),
    operator: required(enumOf('LabelSelectorOperator', LabelSelectorOperator as unknown as Record<string, string>)),
    values: arrayOf(is.string),
  }, 'a LabelSelectorExpression ({ key, operator, values })')),
}, 'a label selector');

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}
