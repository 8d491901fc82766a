import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { Toleration } from 'kubernetes-types/core/v1';
import { podAntiAffinity } from '../control-plane/controller-deployment';
import { LinkerdConfigError } from '../errors';
import { AuthorizationPolicy } from '../policy/authorization-policy';
import { PodSelector } from '../policy/label-selector';
import { MeshTlsAuthentication } from '../policy/meshtls-authentication';
import { NetworkAuthentication } from '../policy/network-authentication';
import { Server } from '../policy/server';
import { DefaultInboundPolicy, ProxySettings } from '../proxy/proxy-spec';
import * as check from '../validate';
import { CREATED_BY_ANNOTATION, EXTENSION_LABEL, MulticlusterContext, restrictedSecurityContext } from './context';
import { meshAnnotations } from './mesh-annotations';

/** How the gateway's Service is exposed to the other clusters. */
export enum GatewayServiceType {
  LOAD_BALANCER = 'LoadBalancer',
  NODE_PORT = 'NodePort',
  /** Reachable only inside the cluster's network (e.g. flat networks, or an Ingress of your own). */
  CLUSTER_IP = 'ClusterIP',
}

/** `externalTrafficPolicy` of the gateway's Service. */
export enum GatewayExternalTrafficPolicy {
  CLUSTER = 'Cluster',
  /** Keep the client's source address (needed to authorize source networks), only nodes with a gateway pod answer. */
  LOCAL = 'Local',
}

/**
 * The multicluster gateway: a meshed `pause` pod whose proxy, in gateway mode, accepts mTLS
 * connections from linked clusters on the proxy's inbound port and forwards them to local
 * Services; remote clusters probe its health on the proxy's admin port.
 */
export interface MulticlusterGatewayProps {
  /** Install the gateway; without it, links from other clusters can only use remote discovery or federation. @default true */
  readonly enabled?: boolean;
  /** Name of the gateway's Deployment, Service and ServiceAccount. @default 'linkerd-gateway' */
  readonly name?: string;
  /** @default 1 (3 with highAvailability) */
  readonly replicas?: number;
  /** @default GatewayServiceType.LOAD_BALANCER */
  readonly serviceType?: GatewayServiceType;
  /** Node port of the gateway port, with NodePort or LoadBalancer. @default - assigned by Kubernetes */
  readonly nodePort?: number;
  /** Node port of the probe port, with NodePort or LoadBalancer. @default - assigned by Kubernetes */
  readonly probeNodePort?: number;
  /** Path remote clusters probe. @default '/ready' */
  readonly probePath?: string;
  /** Interval of the remote clusters' probes, whole seconds. @default Duration.seconds(3) */
  readonly probePeriod?: Duration;
  /** @default GatewayExternalTrafficPolicy.CLUSTER (the Service's default) */
  readonly externalTrafficPolicy?: GatewayExternalTrafficPolicy;
  /** With externalTrafficPolicy Local on a NodePort or LoadBalancer Service. @default - assigned by Kubernetes */
  readonly healthCheckNodePort?: number;
  /** @default - none */
  readonly loadBalancerClass?: string;
  /** Address to request from the load balancer. @default - assigned by the provider */
  readonly loadBalancerIP?: string;
  /** CIDRs the load balancer admits. @default - all */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * Networks whose clients may use the gateway (its NetworkAuthentication `source-cluster`).
   * Some providers (GKE) present the node's address rather than the remote cluster's.
   * @default ['0.0.0.0/0', '::/0']
   */
  readonly sourceNetworks?: string[];
  /** Annotations of the gateway's Service, e.g. the load balancer's. @default - none */
  readonly serviceAnnotations?: Record<string, string>;
  /** Annotations of the gateway's pods. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Proxy settings of the gateway's proxy (e.g. its resources), as pod annotations. @default - the mesh's */
  readonly proxy?: ProxySettings;
  /** @default - the pod's default */
  readonly terminationGracePeriod?: Duration;
  /** @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: Toleration[];
  /** Image of the gateway pod's placeholder container. @default 'registry.k8s.io/pause:3.2' */
  readonly pauseImage?: string;
  /** @default 2103 */
  readonly uid?: number;
  /** @default 2103 */
  readonly gid?: number;
}

