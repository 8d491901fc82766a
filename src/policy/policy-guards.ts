import { arrayOf, enumOf, Guard, instanceOf, is, lazy, recordOf, required, struct, union } from '../guards';
import { DefaultInboundPolicy } from '../proxy/proxy-spec';
import type { AuthorizationPolicyProps } from './authorization-policy';
import { Backend } from './backend';
import type { PolicyResourceProps } from './base';
import { Client } from './client';
import { EgressNetworkProps, EgressTrafficPolicy } from './egress-network';
import { FailureAccrual, UnifiedFailureAccrualOptions } from './failure-accrual';
import { GatewayGrpcRouteProps, GrpcRouteMatch, GrpcRouteRule } from './gateway-grpc-route';
import type { GatewayHttpRouteProps } from './gateway-http-route';
import { HeaderModifier, HttpFilter, RedirectOptions } from './http-filter';
import type { HttpLocalRateLimitPolicyProps, RateLimitOverride } from './http-local-rate-limit-policy';
import type { HttpRouteProps } from './http-route';
import type { HttpRouteRule, HttpRuleTimeouts } from './http-route-rule';
import { PodSelector } from './label-selector';
import type { AllowOptions, MeshPolicyProps } from './mesh-policy';
import type { MeshTlsAuthenticationProps } from './meshtls-authentication';
import type { Network, NetworkAuthenticationProps } from './network-authentication';
import { NamespaceRef, ServiceAccountRef, ServiceRef } from './references';
import { GrpcRetryCondition, HttpRetryCondition, RetryProps } from './retry';
import { HttpMethod, HttpRouteMatch, HttpRouteMatchOptions, ValueMatch, ValueMatchType } from './route-match';
import { RouteParent } from './route-parent';
import { ProxyProtocol, Server, ServerProps } from './server';
import type { ServerAuthorizationClient, ServerAuthorizationProps } from './server-authorization';
import type { RetryBudget, ServiceProfileProps, ServiceProfileRoute } from './service-profile';
import type { TimeoutProps } from './timeouts';
import type { TrafficPolicyProps } from './traffic-policy';
import type { SplitBackend, TrafficSplitProps } from './traffic-split';

/**
 * Runtime guards (src/guards.ts) of the policy constructs' props and of the options their
 * factories keep. Internal: not re-exported by the barrel. Built lazily: they refer to classes of
 * modules that import this one.
 */

const e = (name: string, values: object) => enumOf(name, values as Record<string, string>);

const metadata = is.object;
const serviceAccount = lazy(() => union(is.construct, instanceOf(ServiceAccountRef, 'ServiceAccountRef', 'ServiceAccountRef.fromName(name, namespace)')));
const service = lazy(() => union(is.construct, instanceOf(ServiceRef, 'ServiceRef', 'ServiceRef.fromName(name, namespace)')));
const namespace = lazy(() => union(is.construct, instanceOf(NamespaceRef, 'NamespaceRef', 'NamespaceRef.fromName(name)')));
const routeMatch = lazy(() => instanceOf(HttpRouteMatch, 'HttpRouteMatch', 'HttpRouteMatch.pathPrefix("/api"), .exact(path), .regularExpression(pattern), .any() or .grpc(service, method)'));
const backend = lazy(() => instanceOf(Backend, 'Backend', 'Backend.service(service, { port }) or Backend.egressNetwork(network)'));
const filter = lazy(() => instanceOf(HttpFilter, 'HttpFilter', 'HttpFilter.requestHeaders({ … }), .responseHeaders({ … }) or .redirect({ … })'));
const client = lazy(() => instanceOf(Client, 'Client', 'Client.workload(w), .meshTls(sa), .namespace(ns), .anyAuthenticated(), .identities(id), .network(cidr) or .anyone()'));
const server = lazy(() => instanceOf(Server, 'Server', 'a Server construct'));
const port = union(is.number, is.string);

export const NETWORK: Guard = struct<Network>({ cidr: required(is.string), except: arrayOf(is.string) }, 'a Network ({ cidr, except })');

export const RETRY_PROPS: Guard = lazy(() => struct<RetryProps>({
  limit: is.number,
  timeout: is.duration,
  http: arrayOf(instanceOf(HttpRetryCondition, 'HttpRetryCondition', 'HttpRetryCondition.status5xx(), .gatewayError(), .status(code) or .statusRange(min, max)')),
  grpc: arrayOf(e('GrpcRetryCondition', GrpcRetryCondition)),
}, 'a RetryProps'));

