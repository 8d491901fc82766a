import { CrdDefinition, crdName, CrdVersion } from './definition';
import type { CrdManifest, CrdVersionManifest } from './linkerd-crds';
import { CREATED_BY } from '../version';

/** Turns CRD definitions into objects. Internal: not re-exported by the barrel. */

/** One CRD as an `apiextensions.k8s.io/v1` object with these labels, annotated as created by this library. */
export function renderCrd(definition: CrdDefinition, labels: Record<string, string>, annotations: Record<string, string> = {}): CrdManifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdName(definition),
      labels,
      annotations: { ...annotations, 'linkerd.io/created-by': CREATED_BY },
    },
    spec: {
      group: definition.group,
      names: definition.names,
      scope: definition.scope,
      versions: definition.versions.map(renderVersion),
    },
  };
}

function renderVersion(version: CrdVersion): CrdVersionManifest {
  const manifest: CrdVersionManifest = {
    name: version.name,
    served: version.served ?? true,
    storage: version.storage,
    deprecated: version.deprecated,
    deprecationWarning: version.deprecationWarning,
    schema: { openAPIV3Schema: version.schema },
    additionalPrinterColumns: version.printerColumns?.length ? version.printerColumns : undefined,
    subresources: version.statusSubresource ? { status: {} } : undefined,
  };
  return Object.fromEntries(Object.entries(manifest).filter(([, v]) => v !== undefined)) as CrdVersionManifest;
}
