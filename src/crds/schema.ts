/**
 * A small DSL for the OpenAPI v3 schemas of CustomResourceDefinitions.
 *
 * Every builder returns a plain `JSONSchemaProps` object that can go straight into a CRD, with
 * unset options left out (never `undefined` or empty), so the result serializes without noise:
 *
 *   obj({ name: str({ maxLength: 253 }), port: int32({ minimum: 1 }) }, { required: ['name'] })
 */

/** The subset of the Kubernetes `JSONSchemaProps` that Linkerd's CRDs use. */
export interface JSONSchemaProps {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
  readonly description?: string;
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JSONSchemaProps>>;
  readonly items?: JSONSchemaProps;
  readonly oneOf?: readonly JSONSchemaProps[];
  readonly anyOf?: readonly JSONSchemaProps[];
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  /** CEL rules; Linkerd's own CRDs have none, the Gateway API CRDs it can bundle do. */
  readonly 'x-kubernetes-validations'?: ReadonlyArray<{ readonly message: string; readonly rule: string }>;
}

/** Options every builder accepts. */
export interface CommonOptions {
  /** Short prose shown by `kubectl explain`. @default - none */
  readonly description?: string;
  /** Value the API server fills in when the field is absent. @default - none */
  readonly default?: unknown;
}

export interface StringOptions extends CommonOptions {
  readonly pattern?: string;
  readonly format?: string;
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
}

export interface NumberOptions extends CommonOptions {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly number[];
}

export interface ObjectOptions extends CommonOptions {
  readonly required?: readonly string[];
  /** Alternatives, usually built with `exactlyOneOf`. @default - none */
  readonly oneOf?: readonly JSONSchemaProps[];
}

export interface ArrayOptions extends CommonOptions {
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Marks a list whose items are keyed by these fields (`x-kubernetes-list-type: map`). @default - atomic list */
  readonly mapKeys?: readonly string[];
  /**
   * `required` on the array node itself. It has no effect on an array; it exists only because
   * some upstream schemas put it there and we publish them unchanged.
   * @default - none
   */
  readonly required?: readonly string[];
}

/** Drops keys whose value is undefined, so builders never emit `key: null`. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function str(options: StringOptions = {}): JSONSchemaProps {
  return defined({ type: 'string', ...options });
}

export function bool(options: CommonOptions = {}): JSONSchemaProps {
  return defined({ type: 'boolean', ...options });
}

/** An integer without a declared width. */
export function int(options: NumberOptions = {}): JSONSchemaProps {
  return defined({ type: 'integer', ...options });
}

export function int32(options: NumberOptions = {}): JSONSchemaProps {
  return defined({ type: 'integer', format: 'int32', ...options });
}

export function int64(options: NumberOptions = {}): JSONSchemaProps {
  return defined({ type: 'integer', format: 'int64', ...options });
}

export function float(options: NumberOptions = {}): JSONSchemaProps {
  return defined({ type: 'number', format: 'float', ...options });
}

/** An object with the given properties; properties given as `undefined` are left out. */
export function obj(properties: Record<string, JSONSchemaProps | undefined>, options: ObjectOptions = {}): JSONSchemaProps {
  const props = defined(properties) as Record<string, JSONSchemaProps>;
  return defined({
    type: 'object',
    description: options.description,
    required: options.required,
    oneOf: options.oneOf,
    default: options.default,
    properties: Object.keys(props).length > 0 ? props : undefined,
  });
}

/** An object whose content the API server stores as given (`x-kubernetes-preserve-unknown-fields`). */
export function freeform(options: CommonOptions = {}): JSONSchemaProps {
  return defined({ type: 'object', ...options, 'x-kubernetes-preserve-unknown-fields': true });
}

export function arr(items: JSONSchemaProps, options: ArrayOptions = {}): JSONSchemaProps {
  const { mapKeys, ...rest } = options;
  return defined({
    type: 'array',
    ...rest,
    items,
    'x-kubernetes-list-type': mapKeys ? 'map' : undefined,
    'x-kubernetes-list-map-keys': mapKeys,
  });
}

export interface IntOrStringOptions extends CommonOptions {
  readonly pattern?: string;
  /**
   * Also spell out the `anyOf: [integer, string]` alternatives. Kubernetes implies them; some
   * upstream schemas list them anyway and we keep those as published.
   * @default false
   */
  readonly typedAlternatives?: boolean;
}

/** A value that may be an integer or a string, such as a port number or a port name. */
export function intOrString(options: IntOrStringOptions = {}): JSONSchemaProps {
  const { typedAlternatives, ...rest } = options;
  const alternatives: JSONSchemaProps[] = [{ type: 'integer' }, { type: 'string' }];
  return defined({
    ...rest,
    'x-kubernetes-int-or-string': true,
    anyOf: typedAlternatives ? alternatives : undefined,
  });
}

/** `oneOf` alternatives that each require a different one of the given fields. */
export function exactlyOneOf(...fields: string[]): JSONSchemaProps[] {
  return fields.map((field) => ({ required: [field] }));
}

export interface ResourceSchemaOptions {
  /** What the resource is for; becomes the doc comment of the class `cdk8s import` generates. @default - none */
  readonly description?: string;
  readonly spec: JSONSchemaProps;
  /** @default - no status schema */
  readonly status?: JSONSchemaProps;
  /** Declare `apiVersion`, `kind` and `metadata` as generated CRDs (kubebuilder, kube-rs) do. @default false */
  readonly typeMeta?: boolean;
  /** @default true */
  readonly specRequired?: boolean;
}

/** The root schema of a custom resource: `spec` and optionally `status`. */
export function resource(options: ResourceSchemaOptions): JSONSchemaProps {
  const typeMeta = options.typeMeta ? { apiVersion: str(), kind: str(), metadata: obj({}) } : {};
  return obj(
    { ...typeMeta, spec: options.spec, status: options.status },
    { description: options.description, required: options.specRequired === false ? undefined : ['spec'] },
  );
}