export const TIMEOUT_PROPS: Guard = struct<TimeoutProps>({ request: is.duration, response: is.duration, idle: is.duration }, 'a TimeoutProps');

const routeShape = () => ({
  metadata,
  parents: required(arrayOf(lazy(() => instanceOf(RouteParent, 'RouteParent', 'RouteParent.server(server), .service(service, port) or .egressNetwork(network, port)')))),
  hostnames: arrayOf(is.string),
  retry: RETRY_PROPS,
  timeouts: TIMEOUT_PROPS,
});

const HTTP_ROUTE_RULE = lazy(() => struct<HttpRouteRule>({
  matches: arrayOf(routeMatch),
  backends: arrayOf(backend),
  filters: arrayOf(filter),
  timeouts: struct<HttpRuleTimeouts>({ request: is.duration, backendRequest: is.duration }),
}, 'an HttpRouteRule ({ matches, backends, filters, timeouts })'));

export const HTTP_ROUTE_PROPS: Guard = lazy(() => struct<HttpRouteProps>({ ...routeShape(), rules: arrayOf(HTTP_ROUTE_RULE) }, 'an HttpRouteProps'));
export const GATEWAY_HTTP_ROUTE_PROPS: Guard = lazy(() => struct<GatewayHttpRouteProps>({ ...routeShape(), rules: arrayOf(HTTP_ROUTE_RULE) }, 'a GatewayHttpRouteProps'));
export const GATEWAY_GRPC_ROUTE_PROPS: Guard = lazy(() => struct<GatewayGrpcRouteProps>({
  ...routeShape(),
  rules: arrayOf(struct<GrpcRouteRule>({
    matches: arrayOf(lazy(() => instanceOf(GrpcRouteMatch, 'GrpcRouteMatch', 'GrpcRouteMatch.method(service, method) or GrpcRouteMatch.headers([…])'))),
    backends: arrayOf(backend),
    filters: arrayOf(filter),
  }, 'a GrpcRouteRule')),
}, 'a GatewayGrpcRouteProps'));

export const VALUE_MATCH: Guard = lazy(() => struct<ValueMatch>({
  name: required(is.string), value: required(is.string), type: e('ValueMatchType', ValueMatchType),
}, 'a ValueMatch ({ name, value, type })'));

export const HTTP_ROUTE_MATCH_OPTIONS: Guard = lazy(() => struct<HttpRouteMatchOptions>({
  method: e('HttpMethod', HttpMethod), headers: arrayOf(VALUE_MATCH), queryParams: arrayOf(VALUE_MATCH),
}, 'an HttpRouteMatchOptions'));

export const SERVER_PROPS: Guard = lazy(() => struct<ServerProps>({
  metadata,
  workload: is.construct,
  podSelector: instanceOf(PodSelector, 'PodSelector', 'PodSelector.labels({ … }), PodSelector.expressions([…]) or PodSelector.all()'),
  port: required(port),
  proxyProtocol: e('ProxyProtocol', ProxyProtocol),
  accessPolicy: e('DefaultInboundPolicy', DefaultInboundPolicy),
}, 'a ServerProps'));

export const AUTHORIZATION_POLICY_PROPS: Guard = lazy(() => struct<AuthorizationPolicyProps>({
  metadata,
  target: required(namespace),
  requiredAuthentications: required(arrayOf(serviceAccount)),
}, 'an AuthorizationPolicyProps'));

export const MESH_TLS_AUTHENTICATION_PROPS: Guard = lazy(() => struct<MeshTlsAuthenticationProps>({
  metadata,
  identities: arrayOf(is.string),
  serviceAccounts: arrayOf(serviceAccount),
  workloads: arrayOf(is.construct),
  namespaces: arrayOf(namespace),
}, 'a MeshTlsAuthenticationProps'));

export const NETWORK_AUTHENTICATION_PROPS: Guard = struct<NetworkAuthenticationProps>({ metadata, networks: required(arrayOf(NETWORK)) }, 'a NetworkAuthenticationProps');

export const SERVER_AUTHORIZATION_PROPS: Guard = lazy(() => struct<ServerAuthorizationProps>({
  metadata,
  server: required(union(server, instanceOf(PodSelector, 'PodSelector', 'PodSelector.labels({ … })'))),
  client: required(struct<ServerAuthorizationClient>({
    unauthenticated: is.boolean,
    unauthenticatedTls: is.boolean,
    identities: arrayOf(is.string),
    serviceAccounts: arrayOf(serviceAccount),
    networks: arrayOf(NETWORK),
  }, 'a ServerAuthorizationClient')),
}, 'a ServerAuthorizationProps'));

