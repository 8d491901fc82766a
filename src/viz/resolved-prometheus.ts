import type { Toleration } from 'kubernetes-types/core/v1';
import { Client } from '../policy/client';
import { ContainerResources, ImagePullPolicy, ProxySettings } from '../proxy/proxy-spec';

/**
 * What a `VizPrometheus` resolves to. Internal: not re-exported by the barrel.
 */

/** A bundled Prometheus, resolved. */
export interface ResolvedBundledPrometheus {
  readonly args: Array<[string, string]>;
  readonly globalConfig: Record<string, string>;
  readonly scrapeConfigs: Array<Record<string, unknown>>;
  readonly metricRelabelConfigs: Array<Record<string, unknown>>;
  readonly remoteWrite: Array<Record<string, unknown>>;
  readonly resources?: ContainerResources;
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly image: string;
  readonly imagePullPolicy?: ImagePullPolicy;
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: Toleration[];
  readonly podAnnotations: Record<string, string>;
  readonly proxy?: ProxySettings;
}

/** Where the metrics API reads metrics from, resolved. */
export interface ResolvedPrometheus {
  /** The bundled Prometheus, when viz runs one. */
  readonly bundled?: ResolvedBundledPrometheus;
  /** URL of an external Prometheus. */
  readonly externalUrl?: string;
  /** The external Prometheus' mesh identity. */
  readonly scrapedBy?: Client;
}
