import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import {
  Client, Heartbeat, HttpLocalRateLimitPolicy, HttpRoute, IssuerCertificate, LinkerdControlPlane, LinkerdControlPlaneProps, MeshMode, MeshPolicy,
  PodSelector, ProxySettings, RouteParent, Server, ServiceProfile, TrustAnchors,
} from '../../src';
import { controlPlaneProps } from '../control-plane/fixtures';
import { deploymentManifest } from '../mesh/fixtures';
import { demoApp } from '../policy/fixtures';
import { synthInto } from '../support/failing-synth';

/**
 * One failing fixture per hardening rule (issue 10): each synth fails with one line naming the
 * construct path, the prop and the fix, with no stack trace and no internal TypeError, and the
 * output directory is byte-identical afterwards.
 */

function controlPlane(props: Partial<LinkerdControlPlaneProps> = {}): () => App {
  return () => {
    const app = Testing.app();
    new LinkerdControlPlane(app, 'linkerd-control-plane', controlPlaneProps(props));
    return app;
  };
}

/** A control plane and a Deployment `web` in namespace `shop`, meshed with these settings. */
function meshed(workload: ProxySettings, options: { mesh?: Partial<LinkerdControlPlaneProps>; mode?: MeshMode; namespace?: string; namespaceProxy?: ProxySettings } = {}): () => App {
  return () => {
    const app = Testing.app();
    const cp = new LinkerdControlPlane(app, 'linkerd-control-plane', controlPlaneProps(options.mesh));
    const chart = new Chart(app, 'shop');
    const ns = options.namespace ?? 'shop';
    if (options.namespaceProxy) {
      cp.meshNamespace(new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), { proxy: options.namespaceProxy });
    }
    const manifest = deploymentManifest();
    manifest.metadata.namespace = ns;
    cp.meshWorkload(new ApiObject(chart, 'web', manifest), { mode: options.mode, proxy: workload });
    return app;
  };
}

const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFaIj9aPvbZXGm0Um7K27OrvF1cnAkncRp86Q/dJ0fKGoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n';

