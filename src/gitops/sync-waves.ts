/**
 * The apply order of a synthesized install, as data: every object gets a phase from one table
 * (kind -> phase), and the phase becomes an Argo CD `argocd.argoproj.io/sync-wave`. Argo CD
 * applies wave by wave and waits until every object of a wave is healthy before the next one, so
 * the waves are what makes the control plane (and its webhooks) ready before meshed pods start.
 */

import { apiGroupOf } from './object-key';

/** Annotation Argo CD orders a sync by (lowest wave first). */
const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Annotation with per-object Argo CD sync options, comma-separated. */
const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
const SERVER_SIDE_APPLY = 'ServerSideApply=true';
/**
 * Client-side apply keeps a copy of the object in the `last-applied-configuration` annotation,
 * and annotations are limited to 256 KiB in all: above this size an object needs server-side apply.
 */
const CLIENT_SIDE_APPLY_LIMIT = 200 * 1024;

/** One step of the apply order: Argo CD finishes (and health-checks) one before starting the next. */
export class SyncPhase {
  /** CustomResourceDefinitions: every custom resource after them finds its schema. */
  public static readonly CRDS = new SyncPhase('crds', -4, 'CustomResourceDefinitions');
  /** Namespaces, RBAC, ServiceAccounts, ConfigMaps, Secrets, Services, certificates: what workloads mount and reference. */
  public static readonly CONFIG = new SyncPhase('config', -3, 'namespaces, RBAC, configuration, Secrets, Services, certificates');
  /** The control plane's workloads (identity, destination and policy controller, proxy injector, heartbeat). */
  public static readonly CONTROL_PLANE = new SyncPhase('control-plane', -2, 'control-plane workloads');
  /** The control plane's admission webhooks, registered once the pods that serve them are ready. */
  public static readonly WEBHOOKS = new SyncPhase('webhooks', -1, 'control-plane webhook configurations');
  /**
   * Meshed namespaces and workloads, and everything else. Wave 0 is also where Argo CD puts
   * objects without a wave, so objects the library does not know land after the mesh is ready.
   */
  public static readonly WORKLOADS = new SyncPhase('workloads', 0, 'meshed namespaces and workloads');
  /** Policy targets and identities: Servers, authentications, EgressNetworks, ServiceProfiles. */
  public static readonly POLICY_TARGETS = new SyncPhase('policy-targets', 1, 'Servers and authentications');
  /** Routes, which attach to Servers (and Services). */
  public static readonly ROUTES = new SyncPhase('routes', 2, 'routes');
  /** Authorizations and rate limits, which target Servers and routes. */
  public static readonly AUTHORIZATIONS = new SyncPhase('authorizations', 3, 'authorization policies');

  /** Every phase, in apply order. */
  public static all(): SyncPhase[] {
    return [SyncPhase.CRDS, SyncPhase.CONFIG, SyncPhase.CONTROL_PLANE, SyncPhase.WEBHOOKS, SyncPhase.WORKLOADS,
      SyncPhase.POLICY_TARGETS, SyncPhase.ROUTES, SyncPhase.AUTHORIZATIONS];
  }

  private constructor(
    /** Short name, e.g. `control-plane`. */
    public readonly name: string,
    /** The Argo CD sync wave. */
    public readonly wave: number,
    /** What the phase holds, for reports. */
    public readonly description: string,
  ) {}
}

/**
 * The table: which phase an object of a kind belongs to, when it is part of the Linkerd control
 * plane and when it is not. `groups` narrows a row to API groups (for kinds whose names other
 * APIs reuse). `cni` is for the CNI plugin (`linkerd.io/cni-resource`), which must run on every
 * node before any meshed pod, the control plane's included, can start.
 * @default cni - the control plane's phase
 */
interface PhaseRow {
  readonly kinds: readonly string[];
  readonly groups?: readonly string[];
  readonly controlPlane: SyncPhase;
  readonly other: SyncPhase;
  readonly cni?: SyncPhase;
}

const POLICY_GROUPS = ['policy.linkerd.io', 'linkerd.io', 'gateway.networking.k8s.io'];
const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Pod', 'Job', 'CronJob'];

