import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { SynthChecks } from '../gitops/synth-checks';
import { guardProps, is, required } from '../guards';
import { derivedName } from '../validate';
import { AuthorizationPolicy, RequiredAuthentication } from './authorization-policy';
import { parseNetworks } from './cidr';
import { Client, dnsNamePart, ResolvedClient } from './client';
import { HttpRoute } from './http-route';
import { PodSelector } from './label-selector';
import { MeshTlsAuthentication } from './meshtls-authentication';
import { watchMetricsScrapers } from './metrics-scrapers';
import { NetworkAuthentication } from './network-authentication';
import { NamespaceRef, resolveRef, ResolvedRef } from './references';
import { HttpMatchJson, HttpMethod, HttpRouteMatch, matchCovers, matchKey } from './route-match';
import { RouteParent } from './route-parent';
import { ProxyProtocol, Server, serverPort } from './server';
import { ALLOW_OPTIONS, CLIENT, MESH_POLICY_PROPS } from './policy-guards';
import { httpProbePaths, PROXY_ADMIN_PORT_NAME, readWorkload, selectPorts, WORKLOAD_KINDS } from './workload-info';

const DEFAULT_INBOUND_POLICY = 'config.linkerd.io/default-inbound-policy';
/** Upstream's `policyController.probeNetworks` default. */
const DEFAULT_PROBE_NETWORKS = ['0.0.0.0/0', '::/0'];

/** A name for an object this policy makes, from parts: valid as a whole, at most 63 characters. */
function objectName(...parts: string[]): string {
  return derivedName(parts, { dots: true });
}

export interface MeshPolicyProps {
  /**
   * Clients allowed to scrape proxy metrics (the `linkerd-admin` port) wherever this policy denies
   * by default, e.g. `Client.meshTls(ServiceAccountRef.fromName('prometheus', 'monitoring'))`.
   * @default - the Prometheus of a `LinkerdViz` in the same app (bundled, or external with
   * `scrapedBy`), whether it is created before or after this policy; none without one (check
   * L5D307 reports denied scrapes when a scraper is known)
   */
  readonly metricsScrapers?: Client[];
  /**
   * Networks kubelet probes come from, admitted on the probe paths of Servers that have routes.
   * (Ports without routes need nothing: the policy controller admits probes itself.)
   * @default ['0.0.0.0/0', '::/0'], the policy controller's default probe networks
   */
  readonly probeNetworks?: string[];
}

export interface AllowOptions {
  /** The target's port: a number or a container port name. */
  readonly port: number | string;
  /**
   * Only these requests. Requests of other clients keep their own routes; requests matching no
   * allowed route are refused.
   * @default - every request on the port
   */
  readonly routes?: HttpRouteMatch[];
  /** Protocol of the port's Server. @default ProxyProtocol.UNKNOWN (detected) */
  readonly protocol?: ProxyProtocol;
}

/** Everything MeshPolicy made for one port of one workload. */
interface ServerState {
  readonly server: Server;
  readonly namespace?: string;
  readonly workload?: ResolvedRef;
  readonly port: number | string;
  readonly protocol?: ProxyProtocol;
  /** Clients allowed every request, by key. */
  readonly open: Set<string>;
  /** Clients allowed some routes: key -> their matches. */
  readonly restricted: Map<string, { client: ResolvedClient; matches: HttpMatchJson[] }>;
  /** Routes by match key. */
  readonly routes: Map<string, { route: HttpRoute; match: HttpMatchJson; clients: Set<string> }>;
  catchAll?: HttpRoute;
  probes?: HttpRoute;
}

/**
 * Inbound policy in the words of the domain: "allow workload A (or namespace N, any meshed client,
 * a network) to reach workload B on port P, optionally only these routes", plus a default-deny
 * posture per namespace or workload that keeps kubelet probes and metrics scrapes working.
 *
 * It writes the Servers, HTTPRoutes, AuthorizationPolicies and authentications with names derived
 * from the workloads, ports and clients (`api-http`, `api-http-from-web`, `web`), so the output is
 * stable and readable. Linkerd picks one route per request by specificity, so when several
 * clients are allowed different routes of one port, every route gets the authorizations of every
 * client whose allowed routes cover it, and a catch-all route keeps unrestricted clients working.
 *
 * For a mesh-wide default deny, set the control plane's `proxy.defaultInboundPolicy` to `deny`
 * and call `allowMetricsScrape` for each namespace whose pods Prometheus scrapes.
 */
