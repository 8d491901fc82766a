import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { GatewayApiCrds, LinkerdConfigError, LinkerdCrds, linkerdCrdManifests } from '../../src';
import { readManifests } from '../support/manifests';

const REFERENCE = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference', 'edge-26.8.3', 'crds-gateway-api.yaml');
const withReference = fs.existsSync(REFERENCE) ? test : test.skip;

function stripDescriptions(x: any): any {
  if (Array.isArray(x)) return x.map(stripDescriptions);
  if (x && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).filter(([k, v]) => !(k === 'description' && typeof v === 'string')).map(([k, v]) => [k, stripDescriptions(v)]));
  }
  return x;
}

describe('GatewayApiCrds', () => {
  test('are not emitted unless asked for, so the default CRD chart is unchanged', () => {
    expect(Testing.synth(new LinkerdCrds(Testing.app(), 'crds'))).toHaveLength(10);
    expect(Testing.synth(new LinkerdCrds(Testing.app(), 'crds', { gatewayApi: GatewayApiCrds.external({ version: 'v1.2.1' }) }))).toHaveLength(10);
  });

  test('bundled: the four route CRDs of Gateway API v1.1.1 (experimental) come first, as Linkerd\'s installGatewayAPI renders them', () => {
    // WHEN
    const crds = Testing.synth(new LinkerdCrds(Testing.app(), 'crds', { gatewayApi: GatewayApiCrds.bundled() }));
    // THEN
    expect(crds.map((c) => c.metadata.name).slice(0, 5)).toEqual([
      'grpcroutes.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'tcproutes.gateway.networking.k8s.io',
      'tlsroutes.gateway.networking.k8s.io', 'authorizationpolicies.policy.linkerd.io',
    ]);
    const http = crds[1];
    expect(http.metadata.annotations).toEqual({
      'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/2997',
      'gateway.networking.k8s.io/bundle-version': 'v1.1.1',
      'gateway.networking.k8s.io/channel': 'experimental',
      'helm.sh/resource-policy': 'keep',
      'linkerd.io/created-by': expect.any(String),
    });
    expect(http.spec.versions.map((v: any) => [v.name, v.storage, v.served])).toEqual([['v1', true, true], ['v1beta1', false, true]]);
    expect(crds[0].spec.versions.map((v: any) => [v.name, v.storage, v.deprecated ?? false])).toEqual([['v1', true, false], ['v1alpha2', false, true]]);
    expect(http.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.rules.items['x-kubernetes-validations']).toHaveLength(5);
  });

  test('bundled: the route kinds can be chosen, like enableHttpRoutes / enableTlsRoutes / enableTcpRoutes', () => {
    const names = linkerdCrdManifests({ gatewayApi: GatewayApiCrds.bundled({ tlsRoutes: false, tcpRoutes: false }) }).map((c) => c.metadata.name);
    expect(names.filter((n) => n.includes('gateway'))).toEqual(['grpcroutes.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io']);
  });

  withReference('bundled: the schemas are those of the upstream render (descriptions aside)', () => {
    const reference = readManifests(REFERENCE).filter((o) => o.metadata.name.endsWith('.gateway.networking.k8s.io'));
    const ours = linkerdCrdManifests({ gatewayApi: GatewayApiCrds.bundled() }).filter((o) => o.metadata.name.endsWith('.gateway.networking.k8s.io'));
    expect(ours.map((o) => o.metadata.name)).toEqual(reference.map((o) => o.metadata.name));
    for (const [i, ref] of reference.entries()) {
      expect(stripDescriptions(JSON.parse(JSON.stringify(ours[i].spec)))).toEqual(stripDescriptions(ref.spec));
    }
  });

  test('external: fails on a Gateway API release without GRPCRoute v1, naming the field', () => {
    expect(() => new LinkerdCrds(Testing.app(), 'crds', { gatewayApi: GatewayApiCrds.external({ version: 'v1.0.0' }) }))
      .toThrow(LinkerdConfigError);
    expect(() => new LinkerdCrds(Testing.app(), 'crds', { gatewayApi: GatewayApiCrds.external({ version: 'v1.0.0' }) }))
      .toThrow(/^crds: gatewayApi\.version: Gateway API v1\.0\.0 does not serve GRPCRoute v1/);
    expect(() => linkerdCrdManifests({ gatewayApi: GatewayApiCrds.external({ version: 'latest' }) })).toThrow(/gatewayApi\.version: "latest" is not a Gateway API release/);
    expect(GatewayApiCrds.external({ version: 'v1.2.1' }).provider).toBe('external');
  });
});
