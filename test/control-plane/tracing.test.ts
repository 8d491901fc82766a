import { Testing } from 'cdk8s';
import { LinkerdControlPlane, ProxyTracing } from '../../src';
import { controlPlaneProps, find, OUR_CRDS, podSpec, synthControlPlane } from './fixtures';
import { expectValidObjects } from '../support/k8s-schema';

const COLLECTOR = 'otel-collector.observability.svc.cluster.local:4317';
const PROXY_TRACING: ProxyTracing = { collectorEndpoint: COLLECTOR, collectorServiceAccount: 'otel-collector', collectorNamespace: 'observability', serviceName: 'mesh-proxy' };

const traceArgs = (objects: any[], deployment: string, container: string) =>
  podSpec(objects, deployment).containers.find((c: any) => c.name === container).args.filter((a: string) => a.startsWith('-trace-collector'));

describe('tracing of the control plane', () => {
  test('controllers and proxies tracing: snapshot, and valid objects', () => {
    const { objects } = synthControlPlane({ controllerTracing: {}, proxy: { tracing: PROXY_TRACING } });
    expect(objects).toMatchSnapshot();
    expectValidObjects(objects, { crds: OUR_CRDS });
  });

  test('destination and identity export their spans to the collector; the injector has no such flag', () => {
    // GIVEN / WHEN
    const { objects } = synthControlPlane({ controllerTracing: { collectorEndpoint: 'controllers-otel.tracing:4317' }, proxy: { tracing: PROXY_TRACING } });
    // THEN
    expect(traceArgs(objects, 'linkerd-destination', 'destination')).toEqual(['-trace-collector=controllers-otel.tracing:4317']);
    expect(traceArgs(objects, 'linkerd-identity', 'identity')).toEqual(['-trace-collector=controllers-otel.tracing:4317']);
    expect(traceArgs(objects, 'linkerd-proxy-injector', 'proxy-injector')).toEqual([]);
    const values = find(objects, 'ConfigMap', 'linkerd-config').data.values;
    expect(values).toContain('endpoint: controllers-otel.tracing:4317');
  });

  test('without their own collector the controllers use the proxies\'', () => {
    const { objects } = synthControlPlane({ controllerTracing: {}, proxy: { tracing: PROXY_TRACING } });
    expect(traceArgs(objects, 'linkerd-destination', 'destination')).toEqual([`-trace-collector=${COLLECTOR}`]);
  });

  test('proxy tracing alone leaves the controllers untraced, and the proxies of the control plane trace', () => {
    const { objects } = synthControlPlane({ proxy: { tracing: PROXY_TRACING } });
    expect(traceArgs(objects, 'linkerd-destination', 'destination')).toEqual([]);
    const proxy = podSpec(objects, 'linkerd-destination').initContainers.find((c: any) => c.name === 'linkerd-proxy');
    const env = Object.fromEntries(proxy.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      LINKERD2_PROXY_TRACE_SERVICE_NAME: 'mesh-proxy',
      LINKERD2_PROXY_TRACE_COLLECTOR_SVC_ADDR: COLLECTOR,
      LINKERD2_PROXY_TRACE_COLLECTOR_SVC_NAME: 'otel-collector.observability.serviceaccount.identity.linkerd.cluster.local',
    });
  });

  test('enabled: false turns controller tracing off', () => {
    const { objects } = synthControlPlane({ controllerTracing: { enabled: false, collectorEndpoint: COLLECTOR } });
    expect(traceArgs(objects, 'linkerd-identity', 'identity')).toEqual([]);
  });

  test('fails without any collector, and on an endpoint without port', () => {
    expect(() => new LinkerdControlPlane(Testing.app(), 'linkerd', controlPlaneProps({ controllerTracing: {} })))
      .toThrow(/^linkerd: controllerTracing\.collectorEndpoint: is not set, and the proxies trace to no collector either\. Fix: /);
    expect(() => new LinkerdControlPlane(Testing.app(), 'linkerd', controlPlaneProps({ controllerTracing: { collectorEndpoint: 'otel-collector.observability' } })))
      .toThrow(/^linkerd: controllerTracing\.collectorEndpoint: "otel-collector\.observability" has no port\. Fix: add the port/);
  });
});
