import { Chart, Testing } from 'cdk8s';
import { MeshTlsAuthentication, NamespaceRef, NetworkAuthentication, ServiceAccountRef } from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { demoApp, policyCrds } from './fixtures';

describe('MeshTlsAuthentication', () => {
  test('names clients by ServiceAccount, workload (read at synth) and namespace', () => {
    const d = demoApp();
    new MeshTlsAuthentication(d.chart, 'a', {
      metadata: { name: 'clients' },
      serviceAccounts: [d.webSa, ServiceAccountRef.fromName('prometheus', 'linkerd-viz')],
      workloads: [d.api],
      namespaces: [NamespaceRef.fromName('monitoring'), d.namespace],
    });
    const authn = Testing.synth(d.chart).find((o) => o.kind === 'MeshTLSAuthentication');
    expect(authn.spec).toEqual({
      identityRefs: [
        { kind: 'ServiceAccount', name: 'web', namespace: 'demo' },
        { kind: 'ServiceAccount', name: 'prometheus', namespace: 'linkerd-viz' },
        { kind: 'ServiceAccount', name: 'api', namespace: 'demo' },
        { kind: 'Namespace', name: 'monitoring' },
        { kind: 'Namespace', name: 'demo' },
      ],
    });
    expectValidObjects([authn], { crds: policyCrds() });
  });

  test('names clients by identity', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'x' });
    new MeshTlsAuthentication(chart, 'a', { identities: ['*.x.serviceaccount.identity.linkerd.cluster.local', 'spiffe://example.org/ns/x/sa/y'] });
    expect(Testing.synth(chart)[0].spec.identities).toHaveLength(2);
  });

  test('fails on identities that do not parse, mixed forms, and no client at all', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'x' });
    expect(() => new MeshTlsAuthentication(chart, 'a', { identities: ['Web.X'] })).toThrow(/c\/a: identities\[0\]: "Web\.X" is not a mesh identity/);
    expect(() => new MeshTlsAuthentication(chart, 'b', { identities: ['*'], serviceAccounts: [ServiceAccountRef.fromName('a')] })).toThrow(/c\/b: identities: identities cannot be combined/);
    expect(() => new MeshTlsAuthentication(chart, 'c', {})).toThrow(/c\/c: identities: no client is named/);
  });
});

describe('NetworkAuthentication', () => {
  test('renders networks with exceptions', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'x' });
    new NetworkAuthentication(chart, 'n', { metadata: { name: 'nodes' }, networks: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }, { cidr: 'fd00::/8' }] });
    const [n] = Testing.synth(chart);
    expect(n.spec).toEqual({ networks: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }, { cidr: 'fd00::/8' }] });
    expectValidObjects([n], { crds: policyCrds() });
  });

  test('fails on an empty list and on a CIDR that does not parse', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'x' });
    expect(() => new NetworkAuthentication(chart, 'a', { networks: [] })).toThrow(/c\/a: networks: no network is given/);
    expect(() => new NetworkAuthentication(chart, 'b', { networks: [{ cidr: '10.0.0.300/8' }] })).toThrow(/c\/b: networks\[0\]\.cidr: "10\.0\.0\.300\/8" is not a CIDR/);
  });
});