export const HTTP_LOCAL_RATE_LIMIT_POLICY_PROPS: Guard = lazy(() => struct<HttpLocalRateLimitPolicyProps>({
  metadata,
  server: required(server),
  total: is.number,
  identity: is.number,
  overrides: arrayOf(struct<RateLimitOverride>({
    requestsPerSecond: required(is.number), clients: required(arrayOf(serviceAccount)),
  }, 'a RateLimitOverride ({ requestsPerSecond, clients })')),
}, 'an HttpLocalRateLimitPolicyProps'));

export const EGRESS_NETWORK_PROPS: Guard = lazy(() => struct<EgressNetworkProps>({
  metadata, trafficPolicy: required(e('EgressTrafficPolicy', EgressTrafficPolicy)), networks: arrayOf(NETWORK),
}, 'an EgressNetworkProps'));

export const SERVICE_PROFILE_PROPS: Guard = lazy(() => struct<ServiceProfileProps>({
  metadata,
  service: required(service),
  clusterDomain: is.string,
  routes: arrayOf(struct<ServiceProfileRoute>({
    name: required(is.string),
    pathRegex: required(is.string),
    method: e('HttpMethod', HttpMethod),
    timeout: is.duration,
    isRetryable: is.boolean,
    failureStatuses: arrayOf(struct<{ min: number; max: number }>({ min: required(is.number), max: required(is.number) }, 'a { min, max } status range')),
  }, 'a ServiceProfileRoute')),
  retryBudget: struct<RetryBudget>({ retryRatio: required(is.number), minRetriesPerSecond: required(is.number), ttl: required(is.duration) }, 'a RetryBudget'),
}, 'a ServiceProfileProps'));

export const TRAFFIC_POLICY_PROPS: Guard = lazy(() => struct<TrafficPolicyProps>({
  service: required(is.construct),
  retry: RETRY_PROPS,
  timeouts: TIMEOUT_PROPS,
  failureAccrual: lazy(() => instanceOf(FailureAccrual, 'FailureAccrual', 'FailureAccrual.consecutive({ … }) or FailureAccrual.unified({ … })')),
}, 'a TrafficPolicyProps'));

export const TRAFFIC_SPLIT_PROPS: Guard = lazy(() => struct<TrafficSplitProps>({
  metadata,
  service: required(service),
  port: required(is.number),
  backends: required(arrayOf(struct<SplitBackend>({ service: required(service), weight: required(is.number), port: is.number }, 'a SplitBackend ({ service, weight })'))),
  matches: arrayOf(routeMatch),
  retry: RETRY_PROPS,
  timeouts: TIMEOUT_PROPS,
  gatewayApi: is.boolean,
}, 'a TrafficSplitProps'));

export const MESH_POLICY_PROPS: Guard = lazy(() => struct<MeshPolicyProps>({ metricsScrapers: arrayOf(client), probeNetworks: arrayOf(is.string) }, 'a MeshPolicyProps'));

export const ALLOW_OPTIONS: Guard = lazy(() => struct<AllowOptions>({
  port: required(port), routes: arrayOf(routeMatch), protocol: e('ProxyProtocol', ProxyProtocol),
}, 'an AllowOptions ({ port, routes, protocol })', 'pass { port: 8080 } or { port: "http", routes: [...] }'));

export const CLIENT: Guard = client;

export const FAILURE_ACCRUAL_OPTIONS: Guard = struct<UnifiedFailureAccrualOptions>({
  maxFailures: is.number, minPenalty: is.duration, maxPenalty: is.duration, jitterRatio: is.number,
  successRateThreshold: is.number, successRateWindow: is.duration, successRateMinRequests: is.number,
}, 'failure accrual options');

export const HEADER_MODIFIER: Guard = struct<HeaderModifier>({ set: recordOf(is.string), add: recordOf(is.string), remove: arrayOf(is.string) }, 'a HeaderModifier ({ set, add, remove })');

export const REDIRECT_OPTIONS: Guard = struct<RedirectOptions>({
  scheme: is.string, hostname: is.string, replaceFullPath: is.string, replacePrefixMatch: is.string, port: is.number, statusCode: is.number,
}, 'a RedirectOptions');

export const BACKEND_OPTIONS: Guard = struct<{ port?: number; weight?: number }>({ port: is.number, weight: is.number }, 'backend options ({ port, weight })');

/** `PolicyResourceProps` alone, for constructs whose other props the base checks. */
export const POLICY_RESOURCE_PROPS: Guard = struct<PolicyResourceProps>({ metadata }, 'a PolicyResourceProps');
