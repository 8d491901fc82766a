/**
 * Linkerd's inbound policy, evaluated from manifests alone: which client may send which request
 * to which pod port. It follows the policy controller of edge-26.8.3
 * (policy-controller/k8s/index/src/inbound/index.rs): a port is governed by the oldest Server
 * selecting it, else by the pod's default policy; a Server's authorizations come from
 * AuthorizationPolicies targeting it or its namespace and from ServerAuthorizations; a Server with
 * routes refuses requests that match none, and authorizes a request by the Server's
 * authorizations plus those of the matching route; a Server without routes (and a port without
 * Server) authorizes kubelet probes of the pod's probe paths from the probe networks.
 *
 * The checks (`src/check/policy-rules.ts`) and the policy graph read the same model, so what the
 * graph shows is what the checks judge.
 */
import { compareText } from '../order';
import { passIndex } from '../mesh/render-pass';
import { Cidr } from './cidr';
import { identityMatches, namespaceIdentity, serviceAccountIdentity } from './identity';
import { LabelSelectorJson, selectorMatches } from './label-selector';
import { comparePrecedence, describeMatch, HttpMatchJson, matchKey, requestMatches } from './route-match';
import { LabelIndex, SelectorIndex } from './selector-index';
import {
  DEFAULT_PROXY_ADMIN_PORT, httpProbePaths, injectionRequested, isWorkload, PROXY_ADMIN_PORT_NAME, readWorkload, selectPorts, tcpPorts, WorkloadInfo,
} from './workload-info';

type Obj = Record<string, any>;

const POLICY_GROUP = 'policy.linkerd.io';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const DEFAULT_CLUSTER_NETWORKS = '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8';
const DEFAULT_PROBE_NETWORKS = '0.0.0.0/0,::/0';

/** Settings of the policy controller that policy decisions depend on. */
export interface ClusterSettings {
  readonly controlPlaneNamespace: string;
  readonly trustDomain: string;
  readonly defaultPolicy: string;
  readonly clusterNetworks: Cidr[];
  /** Where kubelet probes come from; empty means probes are not authorized by default. */
  readonly probeNetworks: Cidr[];
}

/** `Kind namespace/name`, the way findings name objects. */
export function objectId(o: Obj): string {
  return `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

function nsOf(o: Obj): string {
  return o.metadata?.namespace ?? 'default';
}

function cidrs(text: string): Cidr[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => Cidr.tryParse(s)).filter((c): c is Cidr => !!c);
}

/** A network block of an authorization. */
export interface AllowedNetwork {
  readonly cidr: Cidr;
  readonly except: Cidr[];
}

/** Who an authorization admits. */
export interface Authz {
  /** What granted it: `AuthorizationPolicy demo/x`, `default:deny`, `probe`. */
  readonly source: string;
  /** undefined: any client (TLS or not); otherwise identity patterns (`*` = any meshed client). */
  readonly identities?: string[];
  /** Any meshed client, identified or not (ServerAuthorization `unauthenticatedTLS`). */
  readonly meshedOnly?: boolean;
  readonly networks: AllowedNetwork[];
}

/** A client, as the server side sees it. */
export interface PolicyClient {
  /** Stable id, e.g. `workload:demo/web`, `kubelet`, `network:10.0.0.0/8`. */
  readonly id: string;
  /** For people, e.g. `web (demo)`. */
  readonly label: string;
  readonly kind: 'workload' | 'identity' | 'kubelet' | 'network' | 'anyone' | 'meshed';
  /** Mesh identity when the client is meshed. */
  readonly identity?: string;
  /** Source networks the client connects from. */
  readonly networks: Cidr[];
}

/** One route of a port: a rule of an HTTPRoute/GRPCRoute, or a route the controller makes up. */
export interface EffectiveRoute {
  /** Stable id, e.g. `HTTPRoute demo/api-get#0`, `default`, `probe`. */
  readonly id: string;
  readonly label: string;
  readonly route?: string;
  readonly ruleIndex?: number;
  readonly matches: HttpMatchJson[];
  readonly authorizations: Authz[];
}

