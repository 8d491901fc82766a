import { compareText } from '../order';
import { Cidr } from './cidr';
import { identityMatches } from './identity';
import { admits, Authz, EffectiveRoute, PolicyClient, PolicyModel } from './policy-model';
import type { WorkloadInfo } from './workload-info';

type Obj = Record<string, any>;

export interface PolicyGraphOptions {
  /** Only these namespaces' workloads as servers. @default - every namespace with a meshed workload */
  readonly namespaces?: string[];
}

/** A group of clients in the graph: `anyone`, `meshed`, `kubelet`, one mesh identity, or one network. */
export interface PolicyGraphClient {
  readonly id: string;
  readonly label: string;
  readonly kind: PolicyClient['kind'];
  readonly identity?: string;
  /** For an identity: the meshed workloads whose pods run as it, as `Kind namespace/name`. */
  readonly workloads?: string[];
}

/** One route of a server port and who may use it. */
export interface PolicyGraphRoute {
  readonly id: string;
  readonly label: string;
  /** The HTTPRoute/GRPCRoute, when the route is not one the controller makes up (`default`, `probe`). */
  readonly route?: string;
  /**
   * Ids of the client groups admitted, broadest first and without those a broader one implies:
   * `anyone` alone when any client may; else `meshed` (any meshed identity) when every meshed
   * client may, with kubelet and networks admitted besides; else each identity (standing for
   * the workloads that run as it), kubelet and network admitted. Empty when no client may.
   */
  readonly allowed: string[];
}

/** One port of a workload's pods. */
export interface PolicyGraphPort {
  readonly id: string;
  readonly workload: string;
  readonly namespace: string;
  readonly port: number;
  readonly portName?: string;
  /** `Server <ns>/<name>` or `default:<policy>`. */
  readonly governedBy: string;
  /** Connection-level only (opaque or TLS). */
  readonly opaque: boolean;
  readonly routes: PolicyGraphRoute[];
}

/** The allow matrix as data: `mesh-policy.json`. Its size grows with workloads and policies, never with their product. */
export interface PolicyGraphJson {
  readonly cluster: {
    readonly defaultPolicy: string;
    readonly clusterNetworks: string[];
    readonly probeNetworks: string[];
    readonly trustDomain: string;
  };
  /** The client groups `allowed` refers to: the stand-ins, every identity of a meshed workload or named by a policy, the networks policies name. */
  readonly clients: PolicyGraphClient[];
  readonly ports: PolicyGraphPort[];
  /** Workloads whose pods run no proxy, so policy does not apply to them. */
  readonly unmeshed: string[];
}

export interface PolicyGraph {
  /** `mesh-policy.md`: a Mermaid graph of who may talk to whom, and the matrix as tables (for small meshes; a summary otherwise). */
  readonly markdown: string;
  /** `mesh-policy.json`. */
  readonly json: PolicyGraphJson;
}

const ANYONE = 'anyone';
const MESHED = 'meshed';
/** Above this many meshed workloads, mesh-policy.md summarizes per namespace instead of drawing the graph and the matrix. */
const POLICY_MARKDOWN_DETAIL_LIMIT = 50;
const RANK: Record<string, number> = { anyone: 0, meshed: 1, kubelet: 2, workload: 3, identity: 4, network: 5 };

/**
 * Who may talk to whom, computed from manifests with the same model as the L5D3xx checks: for
 * every port of every meshed workload, each route (an HTTPRoute rule, or the controller's
 * `default` and `probe` routes) and the client groups admitted on it. A route's authorizations
 * are judged for the groups they can name (`anyone`, `meshed`, kubelet, their identities and
 * networks), not for every client of the mesh, so the result grows linearly with workloads and
 * policies. Everything is sorted, so the output is byte-stable.
 */
