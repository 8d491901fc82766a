/**
 * What policy needs to know about a workload, read from its manifest: the pods it runs (labels,
 * annotations), their service account, their TCP ports and their kubelet probes. The same
 * reading serves the constructs (from a construct's rendered JSON) and the checks (from YAML),
 * so both see a workload the same way the policy controller does (`pod_tcp_ports_by_name`,
 * `pod_http_probes` in policy-controller/k8s/index/src/inbound/workload.rs).
 */

/** Kinds whose objects run pods, and where their pod template is. */
const TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds that run pods. */
export const WORKLOAD_KINDS: readonly string[] = [...Object.keys(TEMPLATE_PATHS), 'Pod'];

/** The proxy's admin port name and default number (`config.linkerd.io/admin-port`). */
export const PROXY_ADMIN_PORT_NAME = 'linkerd-admin';
export const DEFAULT_PROXY_ADMIN_PORT = 4191;
const DEFAULT_PROXY_INBOUND_PORT = 4143;

export interface ContainerPortInfo {
  readonly name?: string;
  readonly port: number;
  /** Upper-case protocol, `TCP` when not given. */
  readonly protocol: string;
  /** Name of the container declaring it. */
  readonly container: string;
}

/** One kubelet probe of a container. */
export interface ProbeInfo {
  readonly container: string;
  readonly probe: 'liveness' | 'readiness' | 'startup';
  /** `http` probes are GETs of a path; `grpc` probes call the gRPC health service; the others never reach policy. */
  readonly type: 'http' | 'grpc' | 'tcp' | 'exec';
  /** The resolved port; undefined when a named port is not declared by the same container. */
  readonly port?: number;
  /** The port as written. */
  readonly portRef?: number | string;
  /** Request path without query (http), `/grpc.health.v1.Health/Check` (grpc). */
  readonly path?: string;
}

export interface WorkloadInfo {
  readonly kind: string;
  readonly name: string;
  /** @default 'default' when the manifest has none */
  readonly namespace: string;
  /** Labels of the pods. */
  readonly podLabels: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  /** `spec.selector` of the workload (pods' own labels for a Pod). */
  readonly selector: { matchLabels?: Record<string, string>; matchExpressions?: any[] };
  readonly serviceAccountName: string;
  /** TCP and other ports of every container and init container, including the proxy's when injected. */
  readonly ports: readonly ContainerPortInfo[];
  readonly probes: readonly ProbeInfo[];
  /** The pod template already contains a Linkerd proxy. */
  readonly hasProxy: boolean;
}

/** True for the kinds of objects that run pods. */
export function isWorkload(o: Record<string, any> | undefined): boolean {
  return !!o && typeof o.kind === 'string' && WORKLOAD_KINDS.includes(o.kind);
}

/** The pod template (or the Pod) of a workload manifest; undefined for other kinds. */
export function podTemplateOf(o: Record<string, any>): Record<string, any> | undefined {
  if (o.kind === 'Pod') return o;
  const path = TEMPLATE_PATHS[o.kind];
  if (!path) return undefined;
  let node: any = o;
  for (const key of path) node = node?.[key];
  return node && typeof node === 'object' ? node : undefined;
}

/**
 * Reads a workload manifest; undefined when the object does not run pods. When the pods will be
 * injected (`linkerd.io/inject` on the pod, or `injected` when the caller knows it from the
 * namespace) and carry no proxy yet, the proxy's ports and probes are added as the injector will.
 */
