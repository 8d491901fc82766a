import { gatewayConditions } from './conditions';
import { CONTROLLER_NAME, DNS_SUBDOMAIN, group, kind, namespaceName, objectName, portNumber, sectionName } from './names';
import { arr, int, int32, JSONSchemaProps, obj, str } from '../schema';

/**
 * Schema pieces of the Gateway API route CRDs (v1.1.1, experimental channel) that Linkerd bundles
 * with `installGatewayAPI`. Unlike Linkerd's own CRDs they carry CEL validation rules; the rules
 * are part of the API and are published unchanged.
 */

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const HEADER_NAME = String.raw`^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$`;
const GATEWAY_DURATION = '^([0-9]{1,5}(h|m|s|ms)){1,4}$';

/** A CEL rule and the message the API server returns when it fails. */
export interface ValidationRule {
  readonly rule: string;
  readonly message: string;
}

/** Attaches CEL rules (`x-kubernetes-validations`) to a schema node. */
export function withRules(schema: JSONSchemaProps, rules: readonly ValidationRule[]): JSONSchemaProps {
  return { ...schema, 'x-kubernetes-validations': rules.map((r) => ({ message: r.message, rule: r.rule })) };
}

/** Marks an array as a set (`x-kubernetes-list-type: set`). */
function set(items: JSONSchemaProps, maxItems: number): JSONSchemaProps {
  return { ...arr(items, { maxItems }), 'x-kubernetes-list-type': 'set' };
}

const SAME_PARENT = "(((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == '')) || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__";

/** `spec.parentRefs`: at most 32, and several references to one parent must tell sections or ports apart. */
export function gatewayParentRefs(): JSONSchemaProps {
  return withRules(arr(gatewayParentRef(), { maxItems: 32 }), [
    {
      message: 'sectionName or port must be specified when parentRefs includes 2 or more references to the same parent',
      rule: `self.all(p1, self.all(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && ${SAME_PARENT})) ? ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName == '') && (!has(p1.port) || p1.port == 0) == (!has(p2.port) || p2.port == 0)): true))`,
    },
    {
      message: 'sectionName or port must be unique when parentRefs includes 2 or more references to the same parent',
      rule: `self.all(p1, self.exists_one(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && ${SAME_PARENT} )) && (((!has(p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || ( has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName)) && (((!has(p1.port) || p1.port == 0) && (!has(p2.port) || p2.port == 0)) || (has(p1.port) && has(p2.port) && p1.port == p2.port))))`,
    },
  ]);
}

/** A parent reference; Gateway API parents default to a Gateway. */
export function gatewayParentRef(): JSONSchemaProps {
  return obj(
    { group: group(GATEWAY_GROUP), kind: kind('Gateway'), name: objectName(), namespace: namespaceName(), port: portNumber(), sectionName: sectionName() },
    { required: ['name'] },
  );
}

const SERVICE_PORT: ValidationRule = {
  message: 'Must have port for Service reference',
  rule: "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true",
};

/** A reference to a backend (a Service port unless told otherwise). */
function backendObjectRef(weight: boolean, extra: Record<string, JSONSchemaProps> = {}): JSONSchemaProps {
  return withRules(obj({
    ...extra,
    group: group(''),
    kind: kind('Service'),
    name: objectName(),
    namespace: namespaceName(),
    port: portNumber(),
    weight: weight ? int32({ default: 1, minimum: 0, maximum: 1000000 }) : undefined,
  }, { required: ['name'] }), [SERVICE_PORT]);
}

function headerList(): JSONSchemaProps {
  return arr(
    obj({ name: str({ minLength: 1, maxLength: 256, pattern: HEADER_NAME }), value: str({ minLength: 1, maxLength: 4096 }) }, { required: ['name', 'value'] }),
    { maxItems: 16, mapKeys: ['name'] },
  );
}

function headerModifier(): JSONSchemaProps {
  return obj({ add: headerList(), remove: set(str(), 16), set: headerList() });
}

const PATH_MODIFIER_RULES: ValidationRule[] = [
  { message: "replaceFullPath must be specified when type is set to 'ReplaceFullPath'", rule: "self.type == 'ReplaceFullPath' ? has(self.replaceFullPath) : true" },
  { message: "type must be 'ReplaceFullPath' when replaceFullPath is set", rule: "has(self.replaceFullPath) ? self.type == 'ReplaceFullPath' : true" },
  { message: "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'", rule: "self.type == 'ReplacePrefixMatch' ? has(self.replacePrefixMatch) : true" },
  { message: "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set", rule: "has(self.replacePrefixMatch) ? self.type == 'ReplacePrefixMatch' : true" },
];

function pathModifier(): JSONSchemaProps {
  return withRules(obj({
    replaceFullPath: str({ maxLength: 1024 }),
    replacePrefixMatch: str({ maxLength: 1024 }),
    type: str({ enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }),
  }, { required: ['type'] }), PATH_MODIFIER_RULES);
}

