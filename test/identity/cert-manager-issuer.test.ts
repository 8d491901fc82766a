import { LinkerdConfigError } from '../../src/errors';
import { CertManagerIssuer } from '../../src/identity/cert-manager-issuer';
import { scope } from './support';

const context = { field: 'identity.issuer.issuer', namespace: 'linkerd' };

describe('CertManagerIssuer', () => {
  test('ca() is an Issuer in the control-plane namespace over the CA Secret, named after it by default', () => {
    expect(CertManagerIssuer.ca({ secretName: 'linkerd-trust-anchor' }).bind(scope(), context)).toEqual({
      issuerRef: { name: 'linkerd-trust-anchor', kind: 'Issuer', group: 'cert-manager.io' },
      manifest: { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', name: 'linkerd-trust-anchor', namespace: 'linkerd', body: { spec: { ca: { secretName: 'linkerd-trust-anchor' } } } },
      selfSigned: false,
    });
  });

  test('clusterCa() is a cluster-scoped ClusterIssuer', () => {
    const bound = CertManagerIssuer.clusterCa({ name: 'linkerd-anchor', secretName: 'linkerd-trust-anchor' }).bind(scope(), context);
    expect(bound.issuerRef).toEqual({ name: 'linkerd-anchor', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(bound.manifest).toMatchObject({ kind: 'ClusterIssuer', name: 'linkerd-anchor', namespace: undefined });
  });

  test('selfSigned() is an Issuer whose certificates sign themselves', () => {
    const bound = CertManagerIssuer.selfSigned().bind(scope(), context);
    expect(bound.selfSigned).toBe(true);
    expect(bound.manifest).toEqual({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', name: 'linkerd-self-signed', namespace: 'linkerd', body: { spec: { selfSigned: {} } } });
  });

  test('references emit nothing', () => {
    expect(CertManagerIssuer.fromIssuerName('vault').bind(scope(), context)).toEqual({ issuerRef: { name: 'vault', kind: 'Issuer', group: 'cert-manager.io' }, selfSigned: false });
    expect(CertManagerIssuer.fromClusterIssuerName('pki').bind(scope(), context).manifest).toBeUndefined();
  });

  test.each([
    ['a Secret name that is not a DNS name', () => CertManagerIssuer.ca({ secretName: 'Linkerd Anchor' }), /identity\.issuer\.issuer\.secretName: "Linkerd Anchor" contains " " \(a space\) and upper-case letters/],
    ['an empty reference', () => CertManagerIssuer.fromIssuerName(''), /identity\.issuer\.issuer: "" is not the name of a cert-manager Issuer/],
    ['a bad self-signed name', () => CertManagerIssuer.selfSigned({ name: '_x' }), /identity\.issuer\.issuer\.name: "_x"/],
  ])('fails with %s', (_what, make, message) => {
    expect(() => make().bind(scope(), context)).toThrow(LinkerdConfigError);
    expect(() => make().bind(scope(), context)).toThrow(message);
  });
});
