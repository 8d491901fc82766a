import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import type { Container, PodSpec, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import { MeshedWorkload, ProxyBuilder, renderResources } from '../proxy/proxy-builder';
import { CREATED_BY } from '../version';
import { ControlPlaneContext } from './context';
import { ResourceValues } from './values';

/** A controller container: the Linkerd controller image running one sub-command. */
export interface ControllerContainerSpec {
  readonly name: string;
  readonly args: string[];
  readonly command?: string[];
  readonly ports: Array<[name: string, port: number]>;
  /** Port the probes use; a name when upstream probes by name. */
  readonly probePort: number | string;
  readonly livenessPath: string;
  /** Values key holding the probe timeouts, e.g. `destinationController`. */
  readonly probeValuesKey: string;
  readonly resources?: ResourceValues;
  readonly env?: Array<{ name: string; value: string }>;
  readonly mounts?: VolumeMount[];
}

/** A controller Deployment and how its pod is meshed. */
export interface ControllerDeploymentSpec {
  readonly component: string;
  readonly name: string;
  readonly serviceAccount: string;
  readonly containers: ControllerContainerSpec[];
  readonly volumes: Volume[];
  readonly mesh: Omit<MeshedWorkload, 'controlPlaneNamespace' | 'workloadKind' | 'workloadName' | 'workloadNamespace'>;
  /** Values key of the component's own pod annotations. */
  readonly podAnnotationsKey: string;
  readonly extraPodAnnotations?: Record<string, string>;
  /** Objects whose content rolls the pods when it changes (`checksum/config`). */
  readonly checksumOf?: ApiObject[];
  /** Upstream selects the injector by component alone; the others also by namespace and workload. */
  readonly selectByComponentOnly?: boolean;
  /** Values key of per-component proxy resources (e.g. `destinationProxyResources`). */
  readonly proxyResourcesKey: string;
}

/** The controller image, as the controller containers and the heartbeat run it. */
export function controllerImage(ctx: ControlPlaneContext): { image: string; imagePullPolicy: string } {
  const v = ctx.values;
  return { image: `${v.controllerImage}:${v.controllerImageVersion || v.linkerdVersion}`, imagePullPolicy: v.imagePullPolicy };
}

/** The restricted security context of every controller container and the heartbeat. */
export function controllerSecurityContext(ctx: ControlPlaneContext) {
  const v = ctx.values;
  return {
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: v.controllerUID,
    runAsGroup: v.controllerGID >= 0 ? v.controllerGID : undefined,
    allowPrivilegeEscalation: false,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function controllerContainer(ctx: ControlPlaneContext, spec: ControllerContainerSpec): Container {
  const probes = (ctx.values[spec.probeValuesKey] ?? {}) as { livenessProbe?: { timeoutSeconds?: number }; readinessProbe?: { timeoutSeconds?: number } };
  return {
    ...(spec.command ? { command: spec.command } : {}),
    args: spec.args,
    env: spec.env,
    ...controllerImage(ctx),
    livenessProbe: {
      httpGet: { path: spec.livenessPath, port: spec.probePort },
      initialDelaySeconds: 10,
      timeoutSeconds: probes.livenessProbe?.timeoutSeconds,
    },
    name: spec.name,
    ports: spec.ports.map(([name, containerPort]) => ({ containerPort, name })),
    readinessProbe: {
      failureThreshold: 7,
      httpGet: { path: '/ready', port: spec.probePort },
      timeoutSeconds: probes.readinessProbe?.timeoutSeconds,
    },
    resources: renderResources(spec.resources),
    securityContext: controllerSecurityContext(ctx),
    volumeMounts: [...(spec.mounts ?? []), KUBE_API_ACCESS_MOUNT],
  };
}

/** A controller Deployment, its pod meshed as upstream meshes the control plane. */
export function controllerDeployment(ctx: ControlPlaneContext, spec: ControllerDeploymentSpec): ApiObject {
  const v = ctx.values;
  const ns = ctx.namespace;
  const values = structuredClone(v);
  // Per-component proxy resources replace the mesh-wide ones for this pod only.
  const proxyResources = v[spec.proxyResourcesKey] as ResourceValues | undefined;
  if (proxyResources) values.proxy.resources = { ...values.proxy.resources, ...proxyResources };
  values.proxy.waitBeforeExitSeconds = 0;
  values.proxy.defaultInboundPolicy = 'all-unauthenticated';
  values.proxy.outboundDiscoveryCacheUnusedTimeout = '5s';
  values.proxy.inboundDiscoveryCacheUnusedTimeout = '90s';
  // Controllers reach the API server before their proxy is up, so those ports always bypass it.
  values.proxyInit.ignoreOutboundPorts = v.proxyInit.kubeAPIServerPorts;
  if (spec.component === 'identity') {
    // Identity issues the proxy its own certificate, so the proxy cannot gate the controller.
    values.proxy.nativeSidecar = false;
    values.proxy.await = false;
  }
  const parts = new ProxyBuilder(values).build({
    controlPlaneNamespace: ns,
    workloadKind: 'deployment',
    workloadName: spec.name,
    workloadNamespace: ns,
    loadTrustBundleFromConfigMap: true,
    capabilities: { drop: ['ALL'] },
    ...spec.mesh,
  });
  const appContainers = spec.containers.map((c) => controllerContainer(ctx, c));
  const containers = parts.classicProxy
    ? (parts.classicProxy.placement === 'first' ? [parts.classicProxy.container, ...appContainers] : [...appContainers, parts.classicProxy.container])
    : appContainers;

  const selector = spec.selectByComponentOnly
    ? { 'linkerd.io/control-plane-component': spec.component }
    : { 'linkerd.io/control-plane-component': spec.component, 'linkerd.io/control-plane-ns': ns, [`linkerd.io/proxy-deployment`]: spec.name };
  const componentPodAnnotations = ((v[spec.podAnnotationsKey] as { podAnnotations?: Record<string, string> } | undefined)?.podAnnotations) ?? {};
  const checksum = spec.checksumOf?.length
    ? { 'checksum/config': createHash('sha256').update(JSON.stringify(spec.checksumOf.map((o) => o.toJson()))).digest('hex') }
    : {};
  const podSpec: PodSpec = {
    runtimeClassName: v.runtimeClassName || undefined,
    tolerations: v.tolerations as PodSpec['tolerations'],
    nodeSelector: v.nodeSelector,
    affinity: v.enablePodAntiAffinity ? podAntiAffinity('linkerd.io/control-plane-component', spec.component) : undefined,
    automountServiceAccountToken: false,
    containers,
    initContainers: parts.initContainers,
    priorityClassName: v.priorityClassName || undefined,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    serviceAccountName: spec.serviceAccount,
    volumes: [...spec.volumes, KUBE_API_ACCESS_VOLUME, ...parts.volumes],
  };
  return ctx.obj(`deploy-${spec.component}`, 'apps/v1', 'Deployment', {
    annotations: { 'linkerd.io/created-by': CREATED_BY },
    labels: {
      'app.kubernetes.io/name': spec.component,
      'app.kubernetes.io/part-of': 'Linkerd',
      'app.kubernetes.io/version': v.linkerdVersion,
      'linkerd.io/control-plane-component': spec.component,
      ...ctx.baseLabels,
    },
    name: spec.name,
    namespace: ns,
  }, {
    spec: {
      replicas: v.controllerReplicas,
      revisionHistoryLimit: v.revisionHistoryLimit,
      selector: { matchLabels: selector },
      strategy: v.deploymentStrategy,
      template: {
        metadata: {
          annotations: {
            ...checksum,
            ...parts.annotations,
            ...v.podAnnotations,
            ...componentPodAnnotations,
            ...spec.extraPodAnnotations,
            'config.linkerd.io/default-inbound-policy': 'all-unauthenticated',
          },
          labels: { 'linkerd.io/control-plane-component': spec.component, ...parts.labels, ...v.podLabels },
        },
        spec: podSpec,
      },
    },
  });
}

/** Anti-affinity on one label: required across nodes, preferred across zones (upstream's HA preset, also used by extensions). */
export function podAntiAffinity(label: string, value: string): NonNullable<PodSpec['affinity']> {
  const selector = { matchExpressions: [{ key: label, operator: 'In', values: [value] }] };
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: selector, topologyKey: 'topology.kubernetes.io/zone' }, weight: 100 }],
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: structuredClone(selector), topologyKey: 'kubernetes.io/hostname' }],
    },
  };
}

/** Controllers mount their API token by hand, with a short expiry, instead of the automounted one. */
export const KUBE_API_ACCESS_MOUNT: VolumeMount = { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true };
export const KUBE_API_ACCESS_VOLUME: Volume = {
  name: 'kube-api-access',
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
    ],
  },
};
