import { renderResources } from '../proxy/proxy-builder';
import { CREATED_BY } from '../version';
import { ControlPlaneContext } from './context';
import { controllerImage, controllerSecurityContext, KUBE_API_ACCESS_MOUNT, KUBE_API_ACCESS_VOLUME } from './controller-deployment';
import { ResourceValues } from './values';

/** The heartbeat CronJob, on the schedule resolved from `Heartbeat`; nothing when disabled. */
export function renderHeartbeat(ctx: ControlPlaneContext): void {
  const v = ctx.values;
  if (v.disableHeartBeat) return;
  ctx.obj('heartbeat', 'batch/v1', 'CronJob', {
    name: 'linkerd-heartbeat',
    namespace: ctx.namespace,
    labels: {
      'app.kubernetes.io/name': 'heartbeat',
      'app.kubernetes.io/part-of': 'Linkerd',
      'app.kubernetes.io/version': v.linkerdVersion,
      'linkerd.io/control-plane-component': 'heartbeat',
      ...ctx.baseLabels,
    },
    annotations: { 'linkerd.io/created-by': CREATED_BY },
  }, {
    spec: {
      concurrencyPolicy: 'Replace',
      schedule: v.heartbeatSchedule,
      successfulJobsHistoryLimit: 0,
      jobTemplate: {
        spec: {
          template: {
            metadata: {
              labels: { 'linkerd.io/control-plane-component': 'heartbeat', 'linkerd.io/workload-ns': ctx.namespace, ...v.podLabels },
              annotations: { 'linkerd.io/created-by': CREATED_BY, ...v.podAnnotations },
            },
            spec: {
              nodeSelector: v.nodeSelector,
              priorityClassName: v.priorityClassName || undefined,
              runtimeClassName: v.runtimeClassName || undefined,
              tolerations: v.tolerations,
              securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
              serviceAccountName: 'linkerd-heartbeat',
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              containers: [{
                name: 'heartbeat',
                ...controllerImage(ctx),
                env: [{ name: 'LINKERD_DISABLED', value: 'the heartbeat controller does not use the proxy' }],
                args: [
                  'heartbeat', `-controller-namespace=${ctx.namespace}`,
                  `-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`,
                  `-prometheus-url=${v.prometheusUrl || `http://prometheus.linkerd-viz.svc.${v.clusterDomain}:9090`}`,
                ],
                resources: renderResources(v.heartbeatResources as ResourceValues | undefined),
                securityContext: controllerSecurityContext(ctx),
                volumeMounts: [KUBE_API_ACCESS_MOUNT],
              }],
              volumes: [KUBE_API_ACCESS_VOLUME],
            },
          },
        },
      },
    },
  });
}
