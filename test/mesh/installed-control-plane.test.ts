import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { IssuerCertificate, LinkerdControlPlane, LinkerdControlPlaneProps, MeshMode, TrustAnchors } from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { deploymentManifest, MESH_KEYS } from './fixtures';

const PROPS: LinkerdControlPlaneProps = {
  keyMaterial: MESH_KEYS,
  emitGeneratedPrivateKeys: true,
  identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated({ validity: Duration.days(365) }), trustDomain: 'mesh.example.org' },
  namespace: 'mesh',
  highAvailability: true,
  clusterDomain: 'corp.local',
  registry: 'registry.example.com/l5d',
  proxy: { logFormat: 'json' as any, opaquePorts: [5432], defaultInboundPolicy: 'cluster-authenticated' as any },
} as LinkerdControlPlaneProps;

function meshedWith(makeMesh: (app: any) => { meshWorkload: LinkerdControlPlane['meshWorkload'] }): any[] {
  const app = Testing.app();
  const mesh = makeMesh(app);
  const chart = new Chart(app, 'workloads');
  mesh.meshWorkload(new ApiObject(chart, 'web', deploymentManifest()), { mode: MeshMode.STATIC });
  return Testing.synth(chart);
}

describe('LinkerdControlPlane.fromInstalled', () => {
  test('the props a control plane was synthesized with give the same injected pods as the control plane itself', () => {
    // GIVEN / WHEN
    const inApp = meshedWith((app) => new LinkerdControlPlane(app, 'linkerd-control-plane', PROPS));
    const elsewhere = meshedWith((app) => LinkerdControlPlane.fromInstalled(app, 'installed', PROPS));
    // THEN
    expect(elsewhere).toEqual(inApp);
    expectValidObjects(inApp);
    const proxy = inApp[0].spec.template.spec.initContainers[1];
    expect(proxy.image).toBe('registry.example.com/l5d/proxy:edge-26.8.3');
    expect(proxy.resources).toEqual({ limits: { memory: '250Mi' }, requests: { cpu: '100m', memory: '20Mi' } });
    const env = Object.fromEntries(proxy.env.map((e: any) => [e.name, e.value]));
    expect(env.LINKERD2_PROXY_IDENTITY_SVC_NAME).toBe('linkerd-identity.mesh.serviceaccount.identity.mesh.mesh.example.org');
    expect(env.LINKERD2_PROXY_DESTINATION_SVC_ADDR).toBe('linkerd-dst-headless.mesh.svc.corp.local.:8086');
    expect(env.LINKERD2_PROXY_INBOUND_DEFAULT_POLICY).toBe('cluster-authenticated');
  });

  test('values are resolved from the props and returned as a copy', () => {
    const installed = LinkerdControlPlane.fromInstalled(Testing.app(), 'installed', { version: 'edge-26.9.1', ipv6: true, cni: true });
    const values = installed.values;
    expect(values.linkerdVersion).toBe('edge-26.9.1');
    expect(values.disableIPv6).toBe(false);
    expect(values.cniEnabled).toBe(true);
    expect(values.identityTrustAnchorsPEM).toBe('');
    values.proxy.logLevel = 'changed';
    expect(installed.values.proxy.logLevel).toBe('warn,linkerd=info,hickory=error');
    expect(installed.controlPlaneNamespace).toBe('linkerd');
  });

  test('fails on bad props, naming the construct and the field', () => {
    expect(() => LinkerdControlPlane.fromInstalled(Testing.app(), 'installed', { namespace: 'Not_A_Label' })).toThrow(/installed: namespace: "Not_A_Label" contains "_" and upper-case letters; a DNS label has only a-z, 0-9 and "-"/);
    expect(() => LinkerdControlPlane.fromInstalled(Testing.app(), 'installed', { clusterNetworks: ['10.0.0.0/40'] })).toThrow(/installed: clusterNetworks\[0\]/);
    expect(() => LinkerdControlPlane.fromInstalled(Testing.app(), 'installed', { identity: { trustAnchors: TrustAnchors.fromPem('not a pem') } }))
      .toThrow(/installed: identity.trustAnchors/);
    expect(() => LinkerdControlPlane.fromInstalled(Testing.app(), 'installed', { imagePullPolicy: 'Sometimes' as any })).toThrow(/installed: imagePullPolicy/);
  });
});
