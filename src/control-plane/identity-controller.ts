import { ControlPlaneContext } from './context';
import { controllerDeployment } from './controller-deployment';
import { controllerTraceArgs } from './tracing';
import { ResourceValues, trustDomainOf } from './values';

/** The identity Deployment, which issues the proxies' certificates. */
export function renderIdentity(ctx: ControlPlaneContext): void {
  const v = ctx.values;
  const issuer = v.identity.issuer;
  const kubeAPI = v.identity.kubeAPI as { clientQPS: number; clientBurst: number };
  controllerDeployment(ctx, {
    component: 'identity',
    name: 'linkerd-identity',
    serviceAccount: 'linkerd-identity',
    podAnnotationsKey: 'identity',
    proxyResourcesKey: 'identityProxyResources',
    mesh: {
      podInboundPorts: '8080,9990',
      servesIdentity: true,
      requireTLSOnInboundPorts: '8080',
      classicProxyPlacement: 'last',
    },
    containers: [{
      name: 'identity',
      args: [
        'identity', `-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`,
        `-controller-namespace=${ctx.namespace}`, `-identity-trust-domain=${trustDomainOf(v)}`,
        `-identity-issuance-lifetime=${issuer.issuanceLifetime}`, `-identity-clock-skew-allowance=${issuer.clockSkewAllowance}`,
        `-identity-scheme=${issuer.scheme}`, `-enable-pprof=${v.enablePprof}`,
        `-kube-apiclient-qps=${kubeAPI.clientQPS}`, `-kube-apiclient-burst=${kubeAPI.clientBurst}`,
        ...controllerTraceArgs(v),
      ],
      env: [{ name: 'LINKERD_DISABLED', value: 'linkerd-await cannot block the identity controller' }],
      ports: [['ident-grpc', 8080], ['ident-admin', 9990]],
      probePort: 9990,
      livenessPath: '/ping',
      probeValuesKey: 'identity',
      resources: v.identityResources as ResourceValues | undefined,
      mounts: [
        { mountPath: '/var/run/linkerd/identity/issuer', name: 'identity-issuer' },
        { mountPath: '/var/run/linkerd/identity/trust-roots/', name: 'trust-roots' },
      ],
    }],
    volumes: [
      { name: 'identity-issuer', secret: { secretName: 'linkerd-identity-issuer' } },
      { configMap: { name: 'linkerd-identity-trust-roots' }, name: 'trust-roots' },
    ],
  });
}
