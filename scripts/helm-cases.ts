/**
 * Conformance cases for configurations the reference set has no render of: each one is a values
 * file for an official chart and the typed configuration equivalent to it. At conformance time
 * (never at synth) a real helm renders the values file (`../shared/tools/helm template`, see
 * `../shared/charts/README.md`) into `.conformance/<case>.helm.yaml`, which our output is scored
 * against.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration } from 'cdk8s';
import { parse, stringify } from 'yaml';
import {
  CniIptablesMode, CniLogLevel, GatewayExternalTrafficPolicy, GatewayServiceType, ImagePullPolicy, LabelSelectorOperator, LinkerdCni, LinkerdCniProps,
  LinkerdControlPlane, LinkerdControlPlaneProps, LinkerdMulticluster, LogFormat, PortRange,
} from '../src';

/** A case scored against a reference rendered by helm when the case runs. */
export interface HelmConformanceCase {
  /** Where the helm render is written. */
  readonly reference: string;
  /** Renders the reference with helm; throws when helm fails. */
  renderReference(): void;
  build(app: App): void;
}

/** One control-plane configuration: chart values over the default reference's, and our props. */
interface ControlPlaneCase {
  readonly values: Record<string, unknown>;
  readonly props: Partial<LinkerdControlPlaneProps>;
}

const NAMESPACE_SELECTOR = {
  matchExpressions: [
    { key: 'config.linkerd.io/admission-webhooks', operator: LabelSelectorOperator.NOT_IN, values: ['disabled'] },
    { key: 'mesh', operator: LabelSelectorOperator.IN, values: ['linkerd'] },
  ],
};

/** Keyed by case name; each exercises the props upstream's install tests vary that the reference set does not. */
const CONTROL_PLANE_CASES: Record<string, ControlPlaneCase> = {
  'control-plane-controller-gid': { values: { controllerGID: 1234 }, props: { controllerGid: 1234 } },
  'control-plane-webhook-namespace-selectors': {
    // Helm merges maps, so the values file drops the default's matchExpressions explicitly (null);
    // the prop replaces the selector as a whole.
    values: {
      proxyInjector: { namespaceSelector: NAMESPACE_SELECTOR },
      profileValidator: { namespaceSelector: { matchLabels: { 'linkerd.io/profiles': 'enabled' }, matchExpressions: null } },
      policyValidator: { namespaceSelector: { matchLabels: { 'linkerd.io/policy': 'enabled' }, matchExpressions: null } },
    },
    props: {
      proxyInjector: { namespaceSelector: NAMESPACE_SELECTOR },
      spValidator: { namespaceSelector: { matchLabels: { 'linkerd.io/profiles': 'enabled' } } },
      policyValidator: { namespaceSelector: { matchLabels: { 'linkerd.io/policy': 'enabled' } } },
    },
  },
  'control-plane-controller-image': {
    values: { controllerImage: 'registry.example.com/mirror/linkerd-controller' },
    props: { controllerImage: 'registry.example.com/mirror/linkerd-controller' },
  },
  'control-plane-probe-networks': {
    values: { policyController: { probeNetworks: ['10.0.0.0/8', '192.168.0.0/16'] } },
    props: { policyControllerProbeNetworks: ['10.0.0.0/8', '192.168.0.0/16'] },
  },
  'control-plane-no-endpoint-slices': { values: { enableEndpointSlices: false }, props: { enableEndpointSlices: false } },
  'control-plane-network-validator': {
    values: { cniEnabled: true, networkValidator: { connectAddr: '192.0.2.1:20001', listenAddr: '[::]:4140', logLevel: 'info', timeout: '30s' } },
    props: { cni: true, networkValidator: { connectAddr: '192.0.2.1:20001', listenAddr: '[::]:4140', logLevel: 'info', timeout: Duration.seconds(30) } },
  },
  'control-plane-kube-api-server-ports': {
    values: { proxyInit: { kubeAPIServerPorts: '443,6443,8443' } },
    props: { kubeApiServerPorts: [443, 6443, 8443] },
  },
  'control-plane-no-token-projection': {
    values: { identity: { serviceAccountTokenProjection: false } },
    props: { identity: { serviceAccountTokenProjection: false } as LinkerdControlPlaneProps['identity'] },
  },
};

/** Deep merge of plain objects; arrays and scalars of `over` replace. */
function merge(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b, v) : v;
  }
  return out;
}

/** Runs `../shared/tools/helm template` on a values file; the output is the reference. */
function helmTemplate(sharedDir: string, release: string, chart: string, namespace: string, values: Record<string, unknown>, out: string): void {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const valuesFile = out.replace(/\.helm\.yaml$/, '.values.yaml');
  fs.writeFileSync(valuesFile, stringify(values));
  const result = spawnSync(path.join(sharedDir, 'tools', 'helm'),
    ['template', release, path.join(sharedDir, 'charts', 'edge-26.8.3', chart), '-n', namespace, '-f', valuesFile],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`helm template ${chart} failed: ${result.stderr}`);
  fs.writeFileSync(out, result.stdout);
}

