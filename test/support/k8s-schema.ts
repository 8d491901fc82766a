/**
 * Strict schema validation of synthesized Kubernetes objects, for tests.
 *
 * Built-in kinds are checked against the Kubernetes 1.36 OpenAPI v2 definitions vendored in
 * `test/schemas/kubernetes-1.36-subset.json` (see `scripts/vendor-k8s-schemas.ts`); custom
 * resources against the `openAPIV3Schema` of their CustomResourceDefinition. Validation is strict
 * the way the API server's strict field validation is: a field the schema does not define is an
 * error, except below `x-kubernetes-preserve-unknown-fields`. Nothing here reads outside the
 * repository, so `npm test` works on a fresh clone.
 *
 *   expectValidObjects(Testing.synth(chart), { crds: linkerdCrds });
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

export interface ValidateOptions {
  /**
   * CustomResourceDefinitions whose schemas validate custom resources. CRDs found among the
   * validated objects are used too, and so are the third-party CRDs vendored for tests
   * (`test/schemas/podmonitor-v1.json`, the cert-manager Certificate, Issuer and ClusterIssuer,
   * the trust-manager Bundle); a CRD given here wins over those for the same group and kind.
   * @default - only the CRDs among the objects and the vendored third-party ones
   */
  readonly crds?: any[];

  /**
   * Report explicit `null` values in maps. The API server treats `null` as an absent field, so by
   * default nulls are dropped before validation (as `k8s-schema.py` does).
   * @default false
   */
  readonly rejectNulls?: boolean;
}

const SCHEMA_DIR = path.join(__dirname, '..', 'schemas');
const SUBSET_FILE = 'kubernetes-1.36-subset.json';
/** Third-party CRDs for custom resources we emit but whose CRD we do not own (hand-written, strict, minimal). */
const VENDORED_CRD_FILES = [
  'podmonitor-v1.json',
  'cert-manager-certificate-v1.json',
  'cert-manager-issuer-v1.json',
  'cert-manager-clusterissuer-v1.json',
  'trust-manager-bundle-v1alpha1.json',
];

