import { gatewayConditions } from './conditions';
import { CONTROLLER_NAME, DNS_SUBDOMAIN, group, kind, namespaceName, objectName, portNumber, sectionName, WILDCARD_HOSTNAME } from './names';
import { arr, int, int32, JSONSchemaProps, obj, str } from '../schema';

/**
 * Pieces of the Gateway API `HTTPRoute` schema (v1.x) that Linkerd's own `policy.linkerd.io`
 * HTTPRoute reuses. Parents default to Linkerd's group.
 */

const HEADER_NAME = String.raw`^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$`;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const MATCH_TYPES = ['Exact', 'RegularExpression'];

/** What a rule or match without a path matches: everything. */
function rootPrefix() {
  return { type: 'PathPrefix', value: '/' };
}

export function hostnames(): JSONSchemaProps {
  return arr(str({ minLength: 1, maxLength: 253, pattern: WILDCARD_HOSTNAME }), { maxItems: 16 });
}

/**
 * A reference to the route's parent. The first policy HTTPRoute versions left `port` as a bare
 * integer, so callers pass its schema.
 */
export function parentRef(port: JSONSchemaProps = portNumber()): JSONSchemaProps {
  return obj(
    {
      group: group('policy.linkerd.io'),
      kind: kind('Gateway'),
      name: objectName(),
      namespace: namespaceName(),
      port,
      sectionName: sectionName(),
    },
    { required: ['name'] },
  );
}

export function parentRefs(port?: JSONSchemaProps): JSONSchemaProps {
  return arr(parentRef(port), { maxItems: 32 });
}

function headerName(): JSONSchemaProps {
  return str({ minLength: 1, maxLength: 256, pattern: HEADER_NAME });
}

function headerList(): JSONSchemaProps {
  return arr(
    obj({ name: headerName(), value: str({ minLength: 1, maxLength: 4096 }) }, { required: ['name', 'value'] }),
    { maxItems: 16, mapKeys: ['name'] },
  );
}

function headerModifier(): JSONSchemaProps {
  return obj({ add: headerList(), remove: arr(str(), { maxItems: 16 }), set: headerList() });
}

function requestRedirect(): JSONSchemaProps {
  return obj({
    hostname: str({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN }),
    path: obj(
      {
        replaceFullPath: str({ maxLength: 1024 }),
        replacePrefixMatch: str({ maxLength: 1024 }),
        type: str({ enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }),
      },
      { required: ['type'] },
    ),
    port: portNumber(),
    scheme: str({ enum: ['http', 'https'] }),
    statusCode: int({ default: 302, enum: [301, 302] }),
  });
}

/** Filter type → the field that carries its configuration. */
const FILTERS: Record<HttpFilterType, [field: string, schema: () => JSONSchemaProps]> = {
  RequestHeaderModifier: ['requestHeaderModifier', headerModifier],
  ResponseHeaderModifier: ['responseHeaderModifier', headerModifier],
  RequestRedirect: ['requestRedirect', requestRedirect],
};

export type HttpFilterType = 'RequestHeaderModifier' | 'ResponseHeaderModifier' | 'RequestRedirect';

/** A list of filters of the given types. */
export function filters(types: readonly HttpFilterType[]): JSONSchemaProps {
  const fields = Object.fromEntries(types.map((t) => [FILTERS[t][0], FILTERS[t][1]()]));
  return arr(obj({ ...fields, type: str({ enum: types }) }, { required: ['type'] }), { maxItems: 16 });
}

function keyedMatches(valueMaxLength: number, name: JSONSchemaProps): JSONSchemaProps {
  return arr(
    obj(
      {
        name,
        type: str({ default: 'Exact', enum: MATCH_TYPES }),
        value: str({ minLength: 1, maxLength: valueMaxLength }),
      },
      { required: ['name', 'value'] },
    ),
    { maxItems: 16, mapKeys: ['name'] },
  );
}

export function matches(): JSONSchemaProps {
  return arr(
    obj({
      headers: keyedMatches(4096, headerName()),
      method: str({ enum: HTTP_METHODS }),
      path: obj(
        {
          type: str({ default: 'PathPrefix', enum: ['Exact', 'PathPrefix', 'RegularExpression'] }),
          value: str({ default: '/', maxLength: 1024 }),
        },
        { default: rootPrefix() },
      ),
      queryParams: keyedMatches(1024, str({ minLength: 1, maxLength: 256 })),
    }),
    { maxItems: 8, default: [{ path: rootPrefix() }] },
  );
}

/** Filters allowed on a single backend. */
const BACKEND_FILTERS: HttpFilterType[] = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect'];

/** Backends as the Gateway API types them. */
export function backendRefs(): JSONSchemaProps {
  return arr(
    obj(
      {
        group: group(''),
        kind: kind('Service'),
        name: objectName(),
        namespace: namespaceName(),
        port: portNumber(),
        weight: int32({ default: 1, minimum: 0, maximum: 1000000 }),
        filters: filters(BACKEND_FILTERS),
      },
      { required: ['name'] },
    ),
    { maxItems: 16 },
  );
}

/** Backends as the first policy HTTPRoute versions declared them: untyped, namespace defaulting to "default". */
export function legacyBackendRefs(): JSONSchemaProps {
  return arr(obj({
    name: str(),
    port: int(),
    namespace: str({ default: 'default' }),
    filters: filters(BACKEND_FILTERS),
  }));
}

export function timeouts(): JSONSchemaProps {
  return obj({ backendRequest: str({ format: 'duration' }), request: str({ format: 'duration' }) });
}

/** The rules list: a rule without matches matches every request. */
export function rules(rule: Record<string, JSONSchemaProps | undefined>): JSONSchemaProps {
  return arr(obj(rule), { maxItems: 16, default: [{ matches: [{ path: rootPrefix() }] }] });
}

/** Route status as Gateway API controllers report it, per parent. */
export function routeStatus(): JSONSchemaProps {
  return obj(
    {
      parents: arr(
        obj(
          {
            conditions: gatewayConditions(),
            controllerName: str({ minLength: 1, maxLength: 253, pattern: CONTROLLER_NAME }),
            parentRef: parentRef(),
          },
          { required: ['controllerName', 'parentRef'] },
        ),
        { maxItems: 32 },
      ),
    },
    { required: ['parents'] },
  );
}