/** The policy that governs one port of one workload's pods. */
export interface PortPolicy {
  readonly workload: WorkloadInfo;
  readonly port: number;
  readonly portName?: string;
  readonly meshed: boolean;
  /** The Server that governs the port; undefined when the default policy does. */
  readonly server?: ServerModel;
  /** The default policy in force when no Server governs the port. */
  readonly defaultPolicy: string;
  /** No HTTP routing: connection-level authorization only. */
  readonly opaque: boolean;
  readonly serverAuthorizations: Authz[];
  readonly routes: EffectiveRoute[];
}

/** Outcome of a request. */
export interface Decision {
  readonly allowed: boolean;
  /** Why, for messages: `no route matches`, `denied by default policy deny`, … */
  readonly reason: string;
  /** The route that matched. */
  readonly route?: EffectiveRoute;
  /** The authorization that admitted the client. */
  readonly via?: string;
}

export interface ServerModel {
  readonly object: Obj;
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly selector: LabelSelectorJson;
  readonly port: number | string;
  readonly protocol: string;
  readonly accessPolicy?: string;
  readonly labels: Record<string, string>;
}

export interface RouteModel {
  readonly object: Obj;
  readonly id: string;
  readonly kind: 'HTTPRoute' | 'GRPCRoute';
  readonly group: string;
  readonly name: string;
  readonly namespace: string;
  /** Names of the Servers it is attached to. */
  readonly servers: string[];
  /** Each rule's matches, gRPC matches as their HTTP/2 paths. */
  readonly rules: HttpMatchJson[][];
}

/** An AuthorizationPolicy, ServerAuthorization or HTTPLocalRateLimitPolicy, normalized. */
export interface PolicyModelEntry {
  readonly object: Obj;
  readonly id: string;
  readonly namespace: string;
  readonly target: { kind: string; group?: string; name: string };
  /** undefined when the policy is invalid (the controller ignores it); see `problems`. */
  readonly authz?: Authz;
  readonly problems: string[];
}

/** An HTTP request for evaluation. */
export interface RequestSample {
  readonly method: string;
  readonly path: string;
}

/** The model of a set of manifests. */
export class PolicyModel {
  /** Builds the model; never throws on odd input, which the checks report instead. */
  public static fromObjects(objects: ReadonlyArray<Obj>): PolicyModel {
    const build = () => new PolicyModel(objects.filter((o) => o && typeof o === 'object' && typeof o.kind === 'string'));
    if (objects.length === 0) return build();
    // Within a render pass the checks and the mesh-policy report read the same objects: one model.
    const built = passIndex(objects[0], 'policy-model', () => [] as Array<{ objects: ReadonlyArray<Obj>; model: PolicyModel }>);
    const same = built.find((b) => b.objects.length === objects.length && b.objects.every((o, i) => o === objects[i]));
    if (same) return same.model;
    const model = build();
    built.push({ objects: [...objects], model });
    return model;
  }

  public readonly cluster: ClusterSettings;
  public readonly workloads: WorkloadInfo[];
  public readonly servers: ServerModel[];
  public readonly routes: RouteModel[];
  public readonly policies: PolicyModelEntry[];
  /** Namespaces that appear in the set (as objects, or as the namespace of an object). */
  public readonly knownNamespaces: Set<string>;
  public readonly serviceAccounts: Set<string>;
  private readonly namespaceAnnotations = new Map<string, Record<string, string>>();
  private readonly byKind = new Map<string, Obj[]>();
  // Indexes and memos, so that every question about one workload, port or Server is answered
  // without scanning every other one: the model is linear in the size of the mesh.
  private readonly serverSelectors = new SelectorIndex<ServerModel>();
  private readonly workloadLabels = new LabelIndex<WorkloadInfo>();
  private readonly serversByName = new Map<string, ServerModel[]>();
  private readonly routesByServer = new Map<string, RouteModel[]>();
  private readonly routesByName = new Map<string, RouteModel[]>();
  private readonly policiesByTarget = new Map<string, PolicyModelEntry[]>();
  private readonly authorizationMemo = new Map<ServerModel | RouteModel, Authz[]>();
  private readonly portPolicyMemo = new Map<WorkloadInfo, Map<number, PortPolicy>>();
  private readonly policyOrder = new Map<PolicyModelEntry, number>();

