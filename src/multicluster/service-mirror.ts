import { IConstruct } from 'constructs';
import { podAntiAffinity } from '../control-plane/controller-deployment';
import { controllerPodSpec, CREATED_BY_ANNOTATION, EXTENSION_LABEL, MulticlusterContext, RBAC } from './context';
import { Link } from './link';
import { meshAnnotations } from './mesh-annotations';
import { ResolvedServiceMirror } from './service-mirror-settings';

/** The ClusterRole every link's service mirror is bound to. */
export const CONTROLLER_CLUSTER_ROLE = 'linkerd-multicluster-controller-access-local-resources';

/**
 * The service mirror controller of one Link (the multicluster chart's `controllers` entry):
 * watches the target cluster with the Link's credentials and mirrors its exported Services
 * here, probing the target's gateway through a local probe Service.
 */
export function renderServiceMirror(ctx: MulticlusterContext, scope: IConstruct, link: Link, m: ResolvedServiceMirror, options: { readonly enableHeadlessServices: boolean }): void {
  const cluster = link.targetClusterName;
  const name = `controller-${cluster}`;
  const clusterLabel = { 'mirror.linkerd.io/cluster-name': cluster };
  const component = { component: 'controller' };
  const labels = { ...EXTENSION_LABEL, ...component, ...clusterLabel };
  const id = (what: string) => `link-${cluster}-${what}`;

  ctx.obj(id('sa'), 'v1', 'ServiceAccount', { name, namespace: ctx.namespace, labels }, { imagePullSecrets: ctx.imagePullSecrets });
  ctx.obj(id('cluster-role-binding'), RBAC, 'ClusterRoleBinding', { name: `${CONTROLLER_CLUSTER_ROLE}-${cluster}`, labels }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ctx.namespace }],
  });
  const role = `controller-read-remote-creds-${cluster}`;
  ctx.obj(id('role'), RBAC, 'Role', { name: role, namespace: ctx.namespace, labels }, {
    rules: [
      { apiGroups: [''], resources: ['secrets'], resourceNames: [link.credentialsSecretName], verbs: ['list', 'get', 'watch'] },
      { apiGroups: ['multicluster.linkerd.io'], resources: ['links'], verbs: ['list', 'get', 'watch'] },
      { apiGroups: ['multicluster.linkerd.io'], resources: ['links/status'], verbs: ['update', 'patch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update', 'patch'] },
    ],
  });
  ctx.obj(id('role-binding'), RBAC, 'RoleBinding', { name: role, namespace: ctx.namespace, labels }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ctx.namespace }],
  });
  const selector = { ...component, ...clusterLabel };
  ctx.obj(id('deployment'), 'apps/v1', 'Deployment', { name, namespace: ctx.namespace, labels }, {
    spec: {
      replicas: m.replicas,
      revisionHistoryLimit: ctx.revisionHistoryLimit,
      selector: { matchLabels: selector },
      strategy: ctx.highAvailability ? { rollingUpdate: { maxUnavailable: 1 } } : undefined,
      template: {
        metadata: {
          annotations: {
            ...meshAnnotations(scope, `links.${cluster}.serviceMirror.proxy`, { waitBeforeExitSeconds: 0 }, m.proxy),
            'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
            ...ctx.podAnnotations,
          },
          labels: { ...labels, ...ctx.podLabels },
        },
        spec: {
          affinity: ctx.highAvailability ? podAntiAffinity('mirror.linkerd.io/cluster-name', cluster) : undefined,
          ...controllerPodSpec(name, {
            name: 'controller',
            image: ctx.controllerImage,
            args: [
              'service-mirror',
              `-log-level=${m.logLevel}`,
              `-log-format=${m.logFormat}`,
              `-event-requeue-limit=${m.retryLimit}`,
              `-namespace=${ctx.namespace}`,
              ...(options.enableHeadlessServices ? ['-enable-headless-services'] : []),
              ...(ctx.enableNamespaceCreation ? ['-enable-namespace-creation'] : []),
              `-enable-pprof=${m.enablePprof}`,
              `-probe-service=probe-${cluster}`,
              cluster,
            ],
            securityContext: m.securityContext,
            ports: [{ containerPort: 9999, name: 'ctrl-admin' }],
            resources: m.resources,
          }, m),
        },
      },
    },
  });
  if (ctx.highAvailability) {
    ctx.obj(id('pdb'), 'policy/v1', 'PodDisruptionBudget', { name, namespace: ctx.namespace, labels: component, annotations: CREATED_BY_ANNOTATION }, {
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    });
  }
  // The mirror points this Service at the target's gateway and probes it through it.
  if (link.probePort !== undefined) {
    ctx.obj(id('probe-service'), 'v1', 'Service', {
      name: `probe-${cluster}`,
      namespace: ctx.namespace,
      annotations: CREATED_BY_ANNOTATION,
      labels: { ...EXTENSION_LABEL, 'mirror.linkerd.io/mirrored-gateway': 'true', ...clusterLabel },
    }, { spec: { ports: [{ name: 'mc-probe', port: link.probePort, protocol: 'TCP' }] } });
  }
}
