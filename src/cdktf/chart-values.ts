import { stringify } from 'yaml';
import { WEBHOOKS } from '../control-plane/webhooks';
import { LinkerdConfigError } from '../errors';
import { groupOf } from './manifest-resource';
import { LinkerdMeshProps } from './mesh-source';
import { buildNativeMesh, renderedObjectsByChart } from './native-mesh';

/** A value given to Helm with `--set-string name=value` (the provider's `set_sensitive`). */
export interface SensitiveChartValue {
  readonly name: string;
  readonly value: string;
}

/** What the official charts need to render the native mesh of the same props. */
export interface LinkerdChartInputs {
  /** Namespace of the control plane and of both releases. */
  readonly namespace: string;
  /** Values of the linkerd-crds chart. */
  readonly crdsValues: Record<string, unknown>;
  /** Values of the linkerd-control-plane chart: the native values tree plus the webhook certificates, without private keys. */
  readonly controlPlaneValues: Record<string, unknown>;
  /** The private keys (issuer, webhooks) the chart writes into Secrets. */
  readonly controlPlaneSensitiveValues: readonly SensitiveChartValue[];
  /** Objects of the native mesh that neither chart renders: the Namespace, cert-manager and trust-manager objects. */
  readonly extraObjects: ReadonlyArray<Record<string, any>>;
}

/** Groups of the objects the identity sources ask cert-manager and trust-manager for. */
const CERT_MANAGER_GROUPS = new Set(['cert-manager.io', 'trust.cert-manager.io']);

/** The Gateway API CRDs the linkerd-crds chart renders, by the value that switches each on. */
const GATEWAY_API_VALUES: ReadonlyArray<[string, string[]]> = [
  ['enableHttpRoutes', ['httproutes.gateway.networking.k8s.io', 'grpcroutes.gateway.networking.k8s.io']],
  ['enableTlsRoutes', ['tlsroutes.gateway.networking.k8s.io']],
  ['enableTcpRoutes', ['tcproutes.gateway.networking.k8s.io']],
];

/** YAML the charts' Go decoder reads back as written: YAML 1.1, so strings such as "off" stay quoted. */
export function chartValuesYaml(values: Record<string, unknown>): string {
  return stringify(values, { sortMapEntries: true, lineWidth: 0, version: '1.1' });
}

/**
 * Synthesizes the native mesh of `props` (with every check) and derives from it the values under
 * which the official linkerd-crds and linkerd-control-plane charts render the same objects. The
 * control plane's values are its own values tree (what `linkerd-config` holds); only what the
 * chart would otherwise generate at random is added: the webhooks' certificates, and the issuer's
 * and webhooks' private keys, kept apart as sensitive values. Errors name `scopePath`.
 */
export function linkerdChartInputs(props: LinkerdMeshProps, scopePath: string): LinkerdChartInputs {
  const mesh = buildNativeMesh(props, scopePath);
  const rendered = renderedObjectsByChart(mesh.app);
  const charts = mesh.app.charts;
  const crdObjects = rendered[charts.indexOf(mesh.crds)];
  const objects = rendered[charts.indexOf(mesh.controlPlane)];
  const find = (kind: string, name: string) => objects.find((o) => groupOf(o) === '' && o.kind === kind && o.metadata?.name === name);
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

  const values: Record<string, any> = mesh.controlPlane.values;
  const sensitive: SensitiveChartValue[] = [];
  if (values.identity.issuer.scheme === 'linkerd.io/tls') {
    const secret = find('Secret', 'linkerd-identity-issuer');
    if (!secret) {
      throw new LinkerdConfigError(scopePath, 'controlPlane.identity.issuer',
        'the linkerd-control-plane chart writes the Secret linkerd-identity-issuer itself for scheme linkerd.io/tls, and needs its key',
        'give the issuer with IssuerCertificate.fromPem or .generated(), or keep an existing Secret with scheme kubernetes.io/tls, or use cert-manager');
    }
    sensitive.push({ name: 'identity.issuer.tls.keyPEM', value: decode(secret.data['key.pem']) });
  }
  for (const spec of WEBHOOKS) {
    const webhook = values[spec.valuesKey];
    if (webhook.externalSecret) continue;
    const secret = find('Secret', `${spec.service}-k8s-tls`)!;
    const config = objects.find((o) => o.kind === spec.configKind && o.metadata?.name === spec.configName)!;
    webhook.crtPEM = decode(secret.data['tls.crt']);
    webhook.caBundle = decode(config.webhooks[0].clientConfig.caBundle);
    sensitive.push({ name: `${spec.valuesKey}.keyPEM`, value: decode(secret.data['tls.key']) });
  }
  for (const { name, value } of sensitive) {
    // Helm's --set parser ends a value at a comma and reads backslashes as escapes; a PEM key has neither.
    if (/[,\\]/.test(value)) {
      throw new LinkerdConfigError(scopePath, name, 'holds a comma or a backslash, which Helm\'s set parser would split', 'give the key as plain PEM');
    }
  }

  const crdNames = new Set(crdObjects.map((o) => o.metadata.name));
  const crdsValues: Record<string, unknown> = {
    installGatewayAPI: GATEWAY_API_VALUES.some(([, names]) => names.some((n) => crdNames.has(n))),
    ...Object.fromEntries(GATEWAY_API_VALUES.map(([key, names]) => [key, names.every((n) => crdNames.has(n))])),
  };
  return {
    namespace: mesh.controlPlane.controlPlaneNamespace,
    crdsValues,
    controlPlaneValues: values,
    controlPlaneSensitiveValues: sensitive,
    extraObjects: objects.filter((o) => (groupOf(o) === '' && o.kind === 'Namespace') || CERT_MANAGER_GROUPS.has(groupOf(o))),
  };
}
