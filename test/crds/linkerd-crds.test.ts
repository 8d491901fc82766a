import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as linkerdIo from '../../imports/linkerd.io';
import * as multicluster from '../../imports/multicluster.linkerd.io';
import * as policy from '../../imports/policy.linkerd.io';
import * as workload from '../../imports/workload.linkerd.io';
import { crdsForImport } from '../../scripts/write-crds';
import { CrdManifest, JSONSchemaProps, LINK_CRD, LinkerdCrds, linkerdCrdManifests, SERVER_CRD, storageVersion } from '../../src/crds';
import { renderCrd } from '../../src/crds/render';
import { LinkerdConfigError } from '../../src/errors';

/** FACTS.md §11: served versions (all served), the storage version, deprecations, shortNames, status subresources. */
const EXPECTED: Record<string, {
  versions: string[];
  storage: string;
  deprecated?: string[];
  shortNames?: string[];
  status?: string[];
}> = {
  'servers.policy.linkerd.io': {
    versions: ['v1alpha1', 'v1beta1', 'v1beta2', 'v1beta3'],
    storage: 'v1beta3',
    deprecated: ['v1alpha1', 'v1beta1'],
    shortNames: ['srv'],
  },
  'serverauthorizations.policy.linkerd.io': {
    versions: ['v1alpha1', 'v1beta1'],
    storage: 'v1beta1',
    deprecated: ['v1alpha1'],
    shortNames: ['saz', 'serverauthz', 'srvauthz'],
  },
  'authorizationpolicies.policy.linkerd.io': { versions: ['v1alpha1'], storage: 'v1alpha1', shortNames: ['authzpolicy'] },
  'meshtlsauthentications.policy.linkerd.io': { versions: ['v1alpha1'], storage: 'v1alpha1', shortNames: ['meshtlsauthn'] },
  'networkauthentications.policy.linkerd.io': { versions: ['v1alpha1'], storage: 'v1alpha1', shortNames: ['netauthn', 'networkauthn'] },
  'httproutes.policy.linkerd.io': {
    versions: ['v1alpha1', 'v1beta1', 'v1beta2', 'v1beta3'],
    storage: 'v1beta3',
    status: ['v1alpha1', 'v1beta1', 'v1beta2', 'v1beta3'],
  },
  'httplocalratelimitpolicies.policy.linkerd.io': { versions: ['v1alpha1'], storage: 'v1alpha1', status: ['v1alpha1'] },
  'egressnetworks.policy.linkerd.io': { versions: ['v1alpha1'], storage: 'v1alpha1', status: ['v1alpha1'] },
  'serviceprofiles.linkerd.io': { versions: ['v1alpha1', 'v1alpha2'], storage: 'v1alpha2', shortNames: ['sp'] },
  'externalworkloads.workload.linkerd.io': { versions: ['v1alpha1', 'v1beta1'], storage: 'v1beta1', status: ['v1beta1'] },
};

function synthCrds(): CrdManifest[] {
  return Testing.synth(new LinkerdCrds(Testing.app(), 'linkerd-crds')) as CrdManifest[];
}

function crd(name: string): CrdManifest {
  const found = synthCrds().find((c) => c.metadata.name === name);
  if (!found) throw new Error(`no CRD ${name}`);
  return found;
}

function version(name: string, versionName: string) {
  return crd(name).spec.versions.find((v) => v.name === versionName)!;
}

/**
 * Paths of schema nodes that break the structural-schema rules this library relies on: every
 * node declares a type (or is int-or-string / preserve-unknown-fields), and oneOf/anyOf branches
 * only constrain values, never declare types, defaults or descriptions.
 */
function structuralViolations(schema: JSONSchemaProps, path: string): string[] {
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const problems: string[] = [];
  if (!schema.type && !intOrString && !schema['x-kubernetes-preserve-unknown-fields']) {
    problems.push(`${path}: no type`);
  }
  for (const [junctor, branches] of [['oneOf', schema.oneOf], ['anyOf', schema.anyOf]] as const) {
    for (const branch of branches ?? []) {
      const intOrStringBranch = intOrString && junctor === 'anyOf' && ['integer', 'string'].includes(branch.type!);
      if ((branch.type && !intOrStringBranch) || branch.default !== undefined || branch.description || branch.properties) {
        problems.push(`${path}.${junctor}: declares structure`);
      }
    }
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    problems.push(...structuralViolations(property, `${path}.properties.${name}`));
  }
  if (schema.items) {
    problems.push(...structuralViolations(schema.items, `${path}.items`));
  }
  return problems;
}

