import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing as TfTesting } from 'cdktf';
import { parse } from 'yaml';
import { GatewayApiCrds, IssuerCertificate, LinkerdConfigError, synthesizeManifests } from '../../src';
import { LinkerdHelmReleases, LinkerdHelmReleasesProps } from '../../src/cdktf';
import { fromTerraformLiterals } from '../../src/cdktf/manifest-resource';
import { buildNativeMesh } from '../../src/cdktf/native-mesh';
import { controlPlaneProps, find } from '../control-plane/fixtures';
import { certManagerControlPlane, holdsPrivateKey, manifestResources, synthStack } from './fixtures';

function synthReleases(props: LinkerdHelmReleasesProps): Record<string, any> {
  const stack = new TerraformStack(TfTesting.app(), 'linkerd-helm');
  new HelmProvider(stack, 'helm', {});
  new KubernetesProvider(stack, 'kubernetes', {});
  new LinkerdHelmReleases(stack, 'linkerd', props);
  return synthStack(stack);
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('LinkerdHelmReleases', () => {
  const props = { controlPlane: controlPlaneProps({ highAvailability: true }) };
  const config = synthReleases(props);
  const crds = config.resource.helm_release['linkerd-crds'];
  const controlPlane = config.resource.helm_release['linkerd-control-plane'];
  const mesh = buildNativeMesh(props, 'test');
  const nativeObjects: any[] = [...synthesizeManifests(mesh.app, { syncWaves: false }).find((f) => f.name.endsWith('-linkerd-control-plane.yaml'))!.objects];

  test('two releases of the official edge charts, the control plane after the CRDs', () => {
    for (const [release, chart] of [[crds, 'linkerd-crds'], [controlPlane, 'linkerd-control-plane']]) {
      expect(release).toMatchObject({
        name: chart, chart, repository: 'https://helm.linkerd.io/edge', version: '2026.8.3', namespace: 'linkerd', create_namespace: false,
      });
    }
    expect(crds.depends_on).toEqual(['kubernetes_manifest.core_Namespace_linkerd']);
    expect(controlPlane.depends_on).toEqual(['helm_release.linkerd-crds', 'kubernetes_manifest.core_Namespace_linkerd']);
    expect(parse(crds.values[0])).toEqual({ installGatewayAPI: false, enableHttpRoutes: false, enableTlsRoutes: false, enableTcpRoutes: false });
  });

  test('the control plane values are the native values tree, plus the webhook certificates', () => {
    // GIVEN the values tree LinkerdControlPlane renders linkerd-config from
    const expected: Record<string, any> = mesh.controlPlane.values;
    for (const [valuesKey, service, config] of [
      ['proxyInjector', 'linkerd-proxy-injector', 'linkerd-proxy-injector-webhook-config'],
      ['profileValidator', 'linkerd-sp-validator', 'linkerd-sp-validator-webhook-config'],
      ['policyValidator', 'linkerd-policy-validator', 'linkerd-policy-validator-webhook-config'],
    ]) {
      expected[valuesKey].crtPEM = decode(find(nativeObjects, 'Secret', `${service}-k8s-tls`).data['tls.crt']);
      const webhookConfig = nativeObjects.find((o) => /WebhookConfiguration$/.test(o.kind) && o.metadata.name === config);
      expected[valuesKey].caBundle = decode(webhookConfig!.webhooks[0].clientConfig.caBundle);
    }
    // WHEN the release's values are read as Helm reads them (YAML 1.1)
    const values = parse(fromTerraformLiterals(controlPlane.values[0]), { version: '1.1' });
    // THEN they are that tree, HA preset included, with no private key
    expect(values).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(values.controllerReplicas).toBe(3);
    expect(values.proxy.logHTTPHeaders).toBe('off');
    expect(holdsPrivateKey(controlPlane.values)).toBe(false);
  });

  test('private keys go through set_sensitive, equal to the native Secrets', () => {
    const issuer = find(nativeObjects, 'Secret', 'linkerd-identity-issuer');
    expect(controlPlane.set_sensitive).toEqual([
      { name: 'identity.issuer.tls.keyPEM', type: 'string', value: decode(issuer.data['key.pem']) },
      ...['proxyInjector:linkerd-proxy-injector', 'profileValidator:linkerd-sp-validator', 'policyValidator:linkerd-policy-validator'].map((pair) => {
        const [valuesKey, service] = pair.split(':');
        return { name: `${valuesKey}.keyPEM`, type: 'string', value: decode(find(nativeObjects, 'Secret', `${service}-k8s-tls`).data['tls.key']) };
      }),
    ]);
  });

  test('what the charts do not render is a kubernetes_manifest: the Namespace with Linkerd\'s labels', () => {
    const manifests = manifestResources(config);
    expect(manifests.map((m) => m.manifest)).toEqual([find(nativeObjects, 'Namespace', 'linkerd')]);
  });

  test('is deterministic', () => {
    expect(JSON.stringify(synthReleases(props))).toBe(JSON.stringify(config));
  });

  test('with cert-manager, no key reaches Terraform and the cert-manager objects are manifests', () => {
    const cm = synthReleases({ controlPlane: certManagerControlPlane() });
    const release = cm.resource.helm_release['linkerd-control-plane'];
    expect(release.set_sensitive).toBeUndefined();
    expect(holdsPrivateKey(cm)).toBe(false);
    const values = parse(release.values[0], { version: '1.1' });
    expect(values.identity.externalCA).toBe(true);
    expect(values.identity.issuer.scheme).toBe('kubernetes.io/tls');
    expect(values.proxyInjector.externalSecret).toBe(true);
    const kinds = manifestResources(cm).map((m) => m.manifest.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Namespace', 'Issuer', 'Certificate', 'Bundle']));
    expect(release.depends_on).toEqual(expect.arrayContaining(manifestResources(cm).map((m) => `kubernetes_manifest.${m.name}`)));
  });

  test('repository, chart version, timeout and the Gateway API CRDs are props', () => {
    const custom = synthReleases({
      ...props,
      crds: { gatewayApi: GatewayApiCrds.bundled({ tcpRoutes: false }) },
      repository: 'oci://registry.example.com/linkerd',
      chartVersion: '2026.8.3-1',
      timeoutSeconds: 600,
    });
    const release = custom.resource.helm_release['linkerd-crds'];
    expect(release).toMatchObject({ repository: 'oci://registry.example.com/linkerd', version: '2026.8.3-1', timeout: 600 });
    expect(parse(release.values[0])).toEqual({ installGatewayAPI: true, enableHttpRoutes: true, enableTlsRoutes: true, enableTcpRoutes: false });
  });

  test('fails when the chart would need an issuer key the library does not hold', () => {
    const existing = controlPlaneProps();
    const withExistingSecret = { ...existing, identity: { ...existing.identity, issuer: IssuerCertificate.fromExistingSecret({ scheme: 'linkerd.io/tls' }) } };
    expect(() => synthReleases({ controlPlane: withExistingSecret })).toThrow(LinkerdConfigError);
    expect(() => synthReleases({ controlPlane: withExistingSecret }))
      .toThrow(/linkerd-helm\/linkerd: controlPlane\.identity\.issuer: the linkerd-control-plane chart writes the Secret linkerd-identity-issuer itself/);
  });

  test('fails on a bad timeout, and on CRDs labelled for another namespace', () => {
    expect(() => synthReleases({ ...props, timeoutSeconds: 0 })).toThrow(/linkerd-helm\/linkerd: timeoutSeconds: 0 is not a positive integer/);
    expect(() => synthReleases({ ...props, crds: { controlPlaneNamespace: 'mesh' } }))
      .toThrow(/linkerd-helm\/linkerd: crds\.controlPlaneNamespace: is "mesh" but the control plane's namespace is "linkerd"/);
  });
});
