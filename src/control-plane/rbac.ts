/** One RBAC rule: API groups × resources × verbs, optionally limited to named objects. */
export interface RbacRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

const READ = ['list', 'get', 'watch'];
const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): RbacRule =>
  ({ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) });

const POLICY_KINDS = [
  'authorizationpolicies', 'httplocalratelimitpolicies', 'httproutes', 'meshtlsauthentications',
  'networkauthentications', 'servers', 'serverauthorizations', 'egressnetworks',
];
/** Gateway API route kinds the policy controller watches and validates. */
export const GATEWAY_ROUTE_KINDS = ['httproutes', 'grpcroutes', 'tlsroutes', 'tcproutes'];
/** policy.linkerd.io kinds the policy validator admits. */
export const POLICY_VALIDATED_KINDS = POLICY_KINDS;

/** The destination controller: endpoints, profiles and external workloads, and the EndpointSlices it writes for them. */
export const DESTINATION_RULES: RbacRule[] = [
  rule(['apps'], ['replicasets'], READ),
  rule(['batch'], ['jobs'], READ),
  rule([''], ['pods', 'endpoints', 'services', 'nodes'], READ),
  rule(['linkerd.io'], ['serviceprofiles'], READ),
  rule(['workload.linkerd.io'], ['externalworkloads'], READ),
  rule(['coordination.k8s.io'], ['leases'], ['create', 'get', 'update', 'patch']),
  rule(['discovery.k8s.io'], ['endpointslices'], [...READ, 'create', 'update', 'patch', 'delete']),
];

/** The policy controller: reads every policy kind and route, writes route status, holds a lease. */
export const POLICY_RULES: RbacRule[] = [
  rule([''], ['pods'], ['get', 'list', 'watch']),
  rule(['apps'], ['deployments'], ['get']),
  rule(['policy.linkerd.io'], POLICY_KINDS, ['get', 'list', 'watch']),
  rule(['gateway.networking.k8s.io'], GATEWAY_ROUTE_KINDS, ['get', 'list', 'watch']),
  rule(['policy.linkerd.io'], ['httproutes/status', 'httplocalratelimitpolicies/status', 'egressnetworks/status'], ['patch']),
  rule(['gateway.networking.k8s.io'], GATEWAY_ROUTE_KINDS.map((k) => `${k}/status`), ['patch']),
  rule(['workload.linkerd.io'], ['externalworkloads'], ['get', 'list', 'watch']),
  rule(['coordination.k8s.io'], ['leases'], ['create', 'get', 'patch']),
];

/** Multicluster remote discovery reads the link credentials kept as Secrets in the control-plane namespace. */
export const REMOTE_DISCOVERY_RULES: RbacRule[] = [rule([''], ['secrets'], READ)];

export const IDENTITY_RULES: RbacRule[] = [
  rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
  rule([''], ['events'], ['create', 'patch']),
];

/** The proxy injector looks up owners of the pods it injects and reads namespace annotations. */
export const PROXY_INJECTOR_RULES: RbacRule[] = [
  rule([''], ['events'], ['create', 'patch']),
  rule([''], ['namespaces', 'replicationcontrollers'], READ),
  rule([''], ['pods'], ['list', 'watch']),
  rule(['extensions', 'apps'], ['deployments', 'replicasets', 'daemonsets', 'statefulsets'], READ),
  rule(['extensions', 'batch'], ['cronjobs', 'jobs'], READ),
];

export const HEARTBEAT_CLUSTER_RULES: RbacRule[] = [
  rule([''], ['namespaces'], ['list']),
  rule(['linkerd.io'], ['serviceprofiles'], ['list']),
];

/** Read access to `linkerd-config` only. */
export const CONFIG_READER_RULES: RbacRule[] = [rule([''], ['configmaps'], ['get'], ['linkerd-config'])];
