import { CrdDefinition, CrdVersion } from './definition';
import { arr, bool, float, freeform, int32, intOrString, JSONSchemaProps, obj, resource, str } from './schema';

// A Kubernetes resource quantity, e.g. "500m" or "1".
const QUANTITY = String.raw`^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`;

/** Request and response conditions nest freely; only the first level is typed. */
function nested(): JSONSchemaProps {
  return arr(freeform());
}

function spec(routesRequired: boolean): JSONSchemaProps {
  return obj(
    {
      dstOverrides: arr(
        obj({ authority: str(), weight: intOrString({ typedAlternatives: true, pattern: QUANTITY }) }),
        // On the list, not its items, as upstream publishes it (so it has no effect).
        { required: ['authority', 'weight'] },
      ),
      opaquePorts: arr(str()),
      retryBudget: obj(
        { minRetriesPerSecond: int32(), retryRatio: float(), ttl: str() },
        { required: ['minRetriesPerSecond', 'retryRatio', 'ttl'] },
      ),
      routes: arr(obj(
        {
          condition: obj({ pathRegex: str(), method: str(), all: nested(), any: nested(), not: nested() }),
          isRetryable: bool(),
          name: str(),
          timeout: str(),
          responseClasses: arr(obj(
            {
              condition: obj({
                all: nested(),
                any: nested(),
                not: freeform(),
                status: obj({ max: int32(), min: int32() }),
              }),
              isFailure: bool(),
            },
            { required: ['condition'] },
          )),
        },
        { required: ['condition', 'name'] },
      )),
    },
    { required: routesRequired ? ['routes'] : undefined },
  );
}

const DESCRIPTION = 'Per-route metrics, retries and timeouts for the Service whose FQDN names the profile.';

// ServiceProfile predates the convention of a required spec.
const VERSIONS: CrdVersion[] = [
  // v1alpha2 made `routes` optional.
  { name: 'v1alpha1', storage: false, schema: resource({ description: DESCRIPTION, spec: spec(true), specRequired: false }) },
  { name: 'v1alpha2', storage: true, schema: resource({ description: DESCRIPTION, spec: spec(false), specRequired: false }) },
];

/** `ServiceProfile` (linkerd.io): per-route metrics, retries and timeouts for a Service. */
export const SERVICE_PROFILE_CRD: CrdDefinition = {
  group: 'linkerd.io',
  scope: 'Namespaced',
  names: { kind: 'ServiceProfile', plural: 'serviceprofiles', singular: 'serviceprofile', shortNames: ['sp'] },
  versions: VERSIONS,
};
