import { App, Duration, Testing } from 'cdk8s';
import {
  GatewayServiceType, IssuerCertificate, KeyMaterial, LinkCredentials, LinkerdConfigError, LinkerdControlPlane, LinkerdMulticluster,
  LinkerdMulticlusterProps, runChecks, Severity, synthesizeTargets, TrustAnchors,
} from '../../src';
import { controlPlaneProps, find, OUR_CRDS } from '../control-plane/fixtures';
import { expectValidObjects } from '../support/k8s-schema';

const keys = (seed: string) => KeyMaterial.fromSeed({ seed, notBefore: '2026-01-01T00:00:00Z' });

function synthMulticluster(props: Partial<LinkerdMulticlusterProps> = {}, configure?: (mc: LinkerdMulticluster) => void): any[] {
  const app = Testing.app();
  const mc = new LinkerdMulticluster(app, 'linkerd-multicluster', { controlPlane: LinkerdControlPlane.fromInstalled(app, 'linkerd'), ...props });
  configure?.(mc);
  const objects = Testing.synth(mc);
  expectValidObjects(objects, { crds: OUR_CRDS });
  return objects;
}

const kinds = (objects: any[]) => objects.reduce((acc: Record<string, number>, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {});

describe('LinkerdMulticluster', () => {
  test('matches the snapshot', () => {
    expect(synthMulticluster()).toMatchSnapshot();
  });

  test('emits the chart\'s objects, plus the labelled Namespace', () => {
    // GIVEN / WHEN
    const objects = synthMulticluster();
    // THEN
    expect(kinds(objects)).toEqual({
      Namespace: 1, CustomResourceDefinition: 1, ServiceAccount: 4, Secret: 1, ClusterRole: 3, ClusterRoleBinding: 2, Role: 1, RoleBinding: 2,
      Service: 1, Deployment: 2, Job: 1, Server: 5, AuthorizationPolicy: 5, MeshTLSAuthentication: 1, NetworkAuthentication: 1,
    });
    for (const o of objects) expect(o.metadata.labels['linkerd.io/extension']).toBe('multicluster');
    const crd = find(objects, 'CustomResourceDefinition', 'links.multicluster.linkerd.io');
    expect(crd.spec.versions.map((v: any) => [v.name, v.storage, Boolean(v.subresources)])).toEqual([
      ['v1alpha1', false, false], ['v1alpha2', false, true], ['v1alpha3', true, true],
    ]);
    // The token Secret is one Kubernetes fills in: no key material in the output.
    expect(find(objects, 'Secret', 'linkerd-service-mirror-remote-access-default-token')).toMatchObject({ type: 'kubernetes.io/service-account-token' });
    expect(find(objects, 'Secret', 'linkerd-service-mirror-remote-access-default-token').data).toBeUndefined();
  });

  test('the gateway is meshed in gateway mode and announces its identity and probe', () => {
    // GIVEN / WHEN
    const objects = synthMulticluster({ gateway: { proxy: { resources: { memory: { limit: '100Mi' } } } } });
    // THEN
    const pod = find(objects, 'Deployment', 'linkerd-gateway').spec.template;
    expect(pod.metadata.annotations).toMatchObject({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/enable-gateway': 'true',
      'config.linkerd.io/proxy-require-identity-inbound-ports': '4143',
      'config.linkerd.io/default-inbound-policy': 'all-authenticated',
      'config.linkerd.io/proxy-memory-limit': '100Mi',
    });
    expect(find(objects, 'Service', 'linkerd-gateway').metadata.annotations).toMatchObject({
      'mirror.linkerd.io/gateway-identity': 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local',
      'mirror.linkerd.io/probe-period': '3',
      'mirror.linkerd.io/probe-path': '/ready',
    });
  });

  test('passes the library\'s checks; Servers for pods made elsewhere are marked, not reported', () => {
    // GIVEN / WHEN
    const objects = synthMulticluster();
    // THEN
    expect(runChecks(objects).filter((f) => f.severity === Severity.ERROR)).toEqual([]);
    expect(find(objects, 'Server', 'service-mirror').metadata.annotations).toEqual({ 'check.cdk8s-linkerd.io/suppress': 'L5D301' });
    expect(find(objects, 'Server', 'controller').metadata.annotations).toEqual({ 'check.cdk8s-linkerd.io/suppress': 'L5D301' });
    const unmarked = objects.map((o) => (o.kind === 'Server' ? { ...o, metadata: { ...o.metadata, annotations: undefined } } : o));
    expect(runChecks(unmarked).filter((f) => f.code === 'L5D301').map((f) => f.object)).toEqual([
      'Server linkerd-multicluster/controller', 'Server linkerd-multicluster/service-mirror',
    ]);
  });

  test('a disabled gateway takes its Service, Deployment and policy along', () => {
    const objects = synthMulticluster({ gateway: { enabled: false } });
    expect(objects.filter((o) => o.metadata.name === 'linkerd-gateway' || ['any-meshed', 'source-cluster'].includes(o.metadata.name))).toEqual([]);
  });

  test('HA spreads replicas and adds budgets', () => {
    const objects = synthMulticluster({ highAvailability: true });
    expect(find(objects, 'Deployment', 'linkerd-gateway').spec.replicas).toBe(3);
    expect(find(objects, 'Deployment', 'linkerd-gateway').spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['linkerd-gateway', 'linkerd-local-service-mirror']);
  });

  test('the control plane\'s namespace, trust domain, registry and CNI mode flow in', () => {
    // GIVEN / WHEN
    const objects = synthMulticluster({
      controlPlane: LinkerdControlPlane.fromInstalled(Testing.app(), 'cp', { namespace: 'mesh', identity: { trustDomain: 'example.org' }, registry: 'registry.example.com/l5d', cni: true }),
    });
    // THEN
    expect(find(objects, 'Service', 'linkerd-gateway').metadata.annotations['mirror.linkerd.io/gateway-identity'])
      .toBe('linkerd-gateway.linkerd-multicluster.serviceaccount.identity.mesh.example.org');
    expect(find(objects, 'Deployment', 'linkerd-local-service-mirror').spec.template.spec.containers[0].image).toBe('registry.example.com/l5d/controller:edge-26.8.3');
    expect(find(objects, 'RoleBinding', 'mc-namespace-metadata-linkerd-config').metadata.namespace).toBe('mesh');
    expect(find(objects, 'Namespace', 'linkerd-multicluster').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  describe('addLink', () => {
    test('emits the Link and its service mirror controller; the credentials Secret is only referenced', () => {
      // GIVEN / WHEN
      const objects = synthMulticluster({}, (mc) => mc.addLink({
        clusterName: 'east',
        credentials: LinkCredentials.fromSecretName('east-kubeconfig'),
        gateway: { addresses: ['203.0.113.7'], identity: 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local' },
        serviceMirror: { logLevel: 'debug' },
        enableHeadlessServices: true,
      }));
      // THEN
      const link = find(objects, 'Link', 'east');
      expect(link.spec).toEqual({
        targetClusterName: 'east', targetClusterDomain: 'cluster.local', targetClusterLinkerdNamespace: 'linkerd',
        clusterCredentialsSecret: 'east-kubeconfig',
        gatewayAddress: '203.0.113.7', gatewayIdentity: 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local', gatewayPort: '4143',
        probeSpec: { path: '/ready', port: '4191', period: '3s' },
        selector: { matchLabels: { 'mirror.linkerd.io/exported': 'true' } },
        remoteDiscoverySelector: { matchLabels: { 'mirror.linkerd.io/exported': 'remote-discovery' } },
        federatedServiceSelector: { matchLabels: { 'mirror.linkerd.io/federated': 'member' } },
      });
      expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual(['linkerd-service-mirror-remote-access-default-token']);
      expect(find(objects, 'Role', 'controller-read-remote-creds-east').rules[0]).toEqual({ apiGroups: [''], resources: ['secrets'], resourceNames: ['east-kubeconfig'], verbs: ['list', 'get', 'watch'] });
      const args = find(objects, 'Deployment', 'controller-east').spec.template.spec.containers[0].args;
      expect(args).toEqual(expect.arrayContaining(['-log-level=debug', '-enable-headless-services', '-probe-service=probe-east', 'east']));
      expect(find(objects, 'Service', 'probe-east').spec.ports).toEqual([{ name: 'mc-probe', port: 4191, protocol: 'TCP' }]);
      // The controllers' Server now selects pods, so it needs no mark.
      expect(find(objects, 'Server', 'controller').metadata.annotations).toBeUndefined();
      expect(runChecks(objects).filter((f) => f.severity === Severity.ERROR)).toEqual([]);
    });

    test('a link without gateway mirrors by remote discovery only, with no probe Service', () => {
      const objects = synthMulticluster({}, (mc) => mc.addLink({ clusterName: 'flat' }));
      expect(find(objects, 'Link', 'flat').spec.gatewayAddress).toBeUndefined();
      expect(objects.some((o) => o.kind === 'Service' && o.metadata.name === 'probe-flat')).toBe(false);
    });

    test.each<[string, (mc: LinkerdMulticluster) => void, RegExp]>([
      ['a cluster linked twice', (mc) => { mc.addLink({ clusterName: 'east' }); mc.addLink({ clusterName: 'east' }); }, /linkerd-multicluster: addLink.clusterName: cluster east is linked already/],
      ['a cluster name that is not a DNS label', (mc) => mc.addLink({ clusterName: 'East_1' }), /addLink\.clusterName: "East_1" contains "_" and upper-case letters; a DNS label has only a-z, 0-9 and "-"/],
      ['no gateway address', (mc) => mc.addLink({ clusterName: 'east', gateway: { addresses: [], identity: 'gw.example' } }), /link-east: gateway.addresses: the list is empty/],
      ['a URL as gateway address', (mc) => mc.addLink({ clusterName: 'east', gateway: { addresses: ['https://gw'], identity: 'gw.example' } }), /gateway.addresses\[0\]: "https:\/\/gw" is neither an IP address nor a DNS name/],
      ['a selector without gateway', (mc) => mc.addLink({ clusterName: 'east', selector: { matchLabels: { a: 'b' } } }), /link-east: selector: selects Services to mirror through the target's gateway, but the link has none/],
    ])('fails on %s', (_label, configure, message) => {
      expect(() => synthMulticluster({}, configure)).toThrow(LinkerdConfigError);
      expect(() => synthMulticluster({}, configure)).toThrow(message);
    });
  });

  describe('linkTo: two clusters of one app', () => {
    const shared = TrustAnchors.generated({ validity: Duration.days(3650) });
    function cluster(app: App, name: string, anchors: TrustAnchors, seed: string, props: Partial<LinkerdMulticlusterProps> = {}) {
      const cp = new LinkerdControlPlane(app, `${name}-control-plane`, controlPlaneProps({
        keyMaterial: keys(seed), identity: { trustAnchors: anchors, issuer: IssuerCertificate.generated() },
      }));
      return new LinkerdMulticluster(app, `${name}-multicluster`, { controlPlane: cp, ...props });
    }

    test('links both ways, reading each target\'s gateway, with a shared trust anchor; each cluster synthesized on its own', () => {
      // GIVEN two clusters, each in its own App, whose anchor is the same (same key material), each with its own issuer
      const eastApp = new App();
      const westApp = new App();
      const east = cluster(eastApp, 'east', shared, 'shared anchor seed, not secret', { gateway: { loadBalancerIP: '203.0.113.7', probePeriod: Duration.seconds(5) } });
      const west = cluster(westApp, 'west', shared, 'shared anchor seed, not secret');
      // WHEN
      west.linkTo(east, { clusterName: 'east' });
      east.linkTo(west, { clusterName: 'west', gatewayAddresses: ['west-gateway.example.com'] });
      const files = synthesizeTargets([{ directory: 'east', build: () => eastApp }, { directory: 'west', build: () => westApp }]);
      // THEN
      expect(files.map((f) => f.name)).toEqual([
        'east/01-east-control-plane.yaml', 'east/02-east-multicluster.yaml', 'west/01-west-control-plane.yaml', 'west/02-west-multicluster.yaml',
      ]);
      const all = files.flatMap((f) => f.objects);
      const links = all.filter((o) => o.kind === 'Link');
      expect(links.map((l) => [l.metadata.name, l.spec.gatewayAddress, l.spec.gatewayIdentity, l.spec.probeSpec.period])).toEqual([
        ['west', 'west-gateway.example.com', 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local', '3s'],
        ['east', '203.0.113.7', 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local', '5s'],
      ]);
      // No kubeconfig, no token: the credentials are a reference.
      expect(all.filter((o) => o.kind === 'Secret' && o.type === 'mirror.linkerd.io/remote-kubeconfig')).toEqual([]);
      expect(links.map((l) => l.spec.clusterCredentialsSecret)).toEqual(['cluster-credentials-west', 'cluster-credentials-east']);
    });

    test('a NodePort gateway is linked through its node ports', () => {
      const app = new App();
      const east = cluster(app, 'east', shared, 'shared anchor seed, not secret', { gateway: { serviceType: GatewayServiceType.NODE_PORT, nodePort: 30143, probeNodePort: 30191 } });
      const west = cluster(app, 'west', shared, 'shared anchor seed, not secret');
      const link = west.linkTo(east, { clusterName: 'east', gatewayAddresses: ['192.0.2.10'] });
      expect(link.apiObject.toJson().spec).toMatchObject({ gatewayPort: '30143', probeSpec: { port: '30191' } });
    });

    test('fails without a shared trust anchor', () => {
      const app = new App();
      const east = cluster(app, 'east', TrustAnchors.generated(), 'east anchor seed, not secret');
      const west = cluster(app, 'west', TrustAnchors.generated(), 'west anchor seed, not secret');
      expect(() => west.linkTo(east, { clusterName: 'east', gatewayAddresses: ['192.0.2.10'] }))
        .toThrow(/^west-multicluster: linkTo: west-control-plane and east-control-plane share no trust anchor.*Fix: give both control planes the same TrustAnchors/);
    });

    test('fails without the target gateway\'s address, or with a NodePort gateway whose ports are not fixed', () => {
      const app = new App();
      const east = cluster(app, 'east', shared, 'shared anchor seed, not secret');
      const south = cluster(app, 'south', shared, 'shared anchor seed, not secret', { gateway: { serviceType: GatewayServiceType.NODE_PORT } });
      const west = cluster(app, 'west', shared, 'shared anchor seed, not secret');
      expect(() => west.linkTo(east, { clusterName: 'east' })).toThrow(/west-multicluster: linkTo.gatewayAddresses: are required: the address of east-multicluster's gateway is only known in its cluster/);
      expect(() => west.linkTo(south, { clusterName: 'south', gatewayAddresses: ['192.0.2.10'] })).toThrow(/gateway is a NodePort Service without gateway.nodePort/);
      expect(() => west.linkTo(west, { clusterName: 'self' })).toThrow(/links the cluster to itself/);
    });
  });

  describe('bad input fails with the construct path and field', () => {
    test.each<[string, Partial<LinkerdMulticlusterProps>, RegExp]>([
      ['a node port on a ClusterIP gateway', { gateway: { serviceType: GatewayServiceType.CLUSTER_IP, nodePort: 30000 } }, /linkerd-multicluster: gateway.nodePort: is set, but a ClusterIP Service has no node ports/],
      ['a probe period below a second', { gateway: { probePeriod: Duration.millis(500) } }, /gateway.probePeriod: .* is not a whole number of seconds/],
      ['a bad source network', { gateway: { sourceNetworks: ['everywhere'] } }, /source-cluster|sourceNetworks|networks/],
      ['an unknown log level', { localServiceMirror: { logLevel: 'loud' } }, /localServiceMirror.logLevel: "loud" is not one of/],
      ['a proxy setting the gateway contradicts', { gateway: { proxy: { gateway: false } } }, /gateway.proxy.gateway: "false" contradicts "true", which this component needs/],
    ])('fails on %s', (_label, props, message) => {
      expect(() => synthMulticluster(props)).toThrow(message);
    });

    test('fails without a control plane', () => {
      expect(() => new LinkerdMulticluster(Testing.app(), 'mc', {} as LinkerdMulticlusterProps)).toThrow(/^mc: controlPlane: is required/);
    });
  });
});