export function policyGraph(objects: ReadonlyArray<Obj>, options: PolicyGraphOptions = {}): PolicyGraph {
  const model = PolicyModel.fromObjects(objects);
  const clients = new GraphClients(model);
  const meshedWorkloads = model.workloads.filter((w) => model.isMeshed(w));
  for (const w of meshedWorkloads) clients.addWorkload(w);
  const namespaces = new Set(options.namespaces ?? meshedWorkloads.map((w) => w.namespace));
  const ports: PolicyGraphPort[] = [];
  for (const w of meshedWorkloads.filter((x) => namespaces.has(x.namespace))) {
    for (const port of model.targetPorts(w)) {
      const policy = model.portPolicy(w, port);
      const routes = policy.routes.length > 0 ? policy.routes
        : [{ id: 'connection', label: 'any connection', matches: [], authorizations: policy.serverAuthorizations } as EffectiveRoute];
      ports.push({
        id: `${w.namespace}/${w.kind}/${w.name}:${port}`,
        workload: `${w.kind} ${w.namespace}/${w.name}`,
        namespace: w.namespace,
        port,
        portName: policy.portName,
        governedBy: policy.server ? `Server ${policy.server.namespace}/${policy.server.name}` : `default:${policy.defaultPolicy}`,
        opaque: policy.opaque,
        routes: routes.map((r) => ({ id: r.id, label: r.label, route: r.route, allowed: clients.admitted(r.authorizations) }))
          .sort((a, b) => compareText(a.id, b.id)),
      });
    }
  }
  ports.sort((a, b) => compareText(a.id, b.id));
  const json: PolicyGraphJson = {
    cluster: {
      defaultPolicy: model.cluster.defaultPolicy,
      clusterNetworks: model.cluster.clusterNetworks.map(String),
      probeNetworks: model.cluster.probeNetworks.map(String),
      trustDomain: model.cluster.trustDomain,
    },
    clients: clients.list(),
    ports,
    unmeshed: model.workloads.filter((w) => !model.isMeshed(w) && namespaces.has(w.namespace)).map((w) => `${w.kind} ${w.namespace}/${w.name}`).sort(),
  };
  return { json, markdown: renderMarkdown(json) };
}

/**
 * `mesh-policy.md` and `mesh-policy.json` for a set of rendered manifest files (what
 * `synthesizeManifests` returns), ready to be written next to them.
 */
export function meshPolicyFiles(manifests: ReadonlyArray<{ readonly name: string; readonly content: string }>,
  options: PolicyGraphOptions = {}): Array<{ name: string; content: string }> {
  // Loaded here: synth hands over rendered objects and never parses YAML.
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const objects = manifests.filter((f) => /\.ya?ml$/.test(f.name)).flatMap((f) => parseAllDocuments(f.content)
    .map((d) => d.toJS({ maxAliasCount: -1 }))
    .flatMap((o) => (o && typeof o === 'object' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items) ? o.items : [o]))
    .filter((o) => o && typeof o === 'object'));
  const graph = policyGraph(objects, options);
  return [
    { name: 'mesh-policy.md', content: graph.markdown },
    { name: 'mesh-policy.json', content: `${JSON.stringify(graph.json, null, 2)}\n` },
  ];
}

function strip<T extends Obj>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The client groups of a graph: each identity once, with the meshed workloads that run as it. */
class GraphClients {
  private readonly byId = new Map<string, PolicyClient & { workloads?: string[] }>();
  private readonly byIdentity = new Map<string, PolicyClient & { workloads?: string[] }>();
  private readonly suffix: string;
  private readonly kubelet: PolicyClient;

  public constructor(private readonly model: PolicyModel) {
    this.suffix = `.serviceaccount.identity.${model.cluster.controlPlaneNamespace}.${model.cluster.trustDomain}`;
    this.add({ id: ANYONE, label: 'anyone (no identity, any network)', kind: 'anyone', networks: [Cidr.ALL_IPV4, Cidr.ALL_IPV6] });
    this.add({ id: MESHED, label: 'any meshed client', kind: 'meshed', identity: 'any.meshed.client.invalid', networks: model.cluster.clusterNetworks });
    this.kubelet = this.add(model.kubeletClient());
    for (const p of model.policies) {
      for (const id of p.authz?.identities ?? []) if (id !== '*') this.identity(id);
      for (const n of p.authz?.networks ?? []) if (n.cidr.prefixLength > 0) this.network(n.cidr);
    }
  }

  /** Adds a meshed workload to the group of its identity. */
  public addWorkload(w: WorkloadInfo): void {
    const client = this.identity(this.model.identityOf(w.serviceAccountName, w.namespace), w.serviceAccountName, w.namespace);
    (client.workloads ??= []).push(`${w.kind} ${w.namespace}/${w.name}`);
  }

  /** The groups admitted by any of these authorizations, collapsed as `PolicyGraphRoute.allowed` says. */
  public admitted(authorizations: readonly Authz[]): string[] {
    const candidates: PolicyClient[] = [this.byId.get(ANYONE)!, this.byId.get(MESHED)!, this.kubelet];
    for (const a of authorizations) {
      for (const id of a.identities ?? []) if (id !== '*') candidates.push(this.identity(id));
      for (const n of a.networks) if (n.cidr.prefixLength > 0) candidates.push(this.network(n.cidr));
    }
    const allowed = [...new Set(candidates)].filter((c) => authorizations.some((a) => admits(a, c)));
    if (allowed.some((c) => c.id === ANYONE)) return [ANYONE];
    const meshed = allowed.some((c) => c.id === MESHED);
    return allowed.filter((c) => !meshed || c.id === MESHED || c.identity === undefined).sort(byRank).map((c) => c.id);
  }

