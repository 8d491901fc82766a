/**
 * Plain-manifest builders for policy checks: the check and the policy graph read YAML, so their
 * tests build objects the way a manifest directory holds them.
 */

type Obj = Record<string, any>;

export function namespace(name: string, annotations: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, annotations } };
}

export function serviceAccount(name: string, ns: string): Obj {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } };
}

export interface WorkloadOptions {
  readonly kind?: string;
  readonly ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  /** `[port, path]` readiness probes. */
  readonly httpProbes?: Array<[number | string, string]>;
  readonly serviceAccount?: string;
  readonly annotations?: Record<string, string>;
}

/** A Deployment whose pods are labelled `app: <name>`. */
export function workload(name: string, ns: string, options: WorkloadOptions = {}): Obj {
  const container: Obj = { name, image: `example/${name}:1`, ports: options.ports ?? [{ name: 'http', containerPort: 8080 }] };
  (options.httpProbes ?? []).forEach(([port, path], i) => {
    container[['readinessProbe', 'livenessProbe', 'startupProbe'][i]] = { httpGet: { port, path } };
  });
  const template = {
    metadata: { labels: { app: name }, annotations: options.annotations },
    spec: { serviceAccountName: options.serviceAccount ?? name, containers: [container] },
  };
  return {
    apiVersion: 'apps/v1',
    kind: options.kind ?? 'Deployment',
    metadata: { name, namespace: ns },
    spec: { selector: { matchLabels: { app: name } }, template },
  };
}

export function service(name: string, ns: string, ports: number[], selector: Record<string, string> = { app: name }): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector, ports: ports.map((port) => ({ port })) } };
}

export function server(name: string, ns: string, podSelector: Obj, port: number | string, proxyProtocol?: string): Obj {
  return {
    apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name, namespace: ns },
    spec: { podSelector, port, ...(proxyProtocol ? { proxyProtocol } : {}) },
  };
}

export function meshTls(name: string, ns: string, spec: Obj): Obj {
  return { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: { name, namespace: ns }, spec };
}

export function networkAuthn(name: string, ns: string, cidrs: string[]): Obj {
  return { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'NetworkAuthentication', metadata: { name, namespace: ns }, spec: { networks: cidrs.map((cidr) => ({ cidr })) } };
}

export function authorizationPolicy(name: string, ns: string, targetRef: Obj, requiredAuthenticationRefs: Obj[]): Obj {
  return { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec: { targetRef, requiredAuthenticationRefs } };
}

export const toServer = (name: string) => ({ group: 'policy.linkerd.io', kind: 'Server', name });
export const toRoute = (name: string) => ({ group: 'policy.linkerd.io', kind: 'HTTPRoute', name });
export const meshTlsRef = (name: string) => ({ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name });
export const networkRef = (name: string) => ({ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name });

export function httpRoute(name: string, ns: string, parentRefs: Obj[], rules: Obj[], apiVersion = 'policy.linkerd.io/v1beta3'): Obj {
  return { apiVersion, kind: 'HTTPRoute', metadata: { name, namespace: ns }, spec: { parentRefs, rules } };
}

export const prefix = (value: string, method?: string) => ({ path: { type: 'PathPrefix', value }, ...(method ? { method } : {}) });
export const exact = (value: string, method?: string) => ({ path: { type: 'Exact', value }, ...(method ? { method } : {}) });

/**
 * A clean default-deny mesh: namespace `demo` (injected, deny), web -> api (GET /api/* only) ->
 * db, probes and proxy metrics (linkerd-viz Prometheus) allowed. No L5D3xx check fires on it.
 */
export function cleanMesh(): Obj[] {
  const ns = 'demo';
  return [
    namespace(ns, { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'deny' }),
    namespace('linkerd-viz'),
    serviceAccount('prometheus', 'linkerd-viz'),
    serviceAccount('web', ns), serviceAccount('api', ns), serviceAccount('db', ns),
    workload('web', ns, { httpProbes: [[8080, '/ready']] }),
    workload('api', ns, { httpProbes: [['http', '/ready'], [8080, '/live']] }),
    workload('db', ns, { kind: 'StatefulSet', ports: [{ name: 'postgres', containerPort: 5432 }] }),
    service('web', ns, [80]), service('api', ns, [80]), service('db', ns, [5432]),
    // metrics
    server('linkerd-admin', ns, {}, 'linkerd-admin', 'HTTP/1'),
    meshTls('prometheus', ns, { identityRefs: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'linkerd-viz' }] }),
    authorizationPolicy('linkerd-admin-from-prometheus', ns, toServer('linkerd-admin'), [meshTlsRef('prometheus')]),
    // web -> api, one route, plus probes
    server('api-http', ns, { matchLabels: { app: 'api' } }, 'http'),
    httpRoute('api-http-get-api', ns, [toServer('api-http')], [{ matches: [prefix('/api', 'GET')] }]),
    httpRoute('api-http-probes', ns, [toServer('api-http')], [{ matches: [exact('/live', 'GET'), exact('/ready', 'GET')] }]),
    meshTls('web', ns, { identityRefs: [{ kind: 'ServiceAccount', name: 'web' }] }),
    networkAuthn('kubelet', ns, ['0.0.0.0/0', '::/0']),
    authorizationPolicy('api-http-get-api-from-web', ns, toRoute('api-http-get-api'), [meshTlsRef('web')]),
    authorizationPolicy('api-http-probes-from-kubelet', ns, toRoute('api-http-probes'), [networkRef('kubelet')]),
    // api -> db
    server('db-postgres', ns, { matchLabels: { app: 'db' } }, 'postgres', 'opaque'),
    authorizationPolicy('db-postgres-from-api', ns, toServer('db-postgres'), [{ kind: 'ServiceAccount', name: 'api' }]),
    // clients: canary route for api
    httpRoute('api-canary', ns, [{ group: 'core', kind: 'Service', name: 'api', port: 80 }],
      [{ backendRefs: [{ name: 'api', port: 80, weight: 9 }, { name: 'web', port: 80, weight: 1 }] }]),
  ];
}
