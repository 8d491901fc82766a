import { CrdDefinition } from './definition';
import { conditions } from './fragments/conditions';
import { namespaceName, policyTargetRef } from './fragments/names';
import { arr, int64, obj, resource } from './schema';

function rate() {
  return obj({ requestsPerSecond: int64() }, { required: ['requestsPerSecond'] });
}

/** `HTTPLocalRateLimitPolicy`: per-proxy request-rate limits for a Server, overall, per identity and per client. */
export const HTTP_LOCAL_RATE_LIMIT_POLICY_CRD: CrdDefinition = {
  group: 'policy.linkerd.io',
  scope: 'Namespaced',
  names: {
    kind: 'HTTPLocalRateLimitPolicy',
    listKind: 'HTTPLocalRateLimitPolicyList',
    plural: 'httplocalratelimitpolicies',
    singular: 'httplocalratelimitpolicy',
  },
  versions: [{
    name: 'v1alpha1',
    storage: true,
    statusSubresource: true,
    schema: resource({
      description: 'Limits the request rate that the proxies of a Server accept: in total, per client identity and per listed client.',
      spec: obj(
        {
          targetRef: policyTargetRef(),
          total: rate(),
          identity: rate(),
          overrides: arr(obj(
            { requestsPerSecond: int64(), clientRefs: arr(policyTargetRef({ namespace: namespaceName() })) },
            { required: ['requestsPerSecond', 'clientRefs'] },
          )),
        },
        { required: ['targetRef'] },
      ),
      status: obj(
        {
          conditions: conditions(),
          targetRef: policyTargetRef({ defaultGroup: 'policy.linkerd.io', defaultKind: 'Server', required: ['name'] }),
        },
        { required: ['targetRef'] },
      ),
    }),
    printerColumns: [
      { name: 'Target_kind', type: 'string', jsonPath: '.spec.targetRef.kind' },
      { name: 'Target_name', type: 'string', jsonPath: '.spec.targetRef.name' },
      { name: 'Total_RPS', type: 'integer', format: 'int32', jsonPath: '.spec.total.requestsPerSecond' },
      { name: 'Identity_RPS', type: 'integer', format: 'int32', jsonPath: '.spec.identity.requestsPerSecond' },
    ],
  }],
};
