import { ApiObject, Chart } from 'cdk8s';
import type { Container, PodSpec, Toleration } from 'kubernetes-types/core/v1';
import { KUBE_API_ACCESS_MOUNT, KUBE_API_ACCESS_VOLUME } from '../control-plane/controller-deployment';
import { prune } from '../proxy/proxy-builder';
import { CREATED_BY } from '../version';

/**
 * What the renderers of one multicluster extension share. Internal: not re-exported by the
 * barrel. Every object is a child of the extension's chart, so construct ids are the chart's.
 */
export interface MulticlusterContext {
  readonly chart: Chart;
  /** Namespace of the extension. */
  readonly namespace: string;
  /** Namespace of the control plane it belongs to. */
  readonly controlPlaneNamespace: string;
  /** Trust domain of the control plane's identities. */
  readonly trustDomain: string;
  /** `<controller image>:<tag>` of the mesh, which the service mirrors run. */
  readonly controllerImage: string;
  readonly linkerdVersion: string;
  readonly imagePullPolicy: string;
  readonly imagePullSecrets: Array<{ name: string }>;
  readonly commonLabels: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  readonly revisionHistoryLimit: number;
  /** Spread replicas over nodes and zones, with PodDisruptionBudgets. */
  readonly highAvailability: boolean;
  /** Service mirrors may create the namespaces of mirrored Services. */
  readonly enableNamespaceCreation: boolean;
  /** An ApiObject child of the chart, pruned of empty fields, with `linkerd.io/extension` and the common labels. */
  obj(id: string, apiVersion: string, kind: string, metadata: Record<string, unknown>, body?: Record<string, unknown>): ApiObject;
}

export const EXTENSION_LABEL = { 'linkerd.io/extension': 'multicluster' };
export const CREATED_BY_ANNOTATION = { 'linkerd.io/created-by': CREATED_BY };
export const RBAC = 'rbac.authorization.k8s.io/v1';

export function multiclusterObject(chart: Chart, commonLabels: Record<string, string>) {
  return (id: string, apiVersion: string, kind: string, metadata: Record<string, unknown>, body: Record<string, unknown> = {}): ApiObject =>
    new ApiObject(chart, id, prune({ apiVersion, kind, metadata: { ...metadata, labels: { ...(metadata.labels as object), ...commonLabels } }, ...body }));
}

/** The restricted security context every multicluster container runs with. */
export function restrictedSecurityContext(uid: number, gid: number): NonNullable<Container['securityContext']> {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod spec parts every multicluster controller shares: its own API token mount, RuntimeDefault seccomp. */
export function controllerPodSpec(serviceAccountName: string, container: Container, scheduling: { nodeSelector?: Record<string, string>; tolerations?: Toleration[] }): PodSpec {
  return {
    automountServiceAccountToken: false,
    containers: [{ ...container, volumeMounts: [KUBE_API_ACCESS_MOUNT] }],
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    serviceAccountName,
    volumes: [structuredClone(KUBE_API_ACCESS_VOLUME)],
    nodeSelector: scheduling.nodeSelector,
    tolerations: scheduling.tolerations,
  };
}