  private constructor(public readonly objects: ReadonlyArray<Obj>) {
    for (const o of objects) {
      const list = this.byKind.get(o.kind) ?? [];
      list.push(o);
      this.byKind.set(o.kind, list);
    }
    this.knownNamespaces = new Set<string>();
    for (const o of objects) {
      if (o.kind === 'Namespace' && o.metadata?.name) {
        this.knownNamespaces.add(o.metadata.name);
        this.namespaceAnnotations.set(o.metadata.name, { ...(o.metadata.annotations ?? {}) });
      } else if (o.metadata?.namespace) {
        this.knownNamespaces.add(o.metadata.namespace);
      }
    }
    this.serviceAccounts = new Set(this.kind('ServiceAccount').map((o) => `${nsOf(o)}/${o.metadata?.name}`));
    this.cluster = this.readCluster();
    this.workloads = objects.filter(isWorkload)
      .map((o) => readWorkload(o, injectionRequested(this.namespaceAnnotations.get(o.metadata?.namespace ?? 'default')))!).filter(Boolean)
      .map((w) => ({ w, key: `${w.namespace}/${w.kind}/${w.name}` })).sort((a, b) => compareText(a.key, b.key)).map(({ w }) => w);
    this.servers = this.kind('Server').filter((o) => o.apiVersion?.startsWith(`${POLICY_GROUP}/`)).map((o) => ({
      object: o,
      id: objectId(o),
      name: o.metadata?.name,
      namespace: nsOf(o),
      selector: o.spec?.podSelector,
      port: o.spec?.port,
      protocol: o.spec?.proxyProtocol ?? 'unknown',
      accessPolicy: o.spec?.accessPolicy,
      labels: o.metadata?.labels ?? {},
    })).sort((a, b) => compareText(a.id, b.id));
    this.routes = this.readRoutes();
    this.policies = this.readPolicies();
    for (const w of this.workloads) this.workloadLabels.add(w.namespace, w.podLabels, w);
    for (const server of this.servers) {
      this.serverSelectors.add(server.namespace, server.selector, server);
      push(this.serversByName, `${server.namespace}/${server.name}`, server);
    }
    for (const r of this.routes) {
      push(this.routesByName, routeKey(r.namespace, r.kind, r.group, r.name), r);
      for (const name of new Set(r.servers)) push(this.routesByServer, `${r.namespace}/${name}`, r);
    }
    for (const [i, p] of this.policies.entries()) {
      this.policyOrder.set(p, i);
      if (p.object.kind === 'ServerAuthorization') {
        const sel = p.object.spec?.server;
        push(this.policiesByTarget, sel?.name !== undefined ? `${p.namespace}|Server|${sel.name}` : `${p.namespace}|ServerAuthorization-selector`, p);
      } else {
        push(this.policiesByTarget, `${p.namespace}|${p.target.kind.toLowerCase()}|${p.target.name}`, p);
      }
    }
  }

