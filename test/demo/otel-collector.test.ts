import { Testing } from 'cdk8s';
import { DemoCollector } from '../../src/demo';
import { installedMesh } from '../mesh/fixtures';
import { expectValidObjects } from '../support/k8s-schema';
import { parseManifests } from '../support/manifests';

function collector(): any[] {
  const app = Testing.app();
  return Testing.synth(new DemoCollector(app, 'observability', { mesh: installedMesh(app) }));
}

describe('DemoCollector', () => {
  test('matches the snapshot, and validates strictly', () => {
    const objects = collector();
    expect(objects).toMatchSnapshot();
    expectValidObjects(objects);
  });

  test('an OTLP gRPC collector in a meshed namespace, running as the account the proxies verify', () => {
    const objects = collector();
    const find = (kind: string) => objects.find((o) => o.kind === kind);
    expect(DemoCollector.endpoint()).toBe('otel-collector.observability.svc.cluster.local:4317');
    expect(find('Namespace').metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
    expect(find('Deployment').spec.template.spec.serviceAccountName).toBe('otel-collector');
    expect(find('Service').spec.ports).toEqual([{ name: 'otlp-grpc', port: 4317, targetPort: 4317 }]);
    const config = parseManifests(find('ConfigMap').data['config.yaml'])[0];
    expect(config.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] });
  });
});
