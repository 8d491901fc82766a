import { objectId, PolicyClient, PolicyModel, ServerModel, shadowedRules } from '../policy/policy-model';
import { selectPorts, tcpPorts, WorkloadInfo } from '../policy/workload-info';
import { CheckContext, CheckRule, Finding, Severity } from './finding';

type Obj = Record<string, any>;

const POLICY_GROUP = 'policy.linkerd.io';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const VIZ_NAMESPACE = 'linkerd-viz';

/**
 * L5D3xx: inbound policy and routes, judged from the manifests with the same model the policy
 * graph uses (src/policy/policy-model.ts). Runs during synth and in `cdk8s-linkerd check`.
 */
export const POLICY_CODES = {
  L5D301: 'a Server selects no pod',
  L5D302: 'a Server port is not a TCP port the selected pods declare',
  L5D303: 'the target of an AuthorizationPolicy, ServerAuthorization, HTTPLocalRateLimitPolicy or inbound route does not exist',
  L5D304: 'an AuthorizationPolicy refers to an authentication that does not exist or combines them in a way the controller rejects',
  L5D305: 'an authentication names a ServiceAccount or Namespace that does not exist',
  L5D306: 'a kubelet probe of a meshed workload is denied by policy',
  L5D307: 'a metrics scrape of a meshed workload by a known scraper is denied by policy',
  L5D308: 'a route refers to a Service, or a Service port, that is not defined',
  L5D309: 'a route rule or authorization can never apply (shadowed or unreachable)',
  L5D310: 'two Servers select the same port of the same pods',
  L5D311: 'Gateway API routes without Gateway API CRDs that serve v1',
} as const;

/** What to change for each code, in the manifest and in the cdk8s-linkerd construct that produces it. */
const POLICY_FIXES: Record<keyof typeof POLICY_CODES, string> = {
  L5D301: 'select the labels of the pods that serve the port (Server: workload, or podSelector), or remove the Server',
  L5D302: 'use a TCP containerPort, or its name, of the selected pods (Server: port), or declare the port on their container',
  L5D303: 'target an existing object of the policy\'s own namespace, with its group (policy.linkerd.io for a Server)',
  L5D304: 'require at most one mesh identity (a MeshTLSAuthentication or a ServiceAccount) and at most one NetworkAuthentication, all of them existing',
  L5D305: 'create the ServiceAccount or Namespace, or correct its name',
  L5D306: 'admit kubelet on the probe paths: give the Server a route for them authorized for the probe networks (MeshPolicy does so when it makes routes), or probe a port without routes',
  L5D307: 'authorize the scraper on the port (MeshPolicy: metricsScrapers, allowMetricsScrape)',
  L5D308: 'point the route at an existing Service, and at one of its ports (parents, rules[].backends)',
  L5D309: 'remove the rule, or make its matches differ from the rule that takes precedence',
  L5D310: 'let each port of a pod be selected by one Server: narrow one selector, or merge the Servers',
  L5D311: 'install Gateway API v1.1.1 or later (LinkerdCrds gatewayApi: GatewayApiCrds.bundled()), or use the policy.linkerd.io route kinds',
};

export const POLICY_RULE: CheckRule = {
  codes: POLICY_CODES,
  run(context: CheckContext): Finding[] {
    const model = PolicyModel.fromObjects(context.objects);
    return [
      ...checkServers(model),
      ...checkTargets(model),
      ...checkAuthentications(model),
      ...checkIdentities(model),
      ...checkProbes(model),
      ...checkScrapes(model),
      ...checkRouteServices(model),
      ...checkReachability(model),
      ...checkGatewayApi(model),
    ];
  },
};

function finding(code: keyof typeof POLICY_CODES, severity: Severity, o: Obj | string, field: string | undefined, message: string, fix: string = POLICY_FIXES[code]): Finding {
  return { code, severity, object: typeof o === 'string' ? o : objectId(o), field, message, fix };
}

function workloadLabel(w: WorkloadInfo): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

