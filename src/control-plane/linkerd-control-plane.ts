import { createHash } from 'node:crypto';
import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { Container, PodSpec, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import { stringify } from 'yaml';
import { LinkerdConfigError } from '../errors';
import { BoundWebhookTls, GO_KEY_ENCODINGS, IdentityManifest, POLICY_CONTROLLER_KEY_ENCODINGS, PrivateKeyEncoding, WebhookTls } from '../identity';
import { resolveIdentity } from '../identity/resolve-identity';
import { MeshedWorkload, ProxyBuilder, prune, renderResources } from '../proxy/proxy-builder';
import { resourceValues } from '../proxy/proxy-spec';
import { InstalledControlPlane, InstalledControlPlaneProps } from '../mesh/installed-control-plane';
import { ILinkerdMesh, MeshNamespaceOptions, MeshWorkloadOptions, NamespaceMesh, WorkloadMesh } from '../mesh/mesh';
import { meshNamespace, meshWorkload } from '../mesh/meshing';
import * as check from '../validate';
import { goDurationText } from '../go-duration';
import { CREATED_BY, LINKERD_CRDS_CHART_VERSION } from '../version';
import { LinkerdControlPlaneProps } from './control-plane-props';
import { Heartbeat } from './heartbeat';
import * as rbac from './rbac';
import { LinkerdValues, resolveMeshValues, ResourceValues, trustDomainOf, WebhookValues } from './values';

/** The three admission webhooks and where each one's certificate is served from. */
interface WebhookSpec {
  readonly valuesKey: 'proxyInjector' | 'profileValidator' | 'policyValidator';
  readonly propsKey: 'proxyInjector' | 'spValidator' | 'policyValidator';
  readonly service: string;
  readonly component: string;
  /** Key encodings the serving process can load (Go's tls package vs. the Rust policy controller's rustls). */
  readonly keyEncodings: readonly PrivateKeyEncoding[];
}

const WEBHOOKS: WebhookSpec[] = [
  { valuesKey: 'proxyInjector', propsKey: 'proxyInjector', service: 'linkerd-proxy-injector', component: 'proxy-injector', keyEncodings: GO_KEY_ENCODINGS },
  { valuesKey: 'profileValidator', propsKey: 'spValidator', service: 'linkerd-sp-validator', component: 'destination', keyEncodings: GO_KEY_ENCODINGS },
  { valuesKey: 'policyValidator', propsKey: 'policyValidator', service: 'linkerd-policy-validator', component: 'destination', keyEncodings: POLICY_CONTROLLER_KEY_ENCODINGS },
];

/** A controller container: the Linkerd controller image running one sub-command. */
interface ControllerContainerSpec {
  readonly name: string;
  readonly args: string[];
  readonly command?: string[];
  readonly ports: Array<[name: string, port: number]>;
  /** Port the probes use; a name when upstream probes by name. */
  readonly probePort: number | string;
  readonly livenessPath: string;
  /** Values key holding the probe timeouts, e.g. `destinationController`. */
  readonly probeValuesKey: string;
  readonly resources?: ResourceValues;
  readonly env?: Array<{ name: string; value: string }>;
  readonly mounts?: VolumeMount[];
}

/** A controller Deployment and how its pod is meshed. */
interface ControllerDeploymentSpec {
  readonly component: string;
  readonly name: string;
  readonly serviceAccount: string;
  readonly containers: ControllerContainerSpec[];
  readonly volumes: Volume[];
  readonly mesh: Omit<MeshedWorkload, 'controlPlaneNamespace' | 'workloadKind' | 'workloadName' | 'workloadNamespace'>;
  /** Values key of the component's own pod annotations. */
  readonly podAnnotationsKey: string;
  readonly extraPodAnnotations?: Record<string, string>;
  /** Objects whose content rolls the pods when it changes (`checksum/config`). */
  readonly checksumOf?: ApiObject[];
  /** Upstream selects the injector by component alone; the others also by namespace and workload. */
  readonly selectByComponentOnly?: boolean;
  /** Values key of per-component proxy resources (e.g. `destinationProxyResources`). */
  readonly proxyResourcesKey: string;
}

/**
 * The Linkerd control plane (edge-26.8.3): identity, destination with the policy controller and
 * the ServiceProfile validator, the proxy injector, the heartbeat, their RBAC, Services and
 * webhooks, and the `linkerd-config` document the injector reads. Output is deterministic: the
 * same props give byte-identical manifests.
 */
export class LinkerdControlPlane extends Chart implements ILinkerdMesh {
  /**
   * A control plane installed elsewhere (another app, Helm, the CLI), for meshing workloads of
   * this app: give the props it was installed with (the LinkerdControlPlaneProps themselves
   * will do); only those that shape proxies are read, and nothing is emitted.
   */
  public static fromInstalled(scope: Construct, id: string, props: InstalledControlPlaneProps = {}): ILinkerdMesh {
    return new InstalledControlPlane(scope, id, props);
  }

  /** Namespace of the control plane. */
  public readonly controlPlaneNamespace: string;
  /**
   * The resolved values tree (the content of `linkerd-config`'s `values`, plus private keys
   * never written there). Returned as a copy.
   */
  public get values(): LinkerdValues {
    return structuredClone(this._values);
  }

  /** The proxy builder configured with this mesh's defaults, for meshing workloads. */
  public readonly proxyBuilder: ProxyBuilder;

  private readonly _values: LinkerdValues;
  private readonly baseLabels: Record<string, string>;

  /** Enables injection for every pod of a namespace; see `ILinkerdMesh.meshNamespace`. */
  public meshNamespace(namespace: IConstruct, options?: MeshNamespaceOptions): NamespaceMesh {
    return meshNamespace(namespace, options);
  }

  /** Meshes one workload, by annotation or statically; see `ILinkerdMesh.meshWorkload`. */
  public meshWorkload(workload: IConstruct, options?: MeshWorkloadOptions): WorkloadMesh {
    return meshWorkload(this, workload, options);
  }

  public constructor(scope: Construct, id: string, props: LinkerdControlPlaneProps) {
    super(scope, id);
    if (!props || !props.identity) {
      throw new LinkerdConfigError(this, 'identity', 'is required', 'pass identity: { trustAnchors, issuer }');
    }
    this.controlPlaneNamespace = check.dnsLabel(this, 'namespace', props.namespace ?? 'linkerd');
    const values = this.resolveValues(props);
    this._values = values;
    this.baseLabels = { 'linkerd.io/control-plane-ns': this.controlPlaneNamespace };
    this.proxyBuilder = new ProxyBuilder(values);

    const tls = this.resolveCertificates(props, values);
    if (props.createNamespace ?? true) this.renderNamespace();
    this.renderServiceAccounts();
    const webhookSecrets = this.renderWebhookSecrets(tls);
    this.renderIdentityObjects(tls.issuer);
    this.renderCertManagerObjects(tls.manifests);
    const config = this.renderConfig();
    this.renderRbac();
    this.renderServices();
    const webhookConfigs = this.renderWebhookConfigurations(tls.webhooks);
    this.renderDestination([...webhookSecrets.filter((s) => s.name !== 'linkerd-proxy-injector-k8s-tls'), ...webhookConfigs.slice(1)]);
    this.renderIdentity();
    this.renderProxyInjector([config, ...webhookSecrets.filter((s) => s.name === 'linkerd-proxy-injector-k8s-tls'), webhookConfigs[0]]);
    this.renderDisruptionBudgets();
    this.renderHeartbeat();
    this.renderPodMonitors();
  }

  // ---------------------------------------------------------------- values

  private resolveValues(props: LinkerdControlPlaneProps): LinkerdValues {
    // What shapes the proxies is resolved by the function meshing outside a control plane uses too.
    const values = resolveMeshValues(this, props);
    const trustDomain = values.identityTrustDomain;
    if (props.imagePullSecrets !== undefined) {
      values.imagePullSecrets = props.imagePullSecrets.map((name, i) => ({ name: check.dnsSubdomain(this, `imagePullSecrets[${i}]`, name) }));
    }
    if (props.controllerLogLevel !== undefined) {
      values.controllerLogLevel = check.oneOf(this, 'controllerLogLevel', props.controllerLogLevel, ['panic', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']);
    }
    if (props.controllerLogFormat !== undefined) values.controllerLogFormat = check.oneOf(this, 'controllerLogFormat', props.controllerLogFormat, ['plain', 'json']);
    if (props.policyControllerLogLevel !== undefined) values.policyController.logLevel = props.policyControllerLogLevel;

    if (props.controllerReplicas !== undefined) values.controllerReplicas = check.positiveInteger(this, 'controllerReplicas', props.controllerReplicas);
    if (props.podDisruptionBudget !== undefined) values.enablePodDisruptionBudget = props.podDisruptionBudget;
    if (props.podDisruptionBudgetMaxUnavailable !== undefined) {
      values.controller.podDisruptionBudget.maxUnavailable = check.nonNegativeInteger(this, 'podDisruptionBudgetMaxUnavailable', props.podDisruptionBudgetMaxUnavailable);
    }
    if (props.podAntiAffinity !== undefined) values.enablePodAntiAffinity = props.podAntiAffinity;
    const rolling = (values.deploymentStrategy.rollingUpdate ?? {}) as Record<string, unknown>;
    if (props.rollingUpdateMaxUnavailable !== undefined) rolling.maxUnavailable = this.intOrPercent('rollingUpdateMaxUnavailable', props.rollingUpdateMaxUnavailable);
    if (props.rollingUpdateMaxSurge !== undefined) rolling.maxSurge = this.intOrPercent('rollingUpdateMaxSurge', props.rollingUpdateMaxSurge);
    values.deploymentStrategy = { rollingUpdate: rolling };
    if (props.webhookFailurePolicy !== undefined) values.webhookFailurePolicy = check.oneOf(this, 'webhookFailurePolicy', props.webhookFailurePolicy, ['Ignore', 'Fail']);
    if (props.revisionHistoryLimit !== undefined) values.revisionHistoryLimit = check.nonNegativeInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit);

    if (props.nodeSelector !== undefined) values.nodeSelector = this.labelMap('nodeSelector', props.nodeSelector);
    if (props.tolerations !== undefined) values.tolerations = props.tolerations.map((t) => structuredClone(t));
    if (props.priorityClassName !== undefined) values.priorityClassName = check.dnsSubdomain(this, 'priorityClassName', props.priorityClassName);
    if (props.runtimeClassName !== undefined) values.runtimeClassName = check.dnsSubdomain(this, 'runtimeClassName', props.runtimeClassName);
    if (props.commonLabels !== undefined) values.commonLabels = this.labelMap('commonLabels', props.commonLabels);
    if (props.podLabels !== undefined) values.podLabels = this.labelMap('podLabels', props.podLabels);
    if (props.podAnnotations !== undefined) {
      Object.keys(props.podAnnotations).forEach((k) => check.labelKey(this, `podAnnotations.${k}`, k));
      values.podAnnotations = { ...props.podAnnotations };
    }

    const resourceKeys: Array<[keyof NonNullable<LinkerdControlPlaneProps['resources']>, string]> = [
      ['destination', 'destinationResources'], ['identity', 'identityResources'], ['proxyInjector', 'proxyInjectorResources'],
      ['spValidator', 'spValidatorResources'], ['heartbeat', 'heartbeatResources'],
    ];
    for (const [prop, key] of resourceKeys) {
      const r = props.resources?.[prop];
      if (r) values[key] = resourceValues(this, `resources.${prop}`, r);
    }
    if (props.resources?.policyController) {
      values.policyController.resources = resourceValues(this, 'resources.policyController', props.resources.policyController);
    }

    const identity = values.identity;
    if (props.identity.issuanceLifetime) {
      identity.issuer.issuanceLifetime = goDurationText(this.positive('identity.issuanceLifetime', props.identity.issuanceLifetime));
    }
    if (props.identity.clockSkewAllowance) identity.issuer.clockSkewAllowance = goDurationText(props.identity.clockSkewAllowance);

    if (props.prometheusUrl !== undefined) {
      if (!/^https?:\/\/[^\s]+$/.test(props.prometheusUrl)) {
        throw new LinkerdConfigError(this, 'prometheusUrl', `${JSON.stringify(props.prometheusUrl)} is not an http(s) URL`, 'use e.g. "http://prometheus.monitoring.svc.cluster.local:9090"');
      }
      values.prometheusUrl = props.prometheusUrl;
    }
    const heartbeat = props.heartbeat ?? Heartbeat.daily();
    const seed = `${this.controlPlaneNamespace}.${trustDomain}`;
    const schedule = heartbeat._schedule(this, 'heartbeat', seed);
    values.disableHeartBeat = schedule === undefined;
    // Upstream keeps a schedule in linkerd-config even when the CronJob is off.
    values.heartbeatSchedule = schedule ?? Heartbeat.daily()._schedule(this, 'heartbeat', seed)!;

    if (props.podMonitors) {
      const pm = props.podMonitors;
      values.podMonitor.enabled = true;
      values.podMonitor.controller.enabled = pm.controller ?? true;
      values.podMonitor.serviceMirror.enabled = pm.serviceMirror ?? true;
      values.podMonitor.proxy.enabled = pm.proxy ?? true;
      if (pm.scrapeInterval) values.podMonitor.scrapeInterval = goDurationText(pm.scrapeInterval);
      if (pm.scrapeTimeout) values.podMonitor.scrapeTimeout = goDurationText(pm.scrapeTimeout);
      if (pm.labels) values.podMonitor.labels = this.labelMap('podMonitors.labels', pm.labels);
    }
    if (props.proxyInjector?.timeoutSeconds !== undefined) {
      const t = props.proxyInjector.timeoutSeconds;
      if (!Number.isInteger(t) || t < 1 || t > 30) {
        throw new LinkerdConfigError(this, 'proxyInjector.timeoutSeconds', `${t} is not between 1 and 30`, 'Kubernetes allows admission timeouts of 1 to 30 seconds');
      }
      values.proxyInjector.timeoutSeconds = t;
    }
    return values;
  }

  private positive(field: string, d: Duration): Duration {
    if (!(d.toMilliseconds() > 0)) {
      throw new LinkerdConfigError(this, field, `${d.toMilliseconds()}ms is not a positive duration`, 'use a duration longer than zero, e.g. Duration.hours(24)');
    }
    return d;
  }

  private intOrPercent(field: string, value: number | string): number | string {
    if (typeof value === 'number') return check.nonNegativeInteger(this, field, value);
    if (!/^\d{1,3}%$/.test(value) || Number(value.slice(0, -1)) > 100) {
      throw new LinkerdConfigError(this, field, `${JSON.stringify(value)} is neither a count nor a percentage`, 'use a whole number or a percentage such as "25%"');
    }
    return value;
  }

  private labelMap(field: string, map: Record<string, string>): Record<string, string> {
    for (const [k, v] of Object.entries(map)) {
      check.labelKey(this, `${field}.${k}`, k);
      check.labelValue(this, `${field}.${k}`, v);
    }
    return { ...map };
  }

  // ---------------------------------------------------------------- certificates

  private resolveCertificates(props: LinkerdControlPlaneProps, values: LinkerdValues) {
    const ns = this.controlPlaneNamespace;
    const identity = resolveIdentity(this, props.identity, {
      keyMaterial: props.keyMaterial,
      namespace: ns,
      trustDomain: trustDomainOf(values),
      issuanceLifetime: props.identity.issuanceLifetime ?? Duration.hours(24),
      clockSkewAllowance: props.identity.clockSkewAllowance ?? Duration.seconds(20),
    });
    const { anchors, issuer } = identity;
    values.identityTrustAnchorsPEM = anchors.pem;
    values.identity.externalCA = identity.externalCA;
    values.identity.issuer.scheme = issuer.scheme;
    values.identity.issuer.tls.crtPEM = issuer.certificatePem ?? '';
    const generatedKeys: string[] = issuer.generated && issuer.privateKeyPem ? [`Secret ${ns}/linkerd-identity-issuer (key.pem)`] : [];
    const manifests: IdentityManifest[] = [...identity.manifests];
    const webhooks = new Map<string, BoundWebhookTls>();
    for (const spec of WEBHOOKS) {
      const source = props[spec.propsKey]?.tls ?? WebhookTls.generated();
      const bound = source.bind(this, { field: `${spec.propsKey}.tls`, serviceName: spec.service, namespace: ns, keyMaterial: props.keyMaterial, acceptedKeyEncodings: spec.keyEncodings });
      webhooks.set(spec.valuesKey, bound);
      if (bound.generated && bound.secret) generatedKeys.push(`Secret ${ns}/${spec.service}-k8s-tls (tls.key)`);
      manifests.push(...(bound.manifests ?? []).map((m) => ({ ...m, component: m.component ?? (m.kind === 'Certificate' ? spec.component : undefined) })));
      const wv = values[spec.valuesKey] as WebhookValues;
      wv.externalSecret = bound.secret === undefined;
      wv.injectCaFrom = bound.injectCaFrom ?? '';
      wv.injectCaFromSecret = bound.injectCaFromSecret ?? '';
      // Upstream keeps a caBundle value only when it was given explicitly; a generated cert is its own bundle.
      wv.caBundle = bound.secret === undefined ? bound.caBundlePem ?? '' : '';
      wv.crtPEM = '';
    }
    if (generatedKeys.length > 0 && props.emitGeneratedPrivateKeys !== true) {
      throw new LinkerdConfigError(this, 'emitGeneratedPrivateKeys',
        `is not set, but the output would hold private keys generated from keyMaterial: ${generatedKeys.join(', ')}`,
        'set emitGeneratedPrivateKeys: true to acknowledge it and keep the output out of Git (README, "Keys and Git"), '
        + 'or let cert-manager issue them (IssuerCertificate.issuedByCertManager, WebhookTls.issuedByCertManager) so that no key is emitted');
    }
    return { anchors, issuer, webhooks, manifests: this.uniqueManifests(manifests) };
  }

  /** The same Issuer may serve several Certificates: keep one copy, and fail on two different objects of one name. */
  private uniqueManifests(manifests: IdentityManifest[]): IdentityManifest[] {
    const byKey = new Map<string, IdentityManifest>();
    for (const m of manifests) {
      const key = `${m.apiVersion.split('/')[0]}/${m.kind}/${m.namespace ?? ''}/${m.name}`;
      const seen = byKey.get(key);
      if (seen === undefined) {
        byKey.set(key, m);
      } else if (JSON.stringify(seen.body) !== JSON.stringify(m.body)) {
        throw new LinkerdConfigError(this, 'identity', `two different ${m.kind} objects would both be named ${m.namespace ? `${m.namespace}/` : ''}${m.name}`,
          'give the cert-manager issuers of the identity issuer and of the webhooks different names, or use the same issuer for both');
      }
    }
    return [...byKey.values()];
  }

  // ---------------------------------------------------------------- objects

  private obj(id: string, apiVersion: string, kind: string, metadata: Record<string, unknown>, body: Record<string, unknown>): ApiObject {
    const labels = { ...(metadata.labels as Record<string, string> | undefined), ...this._values.commonLabels };
    return new ApiObject(this, id, prune({ apiVersion, kind, metadata: { ...metadata, labels }, ...body }));
  }

  private componentMeta(name: string, component: string | undefined, options: { namespaced?: boolean; createdBy?: boolean; partOf?: boolean } = {}) {
    return {
      name,
      namespace: options.namespaced === false ? undefined : this.controlPlaneNamespace,
      labels: {
        ...(options.partOf ? { 'app.kubernetes.io/part-of': 'Linkerd' } : {}),
        ...(component ? { 'linkerd.io/control-plane-component': component } : {}),
        ...this.baseLabels,
      },
      annotations: options.createdBy === false ? undefined : { 'linkerd.io/created-by': CREATED_BY },
    };
  }

  private renderNamespace(): void {
    this.obj('namespace', 'v1', 'Namespace', {
      name: this.controlPlaneNamespace,
      annotations: { 'linkerd.io/inject': 'disabled' },
      labels: {
        'linkerd.io/is-control-plane': 'true',
        'config.linkerd.io/admission-webhooks': 'disabled',
        ...this.baseLabels,
        // proxy-init needs NET_ADMIN; with the CNI plugin every pod passes the restricted profile.
        'pod-security.kubernetes.io/enforce': this._values.cniEnabled ? 'restricted' : 'privileged',
      },
    }, {});
  }

  private renderServiceAccounts(): void {
    const accounts: Array<[string, string]> = [
      ['linkerd-destination', 'destination'],
      ...(this._values.disableHeartBeat ? [] : [['linkerd-heartbeat', 'heartbeat'] as [string, string]]),
      ['linkerd-identity', 'identity'],
      ['linkerd-proxy-injector', 'proxy-injector'],
    ];
    for (const [name, component] of accounts) {
      this.obj(`sa-${component}`, 'v1', 'ServiceAccount', this.componentMeta(name, component, { createdBy: false }), {
        imagePullSecrets: this._values.imagePullSecrets,
      });
    }
  }

  private renderWebhookSecrets(tls: ReturnType<LinkerdControlPlane['resolveCertificates']>): ApiObject[] {
    const secrets: ApiObject[] = [];
    for (const spec of WEBHOOKS) {
      const bound = tls.webhooks.get(spec.valuesKey)!;
      if (!bound.secret) continue;
      secrets.push(this.obj(`secret-${spec.service}`, 'v1', 'Secret', this.componentMeta(`${spec.service}-k8s-tls`, spec.component), {
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(bound.secret.certificatePem.trim()), 'tls.key': b64(bound.secret.privateKeyPem.trim()) },
      }));
    }
    return secrets;
  }

  private renderIdentityObjects(issuer: { scheme: string; certificatePem?: string; privateKeyPem?: string }): void {
    if (issuer.scheme === 'linkerd.io/tls' && issuer.certificatePem && issuer.privateKeyPem) {
      this.obj('identity-issuer', 'v1', 'Secret', this.componentMeta('linkerd-identity-issuer', 'identity'), {
        data: { 'crt.pem': b64(issuer.certificatePem.trim()), 'key.pem': b64(issuer.privateKeyPem.trim()) },
      });
    }
    if (!this._values.identity.externalCA) {
      this.obj('identity-trust-roots', 'v1', 'ConfigMap', this.componentMeta('linkerd-identity-trust-roots', 'identity'), {
        data: { 'ca-bundle.crt': this._values.identityTrustAnchorsPEM.trim() },
      });
    }
  }

  /** cert-manager Issuers and Certificates, and the trust-manager Bundle, that the identity sources ask for. */
  private renderCertManagerObjects(manifests: IdentityManifest[]): void {
    for (const m of manifests) {
      const meta = this.componentMeta(m.name, m.component, { namespaced: m.namespace !== undefined });
      const labels = { ...meta.labels, ...this._values.commonLabels };
      // The body is used as built: an empty `selfSigned: {}` is what makes a self-signed Issuer.
      new ApiObject(this, `${m.kind.toLowerCase()}-${m.namespace ?? 'cluster'}-${m.name}`, {
        apiVersion: m.apiVersion,
        kind: m.kind,
        metadata: prune({ ...meta, namespace: m.namespace, labels }),
        ...structuredClone(m.body),
      });
    }
  }

  private renderConfig(): ApiObject {
    const document = structuredClone(this._values);
    return this.obj('config', 'v1', 'ConfigMap', this.componentMeta('linkerd-config', 'controller'), {
      data: {
        'linkerd-crds-chart-version': LINKERD_CRDS_CHART_VERSION,
        // YAML 1.1, as the injector's Go decoder reads it: strings such as "off" must stay quoted.
        values: stringify(document, { sortMapEntries: true, lineWidth: 0, version: '1.1' }),
      },
    });
  }

  private renderRbac(): void {
    const ns = this.controlPlaneNamespace;
    const clusterRole = (id: string, name: string, component: string | undefined, rules: rbac.RbacRule[], partOf = false) =>
      this.obj(`cr-${id}`, 'rbac.authorization.k8s.io/v1', 'ClusterRole', this.componentMeta(name, component, { namespaced: false, createdBy: false, partOf }), { rules });
    const role = (id: string, name: string, component: string | undefined, rules: rbac.RbacRule[], options: { partOf?: boolean; createdBy?: boolean } = {}) =>
      this.obj(`role-${id}`, 'rbac.authorization.k8s.io/v1', 'Role', this.componentMeta(name, component, { createdBy: options.createdBy ?? false, partOf: options.partOf }), { rules });
    const binding = (id: string, kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, component: string | undefined, roleKind: string, roleName: string, sa: string, partOf = false) =>
      this.obj(`${kind === 'RoleBinding' ? 'rb' : 'crb'}-${id}`, 'rbac.authorization.k8s.io/v1', kind,
        this.componentMeta(name, component, { namespaced: kind === 'RoleBinding', createdBy: false, partOf }), {
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
          subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
        });

    clusterRole('destination', `linkerd-${ns}-destination`, 'destination', rbac.DESTINATION_RULES);
    binding('destination', 'ClusterRoleBinding', `linkerd-${ns}-destination`, 'destination', 'ClusterRole', `linkerd-${ns}-destination`, 'linkerd-destination');
    clusterRole('policy', 'linkerd-policy', 'destination', rbac.POLICY_RULES, true);
    binding('policy', 'ClusterRoleBinding', 'linkerd-destination-policy', 'destination', 'ClusterRole', 'linkerd-policy', 'linkerd-destination', true);
    role('remote-discovery', 'remote-discovery', 'destination', rbac.REMOTE_DISCOVERY_RULES, { partOf: true });
    binding('remote-discovery', 'RoleBinding', 'linkerd-destination-remote-discovery', 'destination', 'Role', 'remote-discovery', 'linkerd-destination', true);
    clusterRole('identity', `linkerd-${ns}-identity`, 'identity', rbac.IDENTITY_RULES);
    binding('identity', 'ClusterRoleBinding', `linkerd-${ns}-identity`, 'identity', 'ClusterRole', `linkerd-${ns}-identity`, 'linkerd-identity');
    clusterRole('proxy-injector', `linkerd-${ns}-proxy-injector`, 'proxy-injector', rbac.PROXY_INJECTOR_RULES);
    binding('proxy-injector', 'ClusterRoleBinding', `linkerd-${ns}-proxy-injector`, 'proxy-injector', 'ClusterRole', `linkerd-${ns}-proxy-injector`, 'linkerd-proxy-injector');
    role('config-reader', 'ext-namespace-metadata-linkerd-config', undefined, rbac.CONFIG_READER_RULES, { createdBy: true });
    if (!this._values.disableHeartBeat) {
      clusterRole('heartbeat', 'linkerd-heartbeat', undefined, rbac.HEARTBEAT_CLUSTER_RULES);
      binding('heartbeat', 'ClusterRoleBinding', 'linkerd-heartbeat', undefined, 'ClusterRole', 'linkerd-heartbeat', 'linkerd-heartbeat');
      role('heartbeat', 'linkerd-heartbeat', undefined, rbac.CONFIG_READER_RULES);
      binding('heartbeat', 'RoleBinding', 'linkerd-heartbeat', undefined, 'Role', 'linkerd-heartbeat', 'linkerd-heartbeat');
    }
  }

  private renderServices(): void {
    const services: Array<{ name: string; component: string; port: number; portName: string; target: number | string; headless?: boolean; annotations?: Record<string, string> }> = [
      { name: 'linkerd-dst', component: 'destination', port: 8086, portName: 'grpc', target: 8086 },
      { name: 'linkerd-dst-headless', component: 'destination', port: 8086, portName: 'grpc', target: 8086, headless: true },
      { name: 'linkerd-sp-validator', component: 'destination', port: 443, portName: 'sp-validator', target: 'sp-validator' },
      { name: 'linkerd-policy', component: 'destination', port: 8090, portName: 'grpc', target: 8090, headless: true },
      { name: 'linkerd-policy-validator', component: 'destination', port: 443, portName: 'policy-https', target: 'policy-https' },
      { name: 'linkerd-identity', component: 'identity', port: 8080, portName: 'grpc', target: 8080 },
      { name: 'linkerd-identity-headless', component: 'identity', port: 8080, portName: 'grpc', target: 8080, headless: true },
      // The injector speaks TLS on 443; opaque so proxies do not try to detect a protocol on it.
      { name: 'linkerd-proxy-injector', component: 'proxy-injector', port: 443, portName: 'proxy-injector', target: 'proxy-injector', annotations: { 'config.linkerd.io/opaque-ports': '443' } },
    ];
    for (const s of services) {
      const meta = this.componentMeta(s.name, s.component);
      this.obj(`svc-${s.name}`, 'v1', 'Service', { ...meta, annotations: { ...meta.annotations, ...s.annotations } }, {
        spec: {
          ...(s.headless ? { clusterIP: 'None' } : { type: 'ClusterIP' }),
          selector: { 'linkerd.io/control-plane-component': s.component },
          ports: [{ name: s.portName, port: s.port, targetPort: s.target }],
        },
      });
    }
  }

  private renderWebhookConfigurations(webhooks: Map<string, BoundWebhookTls>): ApiObject[] {
    const v = this._values;
    const ns = this.controlPlaneNamespace;
    const shapes: Record<WebhookSpec['valuesKey'], { kind: string; configName: string; rules: unknown[]; extra?: Record<string, unknown> }> = {
      proxyInjector: {
        kind: 'MutatingWebhookConfiguration',
        configName: 'linkerd-proxy-injector-webhook-config',
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'services'], scope: 'Namespaced' }],
        extra: { objectSelector: structuredClone(v.proxyInjector.objectSelector), timeoutSeconds: v.proxyInjector.timeoutSeconds },
      },
      profileValidator: {
        kind: 'ValidatingWebhookConfiguration',
        configName: 'linkerd-sp-validator-webhook-config',
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['linkerd.io'], apiVersions: ['v1alpha1', 'v1alpha2'], resources: ['serviceprofiles'] }],
      },
      policyValidator: {
        kind: 'ValidatingWebhookConfiguration',
        configName: 'linkerd-policy-validator-webhook-config',
        rules: [
          { operations: ['CREATE', 'UPDATE'], apiGroups: ['policy.linkerd.io'], apiVersions: ['*'], resources: rbac.POLICY_VALIDATED_KINDS },
          { operations: ['CREATE', 'UPDATE'], apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['*'], resources: rbac.GATEWAY_ROUTE_KINDS },
        ],
      },
    };
    return WEBHOOKS.map((spec) => {
      const shape = shapes[spec.valuesKey];
      const bound = webhooks.get(spec.valuesKey)!;
      const caBundlePem = bound.secret ? bound.caBundlePem ?? bound.secret.certificatePem : bound.caBundlePem;
      const annotations: Record<string, string> = {};
      if (bound.injectCaFrom) annotations['cert-manager.io/inject-ca-from'] = bound.injectCaFrom;
      if (bound.injectCaFromSecret) annotations['cert-manager.io/inject-ca-from-secret'] = bound.injectCaFromSecret;
      const meta = this.componentMeta(shape.configName, spec.component, { namespaced: false, createdBy: false });
      return this.obj(`webhook-${spec.service}`, 'admissionregistration.k8s.io/v1', shape.kind, { ...meta, annotations }, {
        webhooks: [{
          name: `${spec.service}.linkerd.io`,
          namespaceSelector: structuredClone((v[spec.valuesKey] as WebhookValues).namespaceSelector),
          ...(shape.extra?.objectSelector ? { objectSelector: shape.extra.objectSelector } : {}),
          clientConfig: {
            service: { name: spec.service, namespace: ns, path: '/' },
            caBundle: caBundlePem ? b64(caBundlePem) : undefined,
          },
          failurePolicy: v.webhookFailurePolicy,
          admissionReviewVersions: ['v1', 'v1beta1'],
          rules: shape.rules,
          sideEffects: 'None',
          ...(shape.extra?.timeoutSeconds ? { timeoutSeconds: shape.extra.timeoutSeconds } : {}),
        }],
      });
    });
  }

  // ---------------------------------------------------------------- controllers

  private controllerImage(): { image: string; imagePullPolicy: string } {
    const v = this._values;
    return { image: `${v.controllerImage}:${v.controllerImageVersion || v.linkerdVersion}`, imagePullPolicy: v.imagePullPolicy };
  }

  private controllerSecurityContext() {
    const v = this._values;
    return {
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: v.controllerUID,
      runAsGroup: v.controllerGID >= 0 ? v.controllerGID : undefined,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  private controllerContainer(spec: ControllerContainerSpec): Container {
    const probes = (this._values[spec.probeValuesKey] ?? {}) as { livenessProbe?: { timeoutSeconds?: number }; readinessProbe?: { timeoutSeconds?: number } };
    return {
      ...(spec.command ? { command: spec.command } : {}),
      args: spec.args,
      env: spec.env,
      ...this.controllerImage(),
      livenessProbe: {
        httpGet: { path: spec.livenessPath, port: spec.probePort },
        initialDelaySeconds: 10,
        timeoutSeconds: probes.livenessProbe?.timeoutSeconds,
      },
      name: spec.name,
      ports: spec.ports.map(([name, containerPort]) => ({ containerPort, name })),
      readinessProbe: {
        failureThreshold: 7,
        httpGet: { path: '/ready', port: spec.probePort },
        timeoutSeconds: probes.readinessProbe?.timeoutSeconds,
      },
      resources: renderResources(spec.resources),
      securityContext: this.controllerSecurityContext(),
      volumeMounts: [...(spec.mounts ?? []), KUBE_API_ACCESS_MOUNT],
    };
  }

  private controllerDeployment(spec: ControllerDeploymentSpec): ApiObject {
    const v = this._values;
    const ns = this.controlPlaneNamespace;
    const values = structuredClone(v);
    // Per-component proxy resources replace the mesh-wide ones for this pod only.
    const proxyResources = v[spec.proxyResourcesKey] as ResourceValues | undefined;
    if (proxyResources) values.proxy.resources = { ...values.proxy.resources, ...proxyResources };
    values.proxy.waitBeforeExitSeconds = 0;
    values.proxy.defaultInboundPolicy = 'all-unauthenticated';
    values.proxy.outboundDiscoveryCacheUnusedTimeout = '5s';
    values.proxy.inboundDiscoveryCacheUnusedTimeout = '90s';
    // Controllers reach the API server before their proxy is up, so those ports always bypass it.
    values.proxyInit.ignoreOutboundPorts = v.proxyInit.kubeAPIServerPorts;
    if (spec.component === 'identity') {
      // Identity issues the proxy its own certificate, so the proxy cannot gate the controller.
      values.proxy.nativeSidecar = false;
      values.proxy.await = false;
    }
    const parts = new ProxyBuilder(values).build({
      controlPlaneNamespace: ns,
      workloadKind: 'deployment',
      workloadName: spec.name,
      workloadNamespace: ns,
      loadTrustBundleFromConfigMap: true,
      capabilities: { drop: ['ALL'] },
      ...spec.mesh,
    });
    const appContainers = spec.containers.map((c) => this.controllerContainer(c));
    const containers = parts.classicProxy
      ? (parts.classicProxy.placement === 'first' ? [parts.classicProxy.container, ...appContainers] : [...appContainers, parts.classicProxy.container])
      : appContainers;

    const selector = spec.selectByComponentOnly
      ? { 'linkerd.io/control-plane-component': spec.component }
      : { 'linkerd.io/control-plane-component': spec.component, 'linkerd.io/control-plane-ns': ns, [`linkerd.io/proxy-deployment`]: spec.name };
    const componentPodAnnotations = ((v[spec.podAnnotationsKey] as { podAnnotations?: Record<string, string> } | undefined)?.podAnnotations) ?? {};
    const checksum = spec.checksumOf?.length
      ? { 'checksum/config': createHash('sha256').update(JSON.stringify(spec.checksumOf.map((o) => o.toJson()))).digest('hex') }
      : {};
    const podSpec: PodSpec = {
      runtimeClassName: v.runtimeClassName || undefined,
      tolerations: v.tolerations as PodSpec['tolerations'],
      nodeSelector: v.nodeSelector,
      affinity: v.enablePodAntiAffinity ? antiAffinity(spec.component) : undefined,
      automountServiceAccountToken: false,
      containers,
      initContainers: parts.initContainers,
      priorityClassName: v.priorityClassName || undefined,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      serviceAccountName: spec.serviceAccount,
      volumes: [...spec.volumes, KUBE_API_ACCESS_VOLUME, ...parts.volumes],
    };
    return this.obj(`deploy-${spec.component}`, 'apps/v1', 'Deployment', {
      annotations: { 'linkerd.io/created-by': CREATED_BY },
      labels: {
        'app.kubernetes.io/name': spec.component,
        'app.kubernetes.io/part-of': 'Linkerd',
        'app.kubernetes.io/version': v.linkerdVersion,
        'linkerd.io/control-plane-component': spec.component,
        ...this.baseLabels,
      },
      name: spec.name,
      namespace: ns,
    }, {
      spec: {
        replicas: v.controllerReplicas,
        revisionHistoryLimit: v.revisionHistoryLimit,
        selector: { matchLabels: selector },
        strategy: v.deploymentStrategy,
        template: {
          metadata: {
            annotations: {
              ...checksum,
              ...parts.annotations,
              ...v.podAnnotations,
              ...componentPodAnnotations,
              ...spec.extraPodAnnotations,
              'config.linkerd.io/default-inbound-policy': 'all-unauthenticated',
            },
            labels: { 'linkerd.io/control-plane-component': spec.component, ...parts.labels, ...v.podLabels },
          },
          spec: podSpec,
        },
      },
    });
  }

  private renderDestination(checksumOf: ApiObject[]): void {
    const v = this._values;
    const ns = this.controlPlaneNamespace;
    const any = v.disableIPv6 ? '0.0.0.0' : '[::]';
    const td = trustDomainOf(v);
    const logArgs = [`-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`];
    const dc = v.destinationController as { meshedHttp2ClientProtobuf?: unknown };
    this.controllerDeployment({
      component: 'destination',
      name: 'linkerd-destination',
      serviceAccount: 'linkerd-destination',
      podAnnotationsKey: 'destinationController',
      proxyResourcesKey: 'destinationProxyResources',
      checksumOf,
      mesh: { podInboundPorts: '8086,8090,8443,9443,9990,9996,9997', servesDestination: true, classicProxyPlacement: 'first' },
      containers: [
        {
          name: 'destination',
          args: [
            'destination', '-addr=:8086', `-controller-namespace=${ns}`,
            `-outbound-transport-mode=${v.proxy.outboundTransportMode}`, `-enable-h2-upgrade=${v.enableH2Upgrade}`,
            ...logArgs, `-enable-endpoint-slices=${v.enableEndpointSlices}`, `-cluster-domain=${v.clusterDomain}`,
            `-identity-trust-domain=${td}`, `-default-opaque-ports=${v.proxy.opaquePorts}`,
            `-enable-ipv6=${!v.disableIPv6}`, `-enable-pprof=${v.enablePprof}`,
            ...(dc.meshedHttp2ClientProtobuf ? [`--meshed-http2-client-params=${JSON.stringify(dc.meshedHttp2ClientProtobuf)}`] : []),
          ],
          ports: [['dest-grpc', 8086], ['dest-admin', 9996]],
          probePort: 9996,
          livenessPath: '/ping',
          probeValuesKey: 'destinationController',
          resources: v.destinationResources as ResourceValues | undefined,
        },
        {
          name: 'sp-validator',
          args: ['sp-validator', ...logArgs, `-enable-pprof=${v.enablePprof}`],
          ports: [['sp-validator', 8443], ['spval-admin', 9997]],
          probePort: 9997,
          livenessPath: '/ping',
          probeValuesKey: 'spValidator',
          resources: v.spValidatorResources as ResourceValues | undefined,
          mounts: [{ mountPath: '/var/run/linkerd/tls', name: 'sp-tls', readOnly: true }],
        },
        {
          name: 'policy',
          command: ['/linkerd-policy-controller'],
          args: [
            `--admin-addr=${any}:9990`, `--control-plane-namespace=${ns}`, `--grpc-addr=${any}:8090`,
            `--server-addr=${any}:9443`, '--server-tls-key=/var/run/linkerd/tls/tls.key',
            '--server-tls-certs=/var/run/linkerd/tls/tls.crt', `--cluster-networks=${v.clusterNetworks}`,
            `--identity-domain=${td}`, `--cluster-domain=${v.clusterDomain}`,
            `--default-policy=${v.proxy.defaultInboundPolicy}`, `--log-level=${v.policyController.logLevel || 'linkerd=info,warn'}`,
            `--log-format=${v.controllerLogFormat}`, `--default-opaque-ports=${v.proxy.opaquePorts}`,
            `--global-egress-network-namespace=${(v.egress as { globalEgressNetworkNamespace: string }).globalEgressNetworkNamespace}`,
            ...(v.policyController.probeNetworks.length ? [`--probe-networks=${v.policyController.probeNetworks.join(',')}`] : []),
          ],
          ports: [['policy-grpc', 8090], ['policy-admin', 9990], ['policy-https', 9443]],
          probePort: 'policy-admin',
          livenessPath: '/live',
          probeValuesKey: 'policyController',
          resources: v.policyController.resources,
          mounts: [{ mountPath: '/var/run/linkerd/tls', name: 'policy-tls', readOnly: true }],
        },
      ],
      volumes: [
        { name: 'sp-tls', secret: { secretName: 'linkerd-sp-validator-k8s-tls' } },
        { name: 'policy-tls', secret: { secretName: 'linkerd-policy-validator-k8s-tls' } },
      ],
    });
  }

  private renderIdentity(): void {
    const v = this._values;
    const issuer = v.identity.issuer;
    const kubeAPI = v.identity.kubeAPI as { clientQPS: number; clientBurst: number };
    this.controllerDeployment({
      component: 'identity',
      name: 'linkerd-identity',
      serviceAccount: 'linkerd-identity',
      podAnnotationsKey: 'identity',
      proxyResourcesKey: 'identityProxyResources',
      mesh: {
        podInboundPorts: '8080,9990',
        servesIdentity: true,
        requireTLSOnInboundPorts: '8080',
        classicProxyPlacement: 'last',
      },
      containers: [{
        name: 'identity',
        args: [
          'identity', `-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`,
          `-controller-namespace=${this.controlPlaneNamespace}`, `-identity-trust-domain=${trustDomainOf(v)}`,
          `-identity-issuance-lifetime=${issuer.issuanceLifetime}`, `-identity-clock-skew-allowance=${issuer.clockSkewAllowance}`,
          `-identity-scheme=${issuer.scheme}`, `-enable-pprof=${v.enablePprof}`,
          `-kube-apiclient-qps=${kubeAPI.clientQPS}`, `-kube-apiclient-burst=${kubeAPI.clientBurst}`,
        ],
        env: [{ name: 'LINKERD_DISABLED', value: 'linkerd-await cannot block the identity controller' }],
        ports: [['ident-grpc', 8080], ['ident-admin', 9990]],
        probePort: 9990,
        livenessPath: '/ping',
        probeValuesKey: 'identity',
        resources: v.identityResources as ResourceValues | undefined,
        mounts: [
          { mountPath: '/var/run/linkerd/identity/issuer', name: 'identity-issuer' },
          { mountPath: '/var/run/linkerd/identity/trust-roots/', name: 'trust-roots' },
        ],
      }],
      volumes: [
        { name: 'identity-issuer', secret: { secretName: 'linkerd-identity-issuer' } },
        { configMap: { name: 'linkerd-identity-trust-roots' }, name: 'trust-roots' },
      ],
    });
  }

  private renderProxyInjector(checksumOf: ApiObject[]): void {
    const v = this._values;
    this.controllerDeployment({
      component: 'proxy-injector',
      name: 'linkerd-proxy-injector',
      serviceAccount: 'linkerd-proxy-injector',
      podAnnotationsKey: 'proxyInjector',
      proxyResourcesKey: 'proxyInjectorProxyResources',
      checksumOf,
      selectByComponentOnly: true,
      extraPodAnnotations: { 'config.linkerd.io/opaque-ports': '8443' },
      mesh: { podInboundPorts: '8443,9995', classicProxyPlacement: 'first' },
      containers: [{
        name: 'proxy-injector',
        args: ['proxy-injector', `-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`, `-linkerd-namespace=${this.controlPlaneNamespace}`, `-enable-pprof=${v.enablePprof}`],
        ports: [['proxy-injector', 8443], ['injector-admin', 9995]],
        probePort: 9995,
        livenessPath: '/ping',
        probeValuesKey: 'proxyInjector',
        resources: v.proxyInjectorResources as ResourceValues | undefined,
        mounts: [
          { mountPath: '/var/run/linkerd/config', name: 'config' },
          { mountPath: '/var/run/linkerd/identity/trust-roots', name: 'trust-roots' },
          { mountPath: '/var/run/linkerd/tls', name: 'tls', readOnly: true },
        ],
      }],
      volumes: [
        { configMap: { name: 'linkerd-config' }, name: 'config' },
        { configMap: { name: 'linkerd-identity-trust-roots' }, name: 'trust-roots' },
        { name: 'tls', secret: { secretName: 'linkerd-proxy-injector-k8s-tls' } },
      ],
    });
  }

  private renderDisruptionBudgets(): void {
    const v = this._values;
    if (!v.enablePodDisruptionBudget) return;
    for (const [name, component] of [['linkerd-dst', 'destination'], ['linkerd-identity', 'identity'], ['linkerd-proxy-injector', 'proxy-injector']]) {
      this.obj(`pdb-${component}`, 'policy/v1', 'PodDisruptionBudget', this.componentMeta(name, component), {
        spec: {
          maxUnavailable: v.controller.podDisruptionBudget.maxUnavailable,
          selector: { matchLabels: { 'linkerd.io/control-plane-component': component } },
        },
      });
    }
  }

  private renderHeartbeat(): void {
    const v = this._values;
    if (v.disableHeartBeat) return;
    this.obj('heartbeat', 'batch/v1', 'CronJob', {
      name: 'linkerd-heartbeat',
      namespace: this.controlPlaneNamespace,
      labels: {
        'app.kubernetes.io/name': 'heartbeat',
        'app.kubernetes.io/part-of': 'Linkerd',
        'app.kubernetes.io/version': v.linkerdVersion,
        'linkerd.io/control-plane-component': 'heartbeat',
        ...this.baseLabels,
      },
      annotations: { 'linkerd.io/created-by': CREATED_BY },
    }, {
      spec: {
        concurrencyPolicy: 'Replace',
        schedule: v.heartbeatSchedule,
        successfulJobsHistoryLimit: 0,
        jobTemplate: {
          spec: {
            template: {
              metadata: {
                labels: { 'linkerd.io/control-plane-component': 'heartbeat', 'linkerd.io/workload-ns': this.controlPlaneNamespace, ...v.podLabels },
                annotations: { 'linkerd.io/created-by': CREATED_BY, ...v.podAnnotations },
              },
              spec: {
                nodeSelector: v.nodeSelector,
                priorityClassName: v.priorityClassName || undefined,
                runtimeClassName: v.runtimeClassName || undefined,
                tolerations: v.tolerations,
                securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
                serviceAccountName: 'linkerd-heartbeat',
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                containers: [{
                  name: 'heartbeat',
                  ...this.controllerImage(),
                  env: [{ name: 'LINKERD_DISABLED', value: 'the heartbeat controller does not use the proxy' }],
                  args: [
                    'heartbeat', `-controller-namespace=${this.controlPlaneNamespace}`,
                    `-log-level=${v.controllerLogLevel}`, `-log-format=${v.controllerLogFormat}`,
                    `-prometheus-url=${v.prometheusUrl || `http://prometheus.linkerd-viz.svc.${v.clusterDomain}:9090`}`,
                  ],
                  resources: renderResources(v.heartbeatResources as ResourceValues | undefined),
                  securityContext: this.controllerSecurityContext(),
                  volumeMounts: [KUBE_API_ACCESS_MOUNT],
                }],
                volumes: [KUBE_API_ACCESS_VOLUME],
              },
            },
          },
        },
      },
    });
  }

  private renderPodMonitors(): void {
    const v = this._values;
    const pm = v.podMonitor;
    if (!pm.enabled) return;
    const keepAdmin = { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], action: 'drop', regex: 'linkerd-admin' };
    const componentLabel = { sourceLabels: ['__meta_kubernetes_pod_container_name'], action: 'replace', targetLabel: 'component' };
    const monitors: Array<{ enabled: boolean; name: string; honorTimestamps: boolean; namespaceSelector: unknown; relabelings: unknown[] }> = [
      {
        enabled: pm.controller.enabled,
        name: 'linkerd-controller',
        honorTimestamps: pm.controller.honorTimestamps,
        namespaceSelector: { matchNames: [this.controlPlaneNamespace, 'linkerd-viz'] },
        relabelings: [
          { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: '.*-admin$' },
          keepAdmin, componentLabel,
        ],
      },
      {
        enabled: pm.serviceMirror.enabled,
        name: 'linkerd-multicluster-controller',
        honorTimestamps: pm.serviceMirror.honorTimestamps,
        namespaceSelector: { any: true },
        relabelings: [
          {
            sourceLabels: ['__meta_kubernetes_pod_label_linkerd_io_control_plane_component', '__meta_kubernetes_pod_container_port_name'],
            action: 'keep',
            regex: '(linkerd-service-mirror|controller);.*-admin$',
          },
          keepAdmin, componentLabel,
        ],
      },
      {
        enabled: pm.proxy.enabled,
        name: 'linkerd-proxy',
        honorTimestamps: pm.proxy.honorTimestamps,
        namespaceSelector: { any: true },
        relabelings: PROXY_RELABELINGS(this.controlPlaneNamespace),
      },
    ];
    for (const m of monitors.filter((x) => x.enabled)) {
      this.obj(`podmonitor-${m.name}`, 'monitoring.coreos.com/v1', 'PodMonitor', {
        name: m.name,
        namespace: this.controlPlaneNamespace,
        labels: { ...this.baseLabels, ...pm.labels },
        annotations: { 'linkerd.io/created-by': CREATED_BY },
      }, {
        spec: {
          namespaceSelector: m.namespaceSelector,
          selector: { matchLabels: {} },
          podMetricsEndpoints: [{ interval: pm.scrapeInterval, scrapeTimeout: pm.scrapeTimeout, honorTimestamps: m.honorTimestamps, relabelings: m.relabelings }],
        },
      });
    }
  }
}

