import { CrdDefinition } from './definition';
import { policyTargetRef } from './fragments/names';
import { arr, obj, resource, str } from './schema';

/** `AuthorizationPolicy`: lets the clients that satisfy all referenced authentications reach a target. */
export const AUTHORIZATION_POLICY_CRD: CrdDefinition = {
  group: 'policy.linkerd.io',
  scope: 'Namespaced',
  names: {
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    shortNames: ['authzpolicy'],
  },
  versions: [{
    name: 'v1alpha1',
    storage: true,
    schema: resource({
      description: 'Authorizes the clients that satisfy every referenced authentication to reach a target.',
      spec: obj(
        {
          targetRef: policyTargetRef(),
          requiredAuthenticationRefs: arr(policyTargetRef({ namespace: str({ maxLength: 253 }) })),
        },
        { required: ['targetRef', 'requiredAuthenticationRefs'] },
      ),
    }),
  }],
};
