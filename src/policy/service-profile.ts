import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type * as l1 from '../../imports/linkerd.io';
import { LinkerdConfigError } from '../errors';
import * as check from '../validate';
import { compact, lazyChecked, PolicyResource, PolicyResourceProps } from './base';
import { annotationDuration } from './duration-text';
import { resolveRef, ServiceRef } from './references';
import { HttpMethod } from './route-match';
import { SERVICE_PROFILE_PROPS } from './policy-guards';

/** A named route of a ServiceProfile. */
export interface ServiceProfileRoute {
  /** Shown in per-route metrics, e.g. `GET /books/{id}`. */
  readonly name: string;
  /** Regular expression the whole path must match. */
  readonly pathRegex: string;
  /** @default - any method */
  readonly method?: HttpMethod;
  /** @default - none */
  readonly timeout?: Duration;
  /** Let clients retry failed requests of this route (within the retry budget). @default false */
  readonly isRetryable?: boolean;
  /** Status ranges counted as failures. @default - 5xx */
  readonly failureStatuses?: Array<{ readonly min: number; readonly max: number }>;
}

/** How many retries clients may add on top of the original requests. */
export interface RetryBudget {
  /** Retries as a share of requests, e.g. 0.2. */
  readonly retryRatio: number;
  /** Retries allowed per second regardless of the ratio. */
  readonly minRetriesPerSecond: number;
  /** Window the ratio is computed over. */
  readonly ttl: Duration;
}

export interface ServiceProfileProps extends PolicyResourceProps {
  /** The Service the profile describes; its FQDN names the profile. */
  readonly service: IConstruct | ServiceRef;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default - none */
  readonly routes?: ServiceProfileRoute[];
  /** @default - the proxy's default budget */
  readonly retryBudget?: RetryBudget;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CheckedServiceProfile = lazyChecked(() => (require('../../imports/linkerd.io') as typeof l1).ServiceProfile);

/**
 * `ServiceProfile` (linkerd.io/v1alpha2): per-route metrics, timeouts and retries of a Service,
 * the older mechanism (HTTPRoutes with timeouts and `retry.linkerd.io` annotations replace it).
 */
export class ServiceProfile extends PolicyResource {
  private readonly routes: ServiceProfileRoute[];
  private readonly retryBudget?: RetryBudget;

  public constructor(scope: Construct, id: string, props: ServiceProfileProps) {
    const holder: { name?: string } = {};
    super(scope, id, {
      ...props,
      metadata: { ...props?.metadata },
    }, SERVICE_PROFILE_PROPS, (s, i, metadata, spec) => new (CheckedServiceProfile())(s, i, { metadata: { ...metadata, name: holder.name }, spec }), (self) => {
      const svc = resolveRef(self, 'service', props.service, ['Service']);
      if (!svc.namespace) {
        throw new LinkerdConfigError(self, 'service', `Service ${svc.name} has no namespace`, 'give the Service a namespace: the profile is named after its FQDN');
      }
      const domain = check.dnsSubdomain(self, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
      holder.name = `${svc.name}.${svc.namespace}.svc.${domain}`;
      const fault = check.dnsSubdomainFault(holder.name);
      if (fault) {
        throw new LinkerdConfigError(self, 'service', `the profile must be named after the Service's FQDN ${check.formatValue(holder.name)}, which is not a valid name: ${fault.problem}`,
          'use a shorter Service name, namespace or clusterDomain');
      }
      return svc.namespace;
    });
    if (props.metadata?.name !== undefined && props.metadata.name !== holder.name) {
      throw new LinkerdConfigError(this, 'metadata.name', `a ServiceProfile must be named after its Service's FQDN (${holder.name})`, 'leave metadata.name unset');
    }
    this.routes = [...(props.routes ?? [])];
    this.retryBudget = props.retryBudget;
    const names = new Set<string>();
    this.routes.forEach((r, i) => {
      if (!r.name) throw new LinkerdConfigError(this, `routes[${i}].name`, 'the name is empty', 'name the route, e.g. "GET /books/{id}"');
      if (names.has(r.name)) throw new LinkerdConfigError(this, `routes[${i}].name`, `${r.name} is used twice`, 'give each route its own name');
      names.add(r.name);
      try {
        new RegExp(r.pathRegex);
      } catch {
        throw new LinkerdConfigError(this, `routes[${i}].pathRegex`, `${JSON.stringify(r.pathRegex)} is not a regular expression`, 'fix the pattern');
      }
      (r.failureStatuses ?? []).forEach((s, j) => {
        if (!(Number.isInteger(s.min) && Number.isInteger(s.max) && s.min >= 100 && s.max <= 599 && s.min <= s.max)) {
          throw new LinkerdConfigError(this, `routes[${i}].failureStatuses[${j}]`, `${s.min}-${s.max} is not a status range`, 'use codes from 100 to 599, min first');
        }
      });
    });
    if (this.retryBudget && !(this.retryBudget.retryRatio >= 0 && Number.isInteger(this.retryBudget.minRetriesPerSecond) && this.retryBudget.minRetriesPerSecond >= 0)) {
      throw new LinkerdConfigError(this, 'retryBudget', 'retryRatio must be 0 or more and minRetriesPerSecond a whole number of 0 or more', 'use e.g. { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: Duration.seconds(10) }');
    }
    this.renderSpec();
  }

  protected renderSpec(): Record<string, any> {
    return compact({
      retryBudget: this.retryBudget ? {
        minRetriesPerSecond: this.retryBudget.minRetriesPerSecond,
        retryRatio: this.retryBudget.retryRatio,
        ttl: annotationDuration(this, 'retryBudget.ttl', this.retryBudget.ttl),
      } : undefined,
      routes: this.routes.map((r, i) => compact({
        condition: compact({ method: r.method, pathRegex: r.pathRegex }),
        isRetryable: r.isRetryable ? true : undefined,
        name: r.name,
        responseClasses: r.failureStatuses?.length
          ? r.failureStatuses.map((s) => ({ condition: { status: { max: s.max, min: s.min } }, isFailure: true })) : undefined,
        timeout: r.timeout ? annotationDuration(this, `routes[${i}].timeout`, r.timeout) : undefined,
      })),
    });
  }
}