const RULES: Array<[string, () => App, RegExp]> = [
  // 1. Cross-field checks.
  ['a component request above its limit', controlPlane({ resources: { identity: { memory: { request: '300Mi', limit: '250Mi' } } } }),
    /^linkerd-control-plane: resources\.identity\.memory\.request: the memory request 300Mi is above the memory limit 250Mi \(resources\.identity\.memory\.limit\); Kubernetes rejects such a container\. Fix: lower the request to 250Mi or less/m],
  ['a mesh-wide proxy request above the HA preset\'s limit', controlPlane({ highAvailability: true, proxy: { resources: { memory: { request: '300Mi' } } } }),
    /^linkerd-control-plane: proxy\.resources\.memory\.request: the proxy's memory request 300Mi \(proxy\.resources\.memory\.request\) is above its memory limit 250Mi \(from the highAvailability preset\); Kubernetes rejects the pod\. Fix: lower the request to 250Mi or less, or also set proxy\.resources\.memory\.limit at this level/m],
  ['a namespace proxy request above its limit', meshed({}, { namespaceProxy: { resources: { cpu: { request: '2', limit: '1' } } } }),
    /^shop\/ns: proxy\.resources\.cpu\.request: the proxy's CPU request 2 \(proxy\.resources\.cpu\.request\) is above its CPU limit 1 \(proxy\.resources\.cpu\.limit\)/m],
  ['a workload proxy request above the mesh-wide limit', meshed({ resources: { ephemeralStorage: { request: '2Gi' } } }, { mesh: { proxy: { resources: { ephemeralStorage: { limit: '1Gi' } } } } }),
    /^shop\/web: proxy\.resources\.ephemeralStorage\.request: the proxy's ephemeral storage request 2Gi \(proxy\.resources\.ephemeralStorage\.request\) is above its ephemeral storage limit 1Gi \(from the mesh-wide value of linkerd-control-plane\)/m],
  ['an issuance lifetime longer than the issuer\'s validity', controlPlane({ identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated({ validity: Duration.hours(24) }), issuanceLifetime: Duration.hours(48) } }),
    /^linkerd-control-plane: identity\.issuer\.validity: 1 day is shorter than the issuance lifetime of workload certificates \(2 days\)\. Fix: /m],
  ['a rolling update that can never replace a pod', controlPlane({ rollingUpdateMaxSurge: 0, rollingUpdateMaxUnavailable: '0%' }),
    /^linkerd-control-plane: rollingUpdateMaxSurge: rollingUpdateMaxUnavailable and rollingUpdateMaxSurge are both 0.*Kubernetes rejects such a Deployment\. Fix: let one of them be above 0/m],
  ['a scrape timeout longer than the scrape interval', controlPlane({ podMonitors: { scrapeTimeout: Duration.seconds(30) } }),
    /^linkerd-control-plane: podMonitors\.scrapeTimeout: the scrape timeout 30s is longer than the scrape interval 10s; Prometheus rejects/m],
  ['a common label the control plane sets itself', controlPlane({ commonLabels: { 'linkerd.io/control-plane-ns': 'other' } }),
    /^linkerd-control-plane: commonLabels\.linkerd\.io\/control-plane-ns: linkerd\.io\/control-plane-ns is a label the control plane sets itself/m],
  ['a close-wait timeout without proxy-init as root (webhook mode)', meshed({ closeWaitTimeout: Duration.seconds(60) }),
    /^shop\/web: proxy\.closeWaitTimeout: a close-wait timeout of 60 seconds \(proxy\.closeWaitTimeout\) needs proxy-init to run as root.*Fix: set proxyInitRunAsRoot: true/m],
  ['a wait before exit on a native sidecar', meshed({ waitBeforeExitSeconds: 10 }),
    /^shop\/web: proxy\.waitBeforeExitSeconds: waitBeforeExitSeconds 10 .* but nativeSidecar is true \(from the mesh-wide value of linkerd-control-plane\); the setting is ignored/m],
  ['the proxy as uid 0', controlPlane({ proxy: { uid: 0 } }),
    /^linkerd-control-plane: proxy\.uid: the proxy uid is 0 \(proxy\.uid\), and its securityContext has runAsNonRoot: true; the kubelet refuses to start it as root/m],
  ['identity required on a skipped port', meshed({ requireIdentityOnInboundPorts: [8080], skipInboundPorts: ['8000-8100'] }),
    /^shop\/web: proxy\.requireIdentityOnInboundPorts: the inbound ports 8080 require identity .* but are skipped .*: their traffic bypasses the proxy/m],
  ['more minimum than maximum workers', controlPlane({ proxy: { minimumWorkers: 4, maximumWorkers: 2 } }),
    /^linkerd-control-plane: proxy\.minimumWorkers: the proxy's minimum worker threads 4 \(proxy\.minimumWorkers\) exceed its maximum 2 \(proxy\.maximumWorkers\); the proxy then ignores the maximum/m],
  ['proxy-init settings with the CNI plugin', controlPlane({ cni: true, proxy: { proxyInitPrivileged: true } }),
    /^linkerd-control-plane: proxy\.proxyInitPrivileged: configures proxy-init, which pods do not run with cni: true/m],
  ['a per-identity rate limit above the total', () => {
    const { app, chart, api } = demoApp();
    new HttpLocalRateLimitPolicy(chart, 'limit', { server: new Server(chart, 'api-http', { workload: api, port: 8080 }), total: 100, identity: 200 });
    return app;
  }, /^demo\/limit: identity: the per-identity limit of 200 requests per second is above the total of 100; the policy controller rejects the policy\. Fix: give at most 100/m],
  ['a retry timeout longer than the request timeout', () => {
    const { app, chart, apiService } = demoApp();
    new HttpRoute(chart, 'route', { parents: [RouteParent.service(apiService, 8080)], retry: { limit: 2, timeout: Duration.seconds(30) }, timeouts: { request: Duration.seconds(10) } });
    return app;
  }, /^demo\/route: retry\.timeout: the timeout of each retry attempt \(30 seconds\) is longer than the request timeout \(10 seconds\)/m],
  ['webhook meshing where the injector never looks', meshed({}, { namespace: 'kube-system' }),
    /^shop\/web: mode: the proxy injector's namespaceSelector leaves out namespace kube-system.*Fix: use MeshMode\.STATIC/m],
  // 2. Value grammars.
  ['a proxy log level outside the grammar', controlPlane({ proxy: { logLevel: 'warn,linkerd=verbose' } }),
    /^linkerd-control-plane: proxy\.logLevel: the level "verbose" in directive 2 \("linkerd=verbose"\) of "warn,linkerd=verbose" is not one of trace, debug, info, warn, error, off/m],
  ['a policy controller log level with a bad target', controlPlane({ policyControllerLogLevel: 'linkerd-policy=debug' }),
    /^linkerd-control-plane: policyControllerLogLevel: the target "linkerd-policy" in "linkerd-policy=debug" is not a Rust module path/m],
  ['a cron field out of range', controlPlane({ heartbeat: Heartbeat.schedule('0 24 * * *') }),
    /^linkerd-control-plane: heartbeat: "0 24 \* \* \*": field 2 \(hour\) "24": 24 is outside 0-23/m],
  ['a registry with upper case', controlPlane({ registry: 'ghcr.io/Acme' }),
    /^linkerd-control-plane: registry: path component "Acme" of "ghcr.io\/Acme" has upper-case letters; repositories are lower case\. Fix: use "ghcr.io\/acme"/m],
  ['a workload proxy image with a tag', meshed({ image: 'cr.l5d.io/linkerd/proxy:edge-26.8.3' }),
    /^shop\/web: proxy\.image: "cr\.l5d\.io\/linkerd\/proxy:edge-26\.8\.3" has a tag \(":edge-26\.8\.3"\)\. Fix: give "\[registry\/\]repository" only/m],
  ['a version with an extra colon', controlPlane({ version: 'proxy:edge-26.8.3' }),
    /^linkerd-control-plane: version: "proxy:edge-26\.8\.3" has an extra ":"\. Fix: give only the tag, e.g. "edge-26\.8\.3"/m],
  // 3. Runtime type guards.
  ['a string where a Duration belongs', controlPlane({ identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated(), issuanceLifetime: '24h' as any } }),
    /^linkerd-control-plane: identity\.issuanceLifetime: is a string \("24h"\), not a Duration\. Fix: use a cdk8s Duration/m],
  ['a string where a construct belongs', () => {
    const { app, chart } = demoApp();
    new MeshPolicy(chart, 'policy').allow(Client.anyone(), 'api' as any, { port: 8080 });
    return app;
  }, /^demo\/policy: allow\.target: is a string \("api"\), not a construct/m],
  // 4. Names.
  ['a ServiceProfile name (the Service\'s FQDN) that is too long', () => {
    const { app, chart, apiService } = demoApp();
    new ServiceProfile(chart, 'profile', { service: apiService, clusterDomain: `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}` });
    return app;
  }, /^demo\/profile: service: the profile must be named after the Service's FQDN .* which is not a valid name: .* is 2\d\d characters long; a DNS subdomain has at most 253/m],
  // 5. Errors from checks name the prop and the fix.
  ['a Server that selects no pod (check L5D301)', () => {
    const { app, chart } = demoApp();
    new Server(chart, 'typo', { podSelector: PodSelector.labels({ 'app.kubernetes.io/name': 'apy' }), port: 8080 });
    return app;
  }, /^demo\/typo: workload \(or podSelector\): ERROR L5D301 Server demo\/[a-z0-9-]+ spec\.podSelector: selects no pod of the workloads in namespace demo\. Fix: select the labels of the pods/m],
  ['a misspelt annotation on a workload (check L5D201)', () => {
    const { app, web } = demoApp();
    web.podMetadata.addAnnotation('config.linkerd.io/proxy-cpu-requests', '100m');
    return app;
  }, /^demo\/web: the annotation config\.linkerd\.io\/proxy-cpu-requests: ERROR L5D201 .*\. Fix: rename it to config\.linkerd\.io\/proxy-cpu-request, or set proxy\.resources\.cpu\.request of meshWorkload/m],
  ['annotations whose request is above their limit (check L5D207)', () => {
    const { app, web } = demoApp();
    web.podMetadata.addAnnotation('config.linkerd.io/proxy-memory-request', '1Gi');
    web.podMetadata.addAnnotation('config.linkerd.io/proxy-memory-limit', '512Mi');
    return app;
  }, /^demo\/web: the annotation config\.linkerd\.io\/proxy-memory-request \(typed: proxy\.resources\.memory\.request of meshWorkload\): ERROR L5D207 .*the proxy's memory request 1Gi .* is above its memory limit 512Mi/m],
  // 6. Secrets in messages.
  ['a private key pasted into a prop', controlPlane({ prometheusUrl: KEY }),
    /^linkerd-control-plane: prometheusUrl: "-----BEGIN EC PRIVATE KEY----- <redacted> -----END EC PRIVATE KEY-----" \(\d+ characters\) is not a URL/m],
];

describe('every bad input fails the synth with path, prop and fix, and writes nothing', () => {
  test.each(RULES)('fails on %s', (_rule, build, message) => {
    // WHEN
    const result = synthInto(build);
    // THEN
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^cdk8s-linkerd: synth failed, nothing was written\.\n/);
    expect(result.stderr).not.toMatch(/unexpected error|\n\s+at |is not a function|Cannot read propert/);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('MHcCAQEEIFaIj9aPvbZXGm0Um7K27OrvF1cnAkncRp86Q');
    expect(result.after).toEqual(result.before);
  });

  test('the fixtures fail only for their rule: without the fault they synthesize and replace the output', () => {
    const { app } = demoApp();
    const result = synthInto(() => app);
    expect(result.exitCode).toBeUndefined();
    expect(result.stderr).toMatch(/^cdk8s-linkerd: \d+ objects in \d+ files, 0 warnings\n$/);
    expect(result.after).not.toEqual(result.before);
    expect(Object.keys(result.after)).toContain('dist/examples/kept.yaml');
    expect(synthInto(controlPlane()).exitCode).toBeUndefined();
    expect(synthInto(meshed({})).exitCode).toBeUndefined();
  });
});