const K8S_ID = 'k8s.json';
const DEF = '#/definitions/';
const OBJECT_META = `${K8S_ID}${DEF}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** resource.Quantity grammar; a JSON number is accepted as well (`cpu: 0.5`). */
const QUANTITY_PATTERN = '^[+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
const LIST_MAP_KEYS = 'k8sListMapKeys';
const INT_OR_STRING = ['integer', 'string'];

/** Formats we check; any other format is ignored (OpenAPI says unknown formats are not validated). */
const FORMATS: Record<string, { type: 'number' | 'string'; validate: (v: any) => boolean }> = {
  'int32': { type: 'number', validate: n => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  'int64': { type: 'number', validate: n => Number.isInteger(n) },
  'double': { type: 'number', validate: () => true },
  'float': { type: 'number', validate: () => true },
  // Go's base64.StdEncoding, which skips \r and \n.
  'byte': { type: 'string', validate: s => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s.replace(/[\r\n]/g, '')) },
  'date-time': { type: 'string', validate: s => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) },
};

/** Keywords of the OpenAPI v2 definitions we understand; anything else stops the loading, so a re-vendored document cannot silently weaken the checks. */
const V2_DROPPED = new Set(['description', 'default', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-patch-merge-key', 'x-kubernetes-patch-strategy', 'x-kubernetes-map-type', 'x-kubernetes-unions',
  'x-kubernetes-group-version-kind']);

/** CRD (structural schema) keywords that carry over to JSON Schema unchanged. */
const V3_COPIED = new Set(['type', 'enum', 'required', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum',
  'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties']);
/** CRD keywords with no effect on validity here (annotations, CEL rules we cannot evaluate, handled extensions). */
const V3_DROPPED = new Set(['description', 'title', 'default', 'example', 'externalDocs', '$schema', 'id',
  'x-kubernetes-validations', 'x-kubernetes-map-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type',
  'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'nullable', 'format', 'exclusiveMinimum', 'exclusiveMaximum']);

interface Engine {
  readonly ajv: Ajv;
  readonly release: string;
  /** `group/version/kind` -> definition name */
  readonly kinds: Map<string, string>;
  readonly builtinGroups: Set<string>;
  readonly vendoredCrds: any[];
  readonly builtins: Map<string, ValidateFunction>;
  /** Compiled CR validators by schema content, and by schema object for a cheap second look-up. */
  readonly customs: Map<string, ValidateFunction>;
  readonly customsBySchema: WeakMap<object, ValidateFunction>;
}

let engine: Engine | undefined;

/**
 * Validates objects strictly and returns one line per problem, `<kind> <ns>/<name>: <path>: <message>`
 * (namespace `-` for cluster-scoped objects); empty when everything is valid. An object whose kind
 * has no schema at all is an error too.
 */
export function validateObjects(objects: any[], options: ValidateOptions = {}): string[] {
  const e = loadEngine();
  const flat = flatten(objects);
  const crds = crdIndex([...e.vendoredCrds, ...flat.filter(isCrd), ...(options.crds ?? [])]);
  const out: string[] = [];
  for (const raw of flat) {
    const label = labelOf(raw);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      out.push(`${label}: <root>: not an object`);
      continue;
    }
    const obj = options.rejectNulls ? raw : dropNulls(raw);
    const found = validatorFor(e, crds, obj);
    if (typeof found === 'string') {
      out.push(`${label}: <root>: ${found}`);
      continue;
    }
    if (!found(obj)) {
      const errors = found.errors ?? [];
      // A value of the wrong type also fails its format; the type error says it all.
      const typeErrorAt = new Set(errors.filter(x => x.keyword === 'type').map(x => x.instancePath));
      const lines = new Set(errors.filter(x => x.keyword !== 'format' || !typeErrorAt.has(x.instancePath)).map(formatError));
      out.push(...[...lines].sort().map(l => `${label}: ${l}`));
    }
  }
  return out;
}

/** Throws a readable error (for a jest failure) listing every problem `validateObjects` finds. */
export function expectValidObjects(objects: any[], options: ValidateOptions = {}): void {
  const errors = validateObjects(objects, options);
  if (errors.length > 0) {
    const n = flatten(objects).length;
    throw new Error(`${errors.length} Kubernetes schema error(s) in ${n} object(s):\n  ${errors.join('\n  ')}`);
  }
}

/** The Kubernetes release the vendored built-in schemas come from. */
export function kubernetesSchemaRelease(): string {
  return loadEngine().release;
}

/** Copies of the third-party CRDs vendored for tests (PodMonitor, cert-manager, trust-manager). */
export function vendoredCrds(): any[] {
  return loadEngine().vendoredCrds.map(c => JSON.parse(JSON.stringify(c)));
}

// ---------------------------------------------------------------------------------------------

function loadEngine(): Engine {
  if (engine) return engine;
  const subset = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, SUBSET_FILE), 'utf8'));
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: true,
  });
  for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, f as any);
  ajv.addKeyword({
    keyword: LIST_MAP_KEYS,
    type: 'array',
    schemaType: 'array',
    errors: true,
    validate: listMapKeysUnique as any,
  });

  const kinds = new Map<string, string>();
  const definitions: Record<string, any> = {};
  for (const [name, def] of Object.entries<any>(subset.definitions)) {
    definitions[name] = fromOpenApiV2(def, name);
    for (const g of def['x-kubernetes-group-version-kind'] ?? []) kinds.set(`${g.group}/${g.version}/${g.kind}`, name);
  }
  definitions[QUANTITY] = { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
  ajv.addSchema({ $id: K8S_ID, definitions });

  const vendored = VENDORED_CRD_FILES.map(f => JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8')));
  engine = {
    ajv,
    release: subset.source?.release ?? 'unknown',
    kinds,
    builtinGroups: new Set(subset.builtinGroups ?? []),
    vendoredCrds: vendored,
    builtins: new Map(),
    customs: new Map(),
    customsBySchema: new WeakMap(),
  };
  return engine;
}

function validatorFor(e: Engine, crds: Map<string, any>, obj: any): ValidateFunction | string {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
    return 'apiVersion and kind must be non-empty strings';
  }
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const gvk = `${group}/${version}/${kind}`;

  const def = e.kinds.get(gvk);
  if (def) {
    let v = e.builtins.get(def);
    if (!v) {
      v = e.ajv.getSchema(`${K8S_ID}${DEF}${def}`);
      if (!v) throw new Error(`k8s-schema: cannot compile ${def}`);
      e.builtins.set(def, v);
    }
    return v;
  }

  const crd = crds.get(`${group}/${kind}`);
  if (!crd) {
    if (e.builtinGroups.has(group)) {
      return `no vendored schema for built-in ${apiVersion} ${kind}; add it to KINDS in scripts/vendor-k8s-schemas.ts and rerun that script`;
    }
    return `no schema for ${apiVersion} ${kind}: no CustomResourceDefinition for it among the objects or in options.crds`;
  }
  const versions: any[] = crd.spec?.versions ?? [];
  const ver = versions.find(x => x?.name === version);
  if (!ver) {
    return `CustomResourceDefinition ${crd.metadata?.name} has no version ${version} (has ${versions.map(x => x?.name).join(', ') || 'none'})`;
  }
  const schema = ver.schema?.openAPIV3Schema;
  if (!schema || typeof schema !== 'object') {
    return `CustomResourceDefinition ${crd.metadata?.name} version ${version} has no schema.openAPIV3Schema`;
  }
  let v = e.customsBySchema.get(schema);
  if (!v) {
    const key = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
    v = e.customs.get(key) ?? e.ajv.compile(customResourceSchema(schema));
    e.customs.set(key, v);
    e.customsBySchema.set(schema, v);
  }
  return v;
}

/** OpenAPI v2 definition -> strict JSON Schema. */
function fromOpenApiV2(node: any, where: string): any {
  const out: any = {};
  for (const [k, v] of Object.entries<any>(node)) {
    switch (k) {
      case 'type':
      case 'required':
      case 'enum':
      case '$ref':
        out[k] = v;
        break;
      case 'properties':
        out.properties = mapValues(v, (s, p) => fromOpenApiV2(s, `${where}.${p}`));
        break;
      case 'items':
        out.items = fromOpenApiV2(v, `${where}[]`);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : fromOpenApiV2(v, `${where}{}`);
        break;
      case 'format':
        if (v in FORMATS) out.format = v;
        break;
      default:
        if (!V2_DROPPED.has(k)) throw new Error(`k8s-schema: unsupported keyword ${k} in ${where}`);
    }
  }
  if (node.format === 'int-or-string') out.type = INT_OR_STRING;
  const keys = node['x-kubernetes-list-map-keys'];
  if (node['x-kubernetes-list-type'] === 'map' && Array.isArray(keys)) out[LIST_MAP_KEYS] = keys;
  if (node.properties && node.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** A CRD's openAPIV3Schema -> strict JSON Schema for the whole custom resource. */
function customResourceSchema(root: any): any {
  const out = fromStructural(root, { structural: true, preserving: false, where: '<root>' });
  out.properties = {
    ...out.properties,
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { $ref: OBJECT_META },
  };
  return out;
}

interface Ctx {
  /** In the structural part of the schema (not below anyOf/allOf/oneOf/not), where pruning applies. */
  readonly structural: boolean;
  /** Unknown fields are preserved here (x-kubernetes-preserve-unknown-fields, inherited until a node specifies properties). */
  readonly preserving: boolean;
  readonly where: string;
}

/** CRD structural schema node -> JSON Schema, following the API server's pruning rules. */
function fromStructural(node: any, ctx: Ctx): any {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return {};
  const specifiesFields = node.properties !== undefined || node.additionalProperties !== undefined;
  const preserving = node['x-kubernetes-preserve-unknown-fields'] === true || (ctx.preserving && !specifiesFields);
  const child = (s: any, where: string, structural = ctx.structural): any =>
    fromStructural(s, { structural, preserving, where });
  const out: any = {};
  for (const [k, v] of Object.entries<any>(node)) {
    if (V3_COPIED.has(k)) {
      out[k] = v;
    } else if (k === 'properties') {
      out.properties = mapValues(v, (s, p) => child(s, `${ctx.where}.${p}`));
    } else if (k === 'items') {
      out.items = child(v, `${ctx.where}[]`);
    } else if (k === 'additionalProperties') {
      out.additionalProperties = typeof v === 'boolean' ? v : child(v, `${ctx.where}{}`);
    } else if (k === 'anyOf' || k === 'allOf' || k === 'oneOf') {
      out[k] = (v as any[]).map(s => child(s, ctx.where, false));
    } else if (k === 'not') {
      out.not = child(v, ctx.where, false);
    } else if (!V3_DROPPED.has(k) && !k.startsWith('x-kubernetes-')) {
      throw new Error(`k8s-schema: unsupported CRD schema keyword ${k} at ${ctx.where}`);
    }
  }
  if (typeof node.format === 'string' && node.format in FORMATS) out.format = node.format;
  for (const [ex, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (node[ex] === true && typeof node[bound] === 'number') {
      out[ex] = node[bound];
      delete out[bound];
    } else if (typeof node[ex] === 'number') {
      out[ex] = node[ex];
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = INT_OR_STRING;
    // The conventional anyOf [{type: integer}, {type: string}] says nothing more than the type does.
    if (Array.isArray(out.anyOf) && out.anyOf.every((s: any) => Object.keys(s).length === 1 && s.type)) delete out.anyOf;
  }
  if (node.nullable === true && out.type !== undefined) {
    out.type = [...new Set([...(Array.isArray(out.type) ? out.type : [out.type]), 'null'])];
  }
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  const keys = node['x-kubernetes-list-map-keys'];
  if (node['x-kubernetes-list-type'] === 'map' && Array.isArray(keys)) out[LIST_MAP_KEYS] = keys;
  if (node['x-kubernetes-embedded-resource'] === true) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...out.properties, metadata: { $ref: OBJECT_META } };
  }
  const isObject = node.type === 'object' || (node.type === undefined && node.properties !== undefined);
  if (ctx.structural && isObject && !preserving && node.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/** `x-kubernetes-list-type: map`: no two items may have the same values for the key fields. */
function listMapKeysUnique(this: any, keys: string[], data: any[]): boolean {
  const seen = new Map<string, number>();
  const errors: Partial<ErrorObject>[] = [];
  data.forEach((item, i) => {
    if (!item || typeof item !== 'object') return;
    const id = JSON.stringify(keys.map(k => item[k] ?? null));
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, i);
    } else {
      const shown = keys.map(k => `${k}=${JSON.stringify(item[k])}`).join(', ');
      errors.push({ keyword: LIST_MAP_KEYS, message: `duplicate entry (${shown}), same as item [${first}]`, params: { index: i } });
    }
  });
  (listMapKeysUnique as any).errors = errors.length ? errors : null;
  return errors.length === 0;
}

function formatError(err: ErrorObject): string {
  const at = pointerToPath(err.instancePath);
  const p: any = err.params;
  switch (err.keyword) {
    case 'additionalProperties':
      return `${join(at, p.additionalProperty)}: unknown field`;
    case 'required':
      return `${join(at, p.missingProperty)}: required field missing`;
    case 'type':
      return `${at}: must be ${[].concat(p.type).join(' or ')}, got ${describe(err.data)}`;
    case 'enum':
      return `${at}: must be one of ${(p.allowedValues as any[]).map(x => JSON.stringify(x)).join(', ')}, got ${describe(err.data)}`;
    case 'format':
      return `${at}: not a valid ${p.format} value: ${describe(err.data)}`;
    case 'pattern':
      if (p.pattern === QUANTITY_PATTERN) return `${at}: not a valid quantity: ${describe(err.data)}`;
      return `${at}: ${describe(err.data)} does not match ${p.pattern}`;
    case LIST_MAP_KEYS:
      return `${at}[${p.index}]: ${err.message}`;
    default:
      return `${at}: ${err.message}`;
  }
}

/** `/spec/containers/0/env` -> `spec.containers[0].env`; keys that are not identifiers are quoted. */
function pointerToPath(pointer: string): string {
  if (!pointer) return '<root>';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out = /^\d+$/.test(seg) ? `${out}[${seg}]` : join(out, seg);
  }
  return out;
}

function join(base: string, key: string): string {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (base === '<root>' || base === '') return part;
  return part.startsWith('[') ? `${base}${part}` : `${base}.${part}`;
}

function describe(v: any): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function labelOf(o: any): string {
  const kind = o?.kind ?? '<no kind>';
  const ns = o?.metadata?.namespace ?? '-';
  const name = o?.metadata?.name ?? '<no name>';
  return `${kind} ${ns}/${name}`;
}

function flatten(objects: any[]): any[] {
  const out: any[] = [];
  for (const o of objects) {
    if (o && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) out.push(...o.items);
    else out.push(o);
  }
  return out;
}

function isCrd(o: any): boolean {
  return o?.kind === 'CustomResourceDefinition' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('apiextensions.k8s.io/');
}

function crdIndex(crds: any[]): Map<string, any> {
  const m = new Map<string, any>();
  for (const c of crds) {
    const group = c?.spec?.group;
    const kind = c?.spec?.names?.kind;
    if (typeof group === 'string' && typeof kind === 'string') m.set(`${group}/${kind}`, c);
  }
  return m;
}

function dropNulls(v: any): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!v || typeof v !== 'object') return v;
  const out: any = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
  return out;
}

function mapValues(o: Record<string, any>, f: (v: any, k: string) => any): Record<string, any> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v, k)]));
}
