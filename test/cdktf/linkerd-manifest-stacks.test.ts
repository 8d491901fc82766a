import { TerraformStack, Testing as TfTesting } from 'cdktf';
import { LinkerdManifestStacks, MeshSource } from '../../src/cdktf';
import { controlPlaneProps } from '../control-plane/fixtures';
import { key, manifestResources, synthStack } from './fixtures';
import { synthesizeManifests } from '../../src';
import { buildNativeMesh } from '../../src/cdktf/native-mesh';

describe('LinkerdManifestStacks', () => {
  const props = { controlPlane: controlPlaneProps() };
  const app = TfTesting.app();
  const stacks = new LinkerdManifestStacks(app, 'linkerd', { source: MeshSource.fromProps(props), kubernetesProvider: { configPath: '~/.kube/config' } });
  const crdConfig = synthStack(stacks.crdStack);
  const meshConfig = synthStack(stacks.meshStack);
  const native = synthesizeManifests(buildNativeMesh(props, 'test').app, { syncWaves: false }).flatMap((f) => f.objects);

  test('the CRD stack holds exactly the CRDs, the mesh stack everything else', () => {
    // THEN
    const crds = manifestResources(crdConfig).map((r) => r.manifest);
    expect(crds.map(key).sort()).toEqual(native.filter((o) => o.kind === 'CustomResourceDefinition').map(key).sort());
    expect(crds.length).toBeGreaterThanOrEqual(10);
    const mesh = manifestResources(meshConfig).map((r) => r.manifest);
    expect(mesh.every((o) => o.kind !== 'CustomResourceDefinition')).toBe(true);
    expect([...crds, ...mesh].map(key).sort()).toEqual(native.map(key).sort());
    for (const object of native) expect([...crds, ...mesh].find((o) => key(o) === key(object))).toEqual(object);
  });

  test('two top-level stacks, the mesh one depending on the CRD one, each with its provider', () => {
    expect(stacks.crdStack.node.path).toBe('linkerd-crds');
    expect(stacks.meshStack.node.path).toBe('linkerd-mesh');
    expect(stacks.meshStack.dependencies).toEqual([stacks.crdStack]);
    for (const config of [crdConfig, meshConfig]) expect(config.provider.kubernetes).toEqual([{ config_path: '~/.kube/config' }]);
    // The mesh stack does not wait for the CRD chart's barrier: that chart lives in the other stack.
    expect(meshConfig.resource.terraform_data['linkerd-crds_applied']).toBeUndefined();
    expect(meshConfig.resource.kubernetes_manifest['apps_Deployment_linkerd_linkerd-destination'].depends_on)
      .toEqual(['kubernetes_manifest.core_Namespace_linkerd']);
  });

  test('fails inside a stack: its stacks must be top-level', () => {
    const stack = new TerraformStack(TfTesting.app(), 'outer');
    expect(() => new LinkerdManifestStacks(stack, 'linkerd', { source: MeshSource.fromProps(props) }))
      .toThrow(/outer\/linkerd: scope: is not the CDKTF App\. Fix: create LinkerdManifestStacks directly in the App/);
  });
});
