import { createHash } from 'node:crypto';
import { Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import {
  Heartbeat, IssuerCertificate, KeyMaterial, LabelSelectorOperator, LinkerdConfigError, LinkerdControlPlane, TrustAnchors, WebhookFailurePolicy, WebhookTls,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';
import { controlPlaneProps, find, OUR_CRDS, podSpec, synthControlPlane } from './fixtures';

const VARIANTS = {
  'default': {},
  'ha': { highAvailability: true },
  'cni': { cni: true },
  'external-certs': {
    identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.external(), externalCA: true },
    proxyInjector: { tls: WebhookTls.certManager('linkerd/linkerd-proxy-injector') },
    spValidator: { tls: WebhookTls.certManager('linkerd/linkerd-sp-validator') },
    policyValidator: { tls: WebhookTls.fromSecretCa('linkerd/linkerd-policy-validator-ca') },
  },
  'podmonitor-noheartbeat': { podMonitors: {}, heartbeat: Heartbeat.disabled() },
};

describe('LinkerdControlPlane', () => {
  describe.each(Object.entries(VARIANTS))('%s', (_name, props) => {
    test('matches the snapshot', () => {
      // GIVEN / WHEN
      const { objects } = synthControlPlane(props);
      // THEN
      expect(objects).toMatchSnapshot();
    });

    test('every object validates against the Kubernetes schemas, unknown fields rejected', () => {
      const { objects } = synthControlPlane(props);
      expectValidObjects(objects, { crds: OUR_CRDS });
    });

    test('no object name is emitted twice', () => {
      const { objects } = synthControlPlane(props);
      const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  test('emits the objects of a default install', () => {
    // GIVEN / WHEN
    const { objects } = synthControlPlane();
    // THEN
    const kinds = objects.reduce((acc: Record<string, number>, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({
      Namespace: 1, ServiceAccount: 4, Secret: 4, ConfigMap: 2, ClusterRole: 5, ClusterRoleBinding: 5, Role: 3,
      RoleBinding: 2, Service: 8, Deployment: 3, CronJob: 1, MutatingWebhookConfiguration: 1, ValidatingWebhookConfiguration: 2,
    });
    const ns = find(objects, 'Namespace', 'linkerd');
    expect(ns.metadata.labels).toMatchObject({
      'config.linkerd.io/admission-webhooks': 'disabled',
      'linkerd.io/is-control-plane': 'true',
      'pod-security.kubernetes.io/enforce': 'privileged',
    });
    expect(ns.metadata.annotations).toEqual({ 'linkerd.io/inject': 'disabled' });
  });

  test('cluster-scoped objects carry no namespace', () => {
    const { objects } = synthControlPlane();
    for (const o of objects.filter((x) => /^(Cluster|Mutating|Validating|Namespace)/.test(x.kind))) {
      expect(o.metadata.namespace).toBeUndefined();
    }
  });

  test('the control-plane pods are meshed by the shared builder: native sidecar after linkerd-init', () => {
    const { objects } = synthControlPlane();
    for (const name of ['linkerd-destination', 'linkerd-proxy-injector']) {
      const spec = podSpec(objects, name);
      expect(spec.initContainers.map((c: any) => c.name)).toEqual(['linkerd-init', 'linkerd-proxy']);
      const proxy = spec.initContainers[1];
      expect(proxy.restartPolicy).toBe('Always');
      expect(proxy.startupProbe.httpGet).toEqual({ path: '/ready', port: 4191 });
      expect(proxy.env.find((e: any) => e.name === 'LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS').valueFrom.configMapKeyRef)
        .toEqual({ name: 'linkerd-identity-trust-roots', key: 'ca-bundle.crt' });
    }
    // identity's proxy cannot gate the controller that issues its certificate
    const identity = podSpec(objects, 'linkerd-identity');
    expect(identity.initContainers.map((c: any) => c.name)).toEqual(['linkerd-init']);
    expect(identity.containers.map((c: any) => c.name)).toEqual(['identity', 'linkerd-proxy']);
    const env = Object.fromEntries(identity.containers[1].env.map((e: any) => [e.name, e.value]));
    expect(env.LINKERD2_PROXY_IDENTITY_SVC_ADDR).toBe('localhost.:8080');
    expect(env.LINKERD2_PROXY_INBOUND_PORTS_REQUIRE_TLS).toBe('8080');
  });

  test('every $(VAR) in a proxy env value refers to a variable defined earlier', () => {
    const { objects } = synthControlPlane();
    for (const name of ['linkerd-destination', 'linkerd-identity', 'linkerd-proxy-injector']) {
      const spec = podSpec(objects, name);
      const proxy = [...spec.initContainers, ...spec.containers].find((c: any) => c.name === 'linkerd-proxy');
      const seen = new Set<string>();
      for (const e of proxy.env) {
        for (const [, ref] of String(e.value ?? '').matchAll(/\$\((\w+)\)/g)) expect(seen.has(ref)).toBe(true);
        seen.add(e.name);
      }
    }
  });

  test('pods carry the sha256 of the trust anchors exactly as given', () => {
    // GIVEN anchors whose PEM ends in a newline, and their issuer
    const generated = synthControlPlane();
    const anchors = generated.chart.values.identityTrustAnchorsPEM;
    const issuer = find(generated.objects, 'Secret', 'linkerd-identity-issuer').data;
    const decode = (b64: string) => Buffer.from(b64, 'base64').toString();
    const { objects } = synthControlPlane({
      identity: {
        trustAnchors: TrustAnchors.fromPem(`${anchors.trim()}\n`),
        issuer: IssuerCertificate.fromPem({ certificatePem: decode(issuer['crt.pem']), privateKeyPem: decode(issuer['key.pem']) }),
      },
    });
    const expected = createHash('sha256').update(`${anchors.trim()}\n`).digest('hex');
    // THEN
    for (const name of ['linkerd-destination', 'linkerd-identity', 'linkerd-proxy-injector']) {
      expect(find(objects, 'Deployment', name).spec.template.metadata.annotations['linkerd.io/trust-root-sha256']).toBe(expected);
    }
    expect(find(objects, 'ConfigMap', 'linkerd-identity-trust-roots').data['ca-bundle.crt']).toBe(anchors.trim());
  });

  test('linkerd-config holds the values the injector reads, with chart types and without private keys', () => {
    const { objects, chart } = synthControlPlane();
    const config = find(objects, 'ConfigMap', 'linkerd-config');
    expect(config.data['linkerd-crds-chart-version']).toBe('linkerd-crds-1.0.0-edge');
    expect(config.data.values).not.toMatch(/PRIVATE KEY/);
    const values = parse(config.data.values, { version: '1.1' });
    expect(values).toEqual(JSON.parse(JSON.stringify(chart.values)));
    expect(values.proxy.ports).toEqual({ admin: 4191, control: 4190, inbound: 4143, outbound: 4140 });
    expect(values.proxy.logHTTPHeaders).toBe('off');
    expect(values.identityTrustDomain).toBe('cluster.local');
    expect(values.identity.issuer.tls.crtPEM).toMatch(/BEGIN CERTIFICATE/);
  });

  test('the HA preset sets replicas, budgets, anti-affinity, resources and fail-closed webhooks', () => {
    const { objects } = synthControlPlane({ highAvailability: true });
    for (const name of ['linkerd-destination', 'linkerd-identity', 'linkerd-proxy-injector']) {
      const d = find(objects, 'Deployment', name);
      expect(d.spec.replicas).toBe(3);
      expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(1);
      expect(d.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    }
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name).sort())
      .toEqual(['linkerd-dst', 'linkerd-identity', 'linkerd-proxy-injector']);
    const destination = podSpec(objects, 'linkerd-destination');
    expect(destination.containers[0].resources).toEqual({ limits: { memory: '250Mi' }, requests: { cpu: '100m', memory: '50Mi' } });
    expect(destination.initContainers[1].resources).toEqual({ limits: { memory: '250Mi' }, requests: { cpu: '100m', memory: '20Mi' } });
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      for (const o of objects.filter((x) => x.kind === kind)) expect(o.webhooks[0].failurePolicy).toBe('Fail');
    }
  });

  test('individual props override the HA preset', () => {
    const { objects } = synthControlPlane({
      highAvailability: true, controllerReplicas: 5, webhookFailurePolicy: WebhookFailurePolicy.IGNORE, podDisruptionBudget: false,
    });
    expect(find(objects, 'Deployment', 'linkerd-identity').spec.replicas).toBe(5);
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(find(objects, 'MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config').webhooks[0].failurePolicy).toBe('Ignore');
  });

  test('CNI mode swaps linkerd-init for the network validator and drops the xtables volume', () => {
    const { objects } = synthControlPlane({ cni: true });
    const spec = podSpec(objects, 'linkerd-destination');
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['linkerd-network-validator', 'linkerd-proxy']);
    expect(spec.volumes.map((v: any) => v.name)).not.toContain('linkerd-proxy-init-xtables-lock');
    expect(find(objects, 'Namespace', 'linkerd').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('external certificates: no Secrets, no trust-roots ConfigMap, cert-manager annotations instead of caBundles', () => {
    const { objects } = synthControlPlane(VARIANTS['external-certs']);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(objects.some((o) => o.metadata.name === 'linkerd-identity-trust-roots')).toBe(false);
    const injector = find(objects, 'MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config');
    expect(injector.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'linkerd/linkerd-proxy-injector' });
    expect(injector.webhooks[0].clientConfig.caBundle).toBeUndefined();
    const policy = find(objects, 'ValidatingWebhookConfiguration', 'linkerd-policy-validator-webhook-config');
    expect(policy.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from-secret': 'linkerd/linkerd-policy-validator-ca' });
    expect(podSpec(objects, 'linkerd-identity').containers[0].args).toContain('-identity-scheme=kubernetes.io/tls');
    expect(JSON.stringify(objects)).not.toMatch(/PRIVATE KEY/);
  });

  test('generated webhook certificates are served by the pods and trusted by their webhook', () => {
    const { objects } = synthControlPlane();
    const secret = find(objects, 'Secret', 'linkerd-proxy-injector-k8s-tls');
    const webhook = find(objects, 'MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config');
    const served = Buffer.from(secret.data['tls.crt'], 'base64').toString();
    const bundle = Buffer.from(webhook.webhooks[0].clientConfig.caBundle, 'base64').toString();
    expect(bundle.trim()).toBe(served.trim());
  });

  test('PodMonitors and no heartbeat', () => {
    const { objects, chart } = synthControlPlane(VARIANTS['podmonitor-noheartbeat']);
    expect(objects.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name))
      .toEqual(['linkerd-controller', 'linkerd-multicluster-controller', 'linkerd-proxy']);
    expect(objects.some((o) => o.metadata.name === 'linkerd-heartbeat')).toBe(false);
    expect(chart.values.disableHeartBeat).toBe(true);
  });

  test('the default heartbeat schedule is derived from the install, not the clock', () => {
    const a = synthControlPlane().objects;
    const b = synthControlPlane({ namespace: 'mesh' }).objects;
    const schedule = (objs: any[]) => find(objs, 'CronJob', 'linkerd-heartbeat').spec.schedule;
    expect(schedule(a)).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(schedule(a)).toBe(schedule(synthControlPlane().objects));
    expect(schedule(b)).not.toBe(schedule(a));
  });

  test('images, pull policy and secrets, log level, node selector, tolerations and priority class land where upstream puts them', () => {
    const { objects } = synthControlPlane({
      registry: 'registry.example.com/l5d', version: 'edge-26.9.1', imagePullSecrets: ['regcred'], controllerLogLevel: 'debug',
      nodeSelector: { pool: 'system' }, tolerations: [{ key: 'dedicated', operator: 'Exists' }], priorityClassName: 'system-cluster-critical',
    });
    const spec = podSpec(objects, 'linkerd-destination');
    expect(spec.containers[0].image).toBe('registry.example.com/l5d/controller:edge-26.9.1');
    expect(spec.initContainers[1].image).toBe('registry.example.com/l5d/proxy:edge-26.9.1');
    expect(spec.containers[0].args).toContain('-log-level=debug');
    expect(spec.nodeSelector).toEqual({ pool: 'system' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists' }]);
    expect(spec.priorityClassName).toBe('system-cluster-critical');
    expect(find(objects, 'ServiceAccount', 'linkerd-identity').imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  test('a custom namespace and trust domain flow into names, args and proxy identities', () => {
    const { objects } = synthControlPlane({
      namespace: 'mesh', clusterDomain: 'corp.local',
      identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated(), trustDomain: 'example.org' },
    });
    expect(find(objects, 'ClusterRole', 'linkerd-mesh-destination')).toBeDefined();
    const env = Object.fromEntries(podSpec(objects, 'linkerd-proxy-injector').initContainers[1].env.map((e: any) => [e.name, e.value]));
    expect(env.LINKERD2_PROXY_IDENTITY_SVC_NAME).toBe('linkerd-identity.mesh.serviceaccount.identity.mesh.example.org');
    expect(env.LINKERD2_PROXY_DESTINATION_SVC_ADDR).toBe('linkerd-dst-headless.mesh.svc.corp.local.:8086');
  });

  test('mesh-wide proxy defaults reach the control plane proxies and linkerd-config', () => {
    const { objects, chart } = synthControlPlane({
      proxy: { logLevel: 'debug', logFormat: 'json' as any, resources: { cpu: { request: '200m' } }, nativeSidecar: false },
    });
    const spec = podSpec(objects, 'linkerd-destination');
    expect(spec.containers[0].name).toBe('linkerd-proxy');
    const env = Object.fromEntries(spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.LINKERD2_PROXY_LOG_FORMAT).toBe('json');
    expect(env.LINKERD2_PROXY_LOG).toBe('debug,[{headers}]=off,[{request}]=off');
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '200m' } });
    expect(chart.values.proxy.nativeSidecar).toBe(false);
  });

  test('controller image and group, EndpointSlices, probe networks, API server ports and webhook selectors', () => {
    // GIVEN / WHEN
    const { objects, chart } = synthControlPlane({
      registry: 'registry.example.com/l5d', controllerImage: 'mirror.example.com/linkerd-controller', controllerGid: 1234,
      enableEndpointSlices: false, policyControllerProbeNetworks: ['10.0.0.0/8'], kubeApiServerPorts: [443, 8443],
      proxyInjector: { namespaceSelector: { matchLabels: { mesh: 'yes' } } },
      spValidator: { namespaceSelector: { matchExpressions: [{ key: 'team', operator: LabelSelectorOperator.EXISTS }] } },
    });
    // THEN
    const spec = podSpec(objects, 'linkerd-destination');
    expect(spec.containers.map((c: any) => c.image)).toEqual(Array(3).fill('mirror.example.com/linkerd-controller:edge-26.8.3'));
    expect(spec.initContainers[1].image).toBe('registry.example.com/l5d/proxy:edge-26.8.3');
    expect(spec.containers.map((c: any) => c.securityContext.runAsGroup)).toEqual([1234, 1234, 1234]);
    expect(spec.containers[0].args).toContain('-enable-endpoint-slices=false');
    expect(spec.containers[2].args).toContain('--probe-networks=10.0.0.0/8');
    expect(spec.initContainers[0].args.join(' ')).toContain('--outbound-ports-to-ignore 443,8443');
    const rules = find(objects, 'ClusterRole', 'linkerd-linkerd-destination').rules;
    expect(rules.some((r: any) => r.resources.includes('endpointslices'))).toBe(false);
    expect(find(objects, 'MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config').webhooks[0].namespaceSelector).toEqual({ matchLabels: { mesh: 'yes' } });
    expect(find(objects, 'ValidatingWebhookConfiguration', 'linkerd-sp-validator-webhook-config').webhooks[0].namespaceSelector)
      .toEqual({ matchExpressions: [{ key: 'team', operator: 'Exists' }] });
    expect(chart.values.controllerGID).toBe(1234);
    expect(chart.values.proxyInjector.namespaceSelector).toEqual({ matchLabels: { mesh: 'yes' } });
  });

  test('token projection off: proxies read the automounted token and get no token volume', () => {
    // GIVEN / WHEN
    const { objects, chart } = synthControlPlane({
      identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated(), serviceAccountTokenProjection: false },
    });
    // THEN
    const spec = podSpec(objects, 'linkerd-destination');
    const env = Object.fromEntries(spec.initContainers[1].env.map((e: any) => [e.name, e.value]));
    expect(env.LINKERD2_PROXY_IDENTITY_TOKEN_FILE).toBe('/var/run/secrets/kubernetes.io/serviceaccount/token');
    expect(spec.volumes.map((v: any) => v.name)).not.toContain('linkerd-identity-token');
    expect(chart.values.identity.serviceAccountTokenProjection).toBe(false);
  });

  test('the network validator takes its addresses, log level and timeout', () => {
    // GIVEN / WHEN
    const { objects } = synthControlPlane({ cni: true, networkValidator: { connectAddr: '[fd00::9]:20001', listenAddr: '0.0.0.0:4140', logLevel: 'info', timeout: Duration.seconds(30) } });
    // THEN
    expect(podSpec(objects, 'linkerd-identity').initContainers[0].args).toEqual([
      '--log-format', 'plain', '--log-level', 'info', '--connect-addr', '[fd00::9]:20001', '--listen-addr', '0.0.0.0:4140', '--timeout', '30s',
    ]);
  });

  describe('bad input fails with the construct path and field', () => {
    const cases: Array<[string, any, RegExp]> = [
      ['replicas 0', { controllerReplicas: 0 }, /linkerd-control-plane: controllerReplicas: 0 is not a positive integer/],
      ['negative replicas', { controllerReplicas: -2 }, /controllerReplicas: -2/],
      ['a malformed image registry', { registry: 'Registry With Spaces' }, /linkerd-control-plane: registry:/],
      ['a malformed version', { version: 'edge 26' }, /version: "edge 26" contains " " \(a space\)\. Fix: use up to 128 letters/],
      ['a namespace that is not a DNS label', { namespace: 'Linkerd_NS' }, /linkerd-control-plane: namespace: "Linkerd_NS" contains "_" and upper-case letters; a DNS label has only a-z, 0-9 and "-"/],
      ['an invalid duration', { identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated(), issuanceLifetime: Duration.seconds(0) } }, /identity.issuanceLifetime: 0ms is not a positive whole number of milliseconds/],
      ['an invalid heartbeat schedule', { heartbeat: Heartbeat.schedule('every day') }, /heartbeat: "every day" has 2 fields, not 5\. Fix: use "minute hour day-of-month month day-of-week"/],
      ['a bad CIDR', { clusterNetworks: ['10.0.0.0/33'] }, /clusterNetworks\[0\]: "10.0.0.0\/33" is not a CIDR/],
      ['a bad quantity', { resources: { destination: { memory: { limit: '1 gig' } } } }, /resources.destination.memory.limit/],
      ['clashing proxy ports', { proxy: { ports: { admin: 4143 } } }, /proxy.ports/],
      ['a negative controller group', { controllerGid: -1 }, /linkerd-control-plane: controllerGid: -1 is not a non-negative integer/],
      ['a controller image with a tag', { controllerImage: 'example.com/controller:v1' }, /linkerd-control-plane: controllerImage: "example.com\/controller:v1" has a tag \(":v1"\)/],
      ['a bad probe network', { policyControllerProbeNetworks: ['everywhere'] }, /policyControllerProbeNetworks\[0\]: "everywhere" is not a CIDR/],
      ['no API server ports', { kubeApiServerPorts: [] }, /kubeApiServerPorts: the list is empty/],
      ['an API server port out of range', { kubeApiServerPorts: [70000] }, /kubeApiServerPorts\[0\]: 70000 is not a TCP port/],
      ['a selector expression without values', { proxyInjector: { namespaceSelector: { matchExpressions: [{ key: 'a', operator: LabelSelectorOperator.IN }] } } },
        /proxyInjector.namespaceSelector.matchExpressions\[0\].values: In needs values/],
      ['a host name as connect address', { networkValidator: { connectAddr: 'example.com:20001' } }, /networkValidator.connectAddr: "example.com:20001" is not an ip:port socket address/],
      ['a zero validator timeout', { networkValidator: { timeout: Duration.seconds(0) } }, /networkValidator.timeout: 0ms is not a positive duration/],
      ['a PEM that is not a certificate', { identity: { trustAnchors: TrustAnchors.fromPem('hello'), issuer: IssuerCertificate.generated() } }, /identity.trustAnchors/],
    ];
    test.each(cases)('fails on %s', (_label, overrides, message) => {
      expect(() => synthControlPlane(overrides)).toThrow(LinkerdConfigError);
      expect(() => synthControlPlane(overrides)).toThrow(message);
    });

    test('fails when the issuer is not signed by the trust anchor', () => {
      // GIVEN an issuer generated under a different seed, and thus a different anchor
      const other = synthControlPlane({ keyMaterial: KeyMaterial.fromSeed({ seed: 'another install, another anchor', notBefore: '2026-01-01T00:00:00Z' }) });
      const secret = find(other.objects, 'Secret', 'linkerd-identity-issuer');
      const decode = (b64: string) => Buffer.from(b64, 'base64').toString();
      const anchors = synthControlPlane().chart.values.identityTrustAnchorsPEM;
      // WHEN / THEN
      expect(() => synthControlPlane({
        identity: {
          trustAnchors: TrustAnchors.fromPem(anchors),
          issuer: IssuerCertificate.fromPem({ certificatePem: decode(secret.data['crt.pem']), privateKeyPem: decode(secret.data['key.pem']) }),
        },
      })).toThrow(/linkerd-control-plane: identity.issuer.certificatePem: .*is not signed by any trust anchor/);
    });

    test('fails without identity', () => {
      expect(() => new LinkerdControlPlane(Testing.app(), 'cp', {} as any)).toThrow(/cp: identity: is required/);
    });
  });
});
