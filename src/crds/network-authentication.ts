import { CrdDefinition } from './definition';
import { networks } from './fragments/networks';
import { obj, resource } from './schema';

/** `NetworkAuthentication`: clients identified by their source network. */
export const NETWORK_AUTHENTICATION_CRD: CrdDefinition = {
  group: 'policy.linkerd.io',
  scope: 'Namespaced',
  names: {
    kind: 'NetworkAuthentication',
    plural: 'networkauthentications',
    singular: 'networkauthentication',
    shortNames: ['netauthn', 'networkauthn'],
  },
  versions: [{
    name: 'v1alpha1',
    storage: true,
    schema: resource({
      description: 'Authenticates clients by their source network.',
      spec: obj({ networks: networks() }, { required: ['networks'] }),
    }),
  }],
};