function hostname(): JSONSchemaProps {
  return str({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN });
}

/** Filter type -> its configuration field and schema. */
const FILTER_FIELDS: Record<string, [string, () => JSONSchemaProps]> = {
  ExtensionRef: ['extensionRef', () => obj({ group: group(), kind: kind(), name: objectName() }, { required: ['group', 'kind', 'name'] })],
  RequestHeaderModifier: ['requestHeaderModifier', headerModifier],
  RequestMirror: ['requestMirror', () => obj({ backendRef: backendObjectRef(false) }, { required: ['backendRef'] })],
  RequestRedirect: ['requestRedirect', () => obj({
    hostname: hostname(),
    path: pathModifier(),
    port: portNumber(),
    scheme: str({ enum: ['http', 'https'] }),
    statusCode: int({ default: 302, enum: [301, 302] }),
  })],
  ResponseHeaderModifier: ['responseHeaderModifier', headerModifier],
  URLRewrite: ['urlRewrite', () => obj({ hostname: hostname(), path: pathModifier() })],
};

/** The per-filter rules: a filter's configuration is set exactly when its type says so. */
function filterRules(types: readonly string[]): ValidationRule[] {
  const order = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef'];
  return order.filter((t) => types.includes(t)).flatMap((t) => {
    const field = FILTER_FIELDS[t][0];
    return [
      { message: `filter.${field} must be nil if the filter.type is not ${t}`, rule: `!(has(self.${field}) && self.type != '${t}')` },
      { message: `filter.${field} must be specified for ${t} filter.type`, rule: `!(!has(self.${field}) && self.type == '${t}')` },
    ];
  });
}

const REDIRECT_OR_REWRITE: ValidationRule = {
  message: 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
  rule: "!(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite'))",
};

function notRepeated(t: string): ValidationRule {
  return { message: `${t} filter cannot be repeated`, rule: `self.filter(f, f.type == '${t}').size() <= 1` };
}

export interface FilterListOptions {
  /** Filter types, in the order of the type enum. */
  readonly types: readonly string[];
  /** How often the redirect-or-rewrite rule is listed (the v1.1.1 backend filter list repeats it). @default 1 when both types exist */
  readonly redirectOrRewriteRules?: number;
}

/** A list of filters of the given types, with the rules that keep each filter consistent. */
export function filterList(options: FilterListOptions): JSONSchemaProps {
  const fields = Object.fromEntries(Object.entries(FILTER_FIELDS)
    .filter(([t]) => options.types.includes(t))
    .map(([, [field, schema]]) => [field, schema()]));
  const item = withRules(obj({ ...fields, type: str({ enum: options.types }) }, { required: ['type'] }), filterRules(options.types));
  const both = options.types.includes('RequestRedirect') && options.types.includes('URLRewrite');
  const listRules: ValidationRule[] = [
    ...Array<ValidationRule>(both ? options.redirectOrRewriteRules ?? 1 : 0).fill(REDIRECT_OR_REWRITE),
    ...['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'].filter((t) => options.types.includes(t)).map(notRepeated),
  ];
  return withRules(arr(item, { maxItems: 16 }), listRules);
}

/** Weighted backends of a rule; `filters` when the route kind allows per-backend filters. */
export function gatewayBackendRefs(filters?: JSONSchemaProps, minItems?: number): JSONSchemaProps {
  return arr(backendObjectRef(true, filters ? { filters } : {}), { maxItems: 16, minItems });
}

function valueMatches(valueMaxLength: number): JSONSchemaProps {
  return arr(
    obj(
      {
        name: str({ minLength: 1, maxLength: 256, pattern: HEADER_NAME }),
        type: str({ default: 'Exact', enum: ['Exact', 'RegularExpression'] }),
        value: str({ minLength: 1, maxLength: valueMaxLength }),
      },
      { required: ['name', 'value'] },
    ),
    { maxItems: 16, mapKeys: ['name'] },
  );
}

const PREFIX_OR_EXACT = "(self.type in ['Exact','PathPrefix'])";

function pathRules(): ValidationRule[] {
  const when = "when type one of ['Exact', 'PathPrefix']";
  const notContain = (s: string) => ({ message: `must not contain '${s}' ${when}`, rule: `${PREFIX_OR_EXACT} ? !self.value.contains('${s}') : true` });
  const notEnd = (s: string) => ({ message: `must not end with '${s}' ${when}`, rule: `${PREFIX_OR_EXACT} ? !self.value.endsWith('${s}') : true` });
  const chars = String.raw`^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$`;
  return [
    { message: `value must be an absolute path and start with '/' ${when}`, rule: `${PREFIX_OR_EXACT} ? self.value.startsWith('/') : true` },
    notContain('//'), notContain('/./'), notContain('/../'), notContain('%2f'), notContain('%2F'), notContain('#'),
    notEnd('/..'), notEnd('/.'),
    { message: "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']", rule: "self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'" },
    { message: `must only contain valid characters (matching ${chars}) for types ['Exact', 'PathPrefix']`, rule: `${PREFIX_OR_EXACT} ? self.value.matches(r"""${chars}""") : true` },
  ];
}

