import { AGE_COLUMN, CrdDefinition, CrdVersion } from './definition';
import { conditionsStatus } from './fragments/conditions';
import { arr, int32, obj, resource, str } from './schema';

/** How the ExternalWorkload API changed between its two versions. */
interface ExternalWorkloadVersion {
  readonly name: string;
  readonly storage: boolean;
  /** v1alpha1 spelled it `meshTls`; v1beta1 `meshTLS`. */
  readonly meshTlsField: string;
  /** v1beta1 allows a second address, for dual-stack workloads. */
  readonly maxWorkloadIPs: number;
  readonly statusSubresource?: boolean;
}

const VERSIONS: ExternalWorkloadVersion[] = [
  { name: 'v1alpha1', storage: false, meshTlsField: 'meshTls', maxWorkloadIPs: 1 },
  { name: 'v1beta1', storage: true, meshTlsField: 'meshTLS', maxWorkloadIPs: 2, statusSubresource: true },
];

function version(v: ExternalWorkloadVersion): CrdVersion {
  const tlsName = () => str({ minLength: 1, maxLength: 253 });
  const spec = obj(
    {
      [v.meshTlsField]: obj({ identity: tlsName(), serverName: tlsName() }, { required: ['identity', 'serverName'] }),
      ports: arr(obj(
        { name: str(), port: int32({ minimum: 1, maximum: 65535 }), protocol: str({ default: 'TCP' }) },
        { required: ['port'] },
      )),
      workloadIPs: arr(obj({ ip: str() }), { maxItems: v.maxWorkloadIPs }),
    },
    { required: [v.meshTlsField] },
  );
  return {
    name: v.name,
    storage: v.storage,
    statusSubresource: v.statusSubresource,
    schema: resource({
      description: 'A meshed workload that runs outside Kubernetes, such as a VM.',
      typeMeta: true,
      spec,
      status: conditionsStatus({ lastProbeTime: true }),
    }),
    printerColumns: [
      { name: 'Identity', type: 'string', jsonPath: `.spec.${v.meshTlsField}.identity` },
      AGE_COLUMN,
    ],
  };
}

/** `ExternalWorkload`: a meshed workload that runs outside Kubernetes, such as a VM. */
export const EXTERNAL_WORKLOAD_CRD: CrdDefinition = {
  group: 'workload.linkerd.io',
  scope: 'Namespaced',
  names: {
    kind: 'ExternalWorkload',
    listKind: 'ExternalWorkloadList',
    plural: 'externalworkloads',
    singular: 'externalworkload',
    categories: ['external'],
  },
  versions: VERSIONS.map(version),
};
