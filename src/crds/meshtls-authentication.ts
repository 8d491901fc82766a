import { CrdDefinition } from './definition';
import { policyTargetRef } from './fragments/names';
import { arr, exactlyOneOf, obj, resource, str } from './schema';

/** `MeshTLSAuthentication`: clients identified by their mesh TLS identity, given by name or by reference. */
export const MESHTLS_AUTHENTICATION_CRD: CrdDefinition = {
  group: 'policy.linkerd.io',
  scope: 'Namespaced',
  names: {
    kind: 'MeshTLSAuthentication',
    plural: 'meshtlsauthentications',
    singular: 'meshtlsauthentication',
    shortNames: ['meshtlsauthn'],
  },
  versions: [{
    name: 'v1alpha1',
    storage: true,
    schema: resource({
      description: 'Authenticates clients by their mesh TLS identity.',
      spec: obj(
        {
          identities: arr(str(), { minItems: 1 }),
          identityRefs: arr(
            policyTargetRef({ namespace: str({ maxLength: 253 }), required: ['kind'] }),
            { minItems: 1 },
          ),
        },
        { oneOf: exactlyOneOf('identities', 'identityRefs') },
      ),
    }),
  }],
};
