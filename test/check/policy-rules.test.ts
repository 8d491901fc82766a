import { CHECK_RULES, Finding, runChecks, Severity } from '../../src/check';
import { POLICY_CODES, POLICY_RULE } from '../../src/check/policy-rules';
import {
  authorizationPolicy, cleanMesh, exact, httpRoute, meshTls, meshTlsRef, prefix, server, serviceAccount, toRoute, toServer, workload,
} from '../policy/manifests';

type Obj = Record<string, any>;

function policyFindings(objects: Obj[]): Finding[] {
  return runChecks(objects, { rules: [POLICY_RULE] });
}

function codes(objects: Obj[]): string[] {
  return [...new Set(policyFindings(objects).map((f) => f.code))].sort();
}

/** The clean mesh with `name` of `kind` replaced (or removed when `replacement` is undefined). */
function replace(kind: string, name: string, replacement?: (o: Obj) => Obj | undefined): Obj[] {
  return cleanMesh().flatMap((o) => (o.kind === kind && o.metadata.name === name ? (replacement ? [replacement(structuredClone(o))].filter(Boolean) as Obj[] : []) : [o]));
}

describe('policy check (L5D3xx)', () => {
  test('is registered with the library\'s checks, with every code documented', () => {
    expect(CHECK_RULES).toContain(POLICY_RULE);
    expect(Object.keys(POLICY_RULE.codes).every((c) => /^L5D3\d\d$/.test(c))).toBe(true);
    expect(Object.keys(POLICY_CODES)).toHaveLength(11);
  });

  test('a clean default-deny mesh triggers no finding', () => {
    expect(policyFindings(cleanMesh())).toEqual([]);
  });

  test('L5D301: a Server that selects no pod', () => {
    // GIVEN a Server whose selector matches no workload of its namespace
    const objects = [...cleanMesh(), server('typo', 'demo', { matchLabels: { app: 'apii' } }, 8080)];
    // WHEN
    const found = policyFindings(objects).filter((f) => f.code === 'L5D301');
    // THEN
    expect(found).toEqual([expect.objectContaining({ severity: Severity.ERROR, object: 'Server demo/typo', field: 'spec.podSelector' })]);
  });

  test('L5D301 is only a warning when the namespace has no workloads in the set', () => {
    const found = policyFindings([server('elsewhere', 'other', { matchLabels: { app: 'x' } }, 80)]);
    expect(found).toEqual([expect.objectContaining({ code: 'L5D301', severity: Severity.WARNING })]);
  });

  test('L5D302: a Server port the pods do not declare', () => {
    const objects = [...cleanMesh(), server('api-grpc', 'demo', { matchLabels: { app: 'api' } }, 'grpc'), server('api-9000', 'demo', { matchLabels: { app: 'api' } }, 9000)];
    const found = policyFindings(objects).filter((f) => f.code === 'L5D302');
    expect(found.map((f) => f.object)).toEqual(['Server demo/api-9000', 'Server demo/api-grpc']);
    expect(found[1].message).toMatch(/"grpc" is not a TCP container port of Deployment demo\/api/);
  });

  test('L5D303: an AuthorizationPolicy whose target does not exist, or lacks the policy group', () => {
    const objects = [
      ...cleanMesh(),
      authorizationPolicy('to-nothing', 'demo', toServer('gone'), [meshTlsRef('web')]),
      authorizationPolicy('no-group', 'demo', { kind: 'Server', name: 'api-http' }, [meshTlsRef('web')]),
      authorizationPolicy('other-ns', 'demo', { kind: 'Namespace', name: 'prod' }, [meshTlsRef('web')]),
      authorizationPolicy('to-missing-route', 'demo', toRoute('gone'), [meshTlsRef('web')]),
    ];
    const found = policyFindings(objects).filter((f) => f.code === 'L5D303');
    expect(found.map((f) => [f.object, f.field])).toEqual([
      ['AuthorizationPolicy demo/no-group', 'spec.targetRef.group'],
      ['AuthorizationPolicy demo/other-ns', 'spec.targetRef'],
      ['AuthorizationPolicy demo/to-missing-route', 'spec.targetRef'],
      ['AuthorizationPolicy demo/to-nothing', 'spec.targetRef'],
    ]);
  });

  test('L5D303: an inbound route whose Server does not exist, or that names a Server without its group', () => {
    const objects = [
      ...cleanMesh(),
      httpRoute('orphan', 'demo', [toServer('gone')], [{ matches: [prefix('/x')] }]),
      httpRoute('gw-no-group', 'demo', [{ kind: 'Server', name: 'api-http' }], [{ matches: [prefix('/y')] }], 'gateway.networking.k8s.io/v1'),
      authorizationPolicy('route-no-group', 'demo', { kind: 'HTTPRoute', name: 'api-http-get-api' }, [meshTlsRef('web')]),
    ];
    expect(policyFindings(objects).filter((f) => f.code === 'L5D303').map((f) => [f.object, f.field])).toEqual([
      ['AuthorizationPolicy demo/route-no-group', 'spec.targetRef.group'],
      ['HTTPRoute demo/gw-no-group', 'spec.parentRefs[0].group'],
      ['HTTPRoute demo/orphan', 'spec.parentRefs[0]'],
    ]);
  });

  test('L5D304: an AuthorizationPolicy referring to a missing authentication is ignored by the controller', () => {
    const objects = replace('MeshTLSAuthentication', 'web');
    const found = policyFindings(objects).filter((f) => f.code === 'L5D304');
    expect(found).toEqual([expect.objectContaining({
      object: 'AuthorizationPolicy demo/api-http-get-api-from-web', severity: Severity.ERROR,
      message: expect.stringMatching(/MeshTLSAuthentication demo\/web does not exist; the controller ignores this policy/),
    })]);
  });

  test('L5D305: a ServiceAccount that does not exist in a namespace of the set', () => {
    const objects = [...cleanMesh(), meshTls('ghost', 'demo', { identityRefs: [{ kind: 'ServiceAccount', name: 'ghost' }] })];
    const found = policyFindings(objects).filter((f) => f.code === 'L5D305');
    expect(found).toEqual([expect.objectContaining({ object: 'MeshTLSAuthentication demo/ghost', field: 'spec.identityRefs[0]', severity: Severity.ERROR })]);
  });

  test('L5D305: a namespace that is not in the set is a warning', () => {
    const objects = [...cleanMesh(), meshTls('other', 'demo', { identityRefs: [{ kind: 'Namespace', name: 'monitoring' }] })];
    expect(policyFindings(objects).filter((f) => f.code === 'L5D305')).toEqual([expect.objectContaining({ severity: Severity.WARNING })]);
  });

  test('L5D306: a probe denied because the Server has routes but none for the probe path', () => {
    // GIVEN the probe route of api-http is gone
    const objects = replace('HTTPRoute', 'api-http-probes');
    // WHEN
    const found = policyFindings(objects).filter((f) => f.code === 'L5D306');
    // THEN both probes of api are reported, with the reason
    expect(found.map((f) => f.field)).toEqual(['containers[api].livenessProbe', 'containers[api].readinessProbe']);
    expect(found[1].message).toMatch(/GET \/ready on port 8080 is denied: no route of Server demo\/api-http matches GET \/ready \(404\)/);
  });

  test('L5D306: a probe denied because kubelet is not admitted on the probe route', () => {
    const objects = replace('AuthorizationPolicy', 'api-http-probes-from-kubelet');
    expect(codes(objects)).toEqual(['L5D306']);
  });

  test('L5D307: a metrics scrape denied by the namespace\'s default deny', () => {
    const objects = replace('Server', 'linkerd-admin');
    const found = policyFindings(objects).filter((f) => f.code === 'L5D307');
    expect(found.map((f) => f.object)).toEqual(['Deployment demo/api', 'Deployment demo/web', 'StatefulSet demo/db']);
    expect(found[0].message).toMatch(/prometheus \(linkerd-viz\) cannot scrape proxy metrics \(GET \/metrics on port 4191\)/);
  });

  test('L5D307: an app metrics port annotated for scraping and denied', () => {
    const objects = replace('Deployment', 'api', () => workload('api', 'demo', {
      ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }],
      httpProbes: [['http', '/ready'], [8080, '/live']],
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
    }));
    expect(policyFindings(objects).filter((f) => f.code === 'L5D307').map((f) => f.field)).toEqual(['port 9090']);
  });

  test('L5D308: routes that refer to an undefined Service port', () => {
    const objects = [
      ...cleanMesh(),
      httpRoute('bad-parent', 'demo', [{ group: 'core', kind: 'Service', name: 'api', port: 8080 }], [{}]),
      httpRoute('no-group', 'demo', [{ kind: 'Service', name: 'api', port: 80 }], [{}]),
      httpRoute('bad-backend', 'demo', [{ group: 'core', kind: 'Service', name: 'api', port: 80 }], [{ backendRefs: [{ name: 'db', port: 80 }, { name: 'nope', port: 80 }] }]),
    ];
    const found = policyFindings(objects).filter((f) => f.code === 'L5D308');
    expect(found.map((f) => [f.object, f.field])).toEqual([
      ['HTTPRoute demo/bad-backend', 'spec.rules[0].backendRefs[0].port'],
      ['HTTPRoute demo/bad-backend', 'spec.rules[0].backendRefs[1]'],
      ['HTTPRoute demo/bad-parent', 'spec.parentRefs[0].port'],
      ['HTTPRoute demo/no-group', 'spec.parentRefs[0].group'],
    ]);
  });

  test('L5D309: a shadowed route rule, routes on an opaque Server, a policy on a detached route', () => {
    const objects = [
      ...cleanMesh(),
      httpRoute('api-http-get-api-again', 'demo', [toServer('api-http')], [{ matches: [prefix('/api', 'GET')] }]),
      httpRoute('db-routes', 'demo', [toServer('db-postgres')], [{ matches: [prefix('/')] }]),
      httpRoute('detached', 'demo', [{ group: 'core', kind: 'Service', name: 'api', port: 80 }], [{ matches: [exact('/x')] }]),
      authorizationPolicy('on-detached', 'demo', toRoute('detached'), [meshTlsRef('web')]),
    ];
    const found = policyFindings(objects).filter((f) => f.code === 'L5D309');
    expect(found.every((f) => f.severity === Severity.WARNING)).toBe(true);
    expect(found.map((f) => f.object)).toEqual([
      'AuthorizationPolicy demo/on-detached',
      'HTTPRoute demo/api-http-get-api-again',
      'HTTPRoute demo/db-routes',
    ]);
    expect(found[1].message).toMatch(/also a match of HTTPRoute demo\/api-http-get-api#0/);
  });

  test('L5D310: two Servers select the same port of the same pods', () => {
    const objects = [...cleanMesh(), server('api-8080', 'demo', { matchLabels: { app: 'api' } }, 8080)];
    const found = policyFindings(objects).filter((f) => f.code === 'L5D310');
    expect(found).toEqual([expect.objectContaining({ object: 'Server demo/api-http', message: expect.stringMatching(/Server demo\/api-8080 already selects/) })]);
  });

  test('L5D311: Gateway API routes without the Gateway API CRDs', () => {
    const gatewayRoute = httpRoute('gw', 'demo', [{ group: 'core', kind: 'Service', name: 'api', port: 80 }], [{}], 'gateway.networking.k8s.io/v1');
    expect(policyFindings([...cleanMesh(), gatewayRoute]).filter((f) => f.code === 'L5D311'))
      .toEqual([expect.objectContaining({ severity: Severity.WARNING, object: 'HTTPRoute demo/gw' })]);
    const oldCrd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'httproutes.gateway.networking.k8s.io' },
      spec: { versions: [{ name: 'v1beta1', served: true, storage: true }] },
    };
    expect(policyFindings([...cleanMesh(), gatewayRoute, oldCrd]).filter((f) => f.code === 'L5D311').map((f) => f.severity))
      .toEqual([Severity.ERROR, Severity.ERROR]);
  });

  test('reads the cluster\'s probe networks from the policy controller: none means probes need explicit routes', () => {
    // GIVEN a control plane without --probe-networks and a port with a Server but no routes
    const controller = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'linkerd-destination', namespace: 'linkerd' },
      spec: { template: { spec: { containers: [{ name: 'policy', command: ['/linkerd-policy-controller'], args: ['--default-policy=all-unauthenticated'] }] } } },
    };
    const objects = [...replace('Deployment', 'web', () => workload('web', 'demo', { httpProbes: [[8080, '/ready']] })), server('web-http', 'demo', { matchLabels: { app: 'web' } }, 8080), controller, serviceAccount('linkerd-destination', 'linkerd')];
    // THEN web's probe is denied (the controller has no probe networks to authorize it from), api's explicitly routed ones are not
    const found = policyFindings(objects).filter((f) => f.code === 'L5D306');
    expect(found).toContainEqual(expect.objectContaining({ object: 'Deployment demo/web', field: 'containers[web].readinessProbe' }));
    expect(found.filter((f) => f.field?.startsWith('containers[api]'))).toEqual([]);
  });

  test('unmeshed workloads are not judged', () => {
    // GIVEN the namespace is not injected, and neither probes nor scrapes are allowed
    const dropped = ['linkerd-admin', 'linkerd-admin-from-prometheus', 'api-http-probes', 'api-http-probes-from-kubelet'];
    const objects = replace('Namespace', 'demo', (o) => ({ ...o, metadata: { ...o.metadata, annotations: { 'config.linkerd.io/default-inbound-policy': 'deny' } } }))
      .filter((o) => !dropped.includes(o.metadata.name));
    // THEN nothing is reported: without a proxy no policy is enforced
    expect(codes(objects)).toEqual([]);
  });
});

