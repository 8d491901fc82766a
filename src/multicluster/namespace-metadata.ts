import type { Toleration } from 'kubernetes-types/core/v1';
import { controllerPodSpec, CREATED_BY_ANNOTATION, EXTENSION_LABEL, MulticlusterContext, RBAC, restrictedSecurityContext } from './context';

/** Image of the job that labels an extension's namespace. */
export const EXTENSION_INIT_IMAGE = 'cr.l5d.io/linkerd/extension-init:v0.1.12';

/** Helm runs these after install; Argo CD maps them to PostSync hooks; `kubectl apply` just runs the Job. */
const HOOK = (weight: number) => ({
  'helm.sh/hook': 'post-install',
  'helm.sh/hook-weight': String(weight),
  'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
});

/**
 * The `namespace-metadata` Job (and its RBAC) that labels the extension's namespace and copies
 * the control plane's settings onto it, as the chart's post-install hook does; `linkerd check`
 * and the viz dashboard find the extension by those labels.
 */
export function renderNamespaceMetadata(ctx: MulticlusterContext, options: { image: string; gid: number; uid: number; nodeSelector?: Record<string, string>; tolerations?: Toleration[] }): void {
  const name = 'namespace-metadata';
  const hook = (weight: number) => ({ ...CREATED_BY_ANNOTATION, ...HOOK(weight) });
  const subjects = [{ kind: 'ServiceAccount', name, namespace: ctx.namespace }];
  ctx.obj('namespace-metadata-sa', 'v1', 'ServiceAccount', { name, namespace: ctx.namespace, labels: EXTENSION_LABEL, annotations: hook(0) }, { imagePullSecrets: ctx.imagePullSecrets });
  ctx.obj('namespace-metadata-role', RBAC, 'Role', { name, namespace: ctx.namespace, labels: EXTENSION_LABEL, annotations: hook(0) }, {
    rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'patch'], resourceNames: [ctx.namespace] }],
  });
  ctx.obj('namespace-metadata-role-binding', RBAC, 'RoleBinding', { name, namespace: ctx.namespace, labels: EXTENSION_LABEL, annotations: hook(0) }, {
    roleRef: { kind: 'Role', name, apiGroup: 'rbac.authorization.k8s.io' },
    subjects,
  });
  // Reads linkerd-config through the Role the control plane keeps for extensions.
  ctx.obj('namespace-metadata-config-reader', RBAC, 'RoleBinding', {
    name: 'mc-namespace-metadata-linkerd-config', namespace: ctx.controlPlaneNamespace, labels: EXTENSION_LABEL, annotations: hook(0),
  }, {
    roleRef: { kind: 'Role', name: 'ext-namespace-metadata-linkerd-config', apiGroup: 'rbac.authorization.k8s.io' },
    subjects,
  });
  const labels = {
    ...EXTENSION_LABEL, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'Linkerd', 'app.kubernetes.io/version': ctx.linkerdVersion,
  };
  const pod = controllerPodSpec(name, {
    name,
    image: options.image,
    imagePullPolicy: ctx.imagePullPolicy,
    securityContext: restrictedSecurityContext(options.uid, options.gid),
    args: ['--extension', 'multicluster', '--namespace', ctx.namespace, '--linkerd-namespace', ctx.controlPlaneNamespace],
  }, options);
  ctx.obj('namespace-metadata-job', 'batch/v1', 'Job', { name, namespace: ctx.namespace, labels, annotations: hook(1) }, {
    spec: {
      template: {
        metadata: { annotations: { ...CREATED_BY_ANNOTATION, 'linkerd.io/inject': 'disabled' }, labels: { ...labels, ...ctx.podLabels } },
        spec: { ...pod, restartPolicy: 'Never' },
      },
    },
  });
}
