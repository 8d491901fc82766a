import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { Toleration } from 'kubernetes-types/core/v1';
import { LinkerdConfigError } from '../errors';
import { Client } from '../policy/client';
import { ContainerResources, ImagePullPolicy, LogFormat, ProxySettings } from '../proxy/proxy-spec';
import { compactGoDuration } from '../proxy/proxy-settings';
import * as check from '../validate';
import { ResolvedPrometheus } from './resolved-prometheus';

/** Log levels Prometheus accepts. */
export enum PrometheusLogLevel {
  DEBUG = 'debug',
  INFO = 'info',
  WARN = 'warn',
  ERROR = 'error',
}

/** Props of `VizPrometheus.bundled`. */
export interface BundledPrometheusProps {
  /** How long samples are kept (`--storage.tsdb.retention.time`). @default Duration.hours(6) */
  readonly retention?: Duration;
  /** @default Duration.seconds(10) */
  readonly scrapeInterval?: Duration;
  /** @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /** @default Duration.seconds(10) */
  readonly evaluationInterval?: Duration;
  /**
   * Extra scrape jobs, appended to viz's own (Prometheus `scrape_configs` entries, each with a
   * `job_name` of its own).
   * @default - none
   */
  readonly scrapeConfigs?: Array<Record<string, unknown>>;
  /** `metric_relabel_configs` of the `linkerd-proxy` job, e.g. to drop series. @default - none */
  readonly metricRelabelConfigs?: Array<Record<string, unknown>>;
  /** `remote_write` targets, for keeping metrics longer elsewhere. @default - none */
  readonly remoteWrite?: Array<Record<string, unknown>>;
  /**
   * Extra command-line flags without the leading `--`, e.g. `{ 'storage.tsdb.retention.size': '10GB' }`;
   * an empty value gives a flag without value.
   * @default - none
   */
  readonly args?: Record<string, string>;
  /** @default - none (HA preset: 300m / 300Mi, limit 8192Mi) */
  readonly resources?: ContainerResources;
  /** @default - the extension's log level when Prometheus has it (debug, info, warn, error), else info */
  readonly logLevel?: PrometheusLogLevel;
  /** `plain` becomes Prometheus' `logfmt`. @default - the extension's log format */
  readonly logFormat?: LogFormat;
  /** @default 'prom/prometheus' */
  readonly image?: string;
  /** @default 'v2.55.1' */
  readonly imageVersion?: string;
  /** @default - the extension's pull policy */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** @default - the extension's node selector */
  readonly nodeSelector?: Record<string, string>;
  /** @default - the extension's tolerations */
  readonly tolerations?: Toleration[];
  /** Annotations of the Prometheus pod only. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Proxy settings of the Prometheus pod. @default - the mesh-wide ones */
  readonly proxy?: ProxySettings;
}

/** Props of `VizPrometheus.external`. */
export interface ExternalPrometheusProps {
  /** URL the metrics API queries, e.g. `http://prometheus.monitoring.svc.cluster.local:9090`. */
  readonly url: string;
  /**
   * Who that Prometheus is in the mesh, e.g.
   * `Client.meshTls(ServiceAccountRef.fromName('prometheus', 'monitoring'))`: `MeshPolicy` then
   * lets it scrape the proxies of workloads it denies by default.
   * @default - unknown: MeshPolicy grants no scrapes on its behalf
   */
  readonly scrapedBy?: Client;
}

/** Jobs of viz's own scrape configuration; extra jobs may not reuse their names. */
const VIZ_JOBS = ['prometheus', 'kubernetes-nodes-cadvisor', 'linkerd-controller', 'linkerd-multicluster-controller', 'linkerd-proxy'];
const FLAG_NAME = /^[a-z][a-z0-9.-]*$/;

/** Where linkerd-viz's metrics come from: the Prometheus it bundles, or one you run. */
export abstract class VizPrometheus {
  /**
   * viz runs its own Prometheus (ServiceAccount, RBAC, ConfigMap, Deployment, Service and
   * ServiceProfile `prometheus`), scraping the control plane, the extension and every proxy.
   * Storage is an emptyDir: metrics are short-lived by design.
   */
  public static bundled(props: BundledPrometheusProps = {}): VizPrometheus {
    return new BundledPrometheus(props);
  }

  /**
   * The metrics API reads from a Prometheus you run, which must scrape the proxies as viz's
   * scrape configuration does. No Prometheus object is emitted; the Namespace records the URL
   * (`viz.linkerd.io/external-prometheus`).
   */
  public static external(props: ExternalPrometheusProps): VizPrometheus {
    return new ExternalPrometheus(props);
  }

  /** @internal */
  public abstract _resolve(scope: IConstruct, field: string): ResolvedPrometheus;
}

class BundledPrometheus extends VizPrometheus {
  public constructor(private readonly props: BundledPrometheusProps) {
    super();
  }