function checkServers(model: PolicyModel): Finding[] {
  const out: Finding[] = [];
  const withWorkloads = new Set(model.workloads.map((w) => w.namespace));
  for (const s of model.servers) {
    if (s.selector === undefined) continue; // externalWorkloadSelector: VMs are not in the manifests
    const selected = model.workloadsOf(s);
    if (selected.length === 0) {
      const inNamespace = withWorkloads.has(s.namespace);
      out.push(finding('L5D301', inNamespace ? Severity.ERROR : Severity.WARNING, s.object, 'spec.podSelector',
        inNamespace ? `selects no pod of the workloads in namespace ${s.namespace}`
          : `selects no pod: namespace ${s.namespace} has no workloads in the checked manifests`));
      continue;
    }
    if (s.port === undefined) continue;
    const declaring = selected.filter((w) => (typeof s.port === 'string' && !/^\d+$/.test(s.port)
      ? selectPorts(w, s.port).length > 0 : tcpPorts(w).includes(Number(s.port))));
    if (declaring.length === 0) {
      out.push(finding('L5D302', Severity.ERROR, s.object, 'spec.port',
        `port ${JSON.stringify(s.port)} is not a TCP container port of ${selected.map(workloadLabel).join(', ')}`));
    }
  }
  const reported = new Set<string>();
  for (const w of model.workloads) {
    for (const port of model.targetPorts(w)) {
      const servers = model.serversFor(w, port);
      for (const later of servers.slice(1)) {
        const key = `${servers[0].id}|${later.id}|${port}`;
        if (reported.has(key)) continue;
        reported.add(key);
        out.push(finding('L5D310', Severity.ERROR, later.object, 'spec.podSelector',
          `selects port ${port} of ${workloadLabel(w)}, which ${servers[0].id} already selects; the controller ignores ${later.name} there`));
      }
    }
  }
  return out;
}

function serverExists(model: PolicyModel, ns: string, name: string): boolean {
  return model.serversNamed(ns, name).length > 0;
}

function routeExists(model: PolicyModel, ns: string, kind: string, group: string | undefined, name: string): boolean {
  return model.routesNamed(ns, kind, group ?? '', name).length > 0;
}

