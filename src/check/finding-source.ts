import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { KNOWN_ANNOTATIONS } from '../proxy/proxy-settings';
import { describeObject, Finding } from './finding';
import { formatFinding } from './run-checks';

/**
 * Maps a finding on rendered output back to what the user wrote: the construct that emitted the
 * object and the prop that produced the field, so that a synth that fails on a check names
 * `demo/policy/Server-demo-api-9898: port`, not only `Server demo/api-9898 spec.port`.
 */

/** The construct and the prop a finding comes from. */
export interface FindingSource {
  /** Construct path, e.g. `linkerd-control-plane` or `demo/policy/Server-demo-api-9898`. */
  readonly path: string;
  /** The prop (or annotation) that produced the field, e.g. `identity.issuer` or `port`. */
  readonly prop: string;
}

/** Which prop of the construct produced a field, by kind and field (and name, for the control plane's objects). */
interface PropRule {
  readonly kind: RegExp;
  readonly name?: RegExp;
  readonly field?: RegExp;
  readonly prop: string | ((m: RegExpExecArray) => string);
  /** The object is one of the control plane's, whose props are the chart's: report the chart. */
  readonly chart?: boolean;
}

const PROPS: readonly PropRule[] = [
  // The control plane's identity and webhook objects.
  { kind: /^(Secret|Certificate)$/, name: /^linkerd-identity-issuer$/, prop: 'identity.issuer', chart: true },
  { kind: /^ConfigMap$/, name: /^linkerd-identity-trust-roots$/, prop: 'identity.trustAnchors', chart: true },
  { kind: /^ConfigMap$/, name: /^linkerd-config$/, field: /identityTrustAnchorsPEM/, prop: 'identity.trustAnchors', chart: true },
  { kind: /^Bundle$/, name: /^linkerd-identity-trust-roots$/, prop: 'identity.trustRootsConfigMap', chart: true },
  { kind: /^Deployment$/, name: /^linkerd-identity$/, prop: 'identity', chart: true },
  { kind: /^(MutatingWebhookConfiguration|Secret|Certificate)$/, name: /^linkerd-proxy-injector/, prop: 'proxyInjector.tls', chart: true },
  { kind: /^(ValidatingWebhookConfiguration|Secret|Certificate)$/, name: /^linkerd-sp-validator/, prop: 'spValidator.tls', chart: true },
  { kind: /^(ValidatingWebhookConfiguration|Secret|Certificate)$/, name: /^linkerd-policy-validator/, prop: 'policyValidator.tls', chart: true },
  // Policy resources, by the prop of their construct.
  { kind: /^Server$/, field: /^spec\.podSelector/, prop: 'workload (or podSelector)' },
  { kind: /^Server$/, field: /^spec\.port/, prop: 'port' },
  { kind: /^AuthorizationPolicy$/, field: /^spec\.targetRef/, prop: 'target' },
  { kind: /^AuthorizationPolicy$/, field: /^spec\.requiredAuthenticationRefs(\[\d+\])?/, prop: (m) => `requiredAuthentications${m[1] ?? ''}` },
  { kind: /^MeshTLSAuthentication$/, field: /^spec\.identityRefs/, prop: 'serviceAccounts, workloads or namespaces' },
  { kind: /^MeshTLSAuthentication$/, field: /^spec\.identities(\[\d+\])?/, prop: (m) => `identities${m[1] ?? ''}` },
  { kind: /^(HTTPRoute|GRPCRoute)$/, field: /^spec\.parentRefs(\[\d+\])?/, prop: (m) => `parents${m[1] ?? ''}` },
  { kind: /^(HTTPRoute|GRPCRoute)$/, field: /^spec\.rules(\[\d+\])\.backendRefs(\[\d+\])/, prop: (m) => `rules${m[1]}.backends${m[2]}` },
  { kind: /^(HTTPRoute|GRPCRoute)$/, field: /^spec\.rules(\[\d+\])?/, prop: (m) => `rules${m[1] ?? ''}` },
  { kind: /^(HTTPRoute|GRPCRoute)$/, field: /^apiVersion$/, prop: 'the route kind (HttpRoute for policy.linkerd.io, GatewayHttpRoute for gateway.networking.k8s.io)' },
  { kind: /^ServerAuthorization$/, field: /^spec\.server/, prop: 'server' },
  { kind: /^ServerAuthorization$/, field: /^spec\.client/, prop: 'client' },
  { kind: /^HTTPLocalRateLimitPolicy$/, field: /^spec\.targetRef/, prop: 'server' },
  { kind: /^HTTPLocalRateLimitPolicy$/, field: /^spec\.overrides/, prop: 'overrides' },
];

/** The prop for a finding on an object of `kind` named `name`, and whether it is a prop of the chart; undefined when unknown. */
export function propOfField(kind: string, name: string, field: string | undefined): { prop: string; chart: boolean } | undefined {
  const annotation = /metadata\.annotations\["(.+)"\]$/.exec(field ?? '');
  if (annotation) {
    const row = KNOWN_ANNOTATIONS.get(annotation[1])?.row;
    return { prop: `the annotation ${annotation[1]}${row ? ` (typed: proxy.${row.prop} of meshWorkload)` : ''}`, chart: false };
  }
  for (const p of PROPS) {
    if (!p.kind.test(kind) || (p.name && !p.name.test(name))) continue;
    const m = p.field ? p.field.exec(field ?? '') : ([] as unknown as RegExpExecArray);
    if (!m) continue;
    return { prop: typeof p.prop === 'string' ? p.prop : p.prop(m), chart: p.chart === true };
  }
  return undefined;
}

/**
 * The construct that emitted each rendered object of `app`, keyed like `Finding.object`. An
 * ApiObject that is the `Resource` of a construct of this library (a Server, a route, …) is
 * reported as that construct, whose props the user set.
 */
function emitters(app: IConstruct): Map<string, { construct: IConstruct; kind: string; name: string }> {
  const out = new Map<string, { construct: IConstruct; kind: string; name: string }>();
  for (const construct of app.node.findAll()) {
    if (!(construct instanceof ApiObject)) continue;
    const json = construct.toJson();
    const owner = construct.node.id === 'Resource' && construct.node.scope ? construct.node.scope : construct;
    const key = describeObject(json);
    if (!out.has(key)) out.set(key, { construct: owner, kind: String(json.kind), name: String(json.metadata?.name ?? '') });
  }
  return out;
}

/**
 * The LinkerdConfigError a synth throws on error findings: the first names its construct, prop
 * and fix; every other follows in the problem text with its own.
 */
export function findingsError(app: IConstruct, errors: readonly Finding[]): LinkerdConfigError {
  const byObject = emitters(app);
  const sources = errors.map((f) => {
    const emitter = f.object ? byObject.get(f.object) : undefined;
    const mapped = emitter && propOfField(emitter.kind, emitter.name, f.field);
    const construct = mapped?.chart ? emitter!.construct.node.scope ?? emitter!.construct : emitter?.construct;
    const path = construct?.node.path || app.node.path || '<root>';
    return { f, path, prop: mapped?.prop ?? f.field ?? f.code };
  });
  const [first, ...rest] = sources;
  const line = (s: typeof first) => formatFinding({ ...s.f, fix: undefined });
  const more = rest.map((s) => `${s.path}: ${s.prop}: ${line(s)}${s.f.fix ? ` (fix: ${s.f.fix})` : ''}`);
  return new LinkerdConfigError(first.path, first.prop, `${line(first)}${more.length ? `; and ${more.length} more: ${more.join('; ')}` : ''}`,
    first.f.fix ?? `correct the object (code ${first.f.code})`);
}
