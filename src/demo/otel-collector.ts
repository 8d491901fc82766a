import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { ILinkerdMesh } from '../mesh/mesh';

/** Where the demo's OpenTelemetry collector runs; the mesh's tracing settings point here. */
export interface DemoCollectorLocation {
  /** @default 'observability' */
  readonly namespace?: string;
  /** Name of its Deployment, Service and ServiceAccount (its mesh identity). @default 'otel-collector' */
  readonly name?: string;
}

/** Props of DemoCollector. */
export interface DemoCollectorProps extends DemoCollectorLocation {
  /** The mesh the collector joins: proxies verify its mesh identity before sending spans. */
  readonly mesh: ILinkerdMesh;
  /** @default 'otel/opentelemetry-collector:0.120.0' */
  readonly image?: string;
}

/**
 * An OpenTelemetry collector for the demo: OTLP over gRPC on 4317, spans printed by the `debug`
 * exporter (swap in your tracing backend's exporter). It is meshed, so the proxies reach it over
 * mTLS and check that it runs as its ServiceAccount, as `proxy.tracing.collectorServiceAccount`
 * says. Not part of the library's API surface.
 */
export class DemoCollector extends Chart {
  /** OTLP gRPC port. */
  public static readonly OTLP_GRPC_PORT = 4317;

  /** `host:port` of the collector, for `proxy.tracing.collectorEndpoint`. */
  public static endpoint(location: DemoCollectorLocation = {}): string {
    const { name, namespace } = resolved(location);
    return `${name}.${namespace}.svc.cluster.local:${DemoCollector.OTLP_GRPC_PORT}`;
  }

  public readonly deployment: kplus.Deployment;

  public constructor(scope: Construct, id: string, props: DemoCollectorProps) {
    super(scope, id);
    const { name, namespace } = resolved(props);
    const metadata = { name, namespace, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'demo' } };
    const ns = new kplus.Namespace(this, 'namespace', { metadata: { name: namespace } });
    props.mesh.meshNamespace(ns);
    const config = new kplus.ConfigMap(this, 'config', {
      metadata,
      data: {
        'config.yaml': stringify({
          extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
          receivers: { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${DemoCollector.OTLP_GRPC_PORT}` } } } },
          processors: { batch: {} },
          exporters: { debug: { verbosity: 'basic' } },
          service: { extensions: ['health_check'], pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] } } },
        }),
      },
    });
    const serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata });
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata,
      replicas: 1,
      serviceAccount,
      podMetadata: { labels: metadata.labels },
      containers: [{
        name,
        image: props.image ?? 'otel/opentelemetry-collector:0.120.0',
        args: ['--config=/conf/config.yaml'],
        ports: [{ name: 'otlp-grpc', number: DemoCollector.OTLP_GRPC_PORT }, { name: 'health', number: 13133 }],
        readiness: kplus.Probe.fromHttpGet('/', { port: 13133 }),
        liveness: kplus.Probe.fromHttpGet('/', { port: 13133 }),
        resources: {
          cpu: { request: kplus.Cpu.millis(20), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
        },
        securityContext: { user: 10001, group: 10001 },
        volumeMounts: [{ path: '/conf', volume: kplus.Volume.fromConfigMap(this, 'config-volume', config) }],
      }],
    });
    new kplus.Service(this, 'service', {
      metadata,
      selector: this.deployment,
      ports: [{ name: 'otlp-grpc', port: DemoCollector.OTLP_GRPC_PORT, targetPort: DemoCollector.OTLP_GRPC_PORT }],
    });
  }
}

function resolved(location: DemoCollectorLocation): { name: string; namespace: string } {
  return { name: location.name ?? 'otel-collector', namespace: location.namespace ?? 'observability' };
}