  /** Objects of a kind, in input order. */
  public kind(kind: string): Obj[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The mesh identity of a ServiceAccount. */
  public identityOf(serviceAccount: string, namespace: string): string {
    return serviceAccountIdentity(serviceAccount, namespace, this.cluster.controlPlaneNamespace, this.cluster.trustDomain);
  }

  /** True when the workload's pods run a Linkerd proxy (already, or once injected). */
  public isMeshed(w: WorkloadInfo): boolean {
    if (w.hasProxy) return true;
    const pod = w.podAnnotations['linkerd.io/inject'];
    if (pod !== undefined) return injectionRequested(w.podAnnotations);
    return injectionRequested(this.namespaceAnnotations.get(w.namespace));
  }

  /** The default inbound policy of a workload's pods: pod annotation, else namespace, else cluster. */
  public defaultPolicyOf(w: WorkloadInfo): string {
    const key = 'config.linkerd.io/default-inbound-policy';
    return w.podAnnotations[key] ?? this.namespaceAnnotations.get(w.namespace)?.[key] ?? this.cluster.defaultPolicy;
  }

  /** The Servers selecting this port of the workload's pods, oldest (by name, as creation times are unknown) first. */
  public serversFor(w: WorkloadInfo, port: number): ServerModel[] {
    return this.serverSelectors.candidates(w.namespace, w.podLabels).filter((s) => s.selector !== undefined
      && selectorMatches(s.selector, w.podLabels) && s.port !== undefined && selectPorts(w, s.port).includes(port))
      .sort((a, b) => compareText(a.name, b.name));
  }

  /** Workloads whose pods a Server selects. */
  public workloadsOf(server: ServerModel): WorkloadInfo[] {
    if (server.selector === undefined) return [];
    return this.workloadLabels.candidates(server.namespace, server.selector).filter((w) => selectorMatches(server.selector, w.podLabels));
  }

  /** The Servers of that namespace and name (normally one). */
  public serversNamed(namespace: string, name: string): ServerModel[] {
    return this.serversByName.get(`${namespace}/${name}`) ?? [];
  }

  /** The HTTPRoutes and GRPCRoutes of that namespace, kind, API group and name (normally one). */
  public routesNamed(namespace: string, kind: string, group: string, name: string): RouteModel[] {
    return this.routesByName.get(routeKey(namespace, kind, group, name)) ?? [];
  }

  /** The routes attached to a Server, in the order of `routes`. */
  public routesOf(server: ServerModel): RouteModel[] {
    return this.routesByServer.get(`${server.namespace}/${server.name}`) ?? [];
  }

  /** The ports policy can govern on a workload: its TCP container ports, without the proxy's inbound listener. */
  public targetPorts(w: WorkloadInfo): number[] {
    const inbound = w.ports.filter((p) => p.name === 'linkerd-proxy').map((p) => p.port);
    return tcpPorts(w).filter((p) => !inbound.includes(p));
  }

  /** The proxy admin port of a meshed workload (metrics, probes). */
  public adminPort(w: WorkloadInfo): number {
    return w.ports.find((p) => p.name === PROXY_ADMIN_PORT_NAME)?.port ?? DEFAULT_PROXY_ADMIN_PORT;
  }

  /** Everything that decides requests to one port of a workload (computed once per workload and port). */
  public portPolicy(w: WorkloadInfo, port: number): PortPolicy {
    let byPort = this.portPolicyMemo.get(w);
    if (!byPort) {
      byPort = new Map();
      this.portPolicyMemo.set(w, byPort);
    }
    let policy = byPort.get(port);
    if (!policy) {
      policy = this.computePortPolicy(w, port);
      byPort.set(port, policy);
    }
    return policy;
  }

  private computePortPolicy(w: WorkloadInfo, port: number): PortPolicy {
    const meshed = this.isMeshed(w);
    const defaultPolicy = this.defaultPolicyOf(w);
    const portName = w.ports.find((p) => p.port === port && p.name)?.name;
    const server = this.serversFor(w, port)[0];
    const probePaths = httpProbePaths(w, port);
    if (!server) {
      const requireId = parsePorts(w.podAnnotations['config.linkerd.io/proxy-require-identity-inbound-ports']).includes(port);
      const opaque = parsePorts(w.podAnnotations['config.linkerd.io/opaque-ports']).includes(port);
      const authz = this.defaultAuthz(defaultPolicy, requireId);
      const routes = opaque ? [] : this.defaultRoutes(probePaths, authz);
      return { workload: w, port, portName, meshed, defaultPolicy, opaque, serverAuthorizations: authz, routes };
    }
    const serverAuthorizations = this.serverAuthorizations(server);
    const opaque = server.protocol === 'opaque' || server.protocol === 'TLS';
    let routes: EffectiveRoute[] = [];
    if (!opaque) {
      routes = this.routesOf(server).flatMap((r) => r.rules.map((matches, i) => ({
        id: `${r.id}#${i}`,
        label: matches.map(describeMatch).join(' or '),
        route: r.id,
        ruleIndex: i,
        matches,
        authorizations: [...serverAuthorizations, ...this.routeAuthorizations(r)],
      })));
      if (routes.length === 0) routes = this.defaultRoutes(probePaths, serverAuthorizations);
    }
    return { workload: w, port, portName, meshed, server, defaultPolicy, opaque, serverAuthorizations, routes };
  }

  /** Decides whether `client` may send `request` (or open a connection, when undefined) to the port. */
  public decide(client: PolicyClient, policy: PortPolicy, request?: RequestSample): Decision {
    if (!policy.meshed) return { allowed: true, reason: 'the workload is not meshed, so no policy is enforced' };
    const governedBy = policy.server ? `Server ${policy.server.namespace}/${policy.server.name}` : `default policy ${policy.defaultPolicy}`;
    if (policy.opaque || request === undefined) {
      const authz = [...policy.serverAuthorizations, ...(request === undefined ? policy.routes.flatMap((r) => r.authorizations) : [])];
      const via = authz.find((a) => admits(a, client));
      return via ? { allowed: true, reason: `admitted by ${via.source}`, via: via.source }
        : { allowed: false, reason: `no authorization of ${governedBy} admits ${client.label}` };
    }
    const route = bestRoute(policy.routes, request);
    if (!route) return { allowed: false, reason: `no route of ${governedBy} matches ${request.method} ${request.path} (404)` };
    const via = route.authorizations.find((a) => admits(a, client));
    return via ? { allowed: true, reason: `admitted by ${via.source}`, route, via: via.source }
      : { allowed: false, reason: `no authorization of ${governedBy}${route.route ? `, route ${route.route}` : ''} admits ${client.label}`, route };
  }

  /** The client a workload's pods act as. */
  public workloadClient(w: WorkloadInfo): PolicyClient {
    const meshed = this.isMeshed(w);
    return {
      id: `workload:${w.namespace}/${w.name}`,
      label: `${w.name} (${w.namespace})`,
      kind: 'workload',
      identity: meshed ? this.identityOf(w.serviceAccountName, w.namespace) : undefined,
      networks: this.cluster.clusterNetworks,
    };
  }

  /** Kubelet, probing from the probe networks without identity. */
  public kubeletClient(): PolicyClient {
    const networks = this.cluster.probeNetworks.length > 0 ? this.cluster.probeNetworks : this.cluster.clusterNetworks;
    return { id: 'kubelet', label: 'kubelet (probes)', kind: 'kubelet', networks };
  }

  /** A meshed client of a given ServiceAccount identity, e.g. Prometheus. */
  public identityClient(serviceAccount: string, namespace: string): PolicyClient {
    return {
      id: `identity:${namespace}/${serviceAccount}`,
      label: `${serviceAccount} (${namespace})`,
      kind: 'identity',
      identity: this.identityOf(serviceAccount, namespace),
      networks: this.cluster.clusterNetworks,
    };
  }

  private readCluster(): ClusterSettings {
    const args = new Map<string, string>();
    for (const d of this.kind('Deployment')) {
      for (const c of d.spec?.template?.spec?.containers ?? []) {
        if (c?.name !== 'policy' || !String(c.command?.[0] ?? '').includes('policy-controller')) continue;
        for (const a of c.args ?? []) {
          const m = /^--([\w-]+)=(.*)$/.exec(String(a));
          if (m) args.set(m[1], m[2]);
        }
        args.set('#found', 'yes');
      }
    }
    const config = this.kind('ConfigMap').find((c) => c.metadata?.name === 'linkerd-config')?.data?.values;
    const fromConfig = (key: string) => (typeof config === 'string' ? new RegExp(`^${key}: *"?([^"\\n]+)"?$`, 'm').exec(config)?.[1] : undefined);
    const found = args.has('#found');
    return {
      controlPlaneNamespace: args.get('control-plane-namespace') ?? 'linkerd',
      trustDomain: args.get('identity-domain') ?? fromConfig('identityTrustDomain') ?? 'cluster.local',
      defaultPolicy: args.get('default-policy') ?? 'all-unauthenticated',
      clusterNetworks: cidrs(args.get('cluster-networks') ?? fromConfig('clusterNetworks') ?? DEFAULT_CLUSTER_NETWORKS),
      // The controller authorizes no probes without --probe-networks; the chart always passes it.
      probeNetworks: cidrs(args.get('probe-networks') ?? (found ? '' : DEFAULT_PROBE_NETWORKS)),
    };
  }

  private defaultAuthz(policy: string, requireIdentity: boolean): Authz[] {
    const all = [{ cidr: Cidr.ALL_IPV4, except: [] }, { cidr: Cidr.ALL_IPV6, except: [] }];
    const cluster = this.cluster.clusterNetworks.map((cidr) => ({ cidr, except: [] }));
    const source = `default:${policy}`;
    switch (policy) {
      case 'all-unauthenticated': return [{ source, identities: requireIdentity ? ['*'] : undefined, networks: all }];
      case 'all-authenticated': return [{ source, identities: ['*'], networks: all }];
      case 'cluster-unauthenticated': return [{ source, identities: requireIdentity ? ['*'] : undefined, networks: cluster }];
      case 'cluster-authenticated': return [{ source, identities: ['*'], networks: cluster }];
      case 'audit': return [{ source, networks: all }];
      default: return [];
    }
  }

  /** The routes of a port without HTTPRoutes: everything, plus probes from the probe networks. */
  private defaultRoutes(probePaths: string[], authz: Authz[]): EffectiveRoute[] {
    const routes: EffectiveRoute[] = [{ id: 'default', label: '* /*', matches: [{ path: { type: 'PathPrefix', value: '/' } }], authorizations: authz }];
    if (probePaths.length > 0 && this.cluster.probeNetworks.length > 0) {
      routes.push({
        id: 'probe',
        label: probePaths.map((p) => `GET ${p}`).join(' or '),
        matches: probePaths.map((p) => ({ path: { type: 'Exact', value: p }, method: 'GET' })),
        authorizations: [...authz, { source: 'probe', networks: this.cluster.probeNetworks.map((cidr) => ({ cidr, except: [] })) }],
      });
    }
    return routes;
  }

  /** The authorizations of a Server, computed once per Server. */
  private serverAuthorizations(server: ServerModel): Authz[] {
    let out = this.authorizationMemo.get(server);
    if (out) return out;
    out = [];
    const candidates = [
      ...this.policiesTargeting(`${server.namespace}|server|${server.name}`),
      ...this.policiesTargeting(`${server.namespace}|namespace|${server.namespace}`),
      ...this.policiesTargeting(`${server.namespace}|Server|${server.name}`),
      ...this.policiesTargeting(`${server.namespace}|ServerAuthorization-selector`),
    ];
    // In the order of `policies`, as a scan of every policy would give them.
    for (const p of [...new Set(candidates)].sort((a, b) => this.policyOrder.get(a)! - this.policyOrder.get(b)!)) {
      if (!p.authz) continue;
      const t = p.target;
      if (p.object.kind === 'ServerAuthorization') {
        const sel = p.object.spec?.server;
        const selects = sel?.name !== undefined ? sel.name === server.name : selectorMatches(sel?.selector, server.labels);
        if (selects) out.push(p.authz);
      } else if (p.object.kind === 'AuthorizationPolicy') {
        if ((t.kind === 'Server' && t.group === POLICY_GROUP && t.name === server.name) || (t.kind === 'Namespace' && t.name === server.namespace)) out.push(p.authz);
      }
    }
    if (server.accessPolicy && server.accessPolicy !== 'deny') out.push(...this.defaultAuthz(server.accessPolicy, false).map((a) => ({ ...a, source: `accessPolicy:${server.accessPolicy}` })));
    this.authorizationMemo.set(server, out);
    return out;
  }

  /** The authorizations of a route, computed once per route. */
  private routeAuthorizations(route: RouteModel): Authz[] {
    let out = this.authorizationMemo.get(route);
    if (!out) {
      out = this.policiesTargeting(`${route.namespace}|${route.kind.toLowerCase()}|${route.name}`)
        .filter((p) => p.authz && p.object.kind === 'AuthorizationPolicy' && (p.target.group ?? '') === route.group)
        .map((p) => p.authz!);
      this.authorizationMemo.set(route, out);
    }
    return out;
  }

  private policiesTargeting(key: string): PolicyModelEntry[] {
    return this.policiesByTarget.get(key) ?? [];
  }

  private readRoutes(): RouteModel[] {
    const out: RouteModel[] = [];
    for (const o of [...this.kind('HTTPRoute'), ...this.kind('GRPCRoute')]) {
      const group = String(o.apiVersion ?? '').split('/')[0];
      if (group !== POLICY_GROUP && group !== GATEWAY_GROUP) continue;
      const ns = nsOf(o);
      const servers = (o.spec?.parentRefs ?? [])
        .filter((p: Obj) => p?.kind === 'Server' && (p.group ?? (group === POLICY_GROUP ? POLICY_GROUP : GATEWAY_GROUP)) === POLICY_GROUP
          && (p.namespace === undefined || p.namespace === ns) && p.port === undefined && p.sectionName === undefined)
        .map((p: Obj) => p.name);
      const rules: HttpMatchJson[][] = (o.spec?.rules ?? [{}]).map((r: Obj) => {
        const matches: Obj[] = r?.matches ?? [];
        if (o.kind === 'GRPCRoute') {
          return matches.length === 0 ? [{ path: { type: 'PathPrefix', value: '/' }, method: 'POST' }] : matches.map(grpcAsHttp);
        }
        return matches.length === 0 ? [{ path: { type: 'PathPrefix', value: '/' } }] : matches as HttpMatchJson[];
      });
      out.push({ object: o, id: objectId(o), kind: o.kind, group, name: o.metadata?.name, namespace: ns, servers, rules });
    }
    return out.sort((a, b) => compareText(a.id, b.id));
  }

  private readPolicies(): PolicyModelEntry[] {
    const out: PolicyModelEntry[] = [];
    const authentications = new Map<string, Obj>();
    for (const kind of ['MeshTLSAuthentication', 'NetworkAuthentication']) {
      for (const a of this.kind(kind)) {
        const key = `${kind}|${nsOf(a)}/${a.metadata?.name}`;
        if (!authentications.has(key)) authentications.set(key, a);
      }
    }
    for (const o of this.kind('AuthorizationPolicy')) {
      const ns = nsOf(o);
      const t = o.spec?.targetRef ?? {};
      const problems: string[] = [];
      let identities: string[] | undefined;
      let networks: AllowedNetwork[] | undefined;
      let identityCount = 0;
      let networkCount = 0;
      for (const ref of o.spec?.requiredAuthenticationRefs ?? []) {
        const refNs = ref.namespace ?? ns;
        const group = ref.group ?? '';
        if (ref.kind === 'MeshTLSAuthentication' && group === POLICY_GROUP) {
          identityCount++;
          const authn = authentications.get(`MeshTLSAuthentication|${refNs}/${ref.name}`);
          if (!authn) problems.push(`MeshTLSAuthentication ${refNs}/${ref.name} does not exist`);
          else identities = this.meshTlsIdentities(authn);
        } else if (ref.kind === 'NetworkAuthentication' && group === POLICY_GROUP) {
          networkCount++;
          const authn = authentications.get(`NetworkAuthentication|${refNs}/${ref.name}`);
          if (!authn) problems.push(`NetworkAuthentication ${refNs}/${ref.name} does not exist`);
          else networks = readNetworks(authn.spec?.networks);
        } else if (ref.kind === 'ServiceAccount' && (group === '' || group === 'core')) {
          identityCount++;
          identities = [this.identityOf(ref.name, refNs)];
        } else {
          problems.push(`unsupported authentication ${group ? `${group}/` : ''}${ref.kind}`);
        }
      }
      if (identityCount > 1) problems.push('more than one MeshTLSAuthentication or ServiceAccount');
      if (networkCount > 1) problems.push('more than one NetworkAuthentication');
      const all = [{ cidr: Cidr.ALL_IPV4, except: [] }, { cidr: Cidr.ALL_IPV6, except: [] }];
      const authz = problems.length > 0 ? undefined : { source: objectId(o), identities, networks: networks ?? all };
      out.push({ object: o, id: objectId(o), namespace: ns, target: { kind: t.kind ?? '', group: t.group, name: t.name ?? '' }, authz, problems });
    }
    for (const o of this.kind('ServerAuthorization')) {
      const c = o.spec?.client ?? {};
      const problems: string[] = [];
      let identities: string[] | undefined;
      let meshedOnly = false;
      if (c.unauthenticated) {
        identities = undefined;
      } else if (c.meshTLS?.unauthenticatedTLS) {
        meshedOnly = true;
      } else {
        identities = [
          ...(c.meshTLS?.identities ?? []),
          ...(c.meshTLS?.serviceAccounts ?? []).map((sa: Obj) => this.identityOf(sa.name, sa.namespace ?? nsOf(o))),
        ];
        if (identities.length === 0) problems.push('it authorizes no clients');
      }
      const nets = readNetworks(c.networks);
      const authz = problems.length > 0 ? undefined : {
        source: objectId(o), identities, meshedOnly,
        networks: nets.length > 0 ? nets : this.cluster.clusterNetworks.map((cidr) => ({ cidr, except: [] })),
      };
      const server = o.spec?.server ?? {};
      out.push({ object: o, id: objectId(o), namespace: nsOf(o), target: { kind: 'Server', group: POLICY_GROUP, name: server.name ?? '' }, authz, problems });
    }
    return out.sort((a, b) => compareText(a.id, b.id));
  }

  /** Identity patterns of a MeshTLSAuthentication. */
  public meshTlsIdentities(authn: Obj): string[] {
    const ns = nsOf(authn);
    return [
      ...(authn.spec?.identities ?? []),
      ...(authn.spec?.identityRefs ?? []).map((r: Obj) => (r.kind === 'Namespace'
        ? namespaceIdentity(r.name, this.cluster.controlPlaneNamespace, this.cluster.trustDomain)
        : this.identityOf(r.name, r.namespace ?? ns))),
    ];
  }
}

/** True when the authorization admits the client. */
export function admits(a: Authz, c: PolicyClient): boolean {
  if (a.meshedOnly && c.identity === undefined) return false;
  if (a.identities !== undefined && (c.identity === undefined || !a.identities.some((p) => identityMatches(p, c.identity!)))) return false;
  // A client is admitted when some of the addresses it may connect from are.
  return c.networks.some((s) => a.networks.some((n) => n.cidr.overlaps(s) && !n.except.some((e) => e.contains(s))));
}

/** The route (rule) a request ends up on, by Gateway API precedence; ties go to the route listed first. */
export function bestRoute(routes: readonly EffectiveRoute[], r: RequestSample): EffectiveRoute | undefined {
  let best: { route: EffectiveRoute; match: HttpMatchJson } | undefined;
  for (const route of routes) {
    for (const m of route.matches) {
      if (!requestMatches(m, r)) continue;
      if (!best || comparePrecedence(m, best.match) < 0) best = { route, match: m };
    }
  }
  return best?.route;
}

/** Rules that can never win because an earlier rule has a match selecting the same requests. */
export function shadowedRules(routes: readonly EffectiveRoute[]): Array<{ route: EffectiveRoute; by: EffectiveRoute; key: string }> {
  const seen = new Map<string, EffectiveRoute>();
  const out: Array<{ route: EffectiveRoute; by: EffectiveRoute; key: string }> = [];
  for (const route of routes) {
    const keys = route.matches.map(matchKey);
    const shadowing = keys.map((k) => seen.get(k));
    if (keys.length > 0 && shadowing.every((s) => s !== undefined && s !== route)) out.push({ route, by: shadowing[0]!, key: keys[0] });
    keys.forEach((k) => { if (!seen.has(k)) seen.set(k, route); });
  }
  return out;
}

function grpcAsHttp(m: Obj): HttpMatchJson {
  const service = m.method?.service;
  const method = m.method?.method;
  const path = service && method ? { type: 'Exact', value: `/${service}/${method}` }
    : service ? { type: 'PathPrefix', value: `/${service}` } : { type: 'PathPrefix', value: '/' };
  return { path, method: 'POST', headers: m.headers };
}

function readNetworks(list: unknown): AllowedNetwork[] {
  if (!Array.isArray(list)) return [];
  return list.map((n: Obj) => ({ cidr: Cidr.tryParse(n?.cidr), except: (n?.except ?? []).map((e: string) => Cidr.tryParse(e)).filter(Boolean) }))
    .filter((n): n is AllowedNetwork => !!n.cidr);
}

function parsePorts(text: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    for (let p = lo; p <= hi && p - lo < 65536; p++) out.push(p);
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function routeKey(namespace: string, kind: string, group: string, name: string): string {
  return `${namespace}|${kind}|${group}|${name}`;
}
