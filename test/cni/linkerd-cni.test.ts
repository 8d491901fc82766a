import { App, Testing } from 'cdk8s';
import {
  CniIptablesMode, CniLogLevel, LinkerdCni, LinkerdConfigError, LinkerdControlPlane, LogFormat, PortRange, synthesizeManifests,
} from '../../src';
import { controlPlaneProps, find, podSpec } from '../control-plane/fixtures';
import { expectValidObjects } from '../support/k8s-schema';

function synthCni(props: ConstructorParameters<typeof LinkerdCni>[2] = {}): any[] {
  const chart = new LinkerdCni(Testing.app(), 'linkerd-cni', props);
  const objects = Testing.synth(chart);
  expectValidObjects(objects);
  return objects;
}

const networkConfig = (objects: any[]) => JSON.parse(find(objects, 'ConfigMap', 'linkerd-cni-config').data.cni_network_config);

describe('LinkerdCni', () => {
  test('matches the snapshot', () => {
    expect(synthCni()).toMatchSnapshot();
  });

  test('emits the chart\'s objects, every one labelled as a CNI resource, the pods left out of the mesh', () => {
    // GIVEN / WHEN
    const objects = synthCni();
    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/linkerd-cni', 'ServiceAccount/linkerd-cni', 'ClusterRole/linkerd-cni', 'ClusterRoleBinding/linkerd-cni',
      'ConfigMap/linkerd-cni-config', 'DaemonSet/linkerd-cni',
    ]);
    for (const o of objects) expect(o.metadata.labels['linkerd.io/cni-resource']).toBe('true');
    const ds = find(objects, 'DaemonSet', 'linkerd-cni');
    expect(ds.spec.template.metadata.annotations['linkerd.io/inject']).toBe('disabled');
    expect(ds.spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(ds.spec.template.spec.containers[0].image).toBe('cr.l5d.io/linkerd/cni-plugin:v1.7.0-alpha.1');
    expect(networkConfig(objects).linkerd).toEqual({
      'incoming-proxy-port': 4143, 'outgoing-proxy-port': 4140, 'proxy-uid': 2102, 'ports-to-redirect': [],
      'inbound-ports-to-ignore': ['4191', '4190'], 'simulate': false, 'use-wait-flag': false, 'iptables-mode': 'nft', 'ipv6': false,
    });
  });

  test('typed options reach the network configuration and the DaemonSet', () => {
    // GIVEN / WHEN
    const objects = synthCni({
      logLevel: CniLogLevel.DEBUG, skipInboundPorts: [PortRange.of(22), PortRange.between(8100, 8102)], skipOutboundPorts: [PortRange.of(5432)],
      skipSubnets: ['10.96.0.0/12'], portsToRedirect: [8080], iptablesMode: CniIptablesMode.PLAIN, ipv6: true, proxyGid: 2102,
      repairController: { logFormat: LogFormat.JSON }, priorityClassName: 'system-node-critical',
    });
    // THEN
    const config = networkConfig(objects);
    expect(config.log_level).toBe('debug');
    expect(config.linkerd).toMatchObject({
      'inbound-ports-to-ignore': ['4191', '4190', '22', '8100-8102'], 'outbound-ports-to-ignore': ['5432'], 'subnets-to-ignore': ['10.96.0.0/12'],
      'ports-to-redirect': [8080], 'iptables-mode': 'plain', 'ipv6': true, 'proxy-gid': 2102,
    });
    const spec = find(objects, 'DaemonSet', 'linkerd-cni').spec.template.spec;
    expect(spec.containers.map((c: any) => c.name)).toEqual(['install-cni', 'repair-controller']);
    expect(spec.containers[1].args).toEqual(['--admin-addr', '[::]:9990', '--log-format', 'json', '--log-level', 'info']);
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(find(objects, 'ClusterRole', 'linkerd-cni').rules).toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['delete'] });
  });

  test('one host directory for binaries and configuration is mounted once', () => {
    const spec = find(synthCni({ destCniBinDir: '/opt/cni', destCniNetDir: '/opt/cni/' }), 'DaemonSet', 'linkerd-cni').spec.template.spec;
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['cni-net-dir', 'linkerd-tmp-dir']);
    expect(spec.containers[0].volumeMounts[0]).toEqual({ mountPath: '/host/opt/cni', name: 'cni-net-dir' });
  });

  describe('bad input fails with the construct path and field', () => {
    test.each<[string, ConstructorParameters<typeof LinkerdCni>[2], RegExp]>([
      ['a reversed port range', { skipInboundPorts: [PortRange.between(9000, 8000)] }, /^linkerd-cni: skipInboundPorts\[0\]: 9000-8000 is not a port or port range/],
      ['a bad subnet', { skipSubnets: ['10.0.0.0'] }, /skipSubnets\[0\]: "10.0.0.0" is not a CIDR/],
      ['a relative host path', { destCniNetDir: 'etc/cni' }, /destCniNetDir: "etc\/cni" is not an absolute host path/],
      ['a proxy port out of range', { proxyPorts: { inbound: 0 } }, /proxyPorts.inbound: 0 is not a TCP port/],
      ['an unknown log level', { logLevel: 'loud' as CniLogLevel }, /logLevel: "loud" is not one of "debug", "info", "warn"/],
      ['an image with a tag', { image: 'example.com/cni:v1' }, /image: "example.com\/cni:v1" has a tag \(":v1"\)\. Fix: give "\[registry\/\]repository" only/],
    ])('fails on %s', (_label, props, message) => {
      expect(() => new LinkerdCni(new App(), 'x', props)).toThrow(LinkerdConfigError);
      expect(() => synthCni(props)).toThrow(message);
    });
  });
});

