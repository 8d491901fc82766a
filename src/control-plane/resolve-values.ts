import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { goDurationText } from '../go-duration';
import { renderLabelSelector } from '../policy/label-selector';
import { prune } from '../proxy/proxy-builder';
import { cidrList, resourceValues } from '../proxy/proxy-spec';
import * as check from '../validate';
import { LinkerdControlPlaneProps } from './control-plane-props';
import { Heartbeat } from './heartbeat';
import { applyControllerTracing } from './tracing';
import { LinkerdValues, resolveMeshValues } from './values';

/** `LinkerdControlPlaneProps` checked and applied to the values tree; errors name `scope`, the control plane. */
export function resolveControlPlaneValues(scope: IConstruct, namespace: string, props: LinkerdControlPlaneProps): LinkerdValues {
  // What shapes the proxies is resolved by the function meshing outside a control plane uses too.
  const values = resolveMeshValues(scope, props);
  const trustDomain = values.identityTrustDomain;
  if (props.cniPlugin) {
    if (props.cni === false) {
      throw new LinkerdConfigError(scope, 'cni', 'is false, but a cniPlugin is given', 'leave cni unset (the plugin implies it), or drop cniPlugin');
    }
    values.cniEnabled = true;
  }
  if (props.imagePullSecrets !== undefined) {
    values.imagePullSecrets = props.imagePullSecrets.map((name, i) => ({ name: check.dnsSubdomain(scope, `imagePullSecrets[${i}]`, name) }));
  }
  if (props.controllerLogLevel !== undefined) {
    values.controllerLogLevel = check.oneOf(scope, 'controllerLogLevel', props.controllerLogLevel, ['panic', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']);
  }
  if (props.controllerLogFormat !== undefined) values.controllerLogFormat = check.oneOf(scope, 'controllerLogFormat', props.controllerLogFormat, ['plain', 'json']);
  if (props.policyControllerLogLevel !== undefined) values.policyController.logLevel = check.logFilter(scope, 'policyControllerLogLevel', props.policyControllerLogLevel);

  if (props.controllerReplicas !== undefined) values.controllerReplicas = check.positiveInteger(scope, 'controllerReplicas', props.controllerReplicas);
  if (props.podDisruptionBudget !== undefined) values.enablePodDisruptionBudget = props.podDisruptionBudget;
  if (props.podDisruptionBudgetMaxUnavailable !== undefined) {
    values.controller.podDisruptionBudget.maxUnavailable = check.nonNegativeInteger(scope, 'podDisruptionBudgetMaxUnavailable', props.podDisruptionBudgetMaxUnavailable);
  }
  if (props.podAntiAffinity !== undefined) values.enablePodAntiAffinity = props.podAntiAffinity;
  const rolling = (values.deploymentStrategy.rollingUpdate ?? {}) as Record<string, unknown>;
  if (props.rollingUpdateMaxUnavailable !== undefined) rolling.maxUnavailable = intOrPercent(scope, 'rollingUpdateMaxUnavailable', props.rollingUpdateMaxUnavailable);
  if (props.rollingUpdateMaxSurge !== undefined) rolling.maxSurge = intOrPercent(scope, 'rollingUpdateMaxSurge', props.rollingUpdateMaxSurge);
  if (isZero(rolling.maxUnavailable) && isZero(rolling.maxSurge)) {
    const which = props.rollingUpdateMaxSurge !== undefined ? 'rollingUpdateMaxSurge' : 'rollingUpdateMaxUnavailable';
    throw new LinkerdConfigError(scope, which, 'rollingUpdateMaxUnavailable and rollingUpdateMaxSurge are both 0, so a rollout could never replace a pod; Kubernetes rejects such a Deployment',
      'let one of them be above 0, e.g. rollingUpdateMaxSurge: 1');
  }
  values.deploymentStrategy = { rollingUpdate: rolling };
  if (props.webhookFailurePolicy !== undefined) values.webhookFailurePolicy = check.oneOf(scope, 'webhookFailurePolicy', props.webhookFailurePolicy, ['Ignore', 'Fail']);
  if (props.revisionHistoryLimit !== undefined) values.revisionHistoryLimit = check.nonNegativeInteger(scope, 'revisionHistoryLimit', props.revisionHistoryLimit);

  if (props.nodeSelector !== undefined) values.nodeSelector = check.labelMap(scope, 'nodeSelector', props.nodeSelector);
  if (props.tolerations !== undefined) values.tolerations = props.tolerations.map((t) => structuredClone(t));
  if (props.priorityClassName !== undefined) values.priorityClassName = check.dnsSubdomain(scope, 'priorityClassName', props.priorityClassName);
  if (props.runtimeClassName !== undefined) values.runtimeClassName = check.dnsSubdomain(scope, 'runtimeClassName', props.runtimeClassName);
  if (props.commonLabels !== undefined) values.commonLabels = controlPlaneLabels(scope, 'commonLabels', props.commonLabels);
  if (props.podLabels !== undefined) values.podLabels = controlPlaneLabels(scope, 'podLabels', props.podLabels);
  if (props.podAnnotations !== undefined) values.podAnnotations = check.annotationMap(scope, 'podAnnotations', props.podAnnotations);

  const resourceKeys: Array<[keyof NonNullable<LinkerdControlPlaneProps['resources']>, string]> = [
    ['destination', 'destinationResources'], ['identity', 'identityResources'], ['proxyInjector', 'proxyInjectorResources'],
    ['spValidator', 'spValidatorResources'], ['heartbeat', 'heartbeatResources'],
  ];
  for (const [prop, key] of resourceKeys) {
    const r = props.resources?.[prop];
    if (r) values[key] = resourceValues(scope, `resources.${prop}`, r);
  }
  if (props.resources?.policyController) {
    values.policyController.resources = resourceValues(scope, 'resources.policyController', props.resources.policyController);
  }

  const identity = values.identity;
  if (props.identity.issuanceLifetime) {
    identity.issuer.issuanceLifetime = goDurationText(positive(scope, 'identity.issuanceLifetime', props.identity.issuanceLifetime));
  }
  if (props.identity.clockSkewAllowance) {
    identity.issuer.clockSkewAllowance = goDurationText(nonNegative(scope, 'identity.clockSkewAllowance', props.identity.clockSkewAllowance));
  }

  if (props.prometheusUrl !== undefined) values.prometheusUrl = check.httpUrl(scope, 'prometheusUrl', props.prometheusUrl);
  const heartbeat = props.heartbeat ?? Heartbeat.daily();
  const seed = `${namespace}.${trustDomain}`;
  const schedule = heartbeat._schedule(scope, 'heartbeat', seed);
  values.disableHeartBeat = schedule === undefined;
  // Upstream keeps a schedule in linkerd-config even when the CronJob is off.
  values.heartbeatSchedule = schedule ?? Heartbeat.daily()._schedule(scope, 'heartbeat', seed)!;

  if (props.podMonitors) {
    const pm = props.podMonitors;
    values.podMonitor.enabled = true;
    values.podMonitor.controller.enabled = pm.controller ?? true;
    values.podMonitor.serviceMirror.enabled = pm.serviceMirror ?? true;
    values.podMonitor.proxy.enabled = pm.proxy ?? true;
    if (pm.scrapeInterval) values.podMonitor.scrapeInterval = goDurationText(pm.scrapeInterval);
    if (pm.scrapeTimeout) values.podMonitor.scrapeTimeout = goDurationText(pm.scrapeTimeout);
    if (pm.labels) values.podMonitor.labels = check.labelMap(scope, 'podMonitors.labels', pm.labels);
    const interval = pm.scrapeInterval?.toMilliseconds({ integral: false }) ?? 10_000;
    const timeout = pm.scrapeTimeout?.toMilliseconds({ integral: false }) ?? 10_000;
    if (timeout > interval) {
      throw new LinkerdConfigError(scope, pm.scrapeTimeout ? 'podMonitors.scrapeTimeout' : 'podMonitors.scrapeInterval',
        `the scrape timeout ${values.podMonitor.scrapeTimeout} is longer than the scrape interval ${values.podMonitor.scrapeInterval}; Prometheus rejects the scrape configuration`,
        'make scrapeTimeout at most scrapeInterval');
    }
  }
  applyControllerTracing(scope, values, props.controllerTracing);
  applyControllerProps(scope, values, props);
  if (props.proxyInjector?.timeoutSeconds !== undefined) {
    const t = props.proxyInjector.timeoutSeconds;
    if (!Number.isInteger(t) || t < 1 || t > 30) {
      throw new LinkerdConfigError(scope, 'proxyInjector.timeoutSeconds', `${t} is not between 1 and 30`, 'Kubernetes allows admission timeouts of 1 to 30 seconds');
    }
    values.proxyInjector.timeoutSeconds = t;
  }
  return values;
}

function positive(scope: IConstruct, field: string, d: Duration): Duration {
  const ms = d.toMilliseconds({ integral: false });
  if (!(ms > 0) || !Number.isInteger(ms)) {
    throw new LinkerdConfigError(scope, field, `${ms}ms is not a positive whole number of milliseconds`, 'use a duration longer than zero, e.g. Duration.hours(24)');
  }
  return d;
}

function nonNegative(scope: IConstruct, field: string, d: Duration): Duration {
  const ms = d.toMilliseconds({ integral: false });
  if (!(ms >= 0) || !Number.isInteger(ms)) {
    throw new LinkerdConfigError(scope, field, `${ms}ms is not a whole, non-negative number of milliseconds`, 'use e.g. Duration.seconds(20)');
  }
  return d;
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0%';
}

/** Label keys under these prefixes are set by the control plane for its own selectors and discovery. */
const RESERVED_LABEL_PREFIXES = ['linkerd.io/', 'config.linkerd.io/'];

function intOrPercent(scope: IConstruct, field: string, value: number | string): number | string {
  if (typeof value === 'number') return check.nonNegativeInteger(scope, field, value);
  if (!/^\d{1,3}%$/.test(value) || Number(value.slice(0, -1)) > 100) {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(value)} is neither a count nor a percentage`, 'use a whole number or a percentage such as "25%"');
  }
  return value;
}

/** Labels of every control-plane object or pod: valid, and none the control plane sets itself. */
function controlPlaneLabels(scope: IConstruct, field: string, map: Record<string, string>): Record<string, string> {
  const labels = check.labelMap(scope, field, map);
  for (const k of Object.keys(labels)) {
    if (RESERVED_LABEL_PREFIXES.some((p) => k.startsWith(p))) {
      throw new LinkerdConfigError(scope, `${field}.${k}`, `${k} is a label the control plane sets itself (selectors and discovery rely on it); a second value would either break a Deployment's selector or be dropped`,
        `remove it, or use a key outside ${RESERVED_LABEL_PREFIXES.join(' and ')}`);
    }
  }
  return labels;
}

