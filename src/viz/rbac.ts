import { VizContext } from './context';

/** One RBAC rule. */
interface Rule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): Rule => ({ apiGroups, resources, verbs, resourceNames });
const WORKLOADS_READ = [
  rule(['extensions', 'apps'], ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], ['list', 'get', 'watch']),
  rule(['extensions', 'batch'], ['cronjobs', 'jobs'], ['list', 'get', 'watch']),
];

/** A ClusterRole, its binding to one of viz's ServiceAccounts, and the labels both carry. */
interface ClusterGrant {
  /** Suffix of `linkerd-<namespace>-<suffix>`, or the full name when `fixedName`. */
  readonly name: string;
  readonly fixedName?: boolean;
  readonly serviceAccount: string;
  readonly component?: string;
  /** The rules of the role this library emits; undefined when binding a role it does not own. */
  readonly rules?: Rule[];
  /** The role bound when it is not this grant's own. */
  readonly roleRef?: string;
  /** Only with the dashboard's full privileges. */
  readonly dashboardPrivilege?: boolean;
  /** Only with the bundled Prometheus. */
  readonly prometheus?: boolean;
}

/**
 * The cluster-wide permissions of viz, by grant. Names embed the viz namespace as upstream's do
 * (`linkerd-linkerd-viz-tap`), except the tap injector's.
 */
function clusterGrants(ctx: VizContext): ClusterGrant[] {
  const ns = ctx.config.namespace;
  return [
    {
      name: 'metrics-api', serviceAccount: 'metrics-api', component: 'metrics-api', rules: [
        ...WORKLOADS_READ,
        rule([''], ['pods', 'endpoints', 'services', 'replicationcontrollers', 'namespaces'], ['list', 'get', 'watch']),
        rule(['linkerd.io'], ['serviceprofiles'], ['list', 'get', 'watch']),
        rule(['policy.linkerd.io'], ['servers', 'serverauthorizations', 'authorizationpolicies', 'httproutes'], ['list', 'get']),
      ],
    },
    { name: 'prometheus', serviceAccount: 'prometheus', component: 'prometheus', prometheus: true, rules: [rule([''], ['nodes', 'nodes/proxy', 'pods'], ['get', 'list', 'watch'])] },
    { name: 'linkerd-tap-injector', fixedName: true, serviceAccount: 'tap-injector', rules: [rule([''], ['namespaces'], ['get', 'list', 'watch'])] },
    {
      name: 'tap', serviceAccount: 'tap', component: 'tap', rules: [
        rule([''], ['pods', 'services', 'replicationcontrollers', 'namespaces', 'nodes'], ['list', 'get', 'watch']),
        ...WORKLOADS_READ,
      ],
    },
    // Delegates authentication and authorization of tap requests to the API server.
    { name: 'tap-auth-delegator', serviceAccount: 'tap', component: 'tap', roleRef: 'system:auth-delegator' },
    {
      name: 'web-check', serviceAccount: 'web', component: 'web', dashboardPrivilege: true, rules: [
        rule(['rbac.authorization.k8s.io'], ['clusterroles', 'clusterrolebindings'], ['list']),
        rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], ['list']),
        rule(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'], ['list']),
        rule(['linkerd.io'], ['serviceprofiles'], ['list']),
        rule([''], ['nodes', 'pods', 'services'], ['list']),
        rule(['apiregistration.k8s.io'], ['apiservices'], ['get']),
      ],
    },
    // The dashboard may start taps, through the tap-admin role below.
    { name: 'web-admin', serviceAccount: 'web', component: 'web', dashboardPrivilege: true, roleRef: `linkerd-${ns}-tap-admin` },
    { name: 'web-api', serviceAccount: 'web', component: 'web', dashboardPrivilege: true, rules: [rule([''], ['namespaces'], ['list'])] },
  ];
}

/** The role users bind to run `linkerd viz tap` (the dashboard is bound to it unless restricted). */
const TAP_ADMIN_RULES = [rule([''], ['namespaces'], ['list']), rule(['tap.linkerd.io'], ['*'], ['watch'])];

/** viz's ClusterRoles and ClusterRoleBindings, and its Roles and RoleBindings outside its namespace. */
export function renderRbac(ctx: VizContext): void {
  const c = ctx.config;
  const grants = clusterGrants(ctx).filter((g) => (!g.dashboardPrivilege || !c.restrictPrivileges) && (!g.prometheus || c.prometheus.bundled));
  const nameOf = (g: ClusterGrant) => (g.fixedName ? g.name : `linkerd-${c.namespace}-${g.name}`);
  const roleLabels = (component?: string) => ctx.labels({ component });

  for (const g of grants.filter((x) => x.rules)) {
    ctx.track(g.serviceAccount, ctx.obj(`clusterrole-${g.name}`, 'rbac.authorization.k8s.io/v1', 'ClusterRole', { name: nameOf(g), labels: roleLabels(g.component) }, { rules: g.rules }));
    if (g.name === 'tap') {
      ctx.track('tap', ctx.obj('clusterrole-tap-admin', 'rbac.authorization.k8s.io/v1', 'ClusterRole', { name: `linkerd-${c.namespace}-tap-admin`, labels: roleLabels('tap') }, { rules: TAP_ADMIN_RULES }));
    }
  }
  for (const g of grants) {
    ctx.track(g.serviceAccount, ctx.obj(`clusterrolebinding-${g.name}`, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { name: nameOf(g), labels: roleLabels(g.component) }, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: g.roleRef ?? nameOf(g) },
      subjects: [{ kind: 'ServiceAccount', name: g.serviceAccount, namespace: c.namespace }],
    }));
  }

  // The dashboard reads linkerd-config (and, unrestricted, the control plane's pods) in the control-plane namespace.
  const webLabels = { ...ctx.labels({ component: 'web' }), namespace: c.linkerdNamespace };
  ctx.obj('role-web', 'rbac.authorization.k8s.io/v1', 'Role', { name: 'web', namespace: c.linkerdNamespace, labels: webLabels }, {
    rules: [
      rule([''], ['configmaps'], ['get'], ['linkerd-config']),
      ...(c.restrictPrivileges ? [] : [
        rule([''], ['namespaces', 'configmaps'], ['get']),
        rule([''], ['serviceaccounts', 'pods'], ['list']),
        rule(['apps'], ['replicasets'], ['list']),
      ]),
    ],
  });
  // tap reads the API server's client CA to authenticate the aggregated requests it serves.
  ctx.track('tap', ctx.obj('rolebinding-tap-auth-reader', 'rbac.authorization.k8s.io/v1', 'RoleBinding', {
    name: `linkerd-${c.namespace}-tap-auth-reader`, namespace: 'kube-system', labels: ctx.labels({ component: 'tap', namespaceLabel: true }),
  }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'tap', namespace: c.namespace }],
  }));
  ctx.obj('rolebinding-web', 'rbac.authorization.k8s.io/v1', 'RoleBinding', { name: 'web', namespace: c.linkerdNamespace, labels: webLabels }, {
    roleRef: { kind: 'Role', name: 'web', apiGroup: 'rbac.authorization.k8s.io' },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: c.namespace }],
  });
}