  public list(): PolicyGraphClient[] {
    return [...this.byId.values()].sort(byRank).map((c) => strip({
      id: c.id, label: c.label, kind: c.kind, identity: c.kind === MESHED ? undefined : c.identity, workloads: c.workloads?.sort(),
    }));
  }

  private add<T extends PolicyClient>(c: T): T {
    const existing = this.byId.get(c.id);
    if (existing) return existing as T;
    this.byId.set(c.id, c);
    return c;
  }

  /** The group of an identity (or identity pattern): `identity:<namespace>/<ServiceAccount>` for a ServiceAccount's. */
  private identity(id: string, serviceAccount?: string, namespace?: string): PolicyClient & { workloads?: string[] } {
    let client = this.byIdentity.get(id);
    if (!client) {
      const [sa, ns] = serviceAccount !== undefined ? [serviceAccount, namespace]
        : id.endsWith(this.suffix) && !id.startsWith('*') ? id.slice(0, -this.suffix.length).split('.') : [];
      client = this.add(sa && ns ? this.model.identityClient(sa, ns)
        : { id: `identity:${id}`, label: id, kind: 'identity', identity: id, networks: this.model.cluster.clusterNetworks });
      this.byIdentity.set(id, client);
    }
    return client;
  }

  private network(cidr: Cidr): PolicyClient {
    const text = cidr.toString();
    return this.add({ id: `network:${text}`, label: `network ${text}`, kind: 'network', networks: [cidr] });
  }
}

function byRank(a: { kind: string; id: string }, b: { kind: string; id: string }): number {
  return RANK[a.kind] - RANK[b.kind] || compareText(a.id, b.id);
}

function nodeId(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_');
}

function quote(text: string): string {
  return text.replace(/"/g, '#quot;');
}

/** A client as a node of the Markdown graph: an identity group drawn as the workloads that run as it. */
interface GraphNode {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
}

/** The nodes a route's `allowed` stands for: identity groups become their workloads (or, for a pattern, the workloads it matches). */
function expander(g: PolicyGraphJson): (allowed: readonly string[]) => GraphNode[] {
  const clients = new Map(g.clients.map((c) => [c.id, c]));
  const withWorkloads = g.clients.filter((c) => c.workloads?.length);
  const workloadNodes = (c: PolicyGraphClient): GraphNode[] => (c.workloads ?? []).map((w) => {
    const [ns, name] = w.slice(w.indexOf(' ') + 1).split('/');
    return { id: `workload:${ns}/${name}`, label: `${name} (${ns})`, kind: 'workload' };
  });
  return (allowed) => {
    const nodes = new Map<string, GraphNode>();
    for (const id of allowed) {
      const c = clients.get(id);
      if (!c) continue;
      const pattern = c.identity?.startsWith('*') ? c.identity : undefined;
      const expanded = c.kind !== 'identity' ? []
        : pattern ? withWorkloads.filter((x) => identityMatches(pattern, x.identity!)).flatMap(workloadNodes) : workloadNodes(c);
      for (const n of expanded.length > 0 ? expanded : [{ id: c.id, label: c.label, kind: c.kind }]) nodes.set(n.id, n);
    }
    return [...nodes.values()].sort(byRank);
  };
}

function renderMarkdown(g: PolicyGraphJson): string {
  const lines: string[] = [
    '# Mesh policy',
    '',
    `Who may talk to whom, computed from the manifests. Cluster default inbound policy: \`${g.cluster.defaultPolicy}\`; `
      + `probe networks: ${g.cluster.probeNetworks.map((n) => `\`${n}\``).join(', ') || 'none'}.`,
    '',
  ];
  const workloads = new Set(g.ports.map((p) => p.workload)).size;
  if (workloads > POLICY_MARKDOWN_DETAIL_LIMIT) renderSummary(g, workloads, lines);
  else renderDetail(g, lines);
  if (g.unmeshed.length > 0) {
    lines.push('## Not meshed', '', 'Policy does not apply to these workloads: their pods run no Linkerd proxy.', '');
    for (const w of g.unmeshed) lines.push(`- ${w}`);
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** The Mermaid graph and the allow matrix, for meshes of up to POLICY_MARKDOWN_DETAIL_LIMIT workloads. */
function renderDetail(g: PolicyGraphJson, lines: string[]): void {
  const expand = expander(g);
  lines.push('## Graph', '', '```mermaid', 'flowchart LR');
  // Edges: client -> workload, labelled with ports, and with routes where the client may not use all of a port.
  const edges = new Map<string, Map<string, Set<string> | 'all'>>();
  const nodes = new Map<string, GraphNode>();
  for (const p of g.ports) {
    const target = `workload:${p.namespace}/${p.workload.split('/').pop()}`;
    const portLabel = `${p.portName ?? p.port}`;
    for (const r of p.routes) {
      for (const c of expand(r.allowed)) {
        if (c.id === target) continue;
        nodes.set(c.id, c);
        const key = `${c.id}\u0000${target}`;
        const ports = edges.get(key) ?? new Map<string, Set<string> | 'all'>();
        edges.set(key, ports);
        if (r.id === 'default' || r.id === 'connection') ports.set(portLabel, 'all');
        else if (ports.get(portLabel) !== 'all') ports.set(portLabel, ((ports.get(portLabel) as Set<string>) ?? new Set<string>()).add(r.label));
      }
    }
  }
  const namespaces = [...new Set(g.ports.map((p) => p.namespace))].sort();
  const inSubgraph = new Set<string>();
  for (const ns of namespaces) {
    lines.push(`  subgraph ${nodeId(`ns_${ns}`)}["${quote(ns)}"]`);
    const names = [...new Set(g.ports.filter((p) => p.namespace === ns).map((p) => p.workload.split('/').pop()!))].sort();
    for (const name of names) {
      inSubgraph.add(`workload:${ns}/${name}`);
      lines.push(`    ${nodeId(`workload:${ns}/${name}`)}["${quote(name)}"]`);
    }
    lines.push('  end');
  }
  for (const c of [...nodes.values()].sort(byRank)) {
    if (!inSubgraph.has(c.id)) lines.push(`  ${nodeId(c.id)}(["${quote(c.label)}"])`);
  }
  for (const key of [...edges.keys()].sort()) {
    const [from, to] = key.split('\u0000');
    const ports = edges.get(key)!;
    const text = [...ports.keys()].sort().map((k) => {
      const routes = ports.get(k)!;
      return routes === 'all' ? k : `${k}: ${[...routes].sort().join(' or ')}`;
    }).join(', ');
    lines.push(`  ${nodeId(from)} -->|"${quote(text)}"| ${nodeId(to)}`);
  }
  lines.push('```', '', '## Allow matrix', '');
  for (const ns of namespaces) {
    lines.push(`### ${ns}`, '', '| Workload | Port | Governed by | Route | Allowed clients |', '|---|---|---|---|---|');
    for (const p of g.ports.filter((x) => x.namespace === ns)) {
      for (const r of p.routes) {
        const allowed = r.allowed.length === 0 ? '(none)' : expand(r.allowed).map((c) => c.label).join(', ');
        const cells = [`${p.workload.split(' ')[0]} ${p.workload.split('/').pop()}`, `${p.port}${p.portName ? ` (${p.portName})` : ''}`, p.governedBy,
          r.route ? `${r.label} (${r.route.split(' ')[0]} ${r.route.split('/').pop()})` : `${r.label} (${r.id})`, allowed];
        lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
      }
    }
    lines.push('');
  }
}