function checkTargets(model: PolicyModel): Finding[] {
  const out: Finding[] = [];
  for (const p of model.policies) {
    const t = p.target;
    if (p.object.kind === 'ServerAuthorization') {
      const sel = p.object.spec?.server ?? {};
      if (sel.name !== undefined && !serverExists(model, p.namespace, sel.name)) {
        out.push(finding('L5D303', Severity.ERROR, p.object, 'spec.server.name', `Server ${p.namespace}/${sel.name} does not exist`));
      }
      continue;
    }
    const field = 'spec.targetRef';
    if (t.kind === 'Server') {
      if (t.group !== POLICY_GROUP) {
        out.push(finding('L5D303', Severity.ERROR, p.object, `${field}.group`, `a Server target needs group ${POLICY_GROUP}; without it the controller rejects the policy`));
      } else if (!serverExists(model, p.namespace, t.name)) {
        out.push(finding('L5D303', Severity.ERROR, p.object, field, `Server ${p.namespace}/${t.name} does not exist`));
      }
    } else if (t.kind === 'Namespace') {
      if (t.name !== p.namespace) out.push(finding('L5D303', Severity.ERROR, p.object, field, `targets Namespace ${t.name}; a policy can only target its own namespace ${p.namespace}`));
    } else if (t.kind === 'HTTPRoute' || t.kind === 'GRPCRoute') {
      if (!t.group) {
        out.push(finding('L5D303', Severity.ERROR, p.object, `${field}.group`,
          `a ${t.kind} target needs its group (${t.kind === 'HTTPRoute' ? `${POLICY_GROUP} or ` : ''}${GATEWAY_GROUP}); without it the controller rejects the policy`));
      } else if (!routeExists(model, p.namespace, t.kind, t.group, t.name)) {
        out.push(finding('L5D303', Severity.ERROR, p.object, field, `${t.kind} ${p.namespace}/${t.name} (${t.group || 'core'}) does not exist`));
      }
    } else {
      out.push(finding('L5D303', Severity.ERROR, p.object, field, `${t.kind || '(no kind)'} is not a target an AuthorizationPolicy can have`));
    }
  }
  for (const o of model.kind('HTTPLocalRateLimitPolicy')) {
    const t = o.spec?.targetRef ?? {};
    const ns = o.metadata?.namespace ?? 'default';
    if (t.kind !== 'Server' || t.group !== POLICY_GROUP || !serverExists(model, ns, t.name)) {
      out.push(finding('L5D303', Severity.ERROR, o, 'spec.targetRef', `Server ${ns}/${t.name} (group ${t.group ?? 'core'}) does not exist`));
    }
  }
  for (const r of model.routes) {
    (r.object.spec?.parentRefs ?? []).forEach((ref: Obj, i: number) => {
      const group = ref.group ?? (r.group === POLICY_GROUP ? POLICY_GROUP : GATEWAY_GROUP);
      if (ref.kind === 'Server' && group !== POLICY_GROUP) {
        out.push(finding('L5D303', Severity.ERROR, r.object, `spec.parentRefs[${i}].group`,
          `a Server parent needs group ${POLICY_GROUP}; as written it refers to a ${group} Server, which does not exist, so the route attaches to nothing`));
      } else if (ref.kind === 'Server') {
        const ns = ref.namespace ?? r.namespace;
        if (ns !== r.namespace) out.push(finding('L5D303', Severity.ERROR, r.object, `spec.parentRefs[${i}]`, 'a route can only attach to a Server of its own namespace'));
        else if (!serverExists(model, ns, ref.name)) out.push(finding('L5D303', Severity.ERROR, r.object, `spec.parentRefs[${i}]`, `Server ${ns}/${ref.name} does not exist`));
        else if (ref.port !== undefined || ref.sectionName !== undefined) {
          out.push(finding('L5D303', Severity.ERROR, r.object, `spec.parentRefs[${i}]`, 'a Server parent takes neither port nor sectionName; the controller rejects the route'));
        }
      }
    });
  }
  return out;
}

function checkAuthentications(model: PolicyModel): Finding[] {
  return model.policies.filter((p) => p.problems.length > 0).map((p) => finding('L5D304', Severity.ERROR, p.object,
    p.object.kind === 'ServerAuthorization' ? 'spec.client' : 'spec.requiredAuthenticationRefs',
    `${p.problems.join('; ')}; the controller ignores this policy`));
}

/** Reports a ServiceAccount or Namespace that the set should contain but does not. */
function identityFinding(model: PolicyModel, o: Obj, field: string, kind: 'ServiceAccount' | 'Namespace', name: string, namespace: string): Finding | undefined {
  if (kind === 'Namespace') {
    if (model.knownNamespaces.has(name)) return undefined;
    return finding('L5D305', Severity.WARNING, o, field, `Namespace ${name} is not among the checked manifests`);
  }
  if (name === 'default' || model.serviceAccounts.has(`${namespace}/${name}`)) return undefined;
  if (!model.knownNamespaces.has(namespace)) {
    return finding('L5D305', Severity.WARNING, o, field, `ServiceAccount ${namespace}/${name}: namespace ${namespace} is not among the checked manifests`);
  }
  return finding('L5D305', Severity.ERROR, o, field, `ServiceAccount ${namespace}/${name} does not exist`);
}

