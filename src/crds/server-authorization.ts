import { CrdDefinition, deprecatedInFavourOf } from './definition';
import { DNS_LABEL } from './fragments/names';
import { networks } from './fragments/networks';
import { labelSelector } from './fragments/selectors';
import { arr, bool, exactlyOneOf, obj, resource, str } from './schema';

const GROUP = 'policy.linkerd.io';
const KIND = 'ServerAuthorization';

// A TLS identity: DNS-like labels, the first of which may be a `*` wildcard.
const IDENTITY = String.raw`^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;

// Both versions share one schema; v1beta1 only renamed the version.
const schema = resource({
  description: 'Authorizes clients to reach a Server; superseded by AuthorizationPolicy.',
  spec: obj(
    {
      server: obj(
        { name: str({ pattern: DNS_LABEL }), selector: labelSelector() },
        { oneOf: exactlyOneOf('name', 'selector') },
      ),
      client: obj({
        networks: networks(),
        unauthenticated: bool(),
        meshTLS: obj({
          unauthenticatedTLS: bool(),
          identities: arr(str({ pattern: IDENTITY })),
          serviceAccounts: arr(obj(
            { name: str({ pattern: DNS_LABEL }), namespace: str({ pattern: DNS_LABEL }) },
            { required: ['name'] },
          )),
        }),
      }),
    },
    { required: ['server', 'client'] },
  ),
});

/** `ServerAuthorization`: the older way to authorize clients of a Server (superseded by AuthorizationPolicy). */
export const SERVER_AUTHORIZATION_CRD: CrdDefinition = {
  group: GROUP,
  scope: 'Namespaced',
  names: {
    kind: KIND,
    plural: 'serverauthorizations',
    singular: 'serverauthorization',
    shortNames: ['saz', 'serverauthz', 'srvauthz'],
  },
  versions: [
    { name: 'v1alpha1', storage: false, ...deprecatedInFavourOf(GROUP, KIND, 'v1alpha1', 'v1beta1'), schema },
    {
      name: 'v1beta1',
      storage: true,
      schema,
      printerColumns: [{ name: 'Server', type: 'string', jsonPath: '.spec.server.name' }],
    },
  ],
};
