import { CREATED_BY_ANNOTATION, EXTENSION_LABEL, MulticlusterContext, RBAC } from './context';

/**
 * What a linked cluster's service mirror may read here, for each remote-access ServiceAccount:
 * the ServiceAccount, a token Secret Kubernetes fills in (the token never appears in the
 * output), and a ClusterRole over workloads, endpoints, Servers and `linkerd-config`. A link
 * from another cluster uses that token in its credentials Secret.
 */
export function renderRemoteAccess(ctx: MulticlusterContext, serviceAccounts: string[]): void {
  const meta = (name: string) => ({ name, labels: EXTENSION_LABEL, annotations: CREATED_BY_ANNOTATION });
  for (const name of serviceAccounts) {
    ctx.obj(`remote-access-${name}-cluster-role`, RBAC, 'ClusterRole', meta(name), {
      rules: [
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list', 'get', 'watch'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'get', 'watch'] },
        { apiGroups: [''], resources: ['pods', 'endpoints', 'services'], verbs: ['list', 'get', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'get', 'watch'] },
        { apiGroups: ['policy.linkerd.io'], resources: ['servers'], verbs: ['list', 'get', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['linkerd-config'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    });
    ctx.obj(`remote-access-${name}-sa`, 'v1', 'ServiceAccount', { ...meta(name), namespace: ctx.namespace }, { imagePullSecrets: ctx.imagePullSecrets });
    ctx.obj(`remote-access-${name}-token`, 'v1', 'Secret', {
      name: `${name}-token`,
      namespace: ctx.namespace,
      labels: EXTENSION_LABEL,
      annotations: { 'kubernetes.io/service-account.name': name, ...CREATED_BY_ANNOTATION },
    }, { type: 'kubernetes.io/service-account-token' });
    ctx.obj(`remote-access-${name}-cluster-role-binding`, RBAC, 'ClusterRoleBinding', meta(name), {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ctx.namespace }],
    });
  }
}