describe('LinkerdCrds', () => {
  test('synthesizes the Linkerd CRDs', () => {
    // GIVEN
    const app = Testing.app();

    // WHEN
    const chart = new LinkerdCrds(app, 'linkerd-crds');

    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('emits the 10 CRDs of the linkerd-crds chart as cluster-scoped apiextensions.k8s.io/v1 objects', () => {
    // WHEN
    const crds = synthCrds();

    // THEN
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const c of crds) {
      expect(c.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect(c.kind).toBe('CustomResourceDefinition');
      expect(c.metadata).not.toHaveProperty('namespace');
      expect(c.metadata.name).toBe(`${c.spec.names.plural}.${c.spec.group}`);
      expect(c.spec.scope).toBe('Namespaced');
    }
  });

  test.each(Object.entries(EXPECTED))('%s has the upstream versions, storage version, deprecations and short names', (name, expected) => {
    // WHEN
    const { spec } = crd(name);

    // THEN
    expect(spec.versions.map((v) => v.name)).toEqual(expected.versions);
    expect(spec.versions.every((v) => v.served)).toBe(true);
    expect(spec.versions.filter((v) => v.storage).map((v) => v.name)).toEqual([expected.storage]);
    expect(spec.versions.filter((v) => v.deprecated).map((v) => v.name)).toEqual(expected.deprecated ?? []);
    expect(spec.names.shortNames).toEqual(expected.shortNames);
    expect(spec.versions.filter((v) => v.subresources?.status).map((v) => v.name)).toEqual(expected.status ?? []);
  });

  test('deprecated Server versions point to their replacement', () => {
    // WHEN
    const v1alpha1 = version('servers.policy.linkerd.io', 'v1alpha1');
    const v1beta1 = version('servers.policy.linkerd.io', 'v1beta1');

    // THEN
    expect(v1alpha1.deprecationWarning).toBe('policy.linkerd.io/v1alpha1 Server is deprecated; use policy.linkerd.io/v1beta1 Server');
    expect(v1beta1.deprecationWarning).toBe('policy.linkerd.io/v1beta1 Server is deprecated; use policy.linkerd.io/v1beta3 Server');
  });

  test('Server v1beta3 shows port, protocol and access policy columns', () => {
    // WHEN
    const columns = version('servers.policy.linkerd.io', 'v1beta3').additionalPrinterColumns;

    // THEN
    expect(columns).toEqual([
      { name: 'Port', type: 'string', jsonPath: '.spec.port' },
      { name: 'Protocol', type: 'string', jsonPath: '.spec.proxyProtocol' },
      { name: 'Access Policy', type: 'string', jsonPath: '.spec.accessPolicy' },
    ]);
  });

  test('every HTTPRoute version shows hostnames and age', () => {
    // WHEN
    const { spec } = crd('httproutes.policy.linkerd.io');

    // THEN
    for (const v of spec.versions) {
      expect(v.additionalPrinterColumns).toEqual([
        { name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ]);
    }
  });

  test('only HTTPRoute v1beta3 has rule timeouts', () => {
    // WHEN
    const { spec } = crd('httproutes.policy.linkerd.io');

    // THEN
    const withTimeouts = spec.versions.filter((v) =>
      v.schema.openAPIV3Schema.properties!.spec.properties!.rules.items!.properties!.timeouts);
    expect(withTimeouts.map((v) => v.name)).toEqual(['v1beta3']);
  });

  test('every schema is structural', () => {
    // WHEN
    const crds = synthCrds();

    // THEN
    const violations = crds.flatMap((c) => c.spec.versions.flatMap((v) =>
      structuralViolations(v.schema.openAPIV3Schema, `${c.metadata.name}/${v.name}`)));
    expect(violations).toEqual([]);
  });

  test('labels and annotates every CRD with the control plane namespace and creator', () => {
    // GIVEN
    const app = Testing.app();

    // WHEN
    const chart = new LinkerdCrds(app, 'linkerd-crds', { controlPlaneNamespace: 'mesh-system' });

    // THEN
    for (const c of Testing.synth(chart)) {
      expect(c.metadata.labels).toEqual({ 'linkerd.io/control-plane-ns': 'mesh-system' });
      expect(c.metadata.annotations['linkerd.io/created-by']).toMatch(/^linkerd\/cdk8s-linkerd /);
    }
  });

  test('output holds no null or empty values except the status subresource marker', () => {
    // WHEN
    const yaml = JSON.stringify(synthCrds());

    // THEN
    expect(yaml).not.toMatch(/null/);
    expect(yaml).not.toMatch(/\[\]/);
    expect(yaml.match(/\{\}/g)?.length).toBe(yaml.match(/"subresources":\{"status":\{\}\}/g)?.length);
  });

  test('fails with the construct path when controlPlaneNamespace is not a DNS label', () => {
    // GIVEN
    const app = Testing.app();
    const platform = new Construct(app, 'platform');

    // WHEN / THEN
    expect(() => new LinkerdCrds(platform, 'linkerd-crds', { controlPlaneNamespace: 'Linkerd_NS' }))
      .toThrow(/^platform\/linkerd-crds: controlPlaneNamespace: "Linkerd_NS" contains "_" and upper-case letters; a DNS label has only a-z, 0-9 and "-"/);
    expect(() => new LinkerdCrds(platform, 'other-crds', { controlPlaneNamespace: 'Linkerd_NS' }))
      .toThrow(LinkerdConfigError);
  });

  test('fails when given a namespace, since CRDs are cluster-scoped', () => {
    // GIVEN
    const app = Testing.app();

    // WHEN / THEN
    expect(() => new LinkerdCrds(app, 'linkerd-crds', { namespace: 'linkerd' }))
      .toThrow(/linkerd-crds: namespace: CustomResourceDefinitions are cluster-scoped/);
  });
});

describe('linkerdCrdManifests', () => {
  test('returns the same CRDs the chart synthesizes', () => {
    // WHEN
    const manifests = linkerdCrdManifests();

    // THEN
    expect(JSON.parse(JSON.stringify(manifests))).toEqual(synthCrds());
  });

  test('returns fresh copies', () => {
    // GIVEN
    const first = linkerdCrdManifests();

    // WHEN
    (first[0].spec.versions[0].schema.openAPIV3Schema as { type?: string }).type = 'string';

    // THEN
    expect(linkerdCrdManifests()[0].spec.versions[0].schema.openAPIV3Schema.type).toBe('object');
  });

  test('fails when controlPlaneNamespace is not a DNS label', () => {
    expect(() => linkerdCrdManifests({ controlPlaneNamespace: 'Linkerd_NS' })).toThrow(/controlPlaneNamespace/);
  });
});

describe('imports/ (cdk8s import of our CRDs)', () => {
  test('the unsuffixed classes are the storage versions', () => {
    // GIVEN
    const classes = [
      policy.Server, policy.ServerAuthorization, policy.AuthorizationPolicy, policy.MeshTlsAuthentication,
      policy.NetworkAuthentication, policy.HttpRoute, policy.HttpLocalRateLimitPolicy, policy.EgressNetwork,
      linkerdIo.ServiceProfile, workload.ExternalWorkload, multicluster.Link,
    ];

    // WHEN
    const gvks = classes.map((c) => `${c.GVK.apiVersion} ${c.GVK.kind}`).sort();

    // THEN
    const storage = [...linkerdCrdManifests(), renderCrd(LINK_CRD, {})].map((c) =>
      `${c.spec.group}/${c.spec.versions.find((v) => v.storage)!.name} ${c.spec.names.kind}`);
    expect(gvks).toEqual(storage.sort());
  });

  test('a typed Server synthesizes a v1beta3 Server that our CRD schema accepts', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'app', { namespace: 'web' });

    // WHEN
    new policy.Server(chart, 'web-http', {
      metadata: { name: 'web-http' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, port: 'http', proxyProtocol: 'HTTP/2' },
    });
    const [server] = Testing.synth(chart);

    // THEN
    expect(server.apiVersion).toBe(`${SERVER_CRD.group}/${storageVersion(SERVER_CRD).name}`);
    expect(server).toMatchObject({ apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server' });
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(storageVersion(SERVER_CRD).schema);
    expect(validate(server)).toBe(true);
  });

  test('our Server schema rejects a Server that selects both pods and external workloads', () => {
    // GIVEN
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(storageVersion(SERVER_CRD).schema);

    // WHEN
    const valid = validate({
      spec: { port: 8080, podSelector: { matchLabels: { app: 'web' } }, externalWorkloadSelector: { matchLabels: { app: 'vm' } } },
    });

    // THEN
    expect(valid).toBe(false);
  });

  test('are up to date with the CRDs (regenerate with `npm run import`)', () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'linkerd-crds-import-'));
    const cdk8s = join(__dirname, '..', '..', 'node_modules', '.bin', 'cdk8s');
    try {
      writeFileSync(join(dir, 'crds.yaml'), crdsForImport());

      // WHEN
      execFileSync(cdk8s, ['import', 'crds.yaml', '--output', 'imports', '--language', 'typescript', '--no-save'], {
        cwd: dir,
        stdio: 'pipe',
        timeout: 60_000,
      });

      // THEN
      const committed = join(__dirname, '..', '..', 'imports');
      const generated = join(dir, 'imports');
      const files = readdirSync(generated).sort();
      expect(files).toEqual(['linkerd.io.ts', 'multicluster.linkerd.io.ts', 'policy.linkerd.io.ts', 'workload.linkerd.io.ts']);
      for (const file of files) {
        expect(readFileSync(join(generated, file), 'utf8') === readFileSync(join(committed, file), 'utf8')).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