/** Controller image and group, EndpointSlices, probe networks, API server ports and webhook selectors. */
function applyControllerProps(scope: IConstruct, values: LinkerdValues, props: LinkerdControlPlaneProps): void {
  if (props.controllerImage !== undefined) values.controllerImage = check.imageName(scope, 'controllerImage', props.controllerImage);
  if (props.controllerGid !== undefined) values.controllerGID = check.nonNegativeInteger(scope, 'controllerGid', props.controllerGid);
  if (props.enableEndpointSlices !== undefined) values.enableEndpointSlices = props.enableEndpointSlices;
  if (props.policyControllerProbeNetworks !== undefined) {
    cidrList(scope, 'policyControllerProbeNetworks', props.policyControllerProbeNetworks);
    values.policyController.probeNetworks = [...props.policyControllerProbeNetworks];
  }
  if (props.kubeApiServerPorts !== undefined) {
    if (props.kubeApiServerPorts.length === 0) {
      throw new LinkerdConfigError(scope, 'kubeApiServerPorts', 'the list is empty', 'list the API server ports, e.g. [443, 6443], or leave it unset');
    }
    values.proxyInit.kubeAPIServerPorts = props.kubeApiServerPorts.map((p, i) => check.port(scope, `kubeApiServerPorts[${i}]`, p)).join(',');
  }
  const webhooks: Array<[keyof LinkerdControlPlaneProps & ('proxyInjector' | 'spValidator' | 'policyValidator'), 'proxyInjector' | 'profileValidator' | 'policyValidator']> = [
    ['proxyInjector', 'proxyInjector'], ['spValidator', 'profileValidator'], ['policyValidator', 'policyValidator'],
  ];
  for (const [prop, key] of webhooks) {
    const selector = props[prop]?.namespaceSelector;
    if (selector !== undefined) values[key].namespaceSelector = prune(renderLabelSelector(scope, `${prop}.namespaceSelector`, selector));
  }
}
