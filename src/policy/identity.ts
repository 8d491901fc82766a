import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';

/**
 * Mesh TLS identities as Linkerd names them: `<sa>.<ns>.serviceaccount.identity.<control-plane-ns>.<trust-domain>`,
 * or SPIFFE IDs. A `*` first label makes a suffix match; `*` alone matches every identity.
 */

const DNS_LIKE = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SPIFFE = /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Validates an identity the way Linkerd's admission webhook does (DNS-like or SPIFFE). */
export function identity(scope: IConstruct | string, field: string, id: string): string {
  const spiffeOk = SPIFFE.test(id) && !/\/\.{1,2}(\/|$)/.test(id);
  if (typeof id !== 'string' || !(DNS_LIKE.test(id) || spiffeOk)) {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(id)} is not a mesh identity`,
      'use a DNS-like identity such as "web.demo.serviceaccount.identity.linkerd.cluster.local" (optionally starting with "*."), "*", or a SPIFFE ID');
  }
  return id;
}

/** The identity of a ServiceAccount's pods. */
export function serviceAccountIdentity(serviceAccount: string, namespace: string, controlPlaneNamespace: string, trustDomain: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.${controlPlaneNamespace}.${trustDomain}`;
}

/** The suffix match for every identity of a namespace. */
export function namespaceIdentity(namespace: string, controlPlaneNamespace: string, trustDomain: string): string {
  return `*.${namespace}.serviceaccount.identity.${controlPlaneNamespace}.${trustDomain}`;
}

/** True when `pattern` (exact, `*`, or `*.suffix`) matches `id`, as the policy controller's IdentityMatch does. */
export function identityMatches(pattern: string, id: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return id.endsWith(suffix) && id.length > suffix.length;
  }
  return pattern === id;
}
