import { ApiObject, Chart } from 'cdk8s';
import { prune } from '../proxy/proxy-builder';
import { CREATED_BY } from '../version';
import { LinkerdValues } from './values';

/**
 * Metadata of a control-plane object: name, namespace, component labels and the created-by
 * annotation. A type rather than an interface, so that it passes as `ControlPlaneContext.obj`'s metadata.
 */
export type ComponentMeta = {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string> | undefined;
};

/** Which parts of `ComponentMeta` an object carries. */
export interface ComponentMetaOptions {
  /** @default true */
  readonly namespaced?: boolean;
  /** The `linkerd.io/created-by` annotation. @default true */
  readonly createdBy?: boolean;
  /** The `app.kubernetes.io/part-of: Linkerd` label. @default false */
  readonly partOf?: boolean;
}

/**
 * What the renderers of one control plane share. Internal: not re-exported by the barrel.
 * Every object is created with the chart as its scope, so construct ids and paths are the chart's.
 */
export interface ControlPlaneContext {
  readonly chart: Chart;
  /** Namespace of the control plane. */
  readonly namespace: string;
  /** The resolved values tree; every renderer reads from this one instance. */
  readonly values: LinkerdValues;
  /** `linkerd.io/control-plane-ns`, which every control-plane object carries. */
  readonly baseLabels: Record<string, string>;
  /** An ApiObject child of the chart, pruned of empty fields, with the common labels added. */
  obj(id: string, apiVersion: string, kind: string, metadata: Record<string, unknown>, body: Record<string, unknown>): ApiObject;
  componentMeta(name: string, component: string | undefined, options?: ComponentMetaOptions): ComponentMeta;
}

export function controlPlaneContext(chart: Chart, namespace: string, values: LinkerdValues): ControlPlaneContext {
  const baseLabels = { 'linkerd.io/control-plane-ns': namespace };
  return {
    chart,
    namespace,
    values,
    baseLabels,
    obj(id, apiVersion, kind, metadata, body) {
      const labels = { ...(metadata.labels as Record<string, string> | undefined), ...values.commonLabels };
      return new ApiObject(chart, id, prune({ apiVersion, kind, metadata: { ...metadata, labels }, ...body }));
    },
    componentMeta(name, component, options = {}) {
      return {
        name,
        namespace: options.namespaced === false ? undefined : namespace,
        labels: {
          ...(options.partOf ? { 'app.kubernetes.io/part-of': 'Linkerd' } : {}),
          ...(component ? { 'linkerd.io/control-plane-component': component } : {}),
          ...baseLabels,
        },
        annotations: options.createdBy === false ? undefined : { 'linkerd.io/created-by': CREATED_BY },
      };
    },
  };
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
