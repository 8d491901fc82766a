import { ControlPlaneContext } from './context';
import * as rbac from './rbac';

/** The ClusterRoles, Roles and their bindings for the rule tables of `rbac.ts`. */
export function renderRbac(ctx: ControlPlaneContext): void {
  const ns = ctx.namespace;
  const clusterRole = (id: string, name: string, component: string | undefined, rules: rbac.RbacRule[], partOf = false) =>
    ctx.obj(`cr-${id}`, 'rbac.authorization.k8s.io/v1', 'ClusterRole', ctx.componentMeta(name, component, { namespaced: false, createdBy: false, partOf }), { rules });
  const role = (id: string, name: string, component: string | undefined, rules: rbac.RbacRule[], options: { partOf?: boolean; createdBy?: boolean } = {}) =>
    ctx.obj(`role-${id}`, 'rbac.authorization.k8s.io/v1', 'Role', ctx.componentMeta(name, component, { createdBy: options.createdBy ?? false, partOf: options.partOf }), { rules });
  const binding = (id: string, kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, component: string | undefined, roleKind: string, roleName: string, sa: string, partOf = false) =>
    ctx.obj(`${kind === 'RoleBinding' ? 'rb' : 'crb'}-${id}`, 'rbac.authorization.k8s.io/v1', kind,
      ctx.componentMeta(name, component, { namespaced: kind === 'RoleBinding', createdBy: false, partOf }), {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
      });

  const destinationRules = ctx.values.enableEndpointSlices
    ? rbac.DESTINATION_RULES : rbac.DESTINATION_RULES.filter((r) => !r.resources.includes('endpointslices'));
  clusterRole('destination', `linkerd-${ns}-destination`, 'destination', destinationRules);
  binding('destination', 'ClusterRoleBinding', `linkerd-${ns}-destination`, 'destination', 'ClusterRole', `linkerd-${ns}-destination`, 'linkerd-destination');
  clusterRole('policy', 'linkerd-policy', 'destination', rbac.POLICY_RULES, true);
  binding('policy', 'ClusterRoleBinding', 'linkerd-destination-policy', 'destination', 'ClusterRole', 'linkerd-policy', 'linkerd-destination', true);
  role('remote-discovery', 'remote-discovery', 'destination', rbac.REMOTE_DISCOVERY_RULES, { partOf: true });
  binding('remote-discovery', 'RoleBinding', 'linkerd-destination-remote-discovery', 'destination', 'Role', 'remote-discovery', 'linkerd-destination', true);
  clusterRole('identity', `linkerd-${ns}-identity`, 'identity', rbac.IDENTITY_RULES);
  binding('identity', 'ClusterRoleBinding', `linkerd-${ns}-identity`, 'identity', 'ClusterRole', `linkerd-${ns}-identity`, 'linkerd-identity');
  clusterRole('proxy-injector', `linkerd-${ns}-proxy-injector`, 'proxy-injector', rbac.PROXY_INJECTOR_RULES);
  binding('proxy-injector', 'ClusterRoleBinding', `linkerd-${ns}-proxy-injector`, 'proxy-injector', 'ClusterRole', `linkerd-${ns}-proxy-injector`, 'linkerd-proxy-injector');
  role('config-reader', 'ext-namespace-metadata-linkerd-config', undefined, rbac.CONFIG_READER_RULES, { createdBy: true });
  if (!ctx.values.disableHeartBeat) {
    clusterRole('heartbeat', 'linkerd-heartbeat', undefined, rbac.HEARTBEAT_CLUSTER_RULES);
    binding('heartbeat', 'ClusterRoleBinding', 'linkerd-heartbeat', undefined, 'ClusterRole', 'linkerd-heartbeat', 'linkerd-heartbeat');
    role('heartbeat', 'linkerd-heartbeat', undefined, rbac.CONFIG_READER_RULES);
    binding('heartbeat', 'RoleBinding', 'linkerd-heartbeat', undefined, 'Role', 'linkerd-heartbeat', 'linkerd-heartbeat');
  }
}