describe('LinkerdControlPlane with cniPlugin', () => {
  test('implies CNI mode and is applied after the plugin', () => {
    // GIVEN
    const app = new App();
    const cni = new LinkerdCni(app, 'linkerd-cni');
    // WHEN
    const cp = new LinkerdControlPlane(app, 'linkerd-control-plane', controlPlaneProps({ cniPlugin: cni }));
    const files = synthesizeManifests(app);
    // THEN
    expect(files.map((f) => f.name)).toEqual(['1-linkerd-cni.yaml', '2-linkerd-control-plane.yaml'].map((n) => n.padStart(n.length + 1, '0')));
    expect(cp.values.cniEnabled).toBe(true);
    expect(podSpec(Testing.synth(cp), 'linkerd-destination').initContainers[0].name).toBe('linkerd-network-validator');
  });

  test.each<[string, ConstructorParameters<typeof LinkerdCni>[2], Record<string, unknown>, RegExp]>([
    ['inbound port', { proxyPorts: { inbound: 4144 } }, {}, /cniPlugin: the mesh's proxy.ports.inbound is 4143 but the CNI plugin linkerd-cni has proxyPorts.inbound 4144/],
    ['admin port', {}, { proxy: { ports: { admin: 4192 } } }, /cniPlugin: the mesh's proxy.ports.admin is 4192 but the CNI plugin linkerd-cni has proxyPorts.admin 4191/],
    ['uid', { proxyUid: 1000 }, {}, /cniPlugin: the mesh's proxy.uid is 2102 but .* proxyUid 1000/],
    ['gid', {}, { proxy: { gid: 3000 } }, /cniPlugin: the mesh's proxy.gid is 3000 but .* proxyGid not set/],
    ['IP families', { ipv6: true }, {}, /cniPlugin: the mesh's ipv6 is false but .* ipv6 true/],
  ])('fails when the mesh and the plugin disagree on the %s', (_label, cniProps, cpProps, message) => {
    const app = new App();
    const cni = new LinkerdCni(app, 'linkerd-cni', cniProps);
    expect(() => new LinkerdControlPlane(app, 'linkerd-control-plane', controlPlaneProps({ cniPlugin: cni, ...cpProps })))
      .toThrow(new RegExp(`^linkerd-control-plane: ${message.source}`));
  });

  test('fails with cni: false and a plugin', () => {
    const app = new App();
    expect(() => new LinkerdControlPlane(app, 'cp', controlPlaneProps({ cni: false, cniPlugin: new LinkerdCni(app, 'cni') })))
      .toThrow(/^cp: cni: is false, but a cniPlugin is given/);
  });

  test('cni: true without a plugin warns that it must be installed elsewhere', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      new LinkerdControlPlane(new App(), 'cp', controlPlaneProps({ cni: true }));
      new LinkerdControlPlane(new App(), 'cp', controlPlaneProps({ cniPlugin: new LinkerdCni(new App(), 'cni') }));
      const warnings = emitWarning.mock.calls.filter((c) => (c[1] as { code?: string })?.code === 'CDK8S_LINKERD_CNI').map((c) => c[0]);
      expect(warnings).toEqual([expect.stringMatching(/^cp: cni: true, but no cniPlugin: the linkerd2-cni plugin must be installed separately/)]);
    } finally {
      emitWarning.mockRestore();
    }
  });
});
