import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { Guard } from '../guards';
import * as check from '../validate';
import { PolicyResource, PolicyResourceProps } from './base';
import { RetryProps, retryAnnotations } from './retry';
import { ResolvedParent, RouteParent, checkServicePort } from './route-parent';
import { checkRetryWithinRequest, TimeoutProps, timeoutAnnotations } from './timeouts';

/** Props shared by every route kind. */
export interface RouteProps extends PolicyResourceProps {
  /** What the route attaches to; at least one. */
  readonly parents: RouteParent[];
  /** Host names the route applies to. @default - any */
  readonly hostnames?: string[];
  /** Client-side retries (outbound routes only), as `retry.linkerd.io/*` annotations. @default - none */
  readonly retry?: RetryProps;
  /** Client-side timeouts (outbound routes only), as `timeout.linkerd.io/*` annotations. @default - none */
  readonly timeouts?: TimeoutProps;
}

const WILDCARD_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Base of the route constructs: resolves parents (the route lives in the namespace of its first
 * parent unless told otherwise), writes the retry and timeout annotations, and checks Service
 * parents' ports when the Services are final.
 */
export abstract class RouteBase extends PolicyResource {
  protected readonly parents: ResolvedParent[];
  protected readonly hostnames?: string[];

  protected constructor(scope: Construct, id: string, props: RouteProps, guard: Guard,
    create: (scope: Construct, id: string, metadata: ApiObjectMetadata, spec: any) => ApiObject) {
    const holder: { parents?: ResolvedParent[] } = {};
    super(scope, id, props, guard, create, (self) => {
      holder.parents = (props.parents ?? []).map((p, i) => p._resolve(self, `parents[${i}]`));
      return holder.parents[0]?.namespace;
    });
    this.parents = holder.parents!;
    if (this.parents.length === 0) {
      throw new LinkerdConfigError(this, 'parents', 'the route has no parent', 'attach it to a Server, a Service or an EgressNetwork with RouteParent');
    }
    if (this.parents.length > 32) throw new LinkerdConfigError(this, 'parents', `${this.parents.length} parents`, 'use at most 32 parents');
    this.parents.forEach((p, i) => {
      if (p.type === 'server' && p.namespace !== this.namespace) {
        throw new LinkerdConfigError(this, `parents[${i}]`, `Server ${p.ref.name} is in namespace ${p.namespace ?? '(unset)'}, the route in ${this.namespace ?? '(unset)'}`,
          'create the route in the Server\'s namespace');
      }
    });
    this.hostnames = props.hostnames?.map((h, i) => {
      if (!WILDCARD_HOSTNAME.test(h) || h.length > 253) {
        throw new LinkerdConfigError(this, `hostnames[${i}]`, `${JSON.stringify(h)} is not a host name`, 'use a DNS name, optionally starting with "*."');
      }
      return h;
    });
    const outbound = this.parents.some((p) => p.type !== 'server');
    const annotations: Record<string, string> = {
      ...(props.retry ? retryAnnotations(this, 'retry', props.retry) : {}),
      ...(props.timeouts ? timeoutAnnotations(this, 'timeouts', props.timeouts) : {}),
    };
    checkRetryWithinRequest(this, 'retry.timeout', props.retry?.timeout, props.timeouts);
    if (Object.keys(annotations).length > 0 && !outbound) {
      throw new LinkerdConfigError(this, props.retry ? 'retry' : 'timeouts', 'retries and timeouts are applied by clients, and this route only has Server (inbound) parents',
        'attach the route to a Service (RouteParent.service) to configure retries and timeouts');
    }
    for (const [k, v] of Object.entries(annotations)) {
      check.labelKey(this, 'metadata.annotations', k);
      this.apiObject.metadata.addAnnotation(k, v);
    }
  }

  /** The parentRefs as they render now; Service ports are checked against the Services. */
  protected renderParents(): Array<Record<string, any>> {
    return this.parents.map((p, i) => {
      if (p.service) checkServicePort(this, `parents[${i}].port`, p.service, p.ref.port);
      return Object.fromEntries(Object.entries(p.ref).filter(([, v]) => v !== undefined));
    });
  }

  /** The rules as they render now, with the Service backends whose ports must be checked. */
  protected abstract renderRules(): { rules: unknown[]; backends: Array<{ field: string; backend: { ref: { port?: number }; service?: any } }> };

  protected renderSpec(): Record<string, any> {
    const rendered = this.renderRules();
    checkBackendPorts(this, rendered.backends);
    return {
      hostnames: this.hostnames,
      parentRefs: this.renderParents(),
      rules: rendered.rules.length ? rendered.rules : undefined,
    };
  }

  /** True when some parent is a Server (the route is inbound policy). */
  public get isInbound(): boolean {
    return this.parents.some((p) => p.type === 'server');
  }
}

/** Checks every Service backend port once the Services are final. */
function checkBackendPorts(scope: IConstruct, backends: Array<{ field: string; backend: { ref: { port?: number }; service?: any } }>): void {
  for (const { field, backend } of backends) {
    if (backend.service) checkServicePort(scope, `${field}.port`, backend.service, backend.ref.port);
  }
}
