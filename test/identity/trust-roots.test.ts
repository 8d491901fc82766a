import { LinkerdConfigError } from '../../src/errors';
import { TrustRootsConfigMap } from '../../src/identity/trust-roots';
import { scope } from './support';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const context = { field: 'identity.trustRootsConfigMap', namespace: 'linkerd', trustAnchorsPem: PEM };

describe('TrustRootsConfigMap', () => {
  test('emitted() keeps the ConfigMap in the control plane; external() leaves it out (externalCA)', () => {
    expect(TrustRootsConfigMap.emitted().bind(scope(), context)).toEqual({ externalCA: false });
    expect(TrustRootsConfigMap.external().bind(scope(), context)).toEqual({ externalCA: true });
  });

  test('trustManager() emits a Bundle of the anchors, writing ca-bundle.crt into the control-plane namespace only', () => {
    expect(TrustRootsConfigMap.trustManager().bind(scope(), context)).toEqual({
      externalCA: true,
      manifests: [{
        apiVersion: 'trust.cert-manager.io/v1alpha1',
        kind: 'Bundle',
        name: 'linkerd-identity-trust-roots',
        component: 'identity',
        body: {
          spec: {
            sources: [{ inLine: PEM.trim() }],
            target: { configMap: { key: 'ca-bundle.crt' }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'linkerd' } } },
          },
        },
      }],
    });
  });

  test('trustManager() can add Secrets and ConfigMaps of the trust namespace, with or without the inline anchors', () => {
    const bound = TrustRootsConfigMap.trustManager({
      inlineTrustAnchors: false,
      secretSources: [{ name: 'linkerd-trust-anchor', key: 'tls.crt' }],
      configMapSources: [{ name: 'linkerd-previous-anchor', key: 'ca.crt' }],
    }).bind(scope(), context);
    expect((bound.manifests![0].body.spec as any).sources).toEqual([
      { secret: { name: 'linkerd-trust-anchor', key: 'tls.crt' } },
      { configMap: { name: 'linkerd-previous-anchor', key: 'ca.crt' } },
    ]);
  });

  test.each([
    ['no source at all', { inlineTrustAnchors: false }, /identity\.trustRootsConfigMap: the Bundle would have no source/],
    ['a bad Secret name', { secretSources: [{ name: 'Bad Name', key: 'tls.crt' }] }, /identity\.trustRootsConfigMap\.secretSources\[0\]\.name/],
    ['a bad key', { configMapSources: [{ name: 'roots', key: 'a/b' }] }, /identity\.trustRootsConfigMap\.configMapSources\[0\]\.key: "a\/b" is not a data key/],
  ])('fails with %s', (_what, props, message) => {
    expect(() => TrustRootsConfigMap.trustManager(props).bind(scope(), context)).toThrow(LinkerdConfigError);
    expect(() => TrustRootsConfigMap.trustManager(props).bind(scope(), context)).toThrow(message);
  });
});
