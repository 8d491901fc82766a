import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import type { Container, PodSpec, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import { podAntiAffinity, KUBE_API_ACCESS_MOUNT, KUBE_API_ACCESS_VOLUME } from '../control-plane/controller-deployment';
import { ResourceValues } from '../control-plane/values';
import { ILinkerdMesh } from '../mesh/mesh';
import { renderResources } from '../proxy/proxy-builder';
import { ProxySettings } from '../proxy/proxy-spec';
import { VizContext } from './context';
import { VizComponentName } from './viz-config';

/** One viz Deployment: its pod, and the quirks of upstream's labels for it. */
interface DeploymentSpec {
  readonly component: VizComponentName | 'prometheus';
  readonly container: Container;
  readonly volumes: Volume[];
  readonly replicas: number;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations?: PodSpec['tolerations'];
  readonly proxy?: ProxySettings;
  /** Upstream's `namespace: <ns>` label on the Deployment, its selector and its pods. */
  readonly namespaceLabel: boolean;
  /** The tap injector's Deployment carries no version label and selects by component only. */
  readonly injectorQuirks?: boolean;
  /** Spread replicas with pod anti-affinity when enabled (every component but Prometheus). */
  readonly antiAffinity: boolean;
  /** Roll with at most one unavailable replica when anti-affinity is on (tap and the injector, as upstream). */
  readonly rollOneAtATime: boolean;
  /** `cluster-autoscaler.kubernetes.io/safe-to-evict` (not Prometheus, whose data is lost on eviction). */
  readonly safeToEvict: boolean;
  readonly podAnnotations?: Record<string, string>;
  readonly podSecurityContext?: PodSpec['securityContext'];
  /** Key of the checksum sources (`VizContext.track`) whose change rolls the pods. @default - no checksum */
  readonly checksumOf?: string;
}

/** Probes and ports of a Linkerd viz controller container. */
interface VizContainerSpec {
  readonly component: VizComponentName;
  readonly args: string[];
  readonly ports: Array<[name: string, port: number]>;
  readonly adminPort: number;
  readonly mounts?: VolumeMount[];
}

const TLS_MOUNT: VolumeMount = { mountPath: '/var/run/linkerd/tls', name: 'tls', readOnly: true };

function vizContainer(ctx: VizContext, spec: VizContainerSpec): Container {
  const c = ctx.config.components[spec.component];
  return {
    args: spec.args,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    livenessProbe: { httpGet: { path: '/ping', port: spec.adminPort }, initialDelaySeconds: 10 },
    name: spec.component,
    ports: spec.ports.map(([name, containerPort]) => ({ containerPort, name })),
    readinessProbe: { failureThreshold: 7, httpGet: { path: '/ready', port: spec.adminPort } },
    resources: renderResources(c.resources),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: c.uid,
      runAsGroup: c.gid,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [...(spec.mounts ?? []), KUBE_API_ACCESS_MOUNT],
  };
}

/** The Deployments of the four viz controllers and, when bundled, Prometheus, in upstream's order. */
function deploymentSpecs(ctx: VizContext): DeploymentSpec[] {
  const c = ctx.config;
  const comp = c.components;
  const logArgs = (name: VizComponentName) => [`-log-level=${comp[name].logLevel}`, `-log-format=${comp[name].logFormat}`];
  const common = (name: VizComponentName) => ({
    replicas: comp[name].replicas,
    nodeSelector: comp[name].nodeSelector,
    tolerations: comp[name].tolerations,
    proxy: comp[name].proxy,
    antiAffinity: true,
    safeToEvict: true,
  });
  const tlsVolume = (name: string): Volume => ({ name: 'tls', secret: { secretName: `${name}-k8s-tls` } });
  const specs: DeploymentSpec[] = [
    {
      component: 'metrics-api', ...common('metrics-api'), checksumOf: 'metrics-api', namespaceLabel: false, rollOneAtATime: false, volumes: [],
      container: vizContainer(ctx, {
        component: 'metrics-api',
        args: [
          `-controller-namespace=${c.linkerdNamespace}`, ...logArgs('metrics-api'), `-cluster-domain=${c.clusterDomain}`,
          `-prometheus-url=${c.prometheusUrl}`, '-enable-pprof=false',
        ],
        ports: [['http', 8085], ['admin', 9995]],
        adminPort: 9995,
      }),
    },
  ];
  const bundled = c.prometheus.bundled;
  const pod = c.prometheusPod;
  if (bundled && pod) {
    specs.push({
      component: 'prometheus',
      replicas: 1,
      nodeSelector: pod.nodeSelector,
      tolerations: pod.tolerations,
      proxy: bundled.proxy,
      namespaceLabel: true,
      antiAffinity: false,
      rollOneAtATime: false,
      safeToEvict: false,
      podAnnotations: bundled.podAnnotations,
      podSecurityContext: { fsGroup: 65534 },
      // Prometheus does not reload its configuration by itself: a new one rolls the pod.
      checksumOf: 'prometheus-config',
      volumes: [{ name: 'data', emptyDir: {} }, { configMap: { name: 'prometheus-config' }, name: 'prometheus-config' }],
      container: {
        args: [
          `--log.level=${pod.logLevel}`, `--log.format=${pod.logFormat}`,
          ...bundled.args.map(([name, value]) => `--${name}${value ? `=${value}` : ''}`),
        ],
        image: bundled.image,
        imagePullPolicy: pod.imagePullPolicy,
        livenessProbe: { httpGet: { path: '/-/healthy', port: 9090 }, initialDelaySeconds: 30, timeoutSeconds: 30 },
        name: 'prometheus',
        ports: [{ containerPort: 9090, name: 'admin' }],
        readinessProbe: { httpGet: { path: '/-/ready', port: 9090 }, initialDelaySeconds: 30, timeoutSeconds: 30 },
        resources: renderResources(pod.resources as ResourceValues | undefined),
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsGroup: 65534,
          runAsNonRoot: true,
          runAsUser: 65534,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [
          { mountPath: '/data', name: 'data' },
          { mountPath: '/etc/prometheus/prometheus.yml', name: 'prometheus-config', subPath: 'prometheus.yml', readOnly: true },
          KUBE_API_ACCESS_MOUNT,
        ],
      },
    });
  }
  specs.push(
    {
      component: 'tap-injector', ...common('tap-injector'), checksumOf: 'tap-injector', namespaceLabel: false, injectorQuirks: true, rollOneAtATime: true,
      volumes: [tlsVolume('tap-injector')],
      container: vizContainer(ctx, {
        component: 'tap-injector',
        args: [
          'injector', `-tap-service-name=tap.${c.namespace}.serviceaccount.identity.${c.linkerdNamespace}.${c.trustDomain}`,
          ...logArgs('tap-injector'), '-enable-pprof=false',
        ],
        ports: [['tap-injector', 8443], ['admin', 9995]],
        adminPort: 9995,
        mounts: [TLS_MOUNT],
      }),
    },
    {
      component: 'tap', ...common('tap'), checksumOf: 'tap', namespaceLabel: true, rollOneAtATime: true,
      volumes: [tlsVolume('tap')],
      container: vizContainer(ctx, {
        component: 'tap',
        args: [
          'api', `-api-namespace=${c.linkerdNamespace}`, ...logArgs('tap'), `-identity-trust-domain=${c.trustDomain}`, '-enable-pprof=false',
          ...(c.tapIgnoreHeaders.length > 0 ? [`-ignore-headers=${c.tapIgnoreHeaders.join(',')}`] : []),
        ],
        ports: [['grpc', 8088], ['apiserver', 8089], ['admin', 9998]],
        adminPort: 9998,
        mounts: [TLS_MOUNT],
      }),
    },
    {
      component: 'web', ...common('web'), namespaceLabel: true, rollOneAtATime: false, volumes: [],
      container: vizContainer(ctx, {
        component: 'web',
        args: [
          `-linkerd-metrics-api-addr=metrics-api.${c.namespace}.svc.${c.clusterDomain}:8085`, `-cluster-domain=${c.clusterDomain}`,
          `-controller-namespace=${c.linkerdNamespace}`, ...logArgs('web'), `-enforced-host=${c.enforcedHostRegexp}`, '-enable-pprof=false',
        ],
        ports: [['http', 8084], ['admin', 9994]],
        adminPort: 9994,
      }),
    },
  );
  return specs;
}

/**
 * viz's Deployments, their pods meshed through the control plane (`mesh.meshWorkload`: annotated
 * for the injector, or injected statically by the shared proxy builder), and a disruption budget
 * for each component with more than one replica when asked.
 */
export function renderDeployments(ctx: VizContext, mesh: ILinkerdMesh): ApiObject[] {
  const c = ctx.config;
  return deploymentSpecs(ctx).map((spec) => {
    const component = spec.component;
    const selector = spec.injectorQuirks ? { component } : ctx.labels({ component, namespaceLabel: spec.namespaceLabel });
    const sources = spec.checksumOf ? ctx.checksumSources.get(spec.checksumOf) : undefined;
    const checksum = sources?.length
      ? { 'checksum/config': createHash('sha256').update(JSON.stringify(sources.map((o) => o.toJson()))).digest('hex') }
      : {};
    const podSpec: PodSpec = {
      tolerations: spec.tolerations,
      nodeSelector: spec.nodeSelector,
      affinity: spec.antiAffinity && c.podAntiAffinity ? podAntiAffinity('component', component) : undefined,
      automountServiceAccountToken: false,
      containers: [spec.container],
      priorityClassName: c.priorityClassName,
      securityContext: { ...spec.podSecurityContext, seccompProfile: { type: 'RuntimeDefault' } },
      serviceAccountName: component,
      volumes: [...spec.volumes, KUBE_API_ACCESS_VOLUME],
    };
    const deployment = ctx.obj(`deployment-${component}`, 'apps/v1', 'Deployment', {
      annotations: { ...ctx.createdBy, 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-await': 'enabled' },
      labels: {
        ...ctx.labels(),
        'app.kubernetes.io/name': component,
        'app.kubernetes.io/part-of': 'Linkerd',
        ...(spec.injectorQuirks ? {} : { 'app.kubernetes.io/version': c.version }),
        ...ctx.labels({ component, namespaceLabel: spec.namespaceLabel }),
      },
      name: component,
      namespace: c.namespace,
    }, {
      spec: {
        replicas: spec.replicas,
        revisionHistoryLimit: c.revisionHistoryLimit,
        selector: { matchLabels: selector },
        strategy: spec.rollOneAtATime && c.podAntiAffinity ? { rollingUpdate: { maxUnavailable: 1 } } : undefined,
        template: {
          metadata: {
            annotations: {
              ...checksum,
              ...ctx.createdBy,
              ...c.podAnnotations,
              ...spec.podAnnotations,
              ...(spec.safeToEvict ? { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } : {}),
            },
            labels: { ...ctx.labels({ component, namespaceLabel: spec.namespaceLabel }), ...c.podLabels },
          },
          spec: podSpec,
        },
      },
    });
    // Upstream's pods are meshed by the injector; in static mode the same proxy is rendered here.
    mesh.meshWorkload(deployment, { mode: c.meshMode, proxy: { waitBeforeExitSeconds: 0, ...spec.proxy } });
    if (c.podDisruptionBudget && spec.replicas > 1) {
      ctx.obj(`pdb-${component}`, 'policy/v1', 'PodDisruptionBudget', {
        name: component, namespace: c.namespace, labels: ctx.labels({ component, namespaceLabel: true }), annotations: ctx.createdBy,
      }, {
        spec: { maxUnavailable: 1, selector: { matchLabels: ctx.labels({ component }) } },
      });
    }
    return deployment;
  });
}
