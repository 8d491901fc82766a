import { JSONSchemaProps } from './schema';

/**
 * The data that describes one CustomResourceDefinition. Each CRD file exports one of these; the
 * chart turns them into `apiextensions.k8s.io/v1` objects.
 */
export interface CrdDefinition {
  readonly group: string;
  readonly names: CrdNames;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly versions: readonly CrdVersion[];
}

export interface CrdNames {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  /** @default - the API server derives `<kind>List` */
  readonly listKind?: string;
  /** @default - none */
  readonly shortNames?: readonly string[];
  /** @default - none */
  readonly categories?: readonly string[];
}

export interface CrdVersion {
  readonly name: string;
  /** @default true */
  readonly served?: boolean;
  readonly storage: boolean;
  /** Set with `deprecatedInFavourOf`. @default - not deprecated */
  readonly deprecated?: boolean;
  /** @default - the API server's generic warning */
  readonly deprecationWarning?: string;
  readonly schema: JSONSchemaProps;
  /** @default - only the implicit Age column */
  readonly printerColumns?: readonly PrinterColumn[];
  /** Serve `status` as a subresource. @default false */
  readonly statusSubresource?: boolean;
}

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  /** @default - none */
  readonly format?: string;
}

/** The column kubectl shows by default; listing it keeps it after custom columns. */
export const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/** `metadata.name` of the CRD: `<plural>.<group>`. */
export function crdName(definition: CrdDefinition): string {
  return `${definition.names.plural}.${definition.group}`;
}

/** The version fields of a deprecated version, with the warning text Linkerd uses. */
export function deprecatedInFavourOf(group: string, kind: string, version: string, replacement: string) {
  return {
    deprecated: true,
    deprecationWarning: `${group}/${version} ${kind} is deprecated; use ${group}/${replacement} ${kind}`,
  };
}

/** The version whose objects etcd stores; the tests assert there is exactly one. */
export function storageVersion(definition: CrdDefinition): CrdVersion {
  const stored = definition.versions.filter((v) => v.storage);
  if (stored.length !== 1) {
    throw new Error(`${crdName(definition)} must have exactly one storage version, has ${stored.length}`);
  }
  return stored[0];
}