describe('cdk8s-linkerd check runs the policy rules on a manifest directory', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require('../../src/cli') as typeof import('../../src/cli');
  const { Yaml } = require('cdk8s') as typeof import('cdk8s');
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const path = require('path') as typeof import('path');

  function check(objects: Obj[], ...args: string[]): { status: number; out: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-check-'));
    try {
      fs.writeFileSync(path.join(dir, 'app.yaml'), Yaml.stringify(...objects));
      let out = '';
      const status = main(['check', dir, '--now', '2027-01-01T00:00:00Z', ...args], (s) => { out += s; }, (s) => { out += s; });
      return { status, out };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('exits 0 on the clean mesh and 1 with the finding when a probe is denied', () => {
    expect(check(cleanMesh())).toEqual({ status: 0, out: expect.stringMatching(/check: 0 errors/) });
    const broken = check(replace('HTTPRoute', 'api-http-probes'));
    expect(broken.status).toBe(1);
    expect(broken.out).toMatch(/ERROR L5D306 Deployment demo\/api containers\[api\]\.readinessProbe: the readiness probe GET \/ready on port 8080 is denied/);
  });

  test('lists the policy codes and honours suppressions', () => {
    expect(check([], '--list').out).toMatch(/L5D306/);
    expect(check(replace('HTTPRoute', 'api-http-probes'), '--suppress', 'L5D306,L5D303').status).toBe(0);
  });
});
