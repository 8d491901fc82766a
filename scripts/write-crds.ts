/**
 * Writes the CRDs this library emits (Linkerd's and the multicluster Link) as one multi-document
 * YAML file, the input of `cdk8s import` for the typed classes in imports/:
 *
 *   node lib/scripts/write-crds.js .imports-crds.yaml
 */
import { writeFileSync } from 'fs';
import { App, Yaml } from 'cdk8s';
import { LINK_CRD, LinkerdCrds } from '../src/crds';
import { renderCrd } from '../src/crds/render';

interface Crd {
  readonly spec: { readonly versions: ReadonlyArray<{ readonly storage: boolean }> };
}

/**
 * `cdk8s import` gives the first listed version the unsuffixed class name (`Server`) and suffixes
 * the others (`ServerV1Beta2`). Listing the storage version first makes the plain name the current
 * API rather than the oldest, often deprecated, one. The order of versions means nothing to the
 * API server, so the schemas are unchanged.
 */
function storageVersionFirst<T extends Crd>(crd: T): T {
  const versions = [...crd.spec.versions].sort((a, b) => Number(b.storage) - Number(a.storage));
  return { ...crd, spec: { ...crd.spec, versions } };
}

/** The CRDs as `cdk8s import` should read them: the Linkerd CRDs, then the multicluster extension's Link. */
export function crdsForImport(): string {
  const chart = new LinkerdCrds(new App(), 'linkerd-crds');
  const link = renderCrd(LINK_CRD, { 'linkerd.io/extension': 'multicluster' });
  return Yaml.stringify(...[...chart.toJson(), link].map((crd) => storageVersionFirst(crd as Crd)));
}

function main(argv: string[]): void {
  const output = argv[2];
  if (!output) {
    process.stderr.write('usage: write-crds <output.yaml>\n');
    process.exit(2);
  }
  writeFileSync(output, crdsForImport());
}

if (require.main === module) {
  main(process.argv);
}
