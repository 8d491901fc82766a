import type { Container } from 'kubernetes-types/core/v1';
import { IConstruct } from 'constructs';
import { renderResources } from '../proxy/proxy-builder';
import { ContainerResources, LogFormat, resourceValues } from '../proxy/proxy-spec';
import * as check from '../validate';

/**
 * The CNI repair controller: it deletes meshed pods whose `linkerd-network-validator` failed,
 * usually because the pod raced the CNI plugin chain on a fresh node, so that they start again
 * with a working network configuration.
 */
export interface CniRepairControllerProps {
  /** @default 'info' */
  readonly logLevel?: string;
  /** @default LogFormat.PLAIN */
  readonly logFormat?: LogFormat;
  /** @default - none */
  readonly resources?: ContainerResources;
}

/** The `repair-controller` container of the CNI DaemonSet, running the plugin image. */
export function repairControllerContainer(scope: IConstruct, props: CniRepairControllerProps, image: Pick<Container, 'image' | 'imagePullPolicy'>, ipv6: boolean): Container {
  const logLevel = check.oneOf(scope, 'repairController.logLevel', props.logLevel ?? 'info', ['error', 'warn', 'info', 'debug', 'trace']);
  const logFormat = check.oneOf(scope, 'repairController.logFormat', props.logFormat ?? LogFormat.PLAIN, Object.values(LogFormat));
  return {
    name: 'repair-controller',
    ...image,
    env: [
      { name: 'LINKERD_CNI_REPAIR_CONTROLLER_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'LINKERD_CNI_REPAIR_CONTROLLER_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ],
    command: ['/usr/lib/linkerd/linkerd-cni-repair-controller'],
    args: ['--admin-addr', `${ipv6 ? '[::]' : '0.0.0.0'}:9990`, '--log-format', logFormat, '--log-level', logLevel],
    livenessProbe: { httpGet: { path: '/live', port: 'repair-admin' } },
    readinessProbe: { failureThreshold: 7, httpGet: { path: '/ready', port: 'repair-admin' }, initialDelaySeconds: 10 },
    ports: [{ containerPort: 9990, name: 'repair-admin' }],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: props.resources ? renderResources(resourceValues(scope, 'repairController.resources', props.resources)) : undefined,
  };
}