/** The gateway as other clusters see it: what a Link to this cluster records. */
export interface ResolvedGateway {
  readonly name: string;
  readonly serviceType: GatewayServiceType;
  /** The Service's gateway port (the proxy's inbound port). */
  readonly port: number;
  readonly nodePort?: number;
  /** The Service's probe port (the proxy's admin port). */
  readonly probePort: number;
  readonly probeNodePort?: number;
  readonly probePath: string;
  readonly probePeriod: Duration;
  readonly loadBalancerIP?: string;
  /** mTLS identity of the gateway's proxy. */
  readonly identity: string;
}

/** Renders the gateway and its policy; returns how other clusters reach it. */
export function renderGateway(ctx: MulticlusterContext, scope: IConstruct, props: MulticlusterGatewayProps, proxyPorts: { inbound: number; admin: number }): ResolvedGateway {
  const field = (name: string) => `gateway.${name}`;
  const name = check.dnsLabel(scope, field('name'), props.name ?? 'linkerd-gateway');
  const serviceType = check.oneOf(scope, field('serviceType'), props.serviceType ?? GatewayServiceType.LOAD_BALANCER, Object.values(GatewayServiceType));
  const exposedOnNodes = serviceType !== GatewayServiceType.CLUSTER_IP;
  const nodePortOf = (key: 'nodePort' | 'probeNodePort' | 'healthCheckNodePort') => {
    const value = props[key];
    if (value === undefined) return undefined;
    if (!exposedOnNodes) {
      throw new LinkerdConfigError(scope, field(key), 'is set, but a ClusterIP Service has no node ports', 'use GatewayServiceType.NODE_PORT or LOAD_BALANCER, or leave it unset');
    }
    return check.port(scope, field(key), value);
  };
  const probePeriod = props.probePeriod ?? Duration.seconds(3);
  const periodSeconds = probePeriod.toMilliseconds() / 1000;
  if (!Number.isInteger(periodSeconds) || periodSeconds < 1) {
    throw new LinkerdConfigError(scope, field('probePeriod'), `${probePeriod.toHumanString()} is not a whole number of seconds`, 'use e.g. Duration.seconds(3)');
  }
  const probePath = props.probePath ?? '/ready';
  if (!probePath.startsWith('/')) {
    throw new LinkerdConfigError(scope, field('probePath'), `${JSON.stringify(probePath)} is not an absolute path`, 'use a path such as "/ready"');
  }
  const gateway: ResolvedGateway = {
    name,
    serviceType,
    port: proxyPorts.inbound,
    nodePort: nodePortOf('nodePort'),
    probePort: proxyPorts.admin,
    probeNodePort: nodePortOf('probeNodePort'),
    probePath,
    probePeriod,
    loadBalancerIP: props.loadBalancerIP,
    identity: `${name}.${ctx.namespace}.serviceaccount.identity.${ctx.controlPlaneNamespace}.${ctx.trustDomain}`,
  };
  const uid = check.nonNegativeInteger(scope, field('uid'), props.uid ?? 2103);
  const gid = check.nonNegativeInteger(scope, field('gid'), props.gid ?? 2103);
  const selector = { app: name };

  ctx.obj('gateway-sa', 'v1', 'ServiceAccount', { name, namespace: ctx.namespace, labels: EXTENSION_LABEL }, { imagePullSecrets: ctx.imagePullSecrets });
  ctx.obj('gateway-deployment', 'apps/v1', 'Deployment', {
    name,
    namespace: ctx.namespace,
    annotations: CREATED_BY_ANNOTATION,
    labels: {
      'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/part-of': 'Linkerd', 'app.kubernetes.io/version': ctx.linkerdVersion,
      'component': 'gateway', ...selector, ...EXTENSION_LABEL,
    },
  }, {
    spec: {
      replicas: check.positiveInteger(scope, field('replicas'), props.replicas ?? (ctx.highAvailability ? 3 : 1)),
      revisionHistoryLimit: ctx.revisionHistoryLimit,
      selector: { matchLabels: selector },
      strategy: ctx.highAvailability ? { rollingUpdate: { maxUnavailable: 1 } } : undefined,
      template: {
        metadata: {
          annotations: {
            ...CREATED_BY_ANNOTATION,
            ...meshAnnotations(scope, field('proxy'), {
              requireIdentityOnInboundPorts: [gateway.port], gateway: true, defaultInboundPolicy: DefaultInboundPolicy.ALL_AUTHENTICATED,
            }, props.proxy),
            'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
            ...annotationMap(scope, field('podAnnotations'), props.podAnnotations),
          },
          labels: { ...selector, ...EXTENSION_LABEL, ...ctx.podLabels },
        },
        spec: {
          affinity: ctx.highAvailability ? podAntiAffinity('app', name) : undefined,
          terminationGracePeriodSeconds: props.terminationGracePeriod?.toSeconds(),
          automountServiceAccountToken: false,
          containers: [{ name: 'pause', image: props.pauseImage ?? 'registry.k8s.io/pause:3.2', securityContext: restrictedSecurityContext(uid, gid) }],
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          serviceAccountName: name,
          nodeSelector: props.nodeSelector ? check.labelMap(scope, field('nodeSelector'), props.nodeSelector) : undefined,
          tolerations: props.tolerations?.map((t) => structuredClone(t)),
        },
      },
    },
  });
  if (ctx.highAvailability) {
    ctx.obj('gateway-pdb', 'policy/v1', 'PodDisruptionBudget', { name, namespace: ctx.namespace, labels: { ...selector, ...EXTENSION_LABEL }, annotations: CREATED_BY_ANNOTATION }, {
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    });
  }
  ctx.obj('gateway-service', 'v1', 'Service', {
    name,
    namespace: ctx.namespace,
    labels: EXTENSION_LABEL,
    annotations: {
      'mirror.linkerd.io/gateway-identity': gateway.identity,
      'mirror.linkerd.io/probe-period': String(periodSeconds),
      'mirror.linkerd.io/probe-path': probePath,
      'mirror.linkerd.io/multicluster-gateway': 'true',
      'component': 'gateway',
      ...CREATED_BY_ANNOTATION,
      ...annotationMap(scope, field('serviceAnnotations'), props.serviceAnnotations),
    },
  }, {
    spec: {
      ports: [
        { name: 'mc-gateway', port: gateway.port, protocol: 'TCP', nodePort: gateway.nodePort },
        { name: 'mc-probe', port: gateway.probePort, protocol: 'TCP', nodePort: gateway.probeNodePort },
      ],
      selector,
      type: serviceType,
      externalTrafficPolicy: props.externalTrafficPolicy === undefined ? undefined
        : check.oneOf(scope, field('externalTrafficPolicy'), props.externalTrafficPolicy, Object.values(GatewayExternalTrafficPolicy)),
      healthCheckNodePort: nodePortOf('healthCheckNodePort'),
      loadBalancerClass: props.loadBalancerClass,
      loadBalancerIP: props.loadBalancerIP,
      loadBalancerSourceRanges: props.loadBalancerSourceRanges,
    },
  });

  // Meshed clients from linked clusters, from the source networks, may use the gateway port.
  const policyMeta = (objName: string) => ({ name: objName, namespace: ctx.namespace, labels: { ...EXTENSION_LABEL, ...selector, ...ctx.commonLabels }, annotations: CREATED_BY_ANNOTATION });
  const server = new Server(ctx.chart, 'gateway-server', { metadata: policyMeta('linkerd-gateway'), podSelector: PodSelector.labels(selector), port: 'linkerd-proxy' });
  const anyMeshed = new MeshTlsAuthentication(ctx.chart, 'gateway-any-meshed', { metadata: policyMeta('any-meshed'), identities: ['*'] });
  const sourceCluster = new NetworkAuthentication(ctx.chart, 'gateway-source-cluster', {
    metadata: policyMeta('source-cluster'),
    networks: (props.sourceNetworks ?? ['0.0.0.0/0', '::/0']).map((cidr) => ({ cidr })),
  });
  new AuthorizationPolicy(ctx.chart, 'gateway-authorization', { metadata: policyMeta('linkerd-gateway'), target: server, requiredAuthentications: [anyMeshed, sourceCluster] });
  return gateway;
}

/** A map of annotations with checked keys; a copy. */
export function annotationMap(scope: IConstruct, field: string, map: Record<string, string> | undefined): Record<string, string> {
  for (const key of Object.keys(map ?? {})) check.labelKey(scope, `${field}.${key}`, key);
  return { ...map };
}
