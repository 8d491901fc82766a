import { httpProbePaths, readWorkload, selectPorts } from '../../src/policy/workload-info';
import { workload } from './manifests';

describe('readWorkload', () => {
  test('reads pods, ports and probes the way the policy controller does', () => {
    const w = readWorkload(workload('api', 'demo', {
      ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
      httpProbes: [['http', '/ready?full=1'], [8080, '/live']],
    }))!;
    expect(w).toMatchObject({ kind: 'Deployment', name: 'api', namespace: 'demo', serviceAccountName: 'api', podLabels: { app: 'api' } });
    expect(httpProbePaths(w, 8080)).toEqual(['/live', '/ready']);
    expect(selectPorts(w, 'http')).toEqual([8080]);
    expect(selectPorts(w, 'dns')).toEqual([]);
  });

  test('adds the proxy\'s ports and probes when the pods will be injected', () => {
    const w = readWorkload(workload('api', 'demo', { annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/admin-port': '9191' } }))!;
    expect(selectPorts(w, 'linkerd-admin')).toEqual([9191]);
    expect(httpProbePaths(w, 9191)).toEqual(['/live', '/ready']);
    expect(selectPorts(readWorkload(workload('api', 'demo'), true)!, 'linkerd-admin')).toEqual([4191]);
    expect(selectPorts(readWorkload(workload('api', 'demo', { annotations: { 'linkerd.io/inject': 'disabled' } }), true)!, 'linkerd-admin')).toEqual([]);
  });

  test('reads CronJobs and Pods, and nothing else', () => {
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } } } } } };
    expect(readWorkload(cron)!.ports.map((p) => p.port)).toEqual([80]);
    expect(readWorkload({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [] } })!.selector).toEqual({ matchLabels: { a: 'b' } });
    expect(readWorkload({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } })).toBeUndefined();
  });
});