function checkIdentities(model: PolicyModel): Finding[] {
  const out: Array<Finding | undefined> = [];
  const suffix = `.serviceaccount.identity.${model.cluster.controlPlaneNamespace}.${model.cluster.trustDomain}`;
  for (const o of model.kind('MeshTLSAuthentication')) {
    const ns = o.metadata?.namespace ?? 'default';
    (o.spec?.identityRefs ?? []).forEach((r: Obj, i: number) => {
      if (r.kind === 'ServiceAccount') out.push(identityFinding(model, o, `spec.identityRefs[${i}]`, 'ServiceAccount', r.name, r.namespace ?? ns));
      else if (r.kind === 'Namespace') out.push(identityFinding(model, o, `spec.identityRefs[${i}]`, 'Namespace', r.name, r.name));
    });
    (o.spec?.identities ?? []).forEach((id: string, i: number) => {
      if (typeof id !== 'string' || !id.endsWith(suffix)) return;
      const [sa, sans] = id.slice(0, -suffix.length).split('.');
      if (sa === '*') out.push(identityFinding(model, o, `spec.identities[${i}]`, 'Namespace', sans, sans));
      else if (sa && sans) out.push(identityFinding(model, o, `spec.identities[${i}]`, 'ServiceAccount', sa, sans));
    });
  }
  for (const o of model.kind('AuthorizationPolicy')) {
    (o.spec?.requiredAuthenticationRefs ?? []).forEach((r: Obj, i: number) => {
      if (r.kind === 'ServiceAccount') out.push(identityFinding(model, o, `spec.requiredAuthenticationRefs[${i}]`, 'ServiceAccount', r.name, r.namespace ?? o.metadata?.namespace ?? 'default'));
    });
  }
  for (const o of model.kind('ServerAuthorization')) {
    (o.spec?.client?.meshTLS?.serviceAccounts ?? []).forEach((r: Obj, i: number) => {
      out.push(identityFinding(model, o, `spec.client.meshTLS.serviceAccounts[${i}]`, 'ServiceAccount', r.name, r.namespace ?? o.metadata?.namespace ?? 'default'));
    });
  }
  for (const o of model.kind('HTTPLocalRateLimitPolicy')) {
    (o.spec?.overrides ?? []).forEach((ov: Obj, i: number) => (ov.clientRefs ?? []).forEach((r: Obj, j: number) => {
      out.push(identityFinding(model, o, `spec.overrides[${i}].clientRefs[${j}]`, 'ServiceAccount', r.name, r.namespace ?? o.metadata?.namespace ?? 'default'));
    }));
  }
  return out.filter((f): f is Finding => !!f);
}

function checkProbes(model: PolicyModel): Finding[] {
  const out: Finding[] = [];
  const kubelet = model.kubeletClient();
  for (const w of model.workloads) {
    if (!model.isMeshed(w)) continue;
    for (const probe of w.probes) {
      if ((probe.type !== 'http' && probe.type !== 'grpc') || probe.port === undefined) continue;
      const policy = model.portPolicy(w, probe.port);
      const method = probe.type === 'grpc' ? 'POST' : 'GET';
      const decision = model.decide(kubelet, policy, { method, path: probe.path! });
      if (!decision.allowed) {
        out.push(finding('L5D306', Severity.ERROR, workloadLabel(w), `containers[${probe.container}].${probe.probe}Probe`,
          `the ${probe.probe} probe ${method} ${probe.path} on port ${probe.port} is denied: ${decision.reason}`
          + (policy.server && policy.routes.some((r) => r.route) ? '; a Server with routes needs a route for the probe paths that admits kubelet' : '')));
      }
    }
  }
  return out;
}

/**
 * Who scrapes metrics: linkerd-viz's Prometheus when viz is among the manifests, and every
 * ServiceAccount identity that some Server on the proxy admin port admits. A scraper is expected
 * to reach the admin port of every meshed pod, and the port named in `prometheus.io/port`.
 */
function scrapers(model: PolicyModel): PolicyClient[] {
  const found = new Map<string, PolicyClient>();
  const vizPrometheus = [...model.kind('ServiceAccount'), ...model.kind('Deployment')]
    .some((o) => o.metadata?.namespace === VIZ_NAMESPACE && o.metadata?.name === 'prometheus');
  if (vizPrometheus) found.set(`${VIZ_NAMESPACE}/prometheus`, model.identityClient('prometheus', VIZ_NAMESPACE));
  const suffix = `.serviceaccount.identity.${model.cluster.controlPlaneNamespace}.${model.cluster.trustDomain}`;
  const isAdmin = (s: ServerModel) => s.port === 'linkerd-admin' || Number(s.port) === 4191;
  const adminNamespaces = new Set(model.servers.filter(isAdmin).map((s) => s.namespace));
  for (const p of model.policies) {
    const onAdminServer = model.serversNamed(p.namespace, p.target.name).some(isAdmin)
      || (p.target.kind === 'Namespace' && p.target.name === p.namespace && adminNamespaces.has(p.namespace));
    if (!p.authz?.identities || !onAdminServer) continue;
    for (const id of p.authz.identities) {
      if (!id.endsWith(suffix) || id.startsWith('*')) continue;
      const [sa, ns] = id.slice(0, -suffix.length).split('.');
      if (sa && ns && !found.has(`${ns}/${sa}`)) found.set(`${ns}/${sa}`, model.identityClient(sa, ns));
    }
  }
  return [...found.keys()].sort().map((k) => found.get(k)!);
}

