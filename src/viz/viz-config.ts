import { IConstruct } from 'constructs';
import type { Toleration } from 'kubernetes-types/core/v1';
import { WebhookFailurePolicy } from '../control-plane/control-plane-props';
import { ResourceValues, trustDomainOf } from '../control-plane/values';
import { LinkerdConfigError } from '../errors';
import { ILinkerdMesh, MeshMode } from '../mesh/mesh';
import { ContainerResources, ImagePullPolicy, LogFormat, ProxySettings, resourceValues } from '../proxy/proxy-spec';
import * as check from '../validate';
import { LINKERD_VERSION } from '../version';
import { checkGoRegexp } from './go-regexp';
import { VizPrometheus } from './prometheus';
import { ResolvedPrometheus } from './resolved-prometheus';
import { LinkerdVizProps, VizComponentProps } from './viz-props';

/** The four viz components that run Linkerd's own images. */
export type VizComponentName = 'metrics-api' | 'tap' | 'tap-injector' | 'web';

/** One component's settings after defaults, the HA preset and the user's props. */
export interface ResolvedComponent {
  readonly replicas: number;
  readonly resources?: ResourceValues;
  readonly logLevel: string;
  readonly logFormat: string;
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly uid: number;
  readonly gid: number;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations?: Toleration[];
  readonly proxy?: ProxySettings;
  readonly serviceAnnotations: Record<string, string>;
}

/** The bundled Prometheus' pod settings, resolved like a component's. */
export interface ResolvedPrometheusPod {
  readonly resources?: ResourceValues;
  readonly logLevel: string;
  readonly logFormat: string;
  readonly imagePullPolicy: string;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations?: Toleration[];
}

/** Everything the viz renderers read: LinkerdVizProps checked, with the HA preset and the control plane's facts applied. */
export interface VizConfig {
  readonly namespace: string;
  readonly linkerdNamespace: string;
  readonly clusterDomain: string;
  readonly trustDomain: string;
  readonly cniEnabled: boolean;
  readonly version: string;
  readonly podAntiAffinity: boolean;
  readonly podDisruptionBudget: boolean;
  readonly revisionHistoryLimit: number;
  readonly priorityClassName?: string;
  readonly imagePullSecrets: Array<{ name: string }>;
  readonly commonLabels: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  readonly components: Readonly<Record<VizComponentName, ResolvedComponent>>;
  readonly prometheus: ResolvedPrometheus;
  readonly prometheusPod?: ResolvedPrometheusPod;
  /** URL the metrics API queries. */
  readonly prometheusUrl: string;
  readonly enforcedHostRegexp: string;
  readonly restrictPrivileges: boolean;
  readonly dashboardServiceLabels: Record<string, string>;
  readonly tapIgnoreHeaders: string[];
  readonly tapInjectorFailurePolicy: WebhookFailurePolicy;
  readonly meshMode: MeshMode;
}

