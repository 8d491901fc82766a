import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { CHECK_RULES, Finding, LinkerdConfigError, runChecks, Severity, synthesizeManifests } from '../../src';
import { PROXY_ANNOTATION_RULE } from '../../src/check/proxy-annotations';
import { main } from '../../src/cli';
import { synthControlPlane } from '../control-plane/fixtures';
import { deploymentManifest } from '../mesh/fixtures';

const check = (...objects: any[]): Finding[] => runChecks(objects, { rules: [PROXY_ANNOTATION_RULE] });
const namespace = (annotations: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', annotations } });
const service = (annotations: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', annotations }, spec: { ports: [{ port: 80 }] } });

describe('proxy annotation checks (L5D2xx)', () => {
  test('the rule is registered and owns only L5D2xx codes', () => {
    expect(CHECK_RULES).toContain(PROXY_ANNOTATION_RULE);
    expect(Object.keys(PROXY_ANNOTATION_RULE.codes).every((c) => /^L5D2\d\d$/.test(c))).toBe(true);
  });

  test('L5D201: an unknown config.linkerd.io key is an error, with a suggestion for a near miss', () => {
    const findings = check(deploymentManifest({ podAnnotations: { 'config.linkerd.io/proxy-cpu-requests': '100m', 'config.linkerd.io/shiny': 'yes' } }));
    expect(findings).toEqual([
      {
        code: 'L5D201', severity: Severity.ERROR, object: 'Deployment shop/web',
        field: 'spec.template.metadata.annotations["config.linkerd.io/proxy-cpu-requests"]',
        message: 'config.linkerd.io/proxy-cpu-requests is not a proxy configuration annotation, so the injector ignores it (did you mean "config.linkerd.io/proxy-cpu-request"?)',
        fix: 'rename it to config.linkerd.io/proxy-cpu-request, or set proxy.resources.cpu.request of meshWorkload or meshNamespace',
      },
      {
        code: 'L5D201', severity: Severity.ERROR, object: 'Deployment shop/web',
        field: 'spec.template.metadata.annotations["config.linkerd.io/shiny"]',
        message: 'config.linkerd.io/shiny is not a proxy configuration annotation, so the injector ignores it',
        fix: 'remove it; "cdk8s-linkerd check --list" and README list what Linkerd reads',
      },
    ]);
  });

  test('L5D202: an unknown linkerd.io key, or a near miss under another prefix, is a warning', () => {
    const findings = check(
      deploymentManifest({ podAnnotations: { 'linkerd.io/injekt': 'enabled', 'config.linkerd.oi/admin-port': '9998', 'example.com/unrelated': 'x' } }),
    );
    expect(findings.map((f) => [f.code, f.severity, f.message])).toEqual([
      ['L5D202', Severity.WARNING, 'config.linkerd.oi/admin-port is not an annotation Linkerd reads (did you mean "config.linkerd.io/admin-port"?)'],
      ['L5D202', Severity.WARNING, 'linkerd.io/injekt is not an annotation Linkerd reads (did you mean "linkerd.io/inject"?)'],
    ]);
  });

  test('L5D203: values the injector cannot use are errors, on pods, namespaces and services', () => {
    const findings = check(
      deploymentManifest({
        podAnnotations: {
          'config.linkerd.io/admin-port': '70000',
          'config.linkerd.io/proxy-await': 'true',
          'config.linkerd.io/proxy-memory-limit': '1 gig',
          'linkerd.io/inject': 'yes',
          'config.linkerd.io/proxy-outbound-connect-timeout': '5 seconds',
        },
      }),
      namespace({ 'config.linkerd.io/default-inbound-policy': 'nobody' }),
      service({ 'config.linkerd.io/opaque-ports': 'mysql' }),
    );
    expect(findings.filter((f) => f.code === 'L5D203').map((f) => `${f.object} ${f.field}: ${f.message}`)).toEqual([
      'Deployment shop/web spec.template.metadata.annotations["config.linkerd.io/admin-port"]: "70000" is not a TCP port (1-65535), so the injector ignores it',
      'Deployment shop/web spec.template.metadata.annotations["config.linkerd.io/proxy-await"]: "true" is not "enabled" or "disabled", so the injector ignores it',
      'Deployment shop/web spec.template.metadata.annotations["config.linkerd.io/proxy-memory-limit"]: "1 gig" is not a Kubernetes quantity such as "100m" or "64Mi", so the injector ignores it',
      'Deployment shop/web spec.template.metadata.annotations["config.linkerd.io/proxy-outbound-connect-timeout"]: "5 seconds" is not a duration such as "100ms" or "2s", so the injector ignores it',
      'Deployment shop/web spec.template.metadata.annotations["linkerd.io/inject"]: "yes" is not "enabled", "disabled" or "ingress", so the injector ignores it',
      'Namespace shop metadata.annotations["config.linkerd.io/default-inbound-policy"]: "nobody" is not one of all-unauthenticated, all-authenticated, cluster-unauthenticated, cluster-authenticated, deny, audit, so the injector ignores it',
      'Service shop/web metadata.annotations["config.linkerd.io/opaque-ports"]: "mysql" is not a comma-separated list of ports or "lo-hi" ranges',
    ]);
    expect(findings.every((f) => f.code !== 'L5D203' || f.severity === Severity.ERROR)).toBe(true);
  });

  test('L5D204: annotations that do nothing where they are', () => {
    const workload = deploymentManifest();
    workload.metadata.annotations = { 'config.linkerd.io/proxy-log-level': 'debug', 'linkerd.io/created-by': 'me' };
    const findings = check(
      workload,
      namespace({ 'config.linkerd.io/enable-gateway': 'true', 'config.linkerd.io/proxy-log-level': 'debug' }),
      service({ 'config.linkerd.io/proxy-log-level': 'debug', 'config.linkerd.io/opaque-ports': '3306' }),
      deploymentManifest({ podAnnotations: { 'config.linkerd.io/pod-inbound-ports': '80' } }),
    );
    expect(findings.map((f) => `${f.code} ${f.object} ${f.field}`)).toEqual([
      'L5D204 Deployment shop/web metadata.annotations["config.linkerd.io/proxy-log-level"]',
      'L5D204 Deployment shop/web spec.template.metadata.annotations["config.linkerd.io/pod-inbound-ports"]',
      'L5D204 Namespace shop metadata.annotations["config.linkerd.io/enable-gateway"]',
      'L5D204 Service shop/web metadata.annotations["config.linkerd.io/proxy-log-level"]',
    ]);
    expect(findings[0].message).toMatch(/the injector reads the pod template's annotations \(spec.template.metadata.annotations\)/);
    expect(findings.every((f) => f.severity === Severity.WARNING)).toBe(true);
  });

  test('L5D205: deprecated keys', () => {
    const findings = check(deploymentManifest({ podAnnotations: { 'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'true' } }));
    expect(findings.map((f) => [f.code, f.message])).toEqual([
      ['L5D205', 'config.alpha.linkerd.io/proxy-enable-native-sidecar is deprecated; use config.linkerd.io/proxy-enable-native-sidecar'],
    ]);
  });

  test('L5D206: an opaque port name that is no container port of the pod', () => {
    const findings = check(deploymentManifest({ podAnnotations: { 'config.linkerd.io/opaque-ports': 'http,mysql,3306' } }));
    expect(findings.map((f) => [f.code, f.severity, f.message])).toEqual([
      ['L5D206', Severity.WARNING, 'mysql names no container port of the pod; the injector drops it (effective: "8080,3306")'],
    ]);
  });

  test('valid annotations, and the control plane\'s own, raise nothing', () => {
    expect(check(
      deploymentManifest({ podAnnotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/opaque-ports': 'http,3306', 'config.linkerd.io/proxy-cpu-request': '0.5' } }),
      namespace({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-log-format': 'json' }),
      service({ 'config.linkerd.io/opaque-ports': '3306,5000-5010' }),
    )).toEqual([]);
    expect(check(...synthControlPlane({ highAvailability: true }).objects)).toEqual([]);
  });

  test('synth fails on an error finding, naming the construct that emitted the object', () => {
    const app = new App();
    new ApiObject(new Chart(app, 'apps'), 'web', deploymentManifest({ podAnnotations: { 'config.linkerd.io/proxy-log-levle': 'debug' } }));
    expect(() => synthesizeManifests(app)).toThrow(LinkerdConfigError);
    expect(() => synthesizeManifests(app)).toThrow(/apps\/web: .*L5D201.*did you mean "config.linkerd.io\/proxy-log-level"/);
    expect(() => synthesizeManifests(app, { suppress: ['L5D201'] })).not.toThrow();
  });

  test('cdk8s-linkerd check reports the findings and exits 1 on an error', () => {
    // GIVEN a manifest directory
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-check-'));
    fs.writeFileSync(path.join(dir, 'app.yaml'), stringify(deploymentManifest({ podAnnotations: { 'config.linkerd.io/admin-port': 'x' } })));
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => { out.push(String(chunk)); return true; });
    // WHEN
    let code: number;
    try {
      code = main(['check', dir]);
    } finally {
      write.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // THEN
    expect(code).toBe(1);
    expect(out.join('')).toContain('ERROR L5D203 Deployment shop/web spec.template.metadata.annotations["config.linkerd.io/admin-port"]: "x" is not a TCP port');
  });

  test('findings come in a stable order', () => {
    const objects = [deploymentManifest({ podAnnotations: { 'config.linkerd.io/b': '1', 'config.linkerd.io/a': '1' } })];
    expect(check(...objects)).toEqual(check(...objects));
    expect(Testing).toBeDefined();
  });
});