const PHASES: readonly PhaseRow[] = [
  { kinds: ['CustomResourceDefinition'], controlPlane: SyncPhase.CRDS, other: SyncPhase.CRDS },
  {
    kinds: ['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
      'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PriorityClass',
      'Issuer', 'ClusterIssuer', 'Certificate', 'Bundle', 'PodMonitor', 'ServiceMonitor'],
    controlPlane: SyncPhase.CONFIG, other: SyncPhase.CONFIG,
  },
  { kinds: WORKLOAD_KINDS, controlPlane: SyncPhase.CONTROL_PLANE, other: SyncPhase.WORKLOADS, cni: SyncPhase.CONFIG },
  // An extension's webhook is served by its own (meshed) pods: it goes with them, after the injector.
  {
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService'],
    controlPlane: SyncPhase.WEBHOOKS, other: SyncPhase.WORKLOADS,
  },
  {
    kinds: ['Server', 'MeshTLSAuthentication', 'NetworkAuthentication', 'EgressNetwork', 'ServiceProfile'],
    groups: POLICY_GROUPS, controlPlane: SyncPhase.POLICY_TARGETS, other: SyncPhase.POLICY_TARGETS,
  },
  { kinds: ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'], groups: POLICY_GROUPS, controlPlane: SyncPhase.ROUTES, other: SyncPhase.ROUTES },
  {
    kinds: ['AuthorizationPolicy', 'ServerAuthorization', 'HTTPLocalRateLimitPolicy'],
    groups: POLICY_GROUPS, controlPlane: SyncPhase.AUTHORIZATIONS, other: SyncPhase.AUTHORIZATIONS,
  },
];

/** Kinds no row names: control-plane (and CNI) objects go with the control plane, anything else with the workloads. */
const UNKNOWN: PhaseRow = { kinds: [], controlPlane: SyncPhase.CONTROL_PLANE, other: SyncPhase.WORKLOADS };

const ROWS = new Map<string, PhaseRow[]>();
for (const row of PHASES) for (const kind of row.kinds) ROWS.set(kind, [...(ROWS.get(kind) ?? []), row]);

type Manifest = Record<string, any>;

function isNamespace(o: Manifest): boolean {
  return o.kind === 'Namespace' && apiGroupOf(o) === '';
}

/** A namespace whose pods the proxy injector meshes. */
function isMeshedNamespace(o: Manifest): boolean {
  const inject = o.metadata?.annotations?.['linkerd.io/inject'];
  return inject === 'enabled' || inject === 'ingress';
}

/**
 * The apply order of one set of objects (one synthesized directory). Phases come from a single
 * table by kind; the only other inputs are whether an object belongs to the Linkerd control plane
 * (its `linkerd.io/control-plane-ns` label, or its namespace being the control plane's) and the
 * namespace it lives in: objects in a meshed namespace never come before that namespace.
 */
export class SyncWaves {
  /** The annotation holding the wave. */
  public static readonly WAVE_ANNOTATION = SYNC_WAVE_ANNOTATION;
  /** The annotation holding per-object sync options. */
  public static readonly SYNC_OPTIONS_ANNOTATION = SYNC_OPTIONS_ANNOTATION;

  private readonly controlPlaneNamespaces = new Set<string>();
  private readonly meshedNamespaces = new Set<string>();

  public constructor(objects: ReadonlyArray<Manifest>) {
    for (const o of objects) {
      if (!o || !isNamespace(o)) continue;
      const name = o.metadata?.name;
      if (o.metadata?.labels?.['linkerd.io/is-control-plane'] === 'true') this.controlPlaneNamespaces.add(name);
      else if (isMeshedNamespace(o)) this.meshedNamespaces.add(name);
    }
  }

  /** The phase of an object of this set. */
  public phaseOf(o: Manifest): SyncPhase {
    const group = apiGroupOf(o);
    const row = (ROWS.get(o.kind) ?? []).find((r) => r.groups === undefined || r.groups.includes(group)) ?? UNKNOWN;
    let phase = this.isCni(o) ? row.cni ?? row.controlPlane : this.isControlPlane(o) ? row.controlPlane : row.other;
    // A meshed namespace comes with its workloads; whatever lives in it cannot come earlier.
    if (isNamespace(o) && this.meshedNamespaces.has(o.metadata?.name)) phase = SyncPhase.WORKLOADS;
    const namespace = o.metadata?.namespace;
    if (namespace !== undefined && this.meshedNamespaces.has(namespace) && phase.wave < SyncPhase.WORKLOADS.wave) phase = SyncPhase.WORKLOADS;
    return phase;
  }

  /** The wave Argo CD will use: a wave already set on the object wins over its phase. */
  public waveOf(o: Manifest): number {
    const explicit = Number.parseInt(o.metadata?.annotations?.[SYNC_WAVE_ANNOTATION] ?? '', 10);
    return Number.isNaN(explicit) ? this.phaseOf(o).wave : explicit;
  }

  /**
   * A copy of the object with its wave (unless it already has one) and, where it needs it,
   * `ServerSideApply=true`: CustomResourceDefinitions (large schemas, and fields such as the
   * conversion `caBundle` that other controllers own) and any object too large for the
   * client-side last-applied annotation.
   */
  public annotate(o: Manifest): Manifest {
    const annotations: Record<string, string> = { ...(o.metadata?.annotations ?? {}) };
    if (annotations[SYNC_WAVE_ANNOTATION] === undefined) annotations[SYNC_WAVE_ANNOTATION] = String(this.phaseOf(o).wave);
    if (this.needsServerSideApply(o)) {
      const options = (annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!options.includes(SERVER_SIDE_APPLY)) annotations[SYNC_OPTIONS_ANNOTATION] = [...options, SERVER_SIDE_APPLY].join(',');
    }
    const metadata = { ...o.metadata, annotations: sortKeys(annotations) };
    return { ...o, metadata: sortKeys(metadata) };
  }

  /** The objects in apply order: by wave, and in their given order within a wave. */
  public sort(objects: ReadonlyArray<Manifest>): Manifest[] {
    return objects.map((o, i) => ({ o, i, wave: this.waveOf(o) }))
      .sort((a, b) => a.wave - b.wave || a.i - b.i)
      .map((e) => e.o);
  }

  private isCni(o: Manifest): boolean {
    return o.metadata?.labels?.['linkerd.io/cni-resource'] === 'true';
  }

  private isControlPlane(o: Manifest): boolean {
    if (o.metadata?.labels?.['linkerd.io/control-plane-ns'] !== undefined) return true;
    if (isNamespace(o)) return this.controlPlaneNamespaces.has(o.metadata?.name);
    return this.controlPlaneNamespaces.has(o.metadata?.namespace);
  }

  private needsServerSideApply(o: Manifest): boolean {
    return (o.kind === 'CustomResourceDefinition' && apiGroupOf(o) === 'apiextensions.k8s.io')
      || JSON.stringify(o).length > CLIENT_SIDE_APPLY_LIMIT;
  }
}

/** cdk8s writes keys sorted; keep metadata that way after adding annotations. */
function sortKeys<T extends Record<string, any>>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])) as T;
}
