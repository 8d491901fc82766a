import { CrdDefinition, CrdVersion, deprecatedInFavourOf, PrinterColumn } from './definition';
import { labelSelector } from './fragments/selectors';
import { exactlyOneOf, intOrString, obj, resource, str } from './schema';

const GROUP = 'policy.linkerd.io';
const KIND = 'Server';

const PORT_COLUMNS: PrinterColumn[] = [
  { name: 'Port', type: 'string', jsonPath: '.spec.port' },
  { name: 'Protocol', type: 'string', jsonPath: '.spec.proxyProtocol' },
];

/** How the Server API grew, version by version. */
interface ServerVersion {
  readonly name: string;
  readonly storage?: boolean;
  /** The version to move to, for deprecated versions. */
  readonly replacedBy?: string;
  /** v1alpha1 requires exactly one of matchLabels and matchExpressions in podSelector. */
  readonly nonEmptyPodSelector?: boolean;
  /** v1beta2+: select ExternalWorkloads instead of pods. */
  readonly externalWorkloads?: boolean;
  /** v1beta3+: the Server's own default access policy. */
  readonly accessPolicy?: boolean;
  readonly printerColumns?: PrinterColumn[];
}

const VERSIONS: ServerVersion[] = [
  { name: 'v1alpha1', replacedBy: 'v1beta1', nonEmptyPodSelector: true },
  { name: 'v1beta1', replacedBy: 'v1beta3', printerColumns: PORT_COLUMNS },
  { name: 'v1beta2', externalWorkloads: true, printerColumns: PORT_COLUMNS },
  {
    name: 'v1beta3',
    storage: true,
    externalWorkloads: true,
    accessPolicy: true,
    printerColumns: [...PORT_COLUMNS, { name: 'Access Policy', type: 'string', jsonPath: '.spec.accessPolicy' }],
  },
];

function version(v: ServerVersion): CrdVersion {
  const spec = obj(
    {
      accessPolicy: v.accessPolicy ? str({ default: 'deny' }) : undefined,
      podSelector: labelSelector({ nonEmpty: v.nonEmptyPodSelector }),
      externalWorkloadSelector: v.externalWorkloads ? labelSelector() : undefined,
      port: intOrString(),
      proxyProtocol: str({ default: 'unknown' }),
    },
    v.externalWorkloads
      ? { required: ['port'], oneOf: exactlyOneOf('podSelector', 'externalWorkloadSelector') }
      : { required: ['podSelector', 'port'] },
  );
  return {
    name: v.name,
    storage: v.storage ?? false,
    ...(v.replacedBy ? deprecatedInFavourOf(GROUP, KIND, v.name, v.replacedBy) : {}),
    schema: resource({ description: 'A port on a set of pods or external workloads to which inbound policy applies.', spec }),
    printerColumns: v.printerColumns,
  };
}

/** `Server`: a port on a set of pods or external workloads that inbound policy applies to. */
export const SERVER_CRD: CrdDefinition = {
  group: GROUP,
  scope: 'Namespaced',
  names: { kind: KIND, plural: 'servers', singular: 'server', shortNames: ['srv'] },
  versions: VERSIONS.map(version),
};