function rootPrefix() {
  return { type: 'PathPrefix', value: '/' };
}

/** HTTPRoute matches: path, method, headers, query parameters. */
export function httpMatches(): JSONSchemaProps {
  return arr(
    obj({
      headers: valueMatches(4096),
      method: str({ enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] }),
      path: withRules(obj(
        {
          type: str({ default: 'PathPrefix', enum: ['Exact', 'PathPrefix', 'RegularExpression'] }),
          value: str({ default: '/', maxLength: 1024 }),
        },
        { default: rootPrefix() },
      ), pathRules()),
      queryParams: valueMatches(1024),
    }),
    { maxItems: 8, default: [{ path: rootPrefix() }] },
  );
}

/** GRPCRoute matches: service and method, headers. */
export function grpcMatches(): JSONSchemaProps {
  const service = String.raw`^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$`;
  const method = '^[A-Za-z_][A-Za-z_0-9]*$';
  const exact = "(!has(self.type) || self.type == 'Exact')";
  return arr(
    obj({
      headers: valueMatches(4096),
      method: withRules(obj({
        method: str({ maxLength: 1024 }),
        service: str({ maxLength: 1024 }),
        type: str({ default: 'Exact', enum: ['Exact', 'RegularExpression'] }),
      }), [
        { message: "One or both of 'service' or 'method' must be specified", rule: 'has(self.type) ? has(self.service) || has(self.method) : true' },
        { message: `service must only contain valid characters (matching ${service})`, rule: `${exact} && has(self.service) ? self.service.matches(r"""${service}"""): true` },
        { message: `method must only contain valid characters (matching ${method})`, rule: `${exact} && has(self.method) ? self.method.matches(r"""${method}"""): true` },
      ]),
    }),
    { maxItems: 8 },
  );
}

/** Experimental session persistence of a rule. */
export function sessionPersistence(): JSONSchemaProps {
  return withRules(obj({
    absoluteTimeout: str({ pattern: GATEWAY_DURATION }),
    cookieConfig: obj({ lifetimeType: str({ default: 'Session', enum: ['Permanent', 'Session'] }) }),
    idleTimeout: str({ pattern: GATEWAY_DURATION }),
    sessionName: str({ maxLength: 128 }),
    type: str({ default: 'Cookie', enum: ['Cookie', 'Header'] }),
  }), [{
    message: 'AbsoluteTimeout must be specified when cookie lifetimeType is Permanent',
    rule: "!has(self.cookieConfig) || !has(self.cookieConfig.lifetimeType) || self.cookieConfig.lifetimeType != 'Permanent' || has(self.absoluteTimeout)",
  }]);
}

/** Rule timeouts: the backend timeout may not exceed the request timeout. */
export function gatewayTimeouts(): JSONSchemaProps {
  return withRules(obj({ backendRequest: str({ pattern: GATEWAY_DURATION }), request: str({ pattern: GATEWAY_DURATION }) }), [{
    message: 'backendRequest timeout cannot be longer than request timeout',
    rule: "!(has(self.request) && has(self.backendRequest) && duration(self.request) != duration('0s') && duration(self.backendRequest) > duration(self.request))",
  }]);
}

/** The rules of an HTTPRoute rule that tie filters, backends and matches together. */
export function httpRuleRules(): ValidationRule[] {
  const prefixOnly = "((size(self.matches) != 1 || !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) : true";
  const replacePrefix = (f: string) => `has(f.${f}) && has(f.${f}.path) && f.${f}.path.type == 'ReplacePrefixMatch' && has(f.${f}.path.replacePrefixMatch)`;
  return [
    { message: 'RequestRedirect filter must not be used together with backendRefs', rule: '(has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) || self.filters.all(f, !has(f.requestRedirect))): true' },
    { message: 'When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified', rule: `(has(self.filters) && self.filters.exists_one(f, ${replacePrefix('requestRedirect')})) ? ${prefixOnly}` },
    { message: 'When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified', rule: `(has(self.filters) && self.filters.exists_one(f, ${replacePrefix('urlRewrite')})) ? ${prefixOnly}` },
    { message: 'Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified', rule: `(has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, ${replacePrefix('requestRedirect')})) )) ? ${prefixOnly}` },
    { message: 'Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified', rule: `(has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, ${replacePrefix('urlRewrite')})) )) ? ${prefixOnly}` },
  ];
}

/** Route status, per parent, as Gateway API controllers report it. */
export function gatewayRouteStatus(): JSONSchemaProps {
  return obj(
    {
      parents: arr(
        obj(
          { conditions: gatewayConditions(), controllerName: str({ minLength: 1, maxLength: 253, pattern: CONTROLLER_NAME }), parentRef: gatewayParentRef() },
          { required: ['controllerName', 'parentRef'] },
        ),
        { maxItems: 32 },
      ),
    },
    { required: ['parents'] },
  );
}
