import { parseAllDocuments } from 'yaml';
import { Cidr } from './cidr';
import { EffectiveRoute, PolicyClient, PolicyModel } from './policy-model';
import { compareText } from '../order';

type Obj = Record<string, any>;

export interface PolicyGraphOptions {
  /** Only these namespaces' workloads as servers. @default - every namespace with a meshed workload */
  readonly namespaces?: string[];
}

/** A client in the graph. */
export interface PolicyGraphClient {
  readonly id: string;
  readonly label: string;
  readonly kind: PolicyClient['kind'];
  readonly identity?: string;
}

/** One route of a server port and who may use it. */
export interface PolicyGraphRoute {
  readonly id: string;
  readonly label: string;
  /** The HTTPRoute/GRPCRoute, when the route is not one the controller makes up (`default`, `probe`). */
  readonly route?: string;
  /** Ids of the clients admitted, in the order of `clients`; a client implied by a broader one (`anyone`) is still listed. */
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

/** The allow matrix as data: `mesh-policy.json`. */
export interface PolicyGraphJson {
  readonly cluster: {
    readonly defaultPolicy: string;
    readonly clusterNetworks: string[];
    readonly probeNetworks: string[];
    readonly trustDomain: string;
  };
  readonly clients: PolicyGraphClient[];
  readonly ports: PolicyGraphPort[];
  /** Workloads whose pods run no proxy, so policy does not apply to them. */
  readonly unmeshed: string[];
}

export interface PolicyGraph {
  /** `mesh-policy.md`: a Mermaid graph of who may talk to whom, and the matrix as tables. */
  readonly markdown: string;
  /** `mesh-policy.json`. */
  readonly json: PolicyGraphJson;
}

const ANYONE = 'anyone';
const MESHED = 'meshed';

/**
 * Who may talk to whom, computed from manifests with the same model as the L5D3xx checks: for
 * every port of every meshed workload, each route (an HTTPRoute rule, or the controller's
 * `default` and `probe` routes) and the clients admitted on it. Clients are the workloads of the
 * set, kubelet, the identities and networks the policies name, and two stand-ins: `anyone` (no
 * identity, any network) and `meshed` (any mesh identity). Everything is sorted, so the output
 * is byte-stable.
 */
export function policyGraph(objects: ReadonlyArray<Obj>, options: PolicyGraphOptions = {}): PolicyGraph {
  const model = PolicyModel.fromObjects(objects);
  const clients = graphClients(model);
  const meshedWorkloads = model.workloads.filter((w) => model.isMeshed(w));
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
        routes: routes.map((r) => ({
          id: r.id,
          label: r.label,
          route: r.route,
          allowed: clients.filter((c) => model.decide(c, { ...policy, routes: [r], serverAuthorizations: r.authorizations }).allowed).map((c) => c.id),
        })).sort((a, b) => compareText(a.id, b.id)),
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
    clients: clients.map((c) => strip({ id: c.id, label: c.label, kind: c.kind, identity: c.kind === MESHED ? undefined : c.identity })),
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

function graphClients(model: PolicyModel): PolicyClient[] {
  const all = [Cidr.ALL_IPV4, Cidr.ALL_IPV6];
  const byId = new Map<string, PolicyClient>();
  const add = (c: PolicyClient) => { if (!byId.has(c.id)) byId.set(c.id, c); };
  add({ id: ANYONE, label: 'anyone (no identity, any network)', kind: 'anyone', networks: all });
  add({ id: MESHED, label: 'any meshed client', kind: 'meshed', identity: 'any.meshed.client.invalid', networks: model.cluster.clusterNetworks });
  add(model.kubeletClient());
  const identities = new Set<string>();
  for (const w of model.workloads) {
    const c = model.workloadClient(w);
    add(c);
    if (c.identity) identities.add(c.identity);
  }
  const suffix = `.serviceaccount.identity.${model.cluster.controlPlaneNamespace}.${model.cluster.trustDomain}`;
  for (const p of model.policies) {
    for (const id of p.authz?.identities ?? []) {
      if (id.startsWith('*') || identities.has(id)) continue;
      identities.add(id);
      const [sa, ns] = id.endsWith(suffix) ? id.slice(0, -suffix.length).split('.') : [];
      add(sa && ns ? model.identityClient(sa, ns) : { id: `identity:${id}`, label: id, kind: 'identity', identity: id, networks: model.cluster.clusterNetworks });
    }
    for (const n of p.authz?.networks ?? []) {
      if (n.cidr.prefixLength === 0) continue;
      const text = n.cidr.toString();
      add({ id: `network:${text}`, label: `network ${text}`, kind: 'network', networks: [n.cidr] });
    }
  }
  const rank: Record<string, number> = { anyone: 0, meshed: 1, kubelet: 2, workload: 3, identity: 4, network: 5 };
  return [...byId.values()].sort((a, b) => rank[a.kind] - rank[b.kind] || compareText(a.id, b.id));
}

/** Allowed clients without those a broader one implies: `anyone` implies all, `meshed` every meshed client. */
function collapse(g: PolicyGraphJson, allowed: string[]): string[] {
  if (allowed.includes(ANYONE)) return [ANYONE];
  if (!allowed.includes(MESHED)) return allowed;
  return allowed.filter((c) => c === MESHED || !g.clients.find((x) => x.id === c)?.identity);
}

function nodeId(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_');
}

function quote(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function renderMarkdown(g: PolicyGraphJson): string {
  const label = new Map(g.clients.map((c) => [c.id, c.label]));
  const lines: string[] = [
    '# Mesh policy',
    '',
    `Who may talk to whom, computed from the manifests. Cluster default inbound policy: \`${g.cluster.defaultPolicy}\`; `
      + `probe networks: ${g.cluster.probeNetworks.map((n) => `\`${n}\``).join(', ') || 'none'}.`,
    '',
    '## Graph',
    '',
    '```mermaid',
    'flowchart LR',
  ];
  // Edges: client -> workload, labelled with ports, and with routes where the client may not use all of a port.
  const edges = new Map<string, Map<string, Set<string> | 'all'>>();
  for (const p of g.ports) {
    const target = `workload:${p.namespace}/${p.workload.split('/').pop()}`;
    const portLabel = `${p.portName ?? p.port}`;
    for (const r of p.routes) {
      for (const c of collapse(g, r.allowed)) {
        if (c === target) continue;
        const key = `${c}\u0000${target}`;
        const ports = edges.get(key) ?? new Map<string, Set<string> | 'all'>();
        edges.set(key, ports);
        if (r.id === 'default' || r.id === 'connection') ports.set(portLabel, 'all');
        else if (ports.get(portLabel) !== 'all') ports.set(portLabel, ((ports.get(portLabel) as Set<string>) ?? new Set<string>()).add(r.label));
      }
    }
  }
  const used = new Set([...edges.keys()].flatMap((k) => k.split('\u0000')));
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
  for (const c of g.clients) {
    if (used.has(c.id) && !inSubgraph.has(c.id)) lines.push(`  ${nodeId(c.id)}(["${quote(c.label)}"])`);
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
        const allowed = r.allowed.length === 0 ? '(none)' : collapse(g, r.allowed).map((c) => label.get(c) ?? c).join(', ');
        const cells = [`${p.workload.split(' ')[0]} ${p.workload.split('/').pop()}`, `${p.port}${p.portName ? ` (${p.portName})` : ''}`, p.governedBy,
          r.route ? `${r.label} (${r.route.split(' ')[0]} ${r.route.split('/').pop()})` : `${r.label} (${r.id})`, allowed];
        lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
      }
    }
    lines.push('');
  }
  if (g.unmeshed.length > 0) {
    lines.push('## Not meshed', '', 'Policy does not apply to these workloads: their pods run no Linkerd proxy.', '');
    for (const w of g.unmeshed) lines.push(`- ${w}`);
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