const LOG_LEVELS = ['panic', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const DEFAULT_UID = 2103;

/** Upstream's `values-ha.yaml` for linkerd-viz. */
const HA_COMPONENT_RESOURCES: ContainerResources = { cpu: { request: '100m' }, memory: { request: '50Mi', limit: '250Mi' } };
const HA_PROMETHEUS_RESOURCES: ContainerResources = { cpu: { request: '300m' }, memory: { request: '300Mi', limit: '8192Mi' } };
const HA_REPLICAS: Partial<Record<VizComponentName, number>> = { tap: 3 };
const HA_RESOURCES: Partial<Record<VizComponentName, ContainerResources>> = { tap: HA_COMPONENT_RESOURCES, web: HA_COMPONENT_RESOURCES };

/** The prop of each component in LinkerdVizProps, and its image name. */
const COMPONENT_PROPS: Array<[VizComponentName, 'metricsApi' | 'tap' | 'tapInjector' | 'dashboard', string]> = [
  ['metrics-api', 'metricsApi', 'metrics-api'],
  ['tap', 'tap', 'tap'],
  ['tap-injector', 'tapInjector', 'tap'],
  ['web', 'dashboard', 'web'],
];

/** Resolves LinkerdVizProps against the control plane; errors name `scope` and the prop. */
export function resolveVizConfig(scope: IConstruct, props: LinkerdVizProps, mesh: ILinkerdMesh): VizConfig {
  const meshValues = mesh.values;
  const namespace = check.dnsLabel(scope, 'namespace', props.namespace ?? 'linkerd-viz');
  if (namespace === mesh.controlPlaneNamespace) {
    throw new LinkerdConfigError(scope, 'namespace', `${namespace} is the control plane's namespace`, 'install viz into a namespace of its own, e.g. "linkerd-viz"');
  }
  const ha = props.highAvailability ?? false;
  const registry = check.imageName(scope, 'registry', (props.registry ?? 'cr.l5d.io/linkerd').replace(/\/+$/, ''));
  const version = check.imageTag(scope, 'version', props.version ?? LINKERD_VERSION);
  const pullPolicy = props.imagePullPolicy === undefined ? ImagePullPolicy.IF_NOT_PRESENT
    : check.oneOf(scope, 'imagePullPolicy', props.imagePullPolicy, Object.values(ImagePullPolicy));
  const logLevel = props.logLevel === undefined ? 'info' : check.oneOf(scope, 'logLevel', props.logLevel, LOG_LEVELS);
  const logFormat = props.logFormat === undefined ? 'plain' : check.oneOf(scope, 'logFormat', props.logFormat, Object.values(LogFormat));
  const nodeSelector = check.labelMap(scope, 'nodeSelector', props.nodeSelector ?? { 'kubernetes.io/os': 'linux' });

  const component = (name: VizComponentName, field: string, imageName: string, p: VizComponentProps = {}): ResolvedComponent => {
    const resources = p.resources ?? (ha ? HA_RESOURCES[name] : undefined);
    return {
      replicas: p.replicas === undefined ? (ha ? HA_REPLICAS[name] ?? 1 : 1) : check.positiveInteger(scope, `${field}.replicas`, p.replicas),
      resources: resources ? resourceValues(scope, `${field}.resources`, resources) : undefined,
      logLevel: p.logLevel === undefined ? logLevel : check.oneOf(scope, `${field}.logLevel`, p.logLevel, LOG_LEVELS),
      logFormat: p.logFormat === undefined ? logFormat : check.oneOf(scope, `${field}.logFormat`, p.logFormat, Object.values(LogFormat)),
      image: `${check.imageName(scope, `${field}.image`, p.image ?? `${registry}/${imageName}`)}:${check.imageTag(scope, `${field}.imageVersion`, p.imageVersion ?? version)}`,
      imagePullPolicy: p.imagePullPolicy === undefined ? pullPolicy : check.oneOf(scope, `${field}.imagePullPolicy`, p.imagePullPolicy, Object.values(ImagePullPolicy)),
      uid: p.uid === undefined ? DEFAULT_UID : check.nonNegativeInteger(scope, `${field}.uid`, p.uid),
      gid: p.gid === undefined ? DEFAULT_UID : check.nonNegativeInteger(scope, `${field}.gid`, p.gid),
      nodeSelector: p.nodeSelector === undefined ? nodeSelector : check.labelMap(scope, `${field}.nodeSelector`, p.nodeSelector),
      tolerations: p.tolerations ?? props.tolerations,
      proxy: p.proxy,
      serviceAnnotations: check.annotationMap(scope, `${field}.serviceAnnotations`, p.serviceAnnotations ?? {}),
    };
  };
  const components = Object.fromEntries(COMPONENT_PROPS.map(([name, key, image]) => [name, component(name, key, image, props[key])])) as Record<VizComponentName, ResolvedComponent>;

  const prometheus = (props.prometheus ?? VizPrometheus.bundled())._resolve(scope, 'prometheus');
  const bundled = prometheus.bundled;
  const prometheusPod: ResolvedPrometheusPod | undefined = bundled && {
    resources: (bundled.resources ?? (ha ? HA_PROMETHEUS_RESOURCES : undefined)) && resourceValues(scope, 'prometheus.resources', bundled.resources ?? HA_PROMETHEUS_RESOURCES),
    logLevel: bundled.logLevel ?? (['debug', 'info', 'warn', 'error'].includes(logLevel) ? logLevel : 'info'),
    logFormat: (bundled.logFormat ?? logFormat) === 'plain' ? 'logfmt' : 'json',
    imagePullPolicy: bundled.imagePullPolicy ?? pullPolicy,
    nodeSelector: bundled.nodeSelector === undefined ? nodeSelector : check.labelMap(scope, 'prometheus.nodeSelector', bundled.nodeSelector),
    tolerations: bundled.tolerations ?? props.tolerations,
  };
  const clusterDomain = meshValues.clusterDomain;
  const dashboard = props.dashboard ?? {};
  const escape = (host: string) => host.replace(/\./g, '\\.');
  const defaultHosts = `^(localhost|127\\.0\\.0\\.1|${escape(`web.${namespace}.svc.${clusterDomain}`)}|${escape(`web.${namespace}.svc`)}|\\[::1\\])(:\\d+)?$`;

  return {
    namespace,
    linkerdNamespace: mesh.controlPlaneNamespace,
    clusterDomain,
    trustDomain: trustDomainOf(meshValues),
    cniEnabled: meshValues.cniEnabled,
    version,
    podAntiAffinity: props.podAntiAffinity ?? ha,
    podDisruptionBudget: props.podDisruptionBudget ?? ha,
    revisionHistoryLimit: props.revisionHistoryLimit === undefined ? 10 : check.nonNegativeInteger(scope, 'revisionHistoryLimit', props.revisionHistoryLimit),
    priorityClassName: props.priorityClassName === undefined ? undefined : check.dnsSubdomain(scope, 'priorityClassName', props.priorityClassName),
    imagePullSecrets: (props.imagePullSecrets ?? []).map((name, i) => ({ name: check.dnsSubdomain(scope, `imagePullSecrets[${i}]`, name) })),
    commonLabels: check.labelMap(scope, 'commonLabels', props.commonLabels ?? {}),
    podLabels: check.labelMap(scope, 'podLabels', props.podLabels ?? {}),
    podAnnotations: check.annotationMap(scope, 'podAnnotations', props.podAnnotations ?? {}),
    components,
    prometheus,
    prometheusPod,
    prometheusUrl: prometheus.externalUrl ?? `http://prometheus.${namespace}.svc.${clusterDomain}:9090`,
    enforcedHostRegexp: dashboard.enforcedHostRegexp === undefined ? defaultHosts
      : checkGoRegexp(scope, 'dashboard.enforcedHostRegexp', dashboard.enforcedHostRegexp),
    restrictPrivileges: dashboard.restrictPrivileges ?? false,
    dashboardServiceLabels: check.labelMap(scope, 'dashboard.serviceLabels', dashboard.serviceLabels ?? {}),
    tapIgnoreHeaders: (props.tap?.ignoreHeaders ?? []).map((h, i) => {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h)) {
        throw new LinkerdConfigError(scope, `tap.ignoreHeaders[${i}]`, `${JSON.stringify(h)} is not an HTTP header name`, 'give header names such as "authorization"');
      }
      return h;
    }),
    tapInjectorFailurePolicy: props.tapInjector?.failurePolicy === undefined ? WebhookFailurePolicy.IGNORE
      : check.oneOf(scope, 'tapInjector.failurePolicy', props.tapInjector.failurePolicy, Object.values(WebhookFailurePolicy)),
    meshMode: props.meshMode === undefined ? MeshMode.WEBHOOK : check.oneOf(scope, 'meshMode', props.meshMode, Object.values(MeshMode)),
  };
}
