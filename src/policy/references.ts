import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { renderShared } from '../mesh/render-hook';
import * as check from '../validate';

/**
 * A Kubernetes object a policy points at. Kind, name and namespace are known when the reference
 * is made; the full manifest is read only when asked for (at synth), so that a cdk8s-plus
 * workload can still gain containers, ports and probes after the policy was declared.
 */
export interface ResolvedRef {
  readonly kind: string;
  readonly name: string;
  /** @default - the namespace of the object that refers to it */
  readonly namespace?: string;
  /** The rendered manifest, when the object is defined in this app (rendered once per synth pass). */
  readonly manifest?: () => Record<string, any>;
}

/** Something a policy can refer to: a construct of this app or a reference by name. */
export type Referenceable = IConstruct | ServiceAccountRef | ServiceRef | NamespaceRef;

/** A ServiceAccount defined elsewhere, known by name. */
export class ServiceAccountRef {
  /** The ServiceAccount `name` in `namespace` (default: the namespace of the object referring to it). */
  public static fromName(name: string, namespace?: string): ServiceAccountRef {
    return new ServiceAccountRef(name, namespace);
  }

  private constructor(public readonly name: string, public readonly namespace?: string) {}
}

/** A Service defined elsewhere, known by name. */
export class ServiceRef {
  /** The Service `name` in `namespace` (default: the namespace of the object referring to it). */
  public static fromName(name: string, namespace?: string): ServiceRef {
    return new ServiceRef(name, namespace);
  }

  private constructor(public readonly name: string, public readonly namespace?: string) {}
}

/** A Namespace defined elsewhere, known by name. */
export class NamespaceRef {
  public static fromName(name: string): NamespaceRef {
    return new NamespaceRef(name);
  }

  private constructor(public readonly name: string) {}
}

/**
 * Reads kind, name and namespace of `target` and checks the kind. Accepts this library's name
 * references, cdk8s-plus resources (through their ApiObject, or their subject configuration for
 * imported ServiceAccounts) and plain ApiObjects.
 */
export function resolveRef(scope: IConstruct, field: string, target: Referenceable, kinds: readonly string[]): ResolvedRef {
  let ref: ResolvedRef;
  if (target instanceof ServiceAccountRef) {
    ref = { kind: 'ServiceAccount', name: target.name, namespace: target.namespace };
  } else if (target instanceof ServiceRef) {
    ref = { kind: 'Service', name: target.name, namespace: target.namespace };
  } else if (target instanceof NamespaceRef) {
    ref = { kind: 'Namespace', name: target.name };
  } else if (Construct.isConstruct(target)) {
    ref = constructRef(scope, field, target);
  } else {
    const byName = kinds.filter((k) => ['ServiceAccount', 'Service', 'Namespace'].includes(k)).map((k) => `${k}Ref.fromName(...)`);
    throw new LinkerdConfigError(scope, field, `is ${check.describeType(target)}, not a ${kinds.join(' or ')}`,
      `pass a construct (a cdk8s-plus resource or an ApiObject)${byName.length ? ` or a reference made with ${byName.join(' or ')}` : ''}`);
  }
  if (!kinds.includes(ref.kind)) {
    throw new LinkerdConfigError(scope, field, `${ref.kind} ${ref.name} is not a ${kinds.join(' or ')}`,
      `pass a ${kinds.join(' or ')} (a cdk8s-plus construct, an ApiObject, or a reference by name)`);
  }
  check.dnsSubdomain(scope, `${field}.name`, ref.name);
  if (ref.namespace !== undefined) check.dnsLabel(scope, `${field}.namespace`, ref.namespace);
  return ref;
}

function constructRef(scope: IConstruct, field: string, target: IConstruct): ResolvedRef {
  let api: ApiObject | undefined;
  try {
    api = ApiObject.of(target);
  } catch {
    api = undefined;
  }
  if (api) {
    const obj = api;
    return { kind: obj.kind, name: obj.name, namespace: obj.metadata.namespace, manifest: () => renderShared(obj) };
  }
  // cdk8s-plus imported resources (ServiceAccount.fromServiceAccountName) have no ApiObject.
  const subject = (target as any).toSubjectConfiguration?.();
  if (subject && typeof subject.kind === 'string' && typeof subject.name === 'string') {
    return { kind: subject.kind, name: subject.name, namespace: subject.namespace };
  }
  throw new LinkerdConfigError(scope, field, `${target.node.path} is neither a Kubernetes object nor a reference to one`,
    'pass a cdk8s-plus resource, an ApiObject, or a reference made with ServiceAccountRef/ServiceRef/NamespaceRef.fromName');
}
