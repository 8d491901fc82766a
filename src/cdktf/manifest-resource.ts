import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Fn, ITerraformDependable, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { LinkerdConfigError } from '../errors';

/** Kinds whose resources wait for their rollout, so that what depends on them finds them serving. */
const ROLLOUT_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet']);

/** API group of a manifest: `apps` for `apps/v1`, '' for the core group. */
export function groupOf(object: Record<string, any>): string {
  const apiVersion = String(object.apiVersion ?? '');
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

export function isCrd(object: Record<string, any>): boolean {
  return groupOf(object) === 'apiextensions.k8s.io' && object.kind === 'CustomResourceDefinition';
}

/**
 * The Terraform resource name of an object, from (group, kind, namespace, name) alone, so that it
 * never changes while the object keeps its identity: `core_Secret_linkerd_linkerd-identity-issuer`,
 * `apps_Deployment_linkerd_linkerd-destination`, and without a namespace for cluster-scoped objects
 * (`apiextensions_k8s_io_CustomResourceDefinition_servers_policy_linkerd_io`). Characters
 * Terraform does not allow in names (`.`, `:`, ...) become `_`.
 */
export function resourceName(object: Record<string, any>): string {
  const namespace = object.metadata?.namespace as string | undefined;
  const parts = [groupOf(object) || 'core', String(object.kind), ...(namespace ? [namespace] : []), String(object.metadata?.name)];
  return parts.map((p) => p.replace(/[^A-Za-z0-9-]/g, '_')).join('_');
}

/** How an object is described in errors: `apps/Deployment linkerd/linkerd-destination`. */
export function describe(object: Record<string, any>): string {
  const namespace = object.metadata?.namespace as string | undefined;
  return `${groupOf(object) ? `${groupOf(object)}/` : ''}${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata?.name}`;
}

/**
 * A string Terraform reads literally. Strings in Terraform's JSON syntax are templates, so `${`
 * and `%{` are escaped as `$${` and `%%{`.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** `terraformLiteral` applied to every string, map key included, of a JSON-like value. */
export function terraformLiterals<T>(value: T): T {
  if (typeof value === 'string') return terraformLiteral(value) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => terraformLiterals(v)) as unknown as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [terraformLiteral(k), terraformLiterals(v)])) as T;
  }
  return value;
}

/** The inverse of `terraformLiterals`: what Terraform reads from the synthesized JSON (`$${` is `${`, `%%{` is `%{`). */
export function fromTerraformLiterals<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{') as unknown as T;
  if (Array.isArray(value)) return value.map((v) => fromTerraformLiterals(v)) as unknown as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fromTerraformLiterals(k), fromTerraformLiterals(v)])) as T;
  }
  return value;
}

/**
 * The object a synthesized `kubernetes_manifest` applies, as Terraform reads it, from the stack's
 * JSON: a `sensitive(local.x)` manifest is read from the local. Undefined for any other expression.
 */
export function appliedManifest(stack: Record<string, any>, resource: Record<string, any>): Record<string, any> | undefined {
  if (typeof resource.manifest !== 'string') return fromTerraformLiterals(resource.manifest);
  const local = /^\$\{sensitive\(local\.([A-Za-z0-9_-]+)\)\}$/.exec(resource.manifest)?.[1];
  return local === undefined ? undefined : fromTerraformLiterals(stack.locals?.[local]);
}

export interface ManifestResourceOptions {
  readonly waitForRollout: boolean;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * One `kubernetes_manifest` for one object, named by `resourceName`. A Secret's manifest is passed
 * through Terraform's `sensitive()` (from a local of the same name), so plans print
 * `(sensitive value)` instead of its keys. CRDs wait until established, workloads until rolled out.
 */
export function manifestResource(scope: Construct, object: Record<string, any>, options: ManifestResourceOptions): Manifest {
  const name = resourceName(object);
  const literal = terraformLiterals(object);
  let manifest: Record<string, any> = literal;
  if (groupOf(object) === '' && object.kind === 'Secret') {
    const local = new TerraformLocal(scope, `${name}-manifest`, literal);
    local.overrideLogicalId(name);
    manifest = Token.asAnyMap(Fn.sensitive(local.expression));
  }
  const kind = `${groupOf(object)}/${object.kind}`;
  const resource = new Manifest(scope, name, {
    manifest,
    dependsOn: options.dependsOn.length > 0 ? options.dependsOn : undefined,
    wait: isCrd(object)
      ? { condition: [{ type: 'Established', status: 'True' }] }
      : options.waitForRollout && ROLLOUT_KINDS.has(kind) ? { rollout: true } : undefined,
  });
  resource.overrideLogicalId(name);
  return resource;
}

/** Fails when two objects would share a Terraform resource name. */
export class ResourceNames {
  private readonly seen = new Map<string, string>();

  public constructor(private readonly scope: Construct) {}

  public claim(object: Record<string, any>): void {
    const name = resourceName(object);
    const previous = this.seen.get(name);
    if (previous !== undefined) {
      throw new LinkerdConfigError(this.scope, 'source', `${previous} and ${describe(object)} would both be the Terraform resource kubernetes_manifest.${name}`,
        'rename one of the two objects (or put them in different stacks)');
    }
    this.seen.set(name, describe(object));
  }
}