/** A CNI plugin configuration away from every chart default: values file and our props. */
const CNI_CASES: Record<string, { values: Record<string, unknown>; props: LinkerdCniProps }> = {
  'cni-plugin-options': {
    values: {
      logLevel: 'debug', destCNINetDir: '/var/lib/cni/net.d', destCNIBinDir: '/var/lib/cni/bin',
      inboundProxyPort: 4143, outboundProxyPort: 4140, proxyUID: 2102, proxyGID: 2102, disableIPv6: false,
      ignoreInboundPorts: '22,8100-8102', ignoreOutboundPorts: '5432', portsToRedirect: '8080,9090',
      iptablesMode: 'legacy', useWaitFlag: true, privileged: true, priorityClassName: 'system-node-critical',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mesh', effect: 'NoSchedule' }],
      image: { name: 'registry.example.com/linkerd/cni-plugin', version: 'v1.7.0-alpha.1', pullPolicy: 'Always' },
      imagePullSecrets: [{ name: 'regcred' }], revisionHistoryLimit: 5, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
      podLabels: { team: 'mesh' }, commonLabels: { owner: 'platform' },
      resources: { cpu: { request: '10m', limit: '' }, memory: { request: '20Mi', limit: '50Mi' }, 'ephemeral-storage': { request: '', limit: '' } },
      repairController: {
        enabled: true, logLevel: 'debug', logFormat: 'json',
        resources: { cpu: { request: '5m', limit: '' }, memory: { request: '', limit: '30Mi' }, 'ephemeral-storage': { request: '', limit: '' } },
      },
    },
    props: {
      logLevel: CniLogLevel.DEBUG, destCniNetDir: '/var/lib/cni/net.d', destCniBinDir: '/var/lib/cni/bin',
      proxyGid: 2102, ipv6: true,
      skipInboundPorts: [PortRange.of(22), PortRange.between(8100, 8102)], skipOutboundPorts: [PortRange.of(5432)], portsToRedirect: [8080, 9090],
      iptablesMode: CniIptablesMode.LEGACY, useWaitFlag: true, privileged: true, priorityClassName: 'system-node-critical',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mesh', effect: 'NoSchedule' }],
      image: 'registry.example.com/linkerd/cni-plugin', imagePullPolicy: ImagePullPolicy.ALWAYS,
      imagePullSecrets: ['regcred'], revisionHistoryLimit: 5, maxUnavailable: 2,
      podLabels: { team: 'mesh' }, commonLabels: { owner: 'platform' },
      resources: { cpu: { request: '10m' }, memory: { request: '20Mi', limit: '50Mi' } },
      repairController: { logLevel: 'debug', logFormat: LogFormat.JSON, resources: { cpu: { request: '5m' }, memory: { limit: '30Mi' } } },
    },
  },
  // One host directory for binaries and configuration is mounted once.
  'cni-plugin-shared-dir': {
    values: { destCNINetDir: '/opt/cni', destCNIBinDir: '/opt/cni' },
    props: { destCniNetDir: '/opt/cni', destCniBinDir: '/opt/cni' },
  },
};

