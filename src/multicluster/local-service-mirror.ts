import { IConstruct } from 'constructs';
import { podAntiAffinity } from '../control-plane/controller-deployment';
import * as check from '../validate';
import { controllerPodSpec, CREATED_BY_ANNOTATION, EXTENSION_LABEL, MulticlusterContext, RBAC } from './context';
import { meshAnnotations } from './mesh-annotations';
import { resolveServiceMirror, ServiceMirrorProps } from './service-mirror-settings';

/** The local service mirror: joins this cluster's own Services into federated Services. */
export interface LocalServiceMirrorProps extends ServiceMirrorProps {
  /** Labels that make a local Service a member of a federated Service. @default { 'mirror.linkerd.io/federated': 'member' } */
  readonly federatedServiceLabels?: Record<string, string>;
  /** Labels not copied onto the federated Service. @default - none */
  readonly excludedLabels?: string[];
  /** Annotations not copied onto the federated Service. @default - none */
  readonly excludedAnnotations?: string[];
}

/** Mirror controllers read and write Services and Endpoints, and list namespaces. */
export const MIRROR_LOCAL_RULES = [
  { apiGroups: [''], resources: ['endpoints', 'services'], verbs: ['list', 'get', 'watch', 'create', 'delete', 'update'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'get', 'watch'] },
];

/** `k=v,k2=v2`, the label query the controller takes. */
export function labelQuery(scope: IConstruct, field: string, labels: Record<string, string>): string {
  return Object.entries(check.labelMap(scope, field, labels)).map(([k, v]) => `${k}=${v}`).join(',');
}

export function renderLocalServiceMirror(ctx: MulticlusterContext, scope: IConstruct, props: LocalServiceMirrorProps): void {
  const name = 'linkerd-local-service-mirror';
  const component = { component: 'local-service-mirror' };
  const labels = { ...EXTENSION_LABEL, ...component };
  const m = resolveServiceMirror(scope, 'localServiceMirror', props);
  const federated = labelQuery(scope, 'localServiceMirror.federatedServiceLabels', props.federatedServiceLabels ?? { 'mirror.linkerd.io/federated': 'member' });
  const clusterRole = `${name}-access-local-resources`;

  ctx.obj('local-service-mirror-cluster-role', RBAC, 'ClusterRole', { name: clusterRole, labels }, {
    rules: [
      ...MIRROR_LOCAL_RULES,
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update', 'patch'] },
      { apiGroups: ['multicluster.linkerd.io'], resources: ['links'], verbs: ['list', 'get', 'watch'] },
      { apiGroups: ['multicluster.linkerd.io'], resources: ['links/status'], verbs: ['update'] },
    ],
  });
  ctx.obj('local-service-mirror-cluster-role-binding', RBAC, 'ClusterRoleBinding', { name: clusterRole, labels }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ctx.namespace }],
  });
  ctx.obj('local-service-mirror-sa', 'v1', 'ServiceAccount', { name, namespace: ctx.namespace, labels }, { imagePullSecrets: ctx.imagePullSecrets });
  ctx.obj('local-service-mirror-deployment', 'apps/v1', 'Deployment', { name, namespace: ctx.namespace, labels }, {
    spec: {
      replicas: m.replicas,
      revisionHistoryLimit: ctx.revisionHistoryLimit,
      selector: { matchLabels: component },
      strategy: ctx.highAvailability ? { rollingUpdate: { maxUnavailable: 1 } } : undefined,
      template: {
        metadata: {
          annotations: {
            ...meshAnnotations(scope, 'localServiceMirror.proxy', { waitBeforeExitSeconds: 0 }, m.proxy),
            'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
            ...ctx.podAnnotations,
          },
          labels: { ...labels, ...ctx.podLabels },
        },
        spec: {
          affinity: ctx.highAvailability ? podAntiAffinity('component', 'local-service-mirror') : undefined,
          ...controllerPodSpec(name, {
            name: 'service-mirror',
            image: ctx.controllerImage,
            args: [
              'service-mirror',
              `-log-level=${m.logLevel}`,
              `-log-format=${m.logFormat}`,
              `-event-requeue-limit=${m.retryLimit}`,
              `-namespace=${ctx.namespace}`,
              `-enable-pprof=${m.enablePprof}`,
              '-local-mirror',
              `-federated-service-selector=${federated}`,
              `-excluded-labels=${(props.excludedLabels ?? []).join(',')}`,
              `-excluded-annotations=${(props.excludedAnnotations ?? []).join(',')}`,
            ],
            securityContext: m.securityContext,
            ports: [{ containerPort: 9999, name: 'locsm-admin' }],
            resources: m.resources,
          }, m),
        },
      },
    },
  });
  if (ctx.highAvailability) {
    ctx.obj('local-service-mirror-pdb', 'policy/v1', 'PodDisruptionBudget', { name, namespace: ctx.namespace, labels: component, annotations: CREATED_BY_ANNOTATION }, {
      spec: { maxUnavailable: 1, selector: { matchLabels: component } },
    });
  }
}
