import { int32, JSONSchemaProps, obj, str } from '../schema';

/**
 * Kubernetes name formats and the object-reference shapes built from them. The limits and
 * patterns are those of the Gateway API types Linkerd's policy resources follow.
 */

const DNS_LABEL_BODY = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN_BODY = String.raw`${DNS_LABEL_BODY}(\.${DNS_LABEL_BODY})*`;

/** RFC 1123 label, e.g. a namespace or a ServiceAccount name. */
export const DNS_LABEL = `^${DNS_LABEL_BODY}$`;
/** RFC 1123 subdomain, e.g. a host name or an API group. */
export const DNS_SUBDOMAIN = `^${DNS_SUBDOMAIN_BODY}$`;
/** A host name, optionally with a leading `*.` wildcard label. */
export const WILDCARD_HOSTNAME = String.raw`^(\*\.)?${DNS_SUBDOMAIN_BODY}$`;
/** A domain-prefixed path such as `linkerd.io/policy-controller`. */
export const CONTROLLER_NAME = String.raw`^${DNS_SUBDOMAIN_BODY}\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$`;

/** API group; empty means the core group. */
export function group(defaultGroup?: string): JSONSchemaProps {
  return str({ default: defaultGroup, maxLength: 253, pattern: `^$|${DNS_SUBDOMAIN}` });
}

export function kind(defaultKind?: string): JSONSchemaProps {
  return str({ default: defaultKind, minLength: 1, maxLength: 63, pattern: '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$' });
}

export function objectName(): JSONSchemaProps {
  return str({ minLength: 1, maxLength: 253 });
}

export function namespaceName(): JSONSchemaProps {
  return str({ minLength: 1, maxLength: 63, pattern: DNS_LABEL });
}

export function sectionName(): JSONSchemaProps {
  return str({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN });
}

export function portNumber(): JSONSchemaProps {
  return int32({ minimum: 1, maximum: 65535 });
}

export interface PolicyTargetRefOptions {
  /** Schema of a `namespace` field. @default - no namespace field (a local reference) */
  readonly namespace?: JSONSchemaProps;
  /** @default ['kind', 'name'] */
  readonly required?: readonly string[];
  /** @default - none */
  readonly defaultGroup?: string;
  /** @default - none */
  readonly defaultKind?: string;
}

/** A reference to any object by group, kind and name, like the Gateway API's policy target references. */
export function policyTargetRef(options: PolicyTargetRefOptions = {}): JSONSchemaProps {
  return obj(
    {
      group: group(options.defaultGroup),
      kind: kind(options.defaultKind),
      name: objectName(),
      namespace: options.namespace,
    },
    { required: options.required ?? ['kind', 'name'] },
  );
}
