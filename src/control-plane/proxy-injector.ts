import { ApiObject } from 'cdk8s';
import { ControlPlaneContext } from './context';
import { controllerDeployment } from './controller-deployment';
import { ResourceValues } from './values';

/** The proxy-injector Deployment, which adds proxies to pods at admission. */
export function renderProxyInjector(ctx: ControlPlaneContext, checksumOf: ApiObject[]): void {
  const v = ctx.values;
  controllerDeployment(ctx, {
    component: 'proxy-injector',
    name: 'linkerd-proxy-injector',
    serviceAccount: 'linkerd-proxy-injector',
    podAnnotationsKey: 'proxyInjector',
    proxyResourcesKey: 'proxyInjectorProxyResources',
    checksumOf,
    selectByComponentOnly: true,
    extraPodAnnotations: { 'config.linkerd.io/opaque-ports': '8443' },
    mesh: { podInboundPorts: '8443,9995', classicProxyPlacement: 'first' },
    containers: [{
      name: 'proxy-injector',
      args: ['proxy-injector', `-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`, `-linkerd-namespace=${ctx.namespace}`, `-enable-pprof=${v.enablePprof}`],
      ports: [['proxy-injector', 8443], ['injector-admin', 9995]],
      probePort: 9995,
      livenessPath: '/ping',
      probeValuesKey: 'proxyInjector',
      resources: v.proxyInjectorResources as ResourceValues | undefined,
      mounts: [
        { mountPath: '/var/run/linkerd/config', name: 'config' },
        { mountPath: '/var/run/linkerd/identity/trust-roots', name: 'trust-roots' },
        { mountPath: '/var/run/linkerd/tls', name: 'tls', readOnly: true },
      ],
    }],
    volumes: [
      { configMap: { name: 'linkerd-config' }, name: 'config' },
      { configMap: { name: 'linkerd-identity-trust-roots' }, name: 'trust-roots' },
      { name: 'tls', secret: { secretName: 'linkerd-proxy-injector-k8s-tls' } },
    ],
  });
}
