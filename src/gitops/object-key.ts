/**
 * The identity of a Kubernetes object within one install: API group (not version), kind,
 * namespace and name. Two objects with the same key are the same object to the API server, so
 * the later one would silently replace the earlier.
 */

type Manifest = Record<string, any>;

/** `apps`, `policy.linkerd.io`, or `''` for the core group. */
export function apiGroupOf(o: Manifest): string {
  const apiVersion = typeof o?.apiVersion === 'string' ? o.apiVersion : '';
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** `group/Kind namespace/name`, unique per object of an install. */
export function objectKey(o: Manifest): string {
  const namespace = o?.metadata?.namespace;
  return `${apiGroupOf(o)}/${o?.kind} ${namespace ? `${namespace}/` : ''}${o?.metadata?.name}`;
}
