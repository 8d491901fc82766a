import { Chart, Testing } from 'cdk8s';
import { Client, NamespaceRef, ServiceAccountRef } from '../../src';
import { demoApp } from './fixtures';

const scope = () => new Chart(Testing.app(), 'c');

describe('Client', () => {
  test('labels clients for names, and keys them by who they are', () => {
    const d = demoApp();
    const resolve = (c: Client) => c._resolve(d.chart, 'client');
    expect(resolve(Client.workload(d.web))).toMatchObject({ label: 'web', key: 'workloads:Deployment/demo/web|' });
    expect(resolve(Client.meshTls(d.webSa, ServiceAccountRef.fromName('prometheus', 'linkerd-viz'))).label).toBe('sa-web-prometheus');
    expect(resolve(Client.namespace('monitoring')).label).toBe('ns-monitoring');
    expect(resolve(Client.namespace(NamespaceRef.fromName('ops'))).label).toBe('ns-ops');
    expect(resolve(Client.anyAuthenticated()).label).toBe('authenticated');
    expect(resolve(Client.identities('a.b.serviceaccount.identity.linkerd.cluster.local')).label).toMatch(/^id-[0-9a-f]{8}$/);
    expect(resolve(Client.network('fd00::/8')).label).toBe('net-fd00-8');
    expect(resolve(Client.anyone()).label).toBe('anyone');
    expect(resolve(Client.workload(d.web).onlyFrom('10.0.0.0/8')).label).toBe('web-via-10.0.0.0-8');
    expect(resolve(Client.workload(d.web)).key).not.toEqual(resolve(Client.workload(d.web).onlyFrom('10.0.0.0/8')).key);
  });

  test('fails on what cannot name a client', () => {
    expect(() => Client.meshTls()._resolve(scope(), 'client')).toThrow(/c: client: no ServiceAccount is given/);
    expect(() => Client.identities('Not An Identity')._resolve(scope(), 'client')).toThrow(/c: client\.identities\[0\]: "Not An Identity" is not a mesh identity/);
    expect(() => Client.network('::1/200')._resolve(scope(), 'client')).toThrow(/c: client\.networks\[0\]\.cidr: "::1\/200" is not a CIDR/);
    const d = demoApp();
    expect(() => Client.workload(d.webSa)._resolve(d.chart, 'client')).toThrow(/demo: client\.workload: ServiceAccount web is not a Deployment/);
  });
});