/** Multicluster configurations: values file, and the typed equivalent (over a control plane installed elsewhere). */
const MULTICLUSTER_CASES: Record<string, { values: Record<string, unknown>; build: (app: App) => void }> = {
  // The chart's values-ha.yaml with one link's controller, HA throughout, and a per-link log level.
  'multicluster-ha-link': {
    values: {
      gateway: { replicas: 3 }, enablePodAntiAffinity: true,
      controllerDefaults: { enablePodAntiAffinity: true },
      controllers: [{ link: { ref: { name: 'east' } }, logLevel: 'debug' }],
    },
    build: (app) => {
      const mc = new LinkerdMulticluster(app, 'linkerd-multicluster', { controlPlane: LinkerdControlPlane.fromInstalled(app, 'linkerd'), highAvailability: true });
      mc.addLink({
        clusterName: 'east',
        gateway: { addresses: ['gateway.east.example.com'], identity: 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local' },
        serviceMirror: { logLevel: 'debug' },
      });
    },
  },
  'multicluster-options': {
    values: {
      linkerdNamespace: 'mesh', identityTrustDomain: 'example.org', imagePullPolicy: 'Always',
      gateway: {
        serviceType: 'NodePort', nodePort: 30143, probe: { nodePort: 30191, seconds: 5 }, serviceAnnotations: { 'example.com/lb': 'internal' },
        serviceExternalTrafficPolicy: 'Local', healthCheckNodePort: 30999, loadBalancerSourceRanges: ['10.0.0.0/8'],
        terminationGracePeriodSeconds: 30, nodeSelector: { pool: 'edge' }, tolerations: [{ key: 'edge', operator: 'Exists' }],
        pauseImage: 'registry.example.com/pause:3.9', UID: 3000, GID: 3000, deploymentAnnotations: { 'example.com/gw': 'enabled' },
      },
      localServiceMirror: {
        serviceMirrorRetryLimit: 5, federatedServiceSelector: 'team=a,tier=b', excludedLabels: 'l1,l2', excludedAnnotations: 'a1',
        replicas: 2, logLevel: 'debug', logFormat: 'json', enablePprof: true, UID: 4000, GID: 4000, resources: { requests: { cpu: '10m' } },
      },
      nodeSelector: { pool: 'system' }, tolerations: [{ key: 'system', operator: 'Exists' }],
      remoteMirrorServiceAccountName: 'east-access,west-access', enableNamespaceCreation: true,
      imagePullSecrets: [{ name: 'regcred' }], commonLabels: { owner: 'platform' }, podLabels: { team: 'mesh' }, podAnnotations: { 'example.com/pod': 'enabled' },
      revisionHistoryLimit: 5, namespaceMetadata: { nodeSelector: { pool: 'jobs' } },
    },
    build: (app) => {
      new LinkerdMulticluster(app, 'linkerd-multicluster', {
        controlPlane: LinkerdControlPlane.fromInstalled(app, 'linkerd', { namespace: 'mesh', identity: { trustDomain: 'example.org' } }),
        imagePullPolicy: ImagePullPolicy.ALWAYS,
        gateway: {
          serviceType: GatewayServiceType.NODE_PORT, nodePort: 30143, probeNodePort: 30191, probePeriod: Duration.seconds(5),
          serviceAnnotations: { 'example.com/lb': 'internal' }, externalTrafficPolicy: GatewayExternalTrafficPolicy.LOCAL, healthCheckNodePort: 30999,
          loadBalancerSourceRanges: ['10.0.0.0/8'], terminationGracePeriod: Duration.seconds(30), nodeSelector: { pool: 'edge' },
          tolerations: [{ key: 'edge', operator: 'Exists' }], pauseImage: 'registry.example.com/pause:3.9', uid: 3000, gid: 3000,
          podAnnotations: { 'example.com/gw': 'enabled' },
        },
        localServiceMirror: {
          retryLimit: 5, federatedServiceLabels: { team: 'a', tier: 'b' }, excludedLabels: ['l1', 'l2'], excludedAnnotations: ['a1'],
          replicas: 2, logLevel: 'debug', logFormat: LogFormat.JSON, enablePprof: true, uid: 4000, gid: 4000, resources: { cpu: { request: '10m' } },
          nodeSelector: { pool: 'system' }, tolerations: [{ key: 'system', operator: 'Exists' }],
        },
        remoteAccessServiceAccounts: ['east-access', 'west-access'], enableNamespaceCreation: true,
        imagePullSecrets: ['regcred'], commonLabels: { owner: 'platform' }, podLabels: { team: 'mesh' }, podAnnotations: { 'example.com/pod': 'enabled' },
        revisionHistoryLimit: 5, namespaceMetadataNodeSelector: { pool: 'jobs' },
      });
    },
  },
};

/** A case whose reference helm renders from `values()` when the case runs. */
function helmCase(sharedDir: string, outDir: string, name: string, chart: { name: string; release: string; namespace: string },
  values: () => Record<string, unknown>, build: (app: App) => void): HelmConformanceCase {
  const reference = path.join(outDir, `${name}.helm.yaml`);
  return { reference, renderReference: () => helmTemplate(sharedDir, chart.release, chart.name, chart.namespace, values(), reference), build };
}

/**
 * Every helm-rendered case, keyed by name. `baseProps` is the typed equivalent of the default
 * reference's values file, which every control-plane case starts from.
 */
export function helmCases(referenceDir: string, sharedDir: string, outDir: string, baseProps: () => LinkerdControlPlaneProps): Record<string, HelmConformanceCase> {
  const cases: Record<string, HelmConformanceCase> = {};
  const controlPlane = { name: 'linkerd-control-plane', release: 'linkerd-control-plane', namespace: 'linkerd' };
  for (const [name, c] of Object.entries(CONTROL_PLANE_CASES)) {
    const values = () => merge(parse(fs.readFileSync(path.join(referenceDir, 'values', 'control-plane-default.values.yaml'), 'utf8')), c.values);
    cases[name] = helmCase(sharedDir, outDir, name, controlPlane, values, (app) => {
      const props = baseProps();
      new LinkerdControlPlane(app, 'linkerd-control-plane', { ...props, ...c.props, identity: { ...props.identity, ...c.props.identity } });
    });
  }
  const cni = { name: 'linkerd2-cni', release: 'linkerd2-cni', namespace: 'linkerd-cni' };
  for (const [name, c] of Object.entries(CNI_CASES)) {
    cases[name] = helmCase(sharedDir, outDir, name, cni, () => c.values, (app) => { new LinkerdCni(app, 'linkerd2-cni', c.props); });
  }
  const multicluster = { name: 'linkerd-multicluster', release: 'linkerd-multicluster', namespace: 'linkerd-multicluster' };
  for (const [name, c] of Object.entries(MULTICLUSTER_CASES)) {
    cases[name] = helmCase(sharedDir, outDir, name, multicluster, () => c.values, c.build);
  }
  return cases;
}
