import { ApiObject } from 'cdk8s';
import { ControlPlaneContext } from './context';
import { controllerDeployment } from './controller-deployment';
import { controllerTraceArgs } from './tracing';
import { ResourceValues, trustDomainOf } from './values';

/**
 * The destination Deployment: the destination controller, the ServiceProfile validator and the
 * policy controller with its validator, in one pod.
 */
export function renderDestination(ctx: ControlPlaneContext, checksumOf: ApiObject[]): void {
  const v = ctx.values;
  const ns = ctx.namespace;
  const any = v.disableIPv6 ? '0.0.0.0' : '[::]';
  const td = trustDomainOf(v);
  const logArgs = [`-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`];
  const dc = v.destinationController as { meshedHttp2ClientProtobuf?: unknown };
  controllerDeployment(ctx, {
    component: 'destination',
    name: 'linkerd-destination',
    serviceAccount: 'linkerd-destination',
    podAnnotationsKey: 'destinationController',
    proxyResourcesKey: 'destinationProxyResources',
    checksumOf,
    mesh: { podInboundPorts: '8086,8090,8443,9443,9990,9996,9997', servesDestination: true, classicProxyPlacement: 'first' },
    containers: [
      {
        name: 'destination',
        args: [
          'destination', '-addr=:8086', `-controller-namespace=${ns}`,
          `-outbound-transport-mode=${v.proxy.outboundTransportMode}`, `-enable-h2-upgrade=${v.enableH2Upgrade}`,
          ...logArgs, `-enable-endpoint-slices=${v.enableEndpointSlices}`, `-cluster-domain=${v.clusterDomain}`,
          `-identity-trust-domain=${td}`, `-default-opaque-ports=${v.proxy.opaquePorts}`,
          `-enable-ipv6=${!v.disableIPv6}`, `-enable-pprof=${v.enablePprof}`,
          ...(dc.meshedHttp2ClientProtobuf ? [`--meshed-http2-client-params=${JSON.stringify(dc.meshedHttp2ClientProtobuf)}`] : []),
          ...controllerTraceArgs(v),
        ],
        ports: [['dest-grpc', 8086], ['dest-admin', 9996]],
        probePort: 9996,
        livenessPath: '/ping',
        probeValuesKey: 'destinationController',
        resources: v.destinationResources as ResourceValues | undefined,
      },
      {
        name: 'sp-validator',
        args: ['sp-validator', ...logArgs, `-enable-pprof=${v.enablePprof}`],
        ports: [['sp-validator', 8443], ['spval-admin', 9997]],
        probePort: 9997,
        livenessPath: '/ping',
        probeValuesKey: 'spValidator',
        resources: v.spValidatorResources as ResourceValues | undefined,
        mounts: [{ mountPath: '/var/run/linkerd/tls', name: 'sp-tls', readOnly: true }],
      },
      {
        name: 'policy',
        command: ['/linkerd-policy-controller'],
        args: [
          `--admin-addr=${any}:9990`, `--control-plane-namespace=${ns}`, `--grpc-addr=${any}:8090`,
          `--server-addr=${any}:9443`, '--server-tls-key=/var/run/linkerd/tls/tls.key',
          '--server-tls-certs=/var/run/linkerd/tls/tls.crt', `--cluster-networks=${v.clusterNetworks}`,
          `--identity-domain=${td}`, `--cluster-domain=${v.clusterDomain}`,
          `--default-policy=${v.proxy.defaultInboundPolicy}`, `--log-level=${v.policyController.logLevel || 'linkerd=info,warn'}`,
          `--log-format=${v.controllerLogFormat}`, `--default-opaque-ports=${v.proxy.opaquePorts}`,
          `--global-egress-network-namespace=${(v.egress as { globalEgressNetworkNamespace: string }).globalEgressNetworkNamespace}`,
          ...(v.policyController.probeNetworks.length ? [`--probe-networks=${v.policyController.probeNetworks.join(',')}`] : []),
        ],
        ports: [['policy-grpc', 8090], ['policy-admin', 9990], ['policy-https', 9443]],
        probePort: 'policy-admin',
        livenessPath: '/live',
        probeValuesKey: 'policyController',
        resources: v.policyController.resources,
        mounts: [{ mountPath: '/var/run/linkerd/tls', name: 'policy-tls', readOnly: true }],
      },
    ],
    volumes: [
      { name: 'sp-tls', secret: { secretName: 'linkerd-sp-validator-k8s-tls' } },
      { name: 'policy-tls', secret: { secretName: 'linkerd-policy-validator-k8s-tls' } },
    ],
  });
}
