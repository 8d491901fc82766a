import { ApiObject, Chart } from 'cdk8s';
import { prune } from '../proxy/proxy-builder';
import { CREATED_BY } from '../version';
import { VizConfig } from './viz-config';

/** The label every linkerd-viz object carries. */
export const VIZ_EXTENSION_LABEL = { 'linkerd.io/extension': 'viz' } as const;

/** Options of `VizContext.labels`. */
export interface VizLabelOptions {
  /** The `component` label. @default - none */
  readonly component?: string;
  /** Upstream's `namespace: <viz namespace>` label, which some of its objects carry. @default false */
  readonly namespaceLabel?: boolean;
}

/**
 * What the renderers of one linkerd-viz install share. Internal: not re-exported by the barrel.
 * Every object is created with the chart as its scope, so construct ids are the chart's.
 */
export interface VizContext {
  readonly chart: Chart;
  readonly config: VizConfig;
  /** An ApiObject child of the chart, pruned of empty fields, with the common labels added. */
  obj(id: string, apiVersion: string, kind: string, metadata: Record<string, unknown>, body: Record<string, unknown>): ApiObject;
  /** `linkerd.io/extension: viz`, then the component and namespace labels as asked. */
  labels(options?: VizLabelOptions): Record<string, string>;
  /** The `linkerd.io/created-by` annotation. */
  readonly createdBy: Record<string, string>;
  /**
   * Objects whose content rolls a component's pods when it changes (its RBAC, serving
   * certificate and registration), as upstream's `checksum/config` covers its RBAC template.
   */
  readonly checksumSources: Map<string, ApiObject[]>;
  /** Records `obj` among the checksum sources of `component` and returns it. */
  track(component: string, obj: ApiObject): ApiObject;
}

export function vizContext(chart: Chart, config: VizConfig): VizContext {
  const checksumSources = new Map<string, ApiObject[]>();
  return {
    chart,
    config,
    obj(id, apiVersion, kind, metadata, body) {
      const labels = { ...(metadata.labels as Record<string, string> | undefined), ...config.commonLabels };
      return new ApiObject(chart, id, prune({ apiVersion, kind, metadata: { ...metadata, labels }, ...body }));
    },
    labels(options = {}) {
      return {
        ...VIZ_EXTENSION_LABEL,
        ...(options.component ? { component: options.component } : {}),
        ...(options.namespaceLabel ? { namespace: config.namespace } : {}),
      };
    },
    createdBy: { 'linkerd.io/created-by': CREATED_BY },
    checksumSources,
    track(component, obj) {
      checksumSources.set(component, [...(checksumSources.get(component) ?? []), obj]);
      return obj;
    },
  };
}