/** Counts per namespace, for meshes too large to draw: mesh-policy.json holds the whole matrix. */
function renderSummary(g: PolicyGraphJson, workloads: number, lines: string[]): void {
  lines.push('## Summary', '',
    `${workloads} meshed workloads: more than ${POLICY_MARKDOWN_DETAIL_LIMIT}, so the graph and the allow matrix are left out here; `
      + '`mesh-policy.json` has the complete matrix. Probe routes (kubelet) are not counted as open.', '',
    '| Namespace | Workloads | Ports | Governed by a Server | Open to anyone | Open to any meshed client | Closed to every client |',
    '|---|---|---|---|---|---|---|');
  const rows = new Map<string, { workloads: Set<string>; ports: number; servers: number; anyone: number; meshed: number; closed: number }>();
  for (const p of g.ports) {
    let row = rows.get(p.namespace);
    if (!row) {
      row = { workloads: new Set(), ports: 0, servers: 0, anyone: 0, meshed: 0, closed: 0 };
      rows.set(p.namespace, row);
    }
    const routes = p.routes.filter((r) => r.id !== 'probe');
    row.workloads.add(p.workload);
    row.ports++;
    if (p.governedBy.startsWith('Server ')) row.servers++;
    if (routes.some((r) => r.allowed.includes(ANYONE))) row.anyone++;
    else if (routes.some((r) => r.allowed.includes(MESHED))) row.meshed++;
    if (routes.every((r) => r.allowed.length === 0)) row.closed++;
  }
  for (const [ns, r] of [...rows].sort(([a], [b]) => compareText(a, b))) {
    lines.push(`| ${[ns, r.workloads.size, r.ports, r.servers, r.anyone, r.meshed, r.closed].join(' | ')} |`);
  }
  lines.push('');
}
