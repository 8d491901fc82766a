import { ApiObject, App as Cdk8sApp, Chart } from 'cdk8s';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing as TfTesting } from 'cdktf';
import { LinkerdConfigError, synthesizeManifests } from '../../src';
import { KubernetesManifests, MeshSource, ObjectSelection } from '../../src/cdktf';
import { resourceName } from '../../src/cdktf/manifest-resource';
import { buildApp } from '../../src/main';
import { controlPlaneProps } from '../control-plane/fixtures';
import { certManagerControlPlane, holdsPrivateKey, key, manifestResources, nativeObjects, synthStack } from './fixtures';

function stackOf(source: MeshSource, objects?: ObjectSelection): Record<string, any> {
  const stack = new TerraformStack(TfTesting.app(), 'linkerd');
  new KubernetesProvider(stack, 'kubernetes', {});
  new KubernetesManifests(stack, 'manifests', { source, objects });
  return synthStack(stack);
}

describe('KubernetesManifests', () => {
  const native = nativeObjects();
  const config = stackOf(MeshSource.fromApp(buildApp()));
  const resources = manifestResources(config);

  test('every object of the native synth is one kubernetes_manifest with an equal manifest', () => {
    // GIVEN the objects `npm run synth` writes (CRDs, control plane, demo app)
    // WHEN they go through the stack
    const byKey = new Map(resources.map((r) => [key(r.manifest), r.manifest]));
    // THEN there is one resource per object, and its manifest is the object
    expect(resources).toHaveLength(native.length);
    expect(byKey.size).toBe(native.length);
    for (const object of native) expect(byKey.get(key(object))).toEqual(object);
  });

  test('resource names come from (group, kind, namespace, name)', () => {
    const names = resources.map((r) => r.name);
    expect(names).toContain('apps_Deployment_linkerd_linkerd-destination');
    expect(names).toContain('core_Secret_linkerd_linkerd-identity-issuer');
    expect(names).toContain('apiextensions_k8s_io_CustomResourceDefinition_servers_policy_linkerd_io');
    expect(names).toContain('rbac_authorization_k8s_io_ClusterRole_linkerd-policy');
    for (const r of resources) expect(r.name).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
  });

  test('resource names and the whole configuration are stable across two synths', () => {
    // WHEN the same app is built and synthesized again
    const again = stackOf(MeshSource.fromApp(buildApp()));
    // THEN nothing moves, down to the bytes
    expect(Object.keys(again.resource.kubernetes_manifest)).toEqual(Object.keys(config.resource.kubernetes_manifest));
    expect(JSON.stringify(again)).toBe(JSON.stringify(config));
  });

  test('a Secret holding a private key is sensitive, and no plain manifest holds a key', () => {
    const issuer = resources.find((r) => r.name === 'core_Secret_linkerd_linkerd-identity-issuer')!;
    expect(holdsPrivateKey(issuer.manifest)).toBe(true);
    expect(issuer.sensitive).toBe(true);
    expect(issuer.config.manifest).toBe('${sensitive(local.core_Secret_linkerd_linkerd-identity-issuer)}');
    for (const r of resources.filter((x) => x.manifest.kind === 'Secret')) expect(r.sensitive).toBe(true);
    // Keys live only in locals, which neither plan output nor the state shows.
    expect(holdsPrivateKey(config.resource)).toBe(false);
  });

  test('with cert-manager, no private key reaches the Terraform configuration', () => {
    const cm = stackOf(MeshSource.fromProps({ controlPlane: certManagerControlPlane() }));
    expect(holdsPrivateKey(cm)).toBe(false);
    expect(cm.locals).toBeUndefined();
    expect(manifestResources(cm).map((r) => r.manifest.kind)).toEqual(expect.arrayContaining(['Certificate', 'Issuer', 'Bundle']));
  });

  test('charts keep their order, namespaced objects wait for their Namespace, workloads for their rollout', () => {
    const demoWeb = config.resource.kubernetes_manifest.apps_Deployment_demo_web;
    expect(demoWeb.depends_on).toEqual(['terraform_data.linkerd-control-plane_applied', 'kubernetes_manifest.core_Namespace_demo']);
    expect(demoWeb.wait).toEqual({ rollout: true });
    const barrier = config.resource.terraform_data['linkerd-control-plane_applied'];
    expect(barrier.depends_on).toContain('kubernetes_manifest.apps_Deployment_linkerd_linkerd-proxy-injector');
    const controlPlane = synthesizeManifests(buildApp(), { syncWaves: false }).find((f) => f.name === '02-linkerd-control-plane.yaml')!.objects;
    expect([...barrier.depends_on].sort()).toEqual(controlPlane.map((o) => `kubernetes_manifest.${resourceName(o)}`).sort());
    const destination = config.resource.kubernetes_manifest['apps_Deployment_linkerd_linkerd-destination'];
    expect(destination.depends_on).toEqual(['terraform_data.linkerd-crds_applied', 'kubernetes_manifest.core_Namespace_linkerd']);
    const crd = config.resource.kubernetes_manifest.apiextensions_k8s_io_CustomResourceDefinition_servers_policy_linkerd_io;
    expect(crd.wait).toEqual({ condition: [{ type: 'Established', status: 'True' }] });
    expect(crd.depends_on).toBeUndefined();
  });

  test('ObjectSelection.CRDS and ALL_BUT_CRDS split the objects', () => {
    const source = MeshSource.fromApp(buildApp());
    const crds = manifestResources(stackOf(source, ObjectSelection.CRDS)).map((r) => key(r.manifest));
    const rest = manifestResources(stackOf(source, ObjectSelection.ALL_BUT_CRDS)).map((r) => key(r.manifest));
    expect(crds.sort()).toEqual(native.filter((o) => o.kind === 'CustomResourceDefinition').map(key).sort());
    expect([...crds, ...rest].sort()).toEqual(native.map(key).sort());
  });

  test('strings Terraform would read as templates are escaped', () => {
    // GIVEN a ConfigMap with shell and template syntax
    const app = new Cdk8sApp();
    const chart = new Chart(app, 'scripts');
    const data = { 'run.sh': 'echo ${HOME} %{not-a-directive}', '${key}': 'v' };
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'scripts', namespace: 'default' }, data });
    // WHEN
    const resource = stackOf(MeshSource.fromApp(app)).resource.kubernetes_manifest.core_ConfigMap_default_scripts;
    // THEN the configuration holds the escaped text, which Terraform reads back as the original
    expect(resource.manifest.data).toEqual({ 'run.sh': 'echo $${HOME} %%{not-a-directive}', '$${key}': 'v' });
    expect(manifestResources({ resource: { kubernetes_manifest: { x: resource } } })[0].manifest.data).toEqual(data);
  });

  test('fails when two objects would get the same resource name', () => {
    // GIVEN two ClusterRoles whose names differ only in a character Terraform does not allow
    const app = new Cdk8sApp();
    const chart = new Chart(app, 'rbac');
    for (const name of ['system:reader', 'system.reader']) {
      new ApiObject(chart, name, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] });
    }
    // THEN
    expect(() => stackOf(MeshSource.fromApp(app))).toThrow(LinkerdConfigError);
    expect(() => stackOf(MeshSource.fromApp(app))).toThrow(/linkerd\/manifests: source: .*ClusterRole system:reader and .*ClusterRole system\.reader would both be .*rbac_authorization_k8s_io_ClusterRole_system_reader/);
  });

  test('fails with the library error when the app does not pass its checks', () => {
    expect(() => MeshSource.fromProps({ controlPlane: controlPlaneProps({ emitGeneratedPrivateKeys: false }) })._charts())
      .toThrow(/linkerd-control-plane: emitGeneratedPrivateKeys: is not set/);
  });
});