export function readWorkload(o: Record<string, any>, injected?: boolean): WorkloadInfo | undefined {
  const template = podTemplateOf(o);
  if (!template) return undefined;
  const spec = template.spec ?? {};
  const podLabels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  const podAnnotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  const containers: any[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const hasProxy = containers.some((c) => c?.name === 'linkerd-proxy');
  const ports: ContainerPortInfo[] = [];
  const probes: ProbeInfo[] = [];
  for (const c of containers) {
    const cports: ContainerPortInfo[] = (c?.ports ?? [])
      .filter((p: any) => Number.isInteger(p?.containerPort))
      .map((p: any) => ({ name: p.name, port: p.containerPort, protocol: String(p.protocol ?? 'TCP').toUpperCase(), container: c.name }));
    ports.push(...cports);
    for (const kind of ['liveness', 'readiness', 'startup'] as const) {
      const probe = c?.[`${kind}Probe`];
      if (probe) probes.push(readProbe(c.name, kind, probe, cports));
    }
  }
  const podSays = podAnnotations['linkerd.io/inject'];
  if (!hasProxy && (podSays !== undefined ? injectionRequested(podAnnotations) : injected === true)) {
    // Injected at admission: add what the injector will add, so the model sees the proxy's ports.
    const admin = Number(podAnnotations['config.linkerd.io/admin-port'] ?? DEFAULT_PROXY_ADMIN_PORT);
    const inbound = Number(podAnnotations['config.linkerd.io/inbound-port'] ?? DEFAULT_PROXY_INBOUND_PORT);
    ports.push({ name: 'linkerd-proxy', port: inbound, protocol: 'TCP', container: 'linkerd-proxy' },
      { name: PROXY_ADMIN_PORT_NAME, port: admin, protocol: 'TCP', container: 'linkerd-proxy' });
    probes.push({ container: 'linkerd-proxy', probe: 'liveness', type: 'http', port: admin, portRef: admin, path: '/live' },
      { container: 'linkerd-proxy', probe: 'readiness', type: 'http', port: admin, portRef: admin, path: '/ready' });
  }
  const selector = o.kind === 'Pod' ? { matchLabels: podLabels } : (o.spec?.selector ?? {});
  return {
    kind: o.kind,
    name: o.metadata?.name ?? '',
    namespace: o.metadata?.namespace ?? 'default',
    podLabels,
    podAnnotations,
    selector,
    serviceAccountName: spec.serviceAccountName ?? spec.serviceAccount ?? 'default',
    ports,
    probes,
    hasProxy,
  };
}

/** `linkerd.io/inject: enabled|ingress` on the pod (a namespace-level value is handled by the model). */
export function injectionRequested(annotations: Record<string, string> | undefined): boolean {
  const v = annotations?.['linkerd.io/inject'];
  return v === 'enabled' || v === 'ingress';
}

/** The TCP port numbers a Server port (number or name) selects on a workload's pods. */
export function selectPorts(w: WorkloadInfo, port: number | string): number[] {
  if (typeof port === 'number') return [port];
  if (/^\d+$/.test(port)) return [Number(port)];
  return [...new Set(w.ports.filter((p) => p.protocol === 'TCP' && p.name === port).map((p) => p.port))].sort((a, b) => a - b);
}

/** The TCP ports of a workload, as numbers, sorted. */
export function tcpPorts(w: WorkloadInfo): number[] {
  return [...new Set(w.ports.filter((p) => p.protocol === 'TCP').map((p) => p.port))].sort((a, b) => a - b);
}

/** The distinct probe paths per port: what the policy controller authorizes for kubelet. */
export function httpProbePaths(w: WorkloadInfo, port: number): string[] {
  return [...new Set(w.probes.filter((p) => p.type === 'http' && p.port === port).map((p) => p.path!))].sort();
}

function readProbe(container: string, probe: ProbeInfo['probe'], p: any, ports: ContainerPortInfo[]): ProbeInfo {
  const resolve = (ref: unknown): number | undefined => {
    if (typeof ref === 'number') return ref;
    if (typeof ref === 'string' && /^\d+$/.test(ref)) return Number(ref);
    // A named probe port refers to a TCP port of the same container (case-insensitive).
    const found = ports.find((x) => x.protocol === 'TCP' && typeof ref === 'string' && x.name?.toLowerCase() === ref.toLowerCase());
    return found?.port;
  };
  if (p.httpGet) {
    const raw = String(p.httpGet.path ?? '/');
    const path = raw.split('?')[0].split('#')[0] || '/';
    return { container, probe, type: 'http', port: resolve(p.httpGet.port), portRef: p.httpGet.port, path };
  }
  if (p.grpc) {
    return { container, probe, type: 'grpc', port: resolve(p.grpc.port), portRef: p.grpc.port, path: '/grpc.health.v1.Health/Check' };
  }
  if (p.tcpSocket) return { container, probe, type: 'tcp', port: resolve(p.tcpSocket.port), portRef: p.tcpSocket.port };
  return { container, probe, type: 'exec' };
}
