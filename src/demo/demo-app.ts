import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { applyDemoPolicy } from './demo-policy';
import { ILinkerdMesh, MeshMode, NamespaceMesh, WorkloadMesh } from '../mesh/mesh';
import { LogFormat } from '../proxy/proxy-spec';

/**
 * A small three-tier application meshed with Linkerd, to try the mesh out and to hang policies
 * on: `web` → `api` → `db`, each a podinfo Deployment with its own ServiceAccount and Service,
 * an HTTP port and HTTP probes. It uses both meshing modes: the namespace is annotated for the
 * proxy injector (so `web` and `api` are injected when their pods are created, `api` with
 * workload overrides), and `db` is injected statically into the manifest.
 *
 * Not part of the library's API surface (`src/index.ts` does not export it): it is the only code
 * under `src/` that needs `cdk8s-plus-27` at runtime.
 */

/** Props of DemoApp. */
export interface DemoAppProps {
  /** The mesh the application joins. */
  readonly mesh: ILinkerdMesh;
  /** Namespace of the application. @default 'demo' */
  readonly namespace?: string;
  /** Image of the three tiers. @default 'ghcr.io/stefanprodan/podinfo:6.7.1' */
  readonly image?: string;
  /**
   * Span attributes `api`'s proxy adds to its traces (the mesh must trace: `proxy.tracing` on
   * its control plane).
   * @default - none
   */
  readonly traceAttributes?: Record<string, string>;
}

/** Props of one tier. */
interface DemoTierProps {
  readonly namespace: string;
  readonly image: string;
  /** Host of the tier this one calls. @default - none */
  readonly backend?: string;
}

/** One tier of the demo: a Deployment, its ServiceAccount and its Service, all named after the tier. */
export class DemoTier extends Construct {
  /** Port the tier serves HTTP on, in the container and in the Service. */
  public static readonly PORT = 9898;

  /** The tier's name, also the name of its Deployment, ServiceAccount and Service. */
  public readonly name: string;
  public readonly deployment: kplus.Deployment;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly service: kplus.Service;

  public constructor(scope: Construct, id: string, props: DemoTierProps) {
    super(scope, id);
    this.name = id;
    const metadata = { name: id, namespace: props.namespace, labels: { 'app.kubernetes.io/name': id, 'app.kubernetes.io/part-of': 'demo' } };
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata });
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata,
      replicas: 1,
      serviceAccount: this.serviceAccount,
      podMetadata: { labels: metadata.labels },
      containers: [{
        name: id,
        image: props.image,
        command: [
          './podinfo', `--port=${DemoTier.PORT}`, '--level=info',
          ...(props.backend ? [`--backend-url=http://${props.backend}.${props.namespace}.svc.cluster.local:${DemoTier.PORT}/echo`] : []),
        ],
        ports: [{ name: 'http', number: DemoTier.PORT }],
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: DemoTier.PORT }),
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: DemoTier.PORT }),
        resources: {
          cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
        },
        securityContext: { user: 65534, group: 65534 },
      }],
    });
    this.service = new kplus.Service(this, 'service', {
      metadata,
      selector: this.deployment,
      ports: [{ name: 'http', port: DemoTier.PORT, targetPort: DemoTier.PORT }],
    });
  }
}

/** The demo application: `web` → `api` → `db` in their own namespace, meshed. */
export class DemoApp extends Chart {
  /** The application's Namespace (`Chart.namespace` stays unset: each object names its own). */
  public readonly namespaceObject: kplus.Namespace;
  /** Name of the namespace. */
  public readonly namespaceName: string;
  public readonly web: DemoTier;
  public readonly api: DemoTier;
  public readonly db: DemoTier;
  /** How the namespace, `api` and `db` are meshed (`web` inherits the namespace's injection). */
  public readonly meshing: { readonly namespace: NamespaceMesh; readonly api: WorkloadMesh; readonly db: WorkloadMesh };

  public constructor(scope: Construct, id: string, props: DemoAppProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'demo';
    const image = props.image ?? 'ghcr.io/stefanprodan/podinfo:6.7.1';
    this.namespaceName = namespace;
    this.namespaceObject = new kplus.Namespace(this, 'namespace', { metadata: { name: namespace } });
    this.db = new DemoTier(this, 'db', { namespace, image });
    this.api = new DemoTier(this, 'api', { namespace, image, backend: 'db' });
    this.web = new DemoTier(this, 'web', { namespace, image, backend: 'api' });

    this.meshing = {
      // Webhook mode for the namespace: every pod created in it is injected by the cluster.
      namespace: props.mesh.meshNamespace(this.namespaceObject, { proxy: { logFormat: LogFormat.JSON } }),
      // Workload overrides on top, still applied by the injector.
      api: props.mesh.meshWorkload(this.api.deployment, {
        proxy: {
          resources: { cpu: { request: '20m' }, memory: { request: '32Mi', limit: '128Mi' } },
          tracing: props.traceAttributes ? { labels: props.traceAttributes } : undefined,
        },
      }),
      // Static mode: the proxy is in the manifest, so the injector leaves the pods alone.
      db: props.mesh.meshWorkload(this.db.deployment, { mode: MeshMode.STATIC }),
    };
  }

  /** The three tiers, in call order. */
  public get tiers(): DemoTier[] {
    return [this.web, this.api, this.db];
  }
}

/**
 * Adds the demo application to an app, applied after the control plane it joins. Static
 * injection renders `db`'s proxy from the control plane's values.
 */
export function addDemoApp(scope: Construct, mesh: ILinkerdMesh, props: Omit<DemoAppProps, 'mesh'> = {}): DemoApp {
  const demo = new DemoApp(scope, 'demo', { ...props, mesh });
  if (mesh instanceof Chart) demo.addDependency(mesh);
  // Default-deny: only web -> api -> db, kubelet probes and Prometheus scrapes are allowed.
  applyDemoPolicy(demo);
  return demo;
}
