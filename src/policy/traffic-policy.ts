import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, required } from '../guards';
import { FailureAccrual } from './failure-accrual';
import { resolveRef } from './references';
import { RetryProps, retryAnnotations } from './retry';
import { TRAFFIC_POLICY_PROPS } from './policy-guards';
import { checkRetryWithinRequest, TimeoutProps, timeoutAnnotations } from './timeouts';

export interface TrafficPolicyProps {
  /** The Service its clients' proxies apply the policy to (a cdk8s-plus Service or an ApiObject of this app). */
  readonly service: IConstruct;
  /** @default - no retries */
  readonly retry?: RetryProps;
  /** @default - no timeouts */
  readonly timeouts?: TimeoutProps;
  /** Circuit breaking of the Service's endpoints. @default - none */
  readonly failureAccrual?: FailureAccrual;
}

/**
 * Client-side traffic settings of a whole Service: retries, timeouts and failure accrual, as the
 * annotations the policy controller reads from the Service (`retry.linkerd.io/*`,
 * `timeout.linkerd.io/*`, `balancer.linkerd.io/failure-accrual*`). Routes attached to the Service
 * can override retries and timeouts for their requests.
 */
export class TrafficPolicy extends Construct {
  /** The annotations written on the Service. */
  public readonly annotations: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: TrafficPolicyProps) {
    super(scope, id);
    guardProps(this, '', props, required(TRAFFIC_POLICY_PROPS));
    resolveRef(this, 'service', props.service, ['Service']);
    checkRetryWithinRequest(this, 'retry.timeout', props.retry?.timeout, props.timeouts);
    const annotations: Record<string, string> = {
      ...(props.retry ? retryAnnotations(this, 'retry', props.retry) : {}),
      ...(props.timeouts ? timeoutAnnotations(this, 'timeouts', props.timeouts) : {}),
      ...(props.failureAccrual ? props.failureAccrual.annotations(this, 'failureAccrual') : {}),
    };
    if (Object.keys(annotations).length === 0) {
      throw new LinkerdConfigError(this, 'retry', 'nothing is configured', 'set retry, timeouts or failureAccrual');
    }
    const service = ApiObject.of(props.service);
    for (const [k, v] of Object.entries(annotations)) {
      const existing: string | undefined = service.metadata.toJson().annotations?.[k];
      if (existing !== undefined && existing !== v) {
        throw new LinkerdConfigError(this, 'service', `Service ${service.name} already has ${k}: ${existing}`, 'configure each Service with one TrafficPolicy');
      }
      service.metadata.addAnnotation(k, v);
    }
    this.annotations = annotations;
  }
}