function checkScrapes(model: PolicyModel): Finding[] {
  const out: Finding[] = [];
  const clients = scrapers(model);
  if (clients.length === 0) return out;
  for (const w of model.workloads) {
    if (!model.isMeshed(w)) continue;
    const targets: Array<{ port: number; path: string; why: string }> = [{ port: model.adminPort(w), path: '/metrics', why: 'proxy metrics' }];
    if (w.podAnnotations['prometheus.io/scrape'] === 'true' && /^\d+$/.test(w.podAnnotations['prometheus.io/port'] ?? '')) {
      targets.push({ port: Number(w.podAnnotations['prometheus.io/port']), path: w.podAnnotations['prometheus.io/path'] ?? '/metrics', why: 'prometheus.io/scrape' });
    }
    for (const t of targets) {
      const policy = model.portPolicy(w, t.port);
      for (const c of clients) {
        const decision = model.decide(c, policy, { method: 'GET', path: t.path });
        if (!decision.allowed) {
          out.push(finding('L5D307', Severity.ERROR, workloadLabel(w), `port ${t.port}`,
            `${c.label} cannot scrape ${t.why} (GET ${t.path} on port ${t.port}): ${decision.reason}`));
        }
      }
    }
  }
  return out;
}

function checkRouteServices(model: PolicyModel): Finding[] {
  const out: Finding[] = [];
  const services = new Map<string, Obj>(model.kind('Service').map((s) => [`${s.metadata?.namespace ?? 'default'}/${s.metadata?.name}`, s]));
  const checkService = (o: Obj, field: string, name: string, ns: string, port: number | undefined, needPort: boolean) => {
    const svc = services.get(`${ns}/${name}`);
    if (!svc) {
      if (model.knownNamespaces.has(ns)) out.push(finding('L5D308', Severity.ERROR, o, field, `Service ${ns}/${name} does not exist`));
      return;
    }
    if (port === undefined) {
      if (needPort) out.push(finding('L5D308', Severity.ERROR, o, `${field}.port`, `a Service backend needs a port (Service ${ns}/${name})`));
      return;
    }
    const ports: number[] = (svc.spec?.ports ?? []).map((p: Obj) => p.port);
    if (!ports.includes(port)) {
      out.push(finding('L5D308', Severity.ERROR, o, `${field}.port`, `Service ${ns}/${name} has no port ${port} (ports: ${ports.join(', ') || 'none'})`));
    }
  };
  const isService = (group: string | undefined, kind: string | undefined) => (group === undefined || group === '' || group === 'core') && (kind ?? 'Service') === 'Service';
  for (const r of model.routes) {
    const o = r.object;
    (o.spec?.parentRefs ?? []).forEach((ref: Obj, i: number) => {
      if (ref.kind === 'Service') {
        if (ref.group === undefined) {
          out.push(finding('L5D308', Severity.ERROR, o, `spec.parentRefs[${i}].group`,
            `a Service parent needs group "core" (or ""); left out, it defaults to ${r.group} and the route attaches to nothing`));
        } else if (isService(ref.group, ref.kind)) {
          checkService(o, `spec.parentRefs[${i}]`, ref.name, ref.namespace ?? r.namespace, ref.port, false);
        }
      }
      if (ref.kind === 'EgressNetwork' && ref.port === undefined) {
        out.push(finding('L5D308', Severity.ERROR, o, `spec.parentRefs[${i}].port`, 'a route to an EgressNetwork needs a port'));
      }
    });
    (o.spec?.rules ?? []).forEach((rule: Obj, i: number) => (rule?.backendRefs ?? []).forEach((b: Obj, j: number) => {
      if (isService(b.group, b.kind)) checkService(o, `spec.rules[${i}].backendRefs[${j}]`, b.name, b.namespace ?? r.namespace, b.port, true);
    }));
  }
  return out;
}