export class MeshPolicy extends Construct {
  private readonly scrapers: Client[];
  private readonly probeNetworks: string[];
  private readonly servers = new Map<string, ServerState>();
  private readonly authentications = new Map<string, RequiredAuthentication>();
  private readonly authorizations = new Set<string>();
  /** Scopes whose proxies the scrapers may scrape, by key. */
  private readonly scrapeTargets = new Map<string, IConstruct | NamespaceRef>();
  /** `metricsScrapers` was not given: scrapers announced in the app are added as they come. */
  private readonly announcedScrapers: boolean;
  private explicitScrape = false;
  /** Client label per namespace -> the client key that owns it. */
  private readonly labels = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: MeshPolicyProps = {}) {
    super(scope, id);
    SynthChecks.of(this); // every synth of the app runs the library's checks
    guardProps(this, '', props, MESH_POLICY_PROPS);
    this.scrapers = [...(props.metricsScrapers ?? [])];
    this.scrapers.forEach((c, i) => c._resolve(this, `metricsScrapers[${i}]`));
    this.announcedScrapers = props.metricsScrapers === undefined;
    this.probeNetworks = [...(props.probeNetworks ?? DEFAULT_PROBE_NETWORKS)];
    if (this.probeNetworks.length === 0) {
      throw new LinkerdConfigError(this, 'probeNetworks', 'the list is empty', 'list the networks kubelet probes come from, or leave it unset');
    }
    parseNetworks(this, 'probeNetworks', this.probeNetworks.map((cidr) => ({ cidr })));
    if (this.announcedScrapers) watchMetricsScrapers(this, (client) => this.addMetricsScraper(client));
    this.node.addValidation({
      validate: () => (this.explicitScrape && this.scrapers.length === 0
        ? ['metricsScrapers: allowMetricsScrape was called, but no metrics scraper is known. Fix: pass metricsScrapers, or add a LinkerdViz to the app']
        : []),
    });
  }

  /**
   * Lets one more client scrape proxy metrics, everywhere scrapes are allowed (including where
   * they were allowed before). A LinkerdViz in the app adds its Prometheus by itself unless
   * `metricsScrapers` was given.
   */
  public addMetricsScraper(client: Client): void {
    const index = this.scrapers.length;
    client._resolve(this, `metricsScrapers[${index}]`);
    this.scrapers.push(client);
    for (const target of this.scrapeTargets.values()) this.grantScrape(target, client, index);
  }

  /**
   * Lets `client` reach `target` (a cdk8s-plus workload or a workload ApiObject) on a port,
   * optionally only on some routes. Creates the port's Server on first use.
   */
  public allow(client: Client, target: IConstruct, options: AllowOptions): void {
    guardProps(this, 'allow.client', client, required(CLIENT));
    guardProps(this, 'allow.target', target, required(is.construct));
    guardProps(this, 'allow.options', options, required(ALLOW_OPTIONS));
    const field = `allow(${target.node.path}:${options.port})`;
    const state = this.serverFor(target, options.port, options.protocol, field);
    const c = this.unique(state.namespace, client._resolve(this, `${field}.client`));
    const matches = options.routes?.map((m, i) => m.render(this, `${field}.routes[${i}]`));
    if (matches !== undefined && matches.length === 0) {
      throw new LinkerdConfigError(this, `${field}.routes`, 'the list is empty, which would allow nothing', 'leave routes unset to allow every request, or list matches');
    }
    const unrestricted = matches === undefined || matches.some((m) => matchKey(m) === matchKey({ path: { type: 'PathPrefix', value: '/' } }));
    if (unrestricted) {
      if (state.open.has(c.key)) return;
      state.open.add(c.key);
      this.authorize(state.server, state.namespace, c, `${state.server.name}-from-${c.label}`);
      return;
    }
    if (state.protocol === ProxyProtocol.OPAQUE || state.protocol === ProxyProtocol.TLS) {
      throw new LinkerdConfigError(this, `${field}.routes`, `port ${options.port} is ${state.protocol}, so requests cannot be told apart`,
        'allow the whole port, or use an HTTP protocol');
    }
    const prior = state.restricted.get(c.key);
    const all = [...(prior?.matches ?? []), ...matches!];
    state.restricted.set(c.key, { client: c, matches: all });
    this.ensureRouting(state);
    for (const m of matches!) this.routeFor(state, m);
    for (const entry of state.routes.values()) {
      if (!entry.clients.has(c.key) && all.some((m) => matchCovers(m, entry.match))) {
        entry.clients.add(c.key);
        this.authorize(entry.route, state.namespace, c, `${entry.route.name}-from-${c.label}`);
      }
    }
  }

  /**
   * Makes `scope` deny by default (`config.linkerd.io/default-inbound-policy: deny`): a Namespace
   * construct (all its pods) or a workload (its pods). Only what `allow` grants gets through, plus
   * kubelet probes (which the policy controller admits on ports without routes, and this policy
   * admits explicitly on ports with routes) and, with `metricsScrapers`, metrics scrapes.
   */
  public denyByDefault(scope: IConstruct): void {
    const ref = resolveRef(this, 'denyByDefault', scope, ['Namespace', ...WORKLOAD_KINDS]);
    if (!ref.manifest) {
      throw new LinkerdConfigError(this, 'denyByDefault', `${ref.kind} ${ref.name} is not defined in this app, so it cannot be annotated`,
        `annotate it with ${DEFAULT_INBOUND_POLICY}: deny yourself, and call allowMetricsScrape for it`);
    }
    if (ref.kind === 'Namespace' || ref.kind === 'Pod') {
      const obj = ApiObject.of(scope);
      const existing = obj.metadata.toJson().annotations?.[DEFAULT_INBOUND_POLICY];
      if (existing !== undefined && existing !== 'deny') {
        throw new LinkerdConfigError(this, 'denyByDefault', `${ref.kind} ${ref.name} already has ${DEFAULT_INBOUND_POLICY}: ${existing}`, 'remove it, or do not make it deny by default');
      }
      obj.metadata.addAnnotation(DEFAULT_INBOUND_POLICY, 'deny');
    } else {
      annotatePodTemplate(scope, ref, DEFAULT_INBOUND_POLICY, 'deny');
    }
    if (this.scrapers.length > 0 || this.announcedScrapers) this.scrapeTarget(ref.kind === 'Namespace' ? NamespaceRef.fromName(ref.name) : scope);
  }

  /**
   * Lets the `metricsScrapers` reach the proxy admin port (`linkerd-admin`) of every pod of a
   * namespace, or of a workload's pods. `denyByDefault` calls it; call it yourself when the
   * default deny comes from elsewhere (the control plane's `proxy.defaultInboundPolicy`, an
   * annotation you manage).
   */
  public allowMetricsScrape(scope: IConstruct | NamespaceRef): void {
    if (this.scrapers.length === 0 && !this.announcedScrapers) {
      throw new LinkerdConfigError(this, 'metricsScrapers', 'no scraper is configured', 'pass metricsScrapers, e.g. Client.meshTls(ServiceAccountRef.fromName("prometheus", "monitoring")), or leave it unset and add a LinkerdViz to the app');
    }
    this.explicitScrape = true;
    this.scrapeTarget(scope);
  }

  /** Records a scope whose proxies may be scraped, and lets the scrapers known so far in. */
  private scrapeTarget(scope: IConstruct | NamespaceRef): void {
    const ref = resolveRef(this, 'allowMetricsScrape', scope, ['Namespace', ...WORKLOAD_KINDS]);
    const key = `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
    if (this.scrapeTargets.has(key)) return;
    this.scrapeTargets.set(key, scope);
    this.scrapers.forEach((s, i) => this.grantScrape(scope, s, i));
  }

  /** Lets one scraper reach the proxy admin port of a scope; its Server is made with the first scraper. */
  private grantScrape(scope: IConstruct | NamespaceRef, scraper: Client, index: number): void {
    const ref = resolveRef(this, 'allowMetricsScrape', scope, ['Namespace', ...WORKLOAD_KINDS]);
    let state: ServerState;
    if (ref.kind === 'Namespace') {
      const key = `Namespace/${ref.name}:${PROXY_ADMIN_PORT_NAME}`;
      state = this.servers.get(key) ?? newState(new Server(this, `Server-${ref.name}-linkerd-admin`, {
        metadata: { name: PROXY_ADMIN_PORT_NAME, namespace: ref.name },
        podSelector: PodSelector.all(),
        port: PROXY_ADMIN_PORT_NAME,
        proxyProtocol: ProxyProtocol.HTTP1,
      }), ref.name, undefined, PROXY_ADMIN_PORT_NAME, ProxyProtocol.HTTP1);
      this.servers.set(key, state);
    } else {
      state = this.serverFor(scope as IConstruct, PROXY_ADMIN_PORT_NAME, ProxyProtocol.HTTP1, 'allowMetricsScrape');
    }
    const c = this.unique(state.namespace, scraper._resolve(this, `metricsScrapers[${index}]`));
    if (state.open.has(c.key)) return;
    state.open.add(c.key);
    this.authorize(state.server, state.namespace, c, `${state.server.name}-from-${c.label}`);
  }

  /** The client with a label no other client uses in the namespace (names derive from labels). */
  private unique(namespace: string | undefined, c: ResolvedClient): ResolvedClient {
    let label = c.label;
    for (let n = 2; ; n++) {
      const owner = this.labels.get(`${namespace ?? ''}|${label}`);
      if (owner === undefined || owner === c.key) break;
      label = `${c.label}-${n}`;
    }
    this.labels.set(`${namespace ?? ''}|${label}`, c.key);
    return { ...c, label };
  }

  /** The Servers this policy made, by name. */
  public get serverNames(): string[] {
    return [...this.servers.values()].map((s) => `${s.namespace ?? ''}/${s.server.name}`).sort();
  }

  private serverFor(target: IConstruct, port: number | string, protocol: ProxyProtocol | undefined, field: string): ServerState {
    const workload = resolveRef(this, `${field}.target`, target, WORKLOAD_KINDS);
    const p = serverPort(this, `${field}.port`, port);
    const key = `${workload.kind}/${workload.namespace ?? ''}/${workload.name}:${p}`;
    const existing = this.servers.get(key);
    if (existing) {
      if (protocol !== undefined && protocol !== existing.protocol) {
        throw new LinkerdConfigError(this, `${field}.protocol`, `port ${p} of ${workload.name} was declared ${existing.protocol ?? 'unknown'} before`,
          'give each port one protocol');
      }
      return existing;
    }
    const name = objectName(dnsNamePart(`${workload.name}-${p}`));
    const server = new Server(this, `Server-${workload.namespace ?? ''}-${workload.name}-${p}`, {
      metadata: { name, namespace: workload.namespace },
      workload: target,
      port: p,
      proxyProtocol: protocol,
    });
    const state = newState(server, workload.namespace, workload, p, protocol);
    this.servers.set(key, state);
    return state;
  }

  /** Adds the catch-all route (for unrestricted clients) and the probe route, once the port has routes. */
  private ensureRouting(state: ServerState): void {
    if (!state.catchAll) {
      state.catchAll = new HttpRoute(this, `Route-${state.namespace ?? ''}-${state.server.name}-all`, {
        metadata: { name: objectName(state.server.name, 'all'), namespace: state.namespace },
        parents: [RouteParent.server(state.server)],
        rules: [{ matches: [HttpRouteMatch.any()] }],
      });
      state.routes.set(matchKey({ path: { type: 'PathPrefix', value: '/' } }), { route: state.catchAll, match: { path: { type: 'PathPrefix', value: '/' } }, clients: new Set() });
    }
    if (!state.probes && state.workload) {
      const w = state.workload;
      const target = () => {
        const info = readWorkload(w.manifest!());
        if (!info) return { info: undefined, paths: [] as string[] };
        const ports = selectPorts(info, state.port);
        return { info, paths: [...new Set(ports.flatMap((p) => httpProbePaths(info, p)))].sort() };
      };
      if (target().paths.length === 0) return;
      const owner = this;
      const routeName = objectName(state.server.name, 'probes');
      state.probes = new ProbeRoute(this, `Route-${state.namespace ?? ''}-${routeName}`, {
        metadata: { name: routeName, namespace: state.namespace },
        parents: [RouteParent.server(state.server)],
        paths: () => {
          const paths = target().paths;
          if (paths.length === 0) {
            throw new LinkerdConfigError(owner, `allow(${w.name}:${state.port})`, `${w.kind} ${w.name} no longer declares HTTP probes on port ${state.port}, but a probe route was made for them`,
              'declare the policy after the workload\'s containers and probes are final');
          }
          return paths;
        },
      });
      const kubelet = this.authentication(state.namespace, this.unique(state.namespace, { key: 'kubelet', label: 'kubelet', networks: this.probeNetworks.map((cidr) => ({ cidr })) }));
      new AuthorizationPolicy(this, `Authz-${state.namespace ?? ''}-${routeName}-from-kubelet`, {
        metadata: { name: objectName(routeName, 'from-kubelet'), namespace: state.namespace },
        target: state.probes,
        requiredAuthentications: [kubelet],
      });
    }
  }

  private routeFor(state: ServerState, match: HttpMatchJson): void {
    const key = matchKey(match);
    if (state.routes.has(key)) return;
    const used = new Set([...state.routes.values()].map((r) => r.route.name));
    let name = objectName(state.server.name, dnsNamePart(slug(match)));
    if (used.has(name) || name === objectName(state.server.name, 'all') || name === objectName(state.server.name, 'probes')) name = objectName(name, dnsNamePart(key).slice(-8));
    const route = new HttpRoute(this, `Route-${state.namespace ?? ''}-${name}`, {
      metadata: { name, namespace: state.namespace },
      parents: [RouteParent.server(state.server)],
      rules: [{ matches: [rebuild(match)] }],
    });
    const entry = { route, match, clients: new Set<string>() };
    state.routes.set(key, entry);
    for (const [clientKey, r] of state.restricted) {
      if (r.matches.some((m) => matchCovers(m, match))) {
        entry.clients.add(clientKey);
        this.authorize(route, state.namespace, r.client, `${name}-from-${r.client.label}`);
      }
    }
  }

  private authorize(target: Server | HttpRoute, namespace: string | undefined, c: ResolvedClient, fullName: string): void {
    const name = objectName(fullName);
    const key = `${namespace ?? ''}/${name}`;
    if (this.authorizations.has(key)) return;
    this.authorizations.add(key);
    const required: RequiredAuthentication[] = [];
    if (c.identity) required.push(this.authentication(namespace, { ...c, networks: undefined }));
    if (c.networks) required.push(this.authentication(namespace, { key: `net:${JSON.stringify(c.networks)}`, label: c.identity ? `${c.label}-net` : c.label, networks: c.networks }));
    new AuthorizationPolicy(this, `Authz-${namespace ?? ''}-${name}`, { metadata: { name, namespace }, target, requiredAuthentications: required });
  }

  /** One authentication object per client and namespace, named after the client. */
  private authentication(namespace: string | undefined, c: ResolvedClient): RequiredAuthentication {
    const key = `${namespace ?? ''}|${c.identity ? 'id' : 'net'}|${c.key}`;
    const existing = this.authentications.get(key);
    if (existing) return existing;
    let made: RequiredAuthentication;
    const metadata = { name: objectName(c.label), namespace };
    if (c.identity) {
      const id = c.identity;
      made = new MeshTlsAuthentication(this, `MeshTlsAuthn-${namespace ?? ''}-${c.label}`, {
        metadata,
        workloads: id.kind === 'workloads' ? id.refs : undefined,
        serviceAccounts: id.kind === 'serviceAccounts' ? id.refs : undefined,
        namespaces: id.kind === 'namespaces' ? id.refs : undefined,
        identities: id.kind === 'identities' ? id.ids : undefined,
      });
    } else {
      made = new NetworkAuthentication(this, `NetworkAuthn-${namespace ?? ''}-${c.label}`, { metadata, networks: c.networks! });
    }
    this.authentications.set(key, made);
    return made;
  }
}

function newState(server: Server, namespace: string | undefined, workload: ResolvedRef | undefined, port: number | string, protocol?: ProxyProtocol): ServerState {
  return { server, namespace, workload, port, protocol, open: new Set(), restricted: new Map(), routes: new Map() };
}

/** A readable name part for a match: `get-api`, `healthz-exact`. */
function slug(m: HttpMatchJson): string {
  const path = m.path?.value ?? '/';
  const body = path.replace(/^\/+|\/+$/g, '') || 'root';
  const kind = m.path?.type === 'Exact' ? '-exact' : m.path?.type === 'RegularExpression' ? '-regex' : '';
  const extra = (m.headers?.length ?? 0) + (m.queryParams?.length ?? 0) > 0 ? '-h' : '';
  return `${m.method ? `${m.method.toLowerCase()}-` : ''}${body}${kind}${extra}`;
}

/** The HttpRouteMatch that renders as `m`. */
function rebuild(m: HttpMatchJson): HttpRouteMatch {
  const options = {
    method: m.method as HttpMethod | undefined,
    headers: m.headers?.map((h) => ({ name: h.name, value: h.value, type: h.type as any })),
    queryParams: m.queryParams?.map((h) => ({ name: h.name, value: h.value, type: h.type as any })),
  };
  const value = m.path?.value ?? '/';
  if (m.path?.type === 'Exact') return HttpRouteMatch.exact(value, options);
  if (m.path?.type === 'RegularExpression') return HttpRouteMatch.regularExpression(value, options);
  return HttpRouteMatch.pathPrefix(value, options);
}

/** Adds an annotation to a workload's pod template: through cdk8s-plus when it is one, else with a JSON patch. */
function annotatePodTemplate(target: IConstruct, ref: ResolvedRef, key: string, value: string): void {
  const podMetadata = (target as any).podMetadata;
  if (podMetadata && typeof podMetadata.addAnnotation === 'function') {
    podMetadata.addAnnotation(key, value);
    return;
  }
  const manifest = ref.manifest!();
  const base = ref.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/metadata' : '/spec/template/metadata';
  let node: any = manifest;
  for (const part of base.split('/').filter(Boolean)) node = node?.[part];
  const obj = ApiObject.of(target);
  if (node === undefined) obj.addJsonPatch(JsonPatch.add(base, { annotations: { [key]: value } }));
  else if (node.annotations === undefined) obj.addJsonPatch(JsonPatch.add(`${base}/annotations`, { [key]: value }));
  else obj.addJsonPatch(JsonPatch.add(`${base}/annotations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value));
}

/** A route for the probe paths of a port, rendered from the workload's probes at synth. */
class ProbeRoute extends HttpRoute {
  public constructor(scope: Construct, id: string, props: { metadata: any; parents: RouteParent[]; paths: () => string[] }) {
    super(scope, id, { metadata: props.metadata, parents: props.parents, rules: [{ matches: [HttpRouteMatch.exact('/', { method: HttpMethod.GET })] }] });
    this.paths = props.paths;
  }

  private paths?: () => string[];

  protected renderSpec(): Record<string, any> {
    const spec = super.renderSpec();
    if (!this.paths) return spec;
    const matches = this.paths().map((p) => ({ method: 'GET', path: { type: 'Exact', value: p } }));
    const rules = [];
    for (let i = 0; i < matches.length; i += 8) rules.push({ matches: matches.slice(i, i + 8) });
    return { ...spec, rules };
  }
}