  public _resolve(scope: IConstruct, field: string): ResolvedPrometheus {
    const p = this.props;
    const duration = (name: string, d: Duration | undefined, fallback: string) => {
      if (d === undefined) return fallback;
      const ms = d.toMilliseconds({ integral: false });
      if (!(ms > 0) || !Number.isInteger(ms)) {
        throw new LinkerdConfigError(scope, `${field}.${name}`, `${ms}ms is not a positive whole number of milliseconds`, 'use e.g. Duration.seconds(15)');
      }
      return compactGoDuration(ms);
    };
    const globalConfig = {
      evaluation_interval: duration('evaluationInterval', p.evaluationInterval, '10s'),
      scrape_interval: duration('scrapeInterval', p.scrapeInterval, '10s'),
      scrape_timeout: duration('scrapeTimeout', p.scrapeTimeout, '10s'),
    };
    if (durationOf(globalConfig.scrape_timeout) > durationOf(globalConfig.scrape_interval)) {
      throw new LinkerdConfigError(scope, `${field}.scrapeTimeout`, `${globalConfig.scrape_timeout} is longer than the scrape interval ${globalConfig.scrape_interval}`,
        'Prometheus refuses such a configuration: make the timeout at most the interval');
    }
    const args = new Map<string, string>([
      ['config.file', '/etc/prometheus/prometheus.yml'],
      ['storage.tsdb.path', '/data'],
      ['storage.tsdb.retention.time', duration('retention', p.retention, '6h')],
    ]);
    for (const [name, value] of Object.entries(p.args ?? {})) {
      if (!FLAG_NAME.test(name)) {
        throw new LinkerdConfigError(scope, `${field}.args.${name}`, 'is not a Prometheus flag name', 'give the flag without its leading "--", e.g. "storage.tsdb.retention.size"');
      }
      if (typeof value !== 'string') throw new LinkerdConfigError(scope, `${field}.args.${name}`, `${JSON.stringify(value)} is not a string`, 'give the flag value as text');
      args.set(name, value);
    }
    const jobs = new Set(VIZ_JOBS);
    const scrapeConfigs = (p.scrapeConfigs ?? []).map((c, i) => {
      const name = (c as { job_name?: unknown })?.job_name;
      if (typeof c !== 'object' || c === null || typeof name !== 'string' || name === '') {
        throw new LinkerdConfigError(scope, `${field}.scrapeConfigs[${i}]`, 'has no job_name', 'give each scrape configuration a job_name');
      }
      if (jobs.has(name)) {
        throw new LinkerdConfigError(scope, `${field}.scrapeConfigs[${i}].job_name`, `"${name}" is already a job of ${VIZ_JOBS.includes(name) ? 'viz\'s own configuration' : 'this list'}`,
          `use a job name other than ${[...jobs].join(', ')}`);
      }
      jobs.add(name);
      return structuredClone(c);
    });
    return {
      bundled: {
        args: [...args.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        globalConfig,
        scrapeConfigs,
        metricRelabelConfigs: objectList(scope, `${field}.metricRelabelConfigs`, p.metricRelabelConfigs),
        remoteWrite: objectList(scope, `${field}.remoteWrite`, p.remoteWrite),
        resources: p.resources,
        logLevel: p.logLevel === undefined ? undefined : check.oneOf(scope, `${field}.logLevel`, p.logLevel, Object.values(PrometheusLogLevel)),
        logFormat: p.logFormat === undefined ? undefined : check.oneOf(scope, `${field}.logFormat`, p.logFormat, Object.values(LogFormat)),
        image: `${check.imageName(scope, `${field}.image`, p.image ?? 'prom/prometheus')}:${check.imageTag(scope, `${field}.imageVersion`, p.imageVersion ?? 'v2.55.1')}`,
        imagePullPolicy: p.imagePullPolicy,
        nodeSelector: p.nodeSelector,
        tolerations: p.tolerations,
        podAnnotations: { ...p.podAnnotations },
        proxy: p.proxy,
      },
    };
  }
}

class ExternalPrometheus extends VizPrometheus {
  public constructor(private readonly props: ExternalPrometheusProps) {
    super();
  }

  public _resolve(scope: IConstruct, field: string): ResolvedPrometheus {
    if (!this.props || this.props.url === undefined) {
      throw new LinkerdConfigError(scope, `${field}.url`, 'is required', 'give the URL of your Prometheus, e.g. "http://prometheus.monitoring.svc.cluster.local:9090"');
    }
    return { externalUrl: check.httpUrl(scope, `${field}.url`, this.props.url), scrapedBy: this.props.scrapedBy };
  }
}

function objectList(scope: IConstruct, field: string, list: Array<Record<string, unknown>> | undefined): Array<Record<string, unknown>> {
  return (list ?? []).map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new LinkerdConfigError(scope, `${field}[${i}]`, `${JSON.stringify(item)} is not a map`, 'give each entry as an object, as in Prometheus\' configuration file');
    }
    return structuredClone(item);
  });
}

/** Milliseconds of a duration `compactGoDuration` wrote. */
function durationOf(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const m = /^(\d+)(ms|s|m|h)$/.exec(text)!;
  return Number(m[1]) * units[m[2]];
}
