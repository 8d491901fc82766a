import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { SynthChecks } from '../gitops/synth-checks';
import { Guard, guardProps, required } from '../guards';
import * as check from '../validate';

/** Props every policy resource accepts. */
export interface PolicyResourceProps {
  /**
   * Metadata of the object: name, namespace, labels, annotations.
   * @default - a name generated from the construct path; the namespace of the target, else of the chart
   */
  readonly metadata?: ApiObjectMetadata;
}

type ApiObjectClass = new (...args: any[]) => ApiObject;

/**
 * Gives an ApiObject class a hook that runs before the object renders, outside the error wrapping
 * of `ApiObject.toJson()`, so a LinkerdConfigError raised by a check that needs the final state of
 * a target reaches the caller as itself, with its construct path and field.
 */
export function checkedBeforeRender<C extends ApiObjectClass>(Base: C): C {
  return class extends Base {
    /** Runs before every render. */
    public beforeRender?: () => void;

    public toJson(): any {
      this.beforeRender?.();
      return super.toJson();
    }
  };
}

/**
 * `checkedBeforeRender` of a generated class (imports/), loaded the first time a resource of it is
 * made: the generated modules are large, and an install without policy resources never needs them.
 */
export function lazyChecked<C extends ApiObjectClass>(load: () => C): () => C {
  let made: C | undefined;
  return () => (made ??= checkedBeforeRender(load()));
}

/** The plain ApiObject with the pre-render hook, for kinds without a generated class (Gateway API). */
export const CheckedApiObject: typeof ApiObject = checkedBeforeRender(ApiObject);

/**
 * Base of the policy constructs: holds the Kubernetes object as child `Resource` (the escape
 * hatch: `ApiObject.of(server).addJsonPatch(...)`), exposes its name and namespace, and renders
 * its spec lazily so that targets can still change after the policy was declared.
 */
export abstract class PolicyResource extends Construct {
  /** The Kubernetes object. */
  public readonly apiObject: ApiObject;

  protected constructor(scope: Construct, id: string, props: PolicyResourceProps, guard: Guard,
    create: (scope: Construct, id: string, metadata: ApiObjectMetadata, spec: any) => ApiObject,
    defaultNamespace?: (self: Construct) => string | undefined) {
    super(scope, id);
    SynthChecks.of(this); // every synth of the app runs the library's checks
    // Before anything reads a prop: JavaScript callers may pass anything.
    guardProps(this, '', props, required(guard));
    // Always called: constructs resolve their targets in it.
    const fallback = defaultNamespace?.(this);
    const metadata: ApiObjectMetadata = { ...props.metadata, namespace: props.metadata?.namespace ?? fallback };
    if (metadata.name !== undefined) check.dnsSubdomain(this, 'metadata.name', metadata.name);
    if (metadata.namespace !== undefined) check.dnsLabel(this, 'metadata.namespace', metadata.namespace);
    // The spec is rendered (and checked) by the hook, and handed to the Lazy that cdk8s resolves
    // right after it in the same toJson(), so it is built once per render.
    let rendered: Record<string, any> | undefined;
    this.apiObject = create(this, 'Resource', metadata, Lazy.any({
      produce: () => {
        const spec = rendered ?? this.renderSpec();
        rendered = undefined;
        return spec;
      },
    }));
    const hooked = this.apiObject as ApiObject & { beforeRender?: () => void };
    hooked.beforeRender = () => { rendered = this.renderSpec(); };
  }

  /** `metadata.name` of the object. */
  public get name(): string {
    return this.apiObject.name;
  }

  /** `metadata.namespace`; undefined when the object goes to the namespace it is applied in. */
  public get namespace(): string | undefined {
    return this.apiObject.metadata.namespace;
  }

  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  public get kind(): string {
    return this.apiObject.kind;
  }

  public get apiVersion(): string {
    return this.apiObject.apiVersion;
  }

  /** The API group, e.g. `policy.linkerd.io`. */
  public get apiGroup(): string {
    return this.apiObject.apiGroup;
  }

  /**
   * The spec as it renders now. Validates everything that depends on other objects and throws a
   * LinkerdConfigError naming this construct and the field when something does not fit.
   */
  protected abstract renderSpec(): Record<string, any>;
}

/** Leaves out undefined values and empty lists and maps, so the output carries no noise. */
export function compact<T extends Record<string, any>>(o: T): T {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out as T;
}