/** Relabelings that turn proxy metrics' pod labels into Prometheus labels, as upstream's proxy PodMonitor does. */
function PROXY_RELABELINGS(ns: string): unknown[] {
  const labelmap = (regex: string, replacement?: string) => ({ action: 'labelmap', regex, ...(replacement ? { replacement } : {}) });
  const labeldrop = (regex: string) => ({ action: 'labeldrop', regex });
  const copy = (source: string, target: string) => ({ sourceLabels: [source], action: 'replace', targetLabel: target });
  return [
    {
      sourceLabels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name', '__meta_kubernetes_pod_label_linkerd_io_control_plane_ns'],
      action: 'keep',
      regex: `^linkerd-proxy;linkerd-admin;${ns}$`,
    },
    copy('__meta_kubernetes_namespace', 'namespace'),
    copy('__meta_kubernetes_pod_name', 'pod'),
    copy('__meta_kubernetes_pod_label_linkerd_io_proxy_job', 'k8s_job'),
    labeldrop('__meta_kubernetes_pod_label_linkerd_io_proxy_job'),
    labelmap('__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)'),
    labeldrop('__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)'),
    labelmap('__meta_kubernetes_pod_label_linkerd_io_(.+)'),
    labelmap('__meta_kubernetes_pod_label_(.+)', '__tmp_pod_label_$1'),
    labelmap('__tmp_pod_label_linkerd_io_(.+)', '__tmp_pod_label_$1'),
    labeldrop('__tmp_pod_label_linkerd_io_(.+)'),
    labelmap('__tmp_pod_label_(.+)'),
  ];
}

function antiAffinity(component: string) {
  const selector = { matchExpressions: [{ key: 'linkerd.io/control-plane-component', operator: 'In', values: [component] }] };
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: selector, topologyKey: 'topology.kubernetes.io/zone' }, weight: 100 }],
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: structuredClone(selector), topologyKey: 'kubernetes.io/hostname' }],
    },
  };
}

/** Controllers mount their API token by hand, with a short expiry, instead of the automounted one. */
const KUBE_API_ACCESS_MOUNT: VolumeMount = { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true };
const KUBE_API_ACCESS_VOLUME: Volume = {
  name: 'kube-api-access',
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
    ],
  },
};

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

