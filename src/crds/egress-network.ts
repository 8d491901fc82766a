import { CrdDefinition } from './definition';
import { conditionsStatus } from './fragments/conditions';
import { networks } from './fragments/networks';
import { obj, resource, str } from './schema';

/** `EgressNetwork`: a set of destinations outside the cluster, and whether traffic to them is allowed by default. */
export const EGRESS_NETWORK_CRD: CrdDefinition = {
  group: 'policy.linkerd.io',
  scope: 'Namespaced',
  names: {
    kind: 'EgressNetwork',
    listKind: 'EgressNetworkList',
    plural: 'egressnetworks',
    singular: 'egressnetwork',
    categories: ['policy'],
  },
  versions: [{
    name: 'v1alpha1',
    storage: true,
    statusSubresource: true,
    schema: resource({
      description: 'Networks outside the cluster, and whether meshed traffic to them is allowed by default.',
      typeMeta: true,
      spec: obj(
        { trafficPolicy: str({ enum: ['Allow', 'Deny'] }), networks: networks() },
        { required: ['trafficPolicy'] },
      ),
      status: conditionsStatus(),
    }),
  }],
};
