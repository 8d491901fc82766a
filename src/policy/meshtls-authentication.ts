import { Construct, IConstruct } from 'constructs';
import type * as l1 from '../../imports/policy.linkerd.io';
import { LinkerdConfigError } from '../errors';
import { compact, lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { identity } from './identity';
import { NamespaceRef, resolveRef, ResolvedRef, ServiceAccountRef } from './references';
import { readWorkload, WORKLOAD_KINDS } from './workload-info';
import { MESH_TLS_AUTHENTICATION_PROPS } from './policy-guards';

export interface MeshTlsAuthenticationProps extends PolicyResourceProps {
  /**
   * Identities by name: exact, `*.<suffix>`, `*` for every meshed client, or SPIFFE IDs.
   * Exclusive with serviceAccounts, workloads and namespaces (the CRD takes one form or the other).
   * @default - none
   */
  readonly identities?: string[];
  /** ServiceAccounts whose pods are admitted (cdk8s-plus ServiceAccounts, ApiObjects or references). @default - none */
  readonly serviceAccounts?: Array<IConstruct | ServiceAccountRef>;
  /** Workloads whose ServiceAccount is admitted; the account is read from the pod spec at synth. @default - none */
  readonly workloads?: IConstruct[];
  /** Namespaces all of whose meshed pods are admitted. @default - none */
  readonly namespaces?: Array<IConstruct | NamespaceRef>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedMeshTlsAuthentication = lazyChecked(() => (require('../../imports/policy.linkerd.io') as typeof l1).MeshTlsAuthentication);

/** `MeshTLSAuthentication` (policy.linkerd.io/v1alpha1): clients identified by their mesh TLS identity. */
export class MeshTlsAuthentication extends PolicyResource {
  private readonly identities: string[];
  private readonly serviceAccounts: ResolvedRef[];
  private readonly workloads: ResolvedRef[];
  private readonly namespaces: ResolvedRef[];

  public constructor(scope: Construct, id: string, props: MeshTlsAuthenticationProps) {
    super(scope, id, props, MESH_TLS_AUTHENTICATION_PROPS, (s, i, metadata, spec) => new (CheckedMeshTlsAuthentication())(s, i, { metadata, spec }));
    this.identities = (props.identities ?? []).map((x, i) => identity(this, `identities[${i}]`, x));
    this.serviceAccounts = (props.serviceAccounts ?? []).map((x, i) => resolveRef(this, `serviceAccounts[${i}]`, x, ['ServiceAccount']));
    this.workloads = (props.workloads ?? []).map((x, i) => resolveRef(this, `workloads[${i}]`, x, WORKLOAD_KINDS));
    this.namespaces = (props.namespaces ?? []).map((x, i) => resolveRef(this, `namespaces[${i}]`, x, ['Namespace']));
    const refs = this.serviceAccounts.length + this.workloads.length + this.namespaces.length;
    if (this.identities.length > 0 && refs > 0) {
      throw new LinkerdConfigError(this, 'identities', 'identities cannot be combined with serviceAccounts, workloads or namespaces',
        'use two MeshTlsAuthentications, or give every client by name in identities');
    }
    if (this.identities.length === 0 && refs === 0) {
      throw new LinkerdConfigError(this, 'identities', 'no client is named', 'give identities, serviceAccounts, workloads or namespaces');
    }
  }

  protected renderSpec(): Record<string, any> {
    if (this.identities.length > 0) return { identities: [...this.identities] };
    const refs = [
      ...this.serviceAccounts.map((r) => compact({ kind: 'ServiceAccount', name: r.name, namespace: r.namespace })),
      ...this.workloads.map((r, i) => {
        const w = readWorkload(r.manifest!());
        if (!w) throw new LinkerdConfigError(this, `workloads[${i}]`, `${r.kind} ${r.name} has no pod template`, 'pass a workload');
        return compact({ kind: 'ServiceAccount', name: w.serviceAccountName, namespace: r.namespace });
      }),
      ...this.namespaces.map((r) => ({ kind: 'Namespace', name: r.name })),
    ];
    const seen = new Set<string>();
    return { identityRefs: refs.filter((r) => !seen.has(JSON.stringify(r)) && !!seen.add(JSON.stringify(r))) };
  }
}