function checkReachability(model: PolicyModel): Finding[] {
  const out: Finding[] = [];
  for (const s of model.servers) {
    const attached = model.routesOf(s);
    if (attached.length === 0) continue;
    if (s.protocol === 'opaque' || s.protocol === 'TLS') {
      for (const r of attached) {
        out.push(finding('L5D309', Severity.WARNING, r.object, 'spec.parentRefs', `Server ${s.name} is ${s.protocol}, so its traffic is never matched against routes`));
      }
      continue;
    }
    const selected = model.workloadsOf(s).find((w) => typeof s.port === 'number' || selectPorts(w, s.port).length > 0);
    if (!selected) continue;
    const port = selectPorts(selected, s.port)[0];
    if (port === undefined) continue;
    const policy = model.portPolicy(selected, port);
    if (policy.server?.name !== s.name) continue;
    for (const { route, by, key } of shadowedRules(policy.routes)) {
      out.push(finding('L5D309', Severity.WARNING, route.route ?? s.id, route.ruleIndex !== undefined ? `spec.rules[${route.ruleIndex}]` : undefined,
        `on Server ${s.name}, every match of this rule (${key}) is also a match of ${by.id}, which takes precedence; the rule never applies`));
    }
  }
  for (const p of model.policies) {
    const t = p.target;
    if (p.object.kind !== 'AuthorizationPolicy' || (t.kind !== 'HTTPRoute' && t.kind !== 'GRPCRoute')) continue;
    const route = model.routesNamed(p.namespace, t.kind, t.group ?? '', t.name)[0];
    if (route && !route.servers.some((n) => serverExists(model, route.namespace, n))) {
      out.push(finding('L5D309', Severity.WARNING, p.object, 'spec.targetRef', `${route.id} is attached to no existing Server, so no proxy enforces this policy`));
    }
  }
  return out;
}

function checkGatewayApi(model: PolicyModel): Finding[] {
  const routes = model.routes.filter((r) => r.group === GATEWAY_GROUP);
  if (routes.length === 0) return [];
  const out: Finding[] = [];
  for (const kind of ['HTTPRoute', 'GRPCRoute']) {
    const using = routes.filter((r) => r.kind === kind);
    if (using.length === 0) continue;
    const plural = kind === 'HTTPRoute' ? 'httproutes' : 'grpcroutes';
    const crd = model.kind('CustomResourceDefinition').find((c) => c.metadata?.name === `${plural}.${GATEWAY_GROUP}`);
    const versions = using.map((r) => String(r.object.apiVersion).split('/')[1]);
    if (!crd) {
      out.push(finding('L5D311', Severity.WARNING, using[0].object, 'apiVersion',
        `${using.length} ${kind}(s) of ${GATEWAY_GROUP} need the Gateway API CRDs (v1.1.1 or later), which are not among the checked manifests; install them separately or emit them with LinkerdCrds({ gatewayApi: GatewayApiCrds.bundled() })`));
      continue;
    }
    const served = (crd.spec?.versions ?? []).filter((v: Obj) => v.served !== false).map((v: Obj) => v.name);
    if (!served.includes('v1')) {
      out.push(finding('L5D311', Severity.ERROR, crd, 'spec.versions', `does not serve v1, which Linkerd requires (Gateway API v1.1.1 or later)`));
    }
    for (const v of [...new Set(versions)].filter((x) => !served.includes(x))) {
      out.push(finding('L5D311', Severity.ERROR, using.find((r) => r.object.apiVersion.endsWith(`/${v}`))!.object, 'apiVersion', `${crd.metadata.name} does not serve ${v}`));
    }
  }
  return out;
}
