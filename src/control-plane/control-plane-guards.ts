import { arrayOf, enumOf, Guard, instanceOf, is, lazy, recordOf, required, struct, union } from '../guards';
import { KEY_MATERIAL, LINKERD_IDENTITY_PROPS, TRUST_ANCHORS, WEBHOOK_TLS } from '../identity/identity-guards';
import { LinkerdCni } from '../cni/linkerd-cni';
import type { InstalledControlPlaneProps, InstalledIdentityProps } from '../mesh/installed-control-plane';
import { LABEL_SELECTOR_GUARD } from '../policy/label-selector';
import { ContainerResources, ImagePullPolicy, LogFormat, ResourceRange } from '../proxy/proxy-spec';
import {
  ControlPlaneResources, ControllerTracing, LinkerdControlPlaneProps, LinkerdPodMonitorProps, LinkerdProxyInjectorProps, LinkerdWebhookProps,
  WebhookFailurePolicy,
} from './control-plane-props';
import { Heartbeat } from './heartbeat';
import type { NetworkValidatorProps } from './network-validator';
import type { MeshIdentityProps, MeshValuesProps } from './values';

/**
 * Runtime guards (src/guards.ts) of the control plane's props. Internal: not re-exported by the
 * barrel. `Shape<P>` makes a prop added to an interface without a guard here a compile error.
 */

const RESOURCE_RANGE = struct<ResourceRange>({ request: is.string, limit: is.string }, 'a ResourceRange ({ request, limit })');

/** `ContainerResources`: requests and limits of one container. */
export const CONTAINER_RESOURCES: Guard = struct<ContainerResources>({
  cpu: RESOURCE_RANGE, memory: RESOURCE_RANGE, ephemeralStorage: RESOURCE_RANGE,
}, 'a ContainerResources ({ cpu, memory, ephemeralStorage })');

const WEBHOOK_PROPS = struct<LinkerdWebhookProps>({ tls: WEBHOOK_TLS, namespaceSelector: LABEL_SELECTOR_GUARD });

/** ProxySettings are checked field by field by the settings table (src/proxy/proxy-settings.ts). */
export const PROXY_SETTINGS: Guard = is.object;

const imagePullPolicy = enumOf('ImagePullPolicy', ImagePullPolicy as unknown as Record<string, string>);
const stringMap = recordOf(is.string);

/** The props that shape proxies, read by the control plane and by `LinkerdControlPlane.fromInstalled`. */
const meshValuesShape = {
  highAvailability: is.boolean,
  clusterDomain: is.string,
  clusterNetworks: arrayOf(is.string),
  ipv6: is.boolean,
  cni: is.boolean,
  registry: is.string,
  version: is.string,
  imagePullPolicy,
  proxy: PROXY_SETTINGS,
};

const NETWORK_VALIDATOR = struct<NetworkValidatorProps>({
  connectAddr: is.string, listenAddr: is.string, logLevel: is.string,
  logFormat: enumOf('LogFormat', LogFormat as unknown as Record<string, string>), timeout: is.duration,
}, 'a NetworkValidatorProps ({ connectAddr, listenAddr, logLevel, logFormat, timeout })');

export const MESH_VALUES_PROPS: Guard = struct<MeshValuesProps>({
  ...meshValuesShape,
  networkValidator: NETWORK_VALIDATOR,
  identity: struct<MeshIdentityProps>({ trustDomain: is.string, serviceAccountTokenProjection: is.boolean }),
});

export const INSTALLED_CONTROL_PLANE_PROPS: Guard = lazy(() => struct<InstalledControlPlaneProps>({
  ...meshValuesShape,
  namespace: is.string,
  keyMaterial: KEY_MATERIAL,
  networkValidator: NETWORK_VALIDATOR,
  identity: struct<InstalledIdentityProps>({ trustAnchors: TRUST_ANCHORS, trustDomain: is.string, serviceAccountTokenProjection: is.boolean }),
}, 'an InstalledControlPlaneProps'));

export const LINKERD_CONTROL_PLANE_PROPS: Guard = lazy(() => struct<LinkerdControlPlaneProps>({
  ...meshValuesShape,
  namespace: is.string,
  createNamespace: is.boolean,
  identity: required(LINKERD_IDENTITY_PROPS),
  keyMaterial: KEY_MATERIAL,
  emitGeneratedPrivateKeys: is.boolean,
  controllerReplicas: is.number,
  podDisruptionBudget: is.boolean,
  podDisruptionBudgetMaxUnavailable: is.number,
  podAntiAffinity: is.boolean,
  rollingUpdateMaxUnavailable: union(is.number, is.string),
  rollingUpdateMaxSurge: union(is.number, is.string),
  webhookFailurePolicy: enumOf('WebhookFailurePolicy', WebhookFailurePolicy as unknown as Record<string, string>),
  podMonitors: struct<LinkerdPodMonitorProps>({
    controller: is.boolean, serviceMirror: is.boolean, proxy: is.boolean,
    scrapeInterval: is.duration, scrapeTimeout: is.duration, labels: stringMap,
  }, 'a LinkerdPodMonitorProps'),
  heartbeat: instanceOf(Heartbeat, 'Heartbeat', 'Heartbeat.daily(), Heartbeat.schedule("0 3 * * *") or Heartbeat.disabled()'),
  prometheusUrl: is.string,
  imagePullSecrets: arrayOf(is.string),
  controllerLogLevel: is.string,
  controllerLogFormat: enumOf('LogFormat', LogFormat as unknown as Record<string, string>),
  policyControllerLogLevel: is.string,
  resources: struct<ControlPlaneResources>({
    destination: CONTAINER_RESOURCES, identity: CONTAINER_RESOURCES, proxyInjector: CONTAINER_RESOURCES,
    spValidator: CONTAINER_RESOURCES, heartbeat: CONTAINER_RESOURCES, policyController: CONTAINER_RESOURCES,
  }, 'a ControlPlaneResources'),
  nodeSelector: stringMap,
  tolerations: arrayOf(is.object),
  priorityClassName: is.string,
  runtimeClassName: is.string,
  revisionHistoryLimit: is.number,
  commonLabels: stringMap,
  podLabels: stringMap,
  podAnnotations: stringMap,
  proxyInjector: struct<LinkerdProxyInjectorProps>({ tls: WEBHOOK_TLS, namespaceSelector: LABEL_SELECTOR_GUARD, timeoutSeconds: is.number }),
  spValidator: WEBHOOK_PROPS,
  policyValidator: WEBHOOK_PROPS,
  networkValidator: NETWORK_VALIDATOR,
  cniPlugin: lazy(() => instanceOf(LinkerdCni, 'LinkerdCni', 'new LinkerdCni(app, id, props)')),
  controllerImage: is.string,
  controllerGid: is.number,
  enableEndpointSlices: is.boolean,
  policyControllerProbeNetworks: arrayOf(is.string),
  kubeApiServerPorts: arrayOf(is.number),
  controllerTracing: struct<ControllerTracing>({ enabled: is.boolean, collectorEndpoint: is.string }, 'a ControllerTracing ({ enabled, collectorEndpoint })'),
}, 'a LinkerdControlPlaneProps', 'pass props with at least identity: { trustAnchors, issuer }'));
