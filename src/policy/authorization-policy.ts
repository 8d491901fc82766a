import { Construct, IConstruct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { LinkerdConfigError } from '../errors';
import { compact, lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { GatewayGrpcRoute } from './gateway-grpc-route';
import { GatewayHttpRoute } from './gateway-http-route';
import { HttpRoute } from './http-route';
import { MeshTlsAuthentication } from './meshtls-authentication';
import { NetworkAuthentication } from './network-authentication';
import { NamespaceRef, resolveRef, ServiceAccountRef } from './references';
import { Server } from './server';
import { AUTHORIZATION_POLICY_PROPS } from './policy-guards';

/** What an AuthorizationPolicy opens: a Server, an inbound route, or every Server of a namespace. */
export type AuthorizationTarget = Server | HttpRoute | GatewayHttpRoute | GatewayGrpcRoute | NamespaceRef | IConstruct;

/** What a client must prove: a mesh identity, a source network, or being a ServiceAccount. */
export type RequiredAuthentication = MeshTlsAuthentication | NetworkAuthentication | ServiceAccountRef | IConstruct;

export interface AuthorizationPolicyProps extends PolicyResourceProps {
  /** A Server, an HTTPRoute/GRPCRoute attached to a Server, or this policy's own Namespace. */
  readonly target: AuthorizationTarget;
  /**
   * The client must satisfy every one: at most one mesh identity (a MeshTlsAuthentication or a
   * ServiceAccount) and at most one NetworkAuthentication.
   */
  readonly requiredAuthentications: RequiredAuthentication[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedAuthorizationPolicy = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).AuthorizationPolicy);

/**
 * `AuthorizationPolicy` (policy.linkerd.io/v1alpha1): lets the clients that satisfy all the
 * required authentications reach the target. Policies on a Server also apply to every route of
 * the Server; policies on a route apply to that route only.
 */
export class AuthorizationPolicy extends PolicyResource {
  private readonly target: AuthorizationTarget;
  private readonly authentications: RequiredAuthentication[];

  public constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    super(scope, id, props, AUTHORIZATION_POLICY_PROPS, (s, i, metadata, spec) => new (CheckedAuthorizationPolicy())(s, i, { metadata, spec }), (self) => targetNamespace(self, props.target));
    this.target = props.target;
    this.authentications = [...(props.requiredAuthentications ?? [])];
    this.renderSpec();
  }

  protected renderSpec(): Record<string, any> {
    return {
      requiredAuthenticationRefs: this.renderAuthentications(),
      targetRef: this.renderTarget(),
    };
  }

  private renderTarget(): Record<string, any> {
    const t = this.target;
    const sameNamespace = (ns: string | undefined, what: string) => {
      if (ns !== this.namespace) {
        throw new LinkerdConfigError(this, 'target', `${what} is in namespace ${ns ?? '(unset)'}, the policy in ${this.namespace ?? '(unset)'}`,
          'create the policy in its target\'s namespace');
      }
    };
    if (t instanceof Server) {
      sameNamespace(t.namespace, `Server ${t.name}`);
      return { group: 'policy.linkerd.io', kind: 'Server', name: t.name };
    }
    if (t instanceof HttpRoute || t instanceof GatewayHttpRoute || t instanceof GatewayGrpcRoute) {
      sameNamespace(t.namespace, `${t.kind} ${t.name}`);
      if (!t.isInbound) {
        throw new LinkerdConfigError(this, 'target', `${t.kind} ${t.name} has no Server parent, so no server enforces this policy`,
          'target a route attached to a Server (RouteParent.server)');
      }
      return { group: t.apiGroup, kind: t.kind, name: t.name };
    }
    const ns = resolveRef(this, 'target', t as NamespaceRef | IConstruct, ['Namespace']);
    if (this.namespace !== undefined && ns.name !== this.namespace) {
      throw new LinkerdConfigError(this, 'target', `Namespace ${ns.name} is not the policy's namespace ${this.namespace}`,
        'a policy can only target its own namespace; create it there');
    }
    return { kind: 'Namespace', name: ns.name };
  }

  private renderAuthentications(): Array<Record<string, any>> {
    if (this.authentications.length === 0) {
      throw new LinkerdConfigError(this, 'requiredAuthentications', 'an empty list admits every client from every network',
        'list an authentication; to admit anyone, use a NetworkAuthentication of 0.0.0.0/0 and ::/0');
    }
    let identities = 0;
    let networks = 0;
    const refs = this.authentications.map((a, i) => {
      // Spelt out even in the policy's own namespace, as Linkerd's charts write them.
      const ns = (x: string | undefined) => x;
      if (a instanceof MeshTlsAuthentication) {
        identities++;
        return compact({ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: a.name, namespace: ns(a.namespace) });
      }
      if (a instanceof NetworkAuthentication) {
        networks++;
        return compact({ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: a.name, namespace: ns(a.namespace) });
      }
      const sa = resolveRef(this, `requiredAuthentications[${i}]`, a as ServiceAccountRef | IConstruct, ['ServiceAccount']);
      identities++;
      return compact({ kind: 'ServiceAccount', name: sa.name, namespace: ns(sa.namespace) });
    });
    if (identities > 1) {
      throw new LinkerdConfigError(this, 'requiredAuthentications', `${identities} identity requirements (MeshTlsAuthentication or ServiceAccount)`,
        'give at most one; list several identities in a single MeshTlsAuthentication');
    }
    if (networks > 1) {
      throw new LinkerdConfigError(this, 'requiredAuthentications', `${networks} NetworkAuthentications`, 'give at most one; list several networks in it');
    }
    return refs;
  }
}

function targetNamespace(self: IConstruct, t: AuthorizationTarget): string | undefined {
  if (t instanceof Server || t instanceof HttpRoute || t instanceof GatewayHttpRoute || t instanceof GatewayGrpcRoute) return t.namespace;
  return resolveRef(self, 'target', t as NamespaceRef | IConstruct, ['Namespace']).name;
}
