/**
 * Vendors the part of the official Kubernetes OpenAPI v2 document that our tests validate against.
 *
 *   npx tsc -p tsconfig.json && node lib/scripts/vendor-k8s-schemas.js [--source FILE] [--out FILE] [--check]
 *
 * Reads `../shared/schemas/kubernetes-openapi-v2.json` (next to this repository) and writes
 * `test/schemas/kubernetes-<release>-subset.json`: only the definitions reachable from the kinds in
 * {@link KINDS}, with descriptions dropped, keys sorted, and the source recorded. The output is
 * committed, so `npm test` never needs the shared directory or the network. `--check` compares
 * instead of writing and exits 1 when the committed file is stale.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Kubernetes release of the source document (its `info.version` only says "unversioned"). */
export const RELEASE = '1.36';

/** The kinds we emit, as `[group, version, kind]`; the core group is ''. */
export const KINDS: ReadonlyArray<readonly [group: string, version: string, kind: string]> = [
  ['', 'v1', 'Namespace'],
  ['', 'v1', 'ServiceAccount'],
  ['', 'v1', 'Secret'],
  ['', 'v1', 'ConfigMap'],
  ['', 'v1', 'Service'],
  ['', 'v1', 'Pod'],
  ['apps', 'v1', 'Deployment'],
  ['apps', 'v1', 'DaemonSet'],
  ['apps', 'v1', 'StatefulSet'],
  ['apps', 'v1', 'ReplicaSet'],
  ['batch', 'v1', 'Job'],
  ['batch', 'v1', 'CronJob'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io', 'v1', 'Role'],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration'],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration'],
  ['policy', 'v1', 'PodDisruptionBudget'],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
  ['scheduling.k8s.io', 'v1', 'PriorityClass'],
  ['networking.k8s.io', 'v1', 'NetworkPolicy'],
  // linkerd-viz registers its tap API with the aggregator.
  ['apiregistration.k8s.io', 'v1', 'APIService'],
];

const GVK_KEY = 'x-kubernetes-group-version-kind';
const REF_PREFIX = '#/definitions/';

interface Gvk { readonly group: string; readonly version: string; readonly kind: string }

/** The trimmed document, before serialisation. */
export function vendorSubset(openapi: any, sourceSha256: string): any {
  const all: Record<string, any> = openapi.definitions;
  const byGvk = new Map<string, string>();
  const groups = new Set<string>();
  for (const [name, def] of Object.entries(all)) {
    for (const g of (def[GVK_KEY] ?? []) as Gvk[]) {
      byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
      groups.add(g.group);
    }
  }

  const roots: string[] = [];
  for (const [group, version, kind] of KINDS) {
    const name = byGvk.get(`${group}/${version}/${kind}`);
    if (!name) {
      throw new Error(`vendor-k8s-schemas: ${group || 'core'}/${version} ${kind} is not in the source document`);
    }
    roots.push(name);
  }

  const keep = new Set<string>();
  const visit = (name: string): void => {
    if (keep.has(name)) return;
    if (!(name in all)) throw new Error(`vendor-k8s-schemas: dangling $ref to ${name}`);
    keep.add(name);
    for (const ref of refsOf(all[name])) visit(ref);
  };
  roots.forEach(visit);

  const definitions: Record<string, any> = {};
  for (const name of keep) definitions[name] = withoutDescriptions(all[name]);

  return sortKeys({
    source: {
      document: 'kubernetes-openapi-v2.json',
      release: RELEASE,
      sha256: sourceSha256,
      generator: 'scripts/vendor-k8s-schemas.ts',
      note: 'definitions reachable from the kinds in the generator\'s KINDS table; descriptions removed',
    },
    builtinGroups: [...groups].sort(),
    definitions,
  });
}

/** Serialises exactly as committed: sorted keys, two-space indent, trailing newline. */
export function renderSubset(openapiText: string): string {
  const sha = createHash('sha256').update(openapiText).digest('hex');
  return JSON.stringify(vendorSubset(JSON.parse(openapiText), sha), undefined, 2) + '\n';
}

function refsOf(node: any, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    node.forEach(n => refsOf(n, out));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) out.push(v.slice(REF_PREFIX.length));
      else refsOf(v, out);
    }
  }
  return out;
}

/** Drops `description` keywords (but not properties that happen to be named "description"). */
function withoutDescriptions(node: any): any {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, withoutDescriptions(s)]));
    } else {
      out[k] = withoutDescriptions(v);
    }
  }
  return out;
}

function sortKeys(node: any): any {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.keys(node).sort().map(k => [k, sortKeys(node[k])]));
}

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('vendor-k8s-schemas: no package.json above ' + __dirname);
    dir = up;
  }
  return dir;
}

function main(argv: string[]): number {
  const root = repoRoot();
  let source = path.resolve(root, '..', 'shared', 'schemas', 'kubernetes-openapi-v2.json');
  let out = path.join(root, 'test', 'schemas', `kubernetes-${RELEASE}-subset.json`);
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--source' && argv[i + 1]) source = path.resolve(argv[++i]);
    else if (a === '--out' && argv[i + 1]) out = path.resolve(argv[++i]);
    else if (a === '--check') check = true;
    else {
      process.stderr.write(`vendor-k8s-schemas: unknown argument ${a}\nusage: vendor-k8s-schemas [--source FILE] [--out FILE] [--check]\n`);
      return 2;
    }
  }
  if (!fs.existsSync(source)) {
    process.stderr.write(`vendor-k8s-schemas: source document not found: ${source}\n`);
    return 2;
  }
  const text = renderSubset(fs.readFileSync(source, 'utf8'));
  const rel = path.relative(root, out);
  if (check) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`vendor-k8s-schemas: ${rel} is stale; rerun without --check\n`);
      return 1;
    }
    process.stdout.write(`vendor-k8s-schemas: ${rel} is up to date\n`);
    return 0;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  const count = Object.keys(JSON.parse(text).definitions).length;
  process.stdout.write(`vendor-k8s-schemas: wrote ${rel} (${count} definitions, ${text.length} bytes)\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
