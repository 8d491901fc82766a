import { Testing } from 'cdk8s';
import { Chart } from 'cdk8s';
import { LinkerdConfigError } from '../src';
import * as check from '../src/validate';

describe('prop checks', () => {
  const scope = new Chart(Testing.app(), 'scope');

  test('valid values pass through unchanged', () => {
    expect(check.positiveInteger(scope, 'f', 3)).toBe(3);
    expect(check.nonNegativeInteger(scope, 'f', 0)).toBe(0);
    expect(check.port(scope, 'f', 65535)).toBe(65535);
    expect(check.dnsLabel(scope, 'f', 'linkerd')).toBe('linkerd');
    expect(check.dnsSubdomain(scope, 'f', 'cluster.local')).toBe('cluster.local');
    expect(check.imageName(scope, 'f', 'cr.l5d.io/linkerd/proxy')).toBe('cr.l5d.io/linkerd/proxy');
    expect(check.imageName(scope, 'f', 'localhost:5000/l5d/proxy')).toBe('localhost:5000/l5d/proxy');
    expect(check.imageTag(scope, 'f', 'edge-26.8.3')).toBe('edge-26.8.3');
    expect(check.goDuration(scope, 'f', '24h0m0s')).toBe('24h0m0s');
    expect(check.quantity(scope, 'f', '250Mi')).toBe('250Mi');
    expect(check.quantity(scope, 'f', '0.5')).toBe('0.5');
    expect(check.labelKey(scope, 'f', 'linkerd.io/control-plane-ns')).toBe('linkerd.io/control-plane-ns');
    expect(check.labelValue(scope, 'f', '')).toBe('');
    expect(check.oneOf(scope, 'f', 'b', ['a', 'b'])).toBe('b');
    expect(check.hostPort(scope, 'f', 'otel-collector.observability.svc.cluster.local:4317')).toBe('otel-collector.observability.svc.cluster.local:4317');
    expect(check.hostPort(scope, 'f', 'otel.observability.svc.cluster.local.:4317')).toBe('otel.observability.svc.cluster.local.:4317');
    expect(check.hostPort(scope, 'f', '10.0.0.1:4317')).toBe('10.0.0.1:4317');
    expect(check.hostPort(scope, 'f', '[fd00::1]:4317')).toBe('[fd00::1]:4317');
    expect(check.httpUrl(scope, 'f', 'http://prometheus.monitoring.svc.cluster.local:9090')).toBe('http://prometheus.monitoring.svc.cluster.local:9090');
    expect(check.httpUrl(scope, 'f', 'https://prom.example.com/prefix')).toBe('https://prom.example.com/prefix');
    expect(check.labelMap(scope, 'f', { 'app.kubernetes.io/name': 'web' })).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect(check.annotationMap(scope, 'f', { 'example.com/note': 'any text: at all' })).toEqual({ 'example.com/note': 'any text: at all' });
  });

  test('durations convert to milliseconds', () => {
    expect(check.durationMillis('1h30m')).toBe(5_400_000);
    expect(check.durationMillis('100ms')).toBe(100);
    expect(check.durationMillis('1.5s')).toBe(1500);
  });

  const failures: Array<[string, () => unknown, RegExp]> = [
    ['a zero count', () => check.positiveInteger(scope, 'replicas', 0), /scope: replicas: 0 is not a positive integer\. Fix: /],
    ['a fractional count', () => check.nonNegativeInteger(scope, 'n', 1.5), /n: 1.5 is not a non-negative integer/],
    ['port 0', () => check.port(scope, 'ports.admin', 0), /ports.admin: 0 is not a TCP port/],
    ['port 70000', () => check.port(scope, 'p', 70000), /p: 70000 is not a TCP port/],
    ['an upper-case DNS label', () => check.dnsLabel(scope, 'namespace', 'Linkerd'), /namespace: "Linkerd" is not a DNS label/],
    ['a 64-character DNS label', () => check.dnsLabel(scope, 'n', 'a'.repeat(64)), /is not a DNS label/],
    ['a subdomain with a trailing dot', () => check.dnsSubdomain(scope, 'd', 'cluster.local.'), /d: "cluster.local." is not a DNS subdomain/],
    ['an image name with a tag', () => check.imageName(scope, 'image', 'cr.l5d.io/linkerd/proxy:edge'), /image: .* is not an image name without tag/],
    ['an image tag with a space', () => check.imageTag(scope, 'version', 'edge 1'), /version: "edge 1" is not an image tag/],
    ['a duration without unit', () => check.goDuration(scope, 'timeout', '10'), /timeout: "10" is not a Go duration/],
    ['a quantity with a space', () => check.quantity(scope, 'memory', '1 Gi'), /memory: "1 Gi" is not a Kubernetes quantity/],
    ['a label key with two slashes', () => check.labelKey(scope, 'labels', 'a/b/c'), /labels: "a\/b\/c" is not a label or annotation key/],
    ['a label value with a slash', () => check.labelValue(scope, 'labels.x', 'a/b'), /labels.x: "a\/b" is not a label value/],
    ['a value outside an enum', () => check.oneOf(scope, 'mode', 'c' as string, ['a', 'b']), /mode: "c" is not one of "a", "b"/],
    ['an address without port', () => check.hostPort(scope, 'endpoint', 'otel.observability'), /endpoint: "otel.observability" is not a host:port address/],
    ['an address with port 0', () => check.hostPort(scope, 'endpoint', 'otel:0'), /endpoint: "otel:0" is not a host:port address/],
    ['an address with a URL scheme', () => check.hostPort(scope, 'endpoint', 'http://otel:4317'), /is not a host:port address/],
    ['an unbracketed IPv6 address', () => check.hostPort(scope, 'endpoint', 'fd00::1:4317'), /is not a host:port address/],
    ['an IPv4 address out of range', () => check.hostPort(scope, 'endpoint', '10.0.0.300:4317'), /is not a host:port address/],
    ['a URL without scheme', () => check.httpUrl(scope, 'url', 'prometheus:9090'), /url: "prometheus:9090" is not an http\(s\) URL/],
    ['a URL of another scheme', () => check.httpUrl(scope, 'url', 'ftp://prometheus'), /is not an http\(s\) URL/],
    ['a URL with a space', () => check.httpUrl(scope, 'url', 'http://prom etheus'), /is not an http\(s\) URL/],
    ['an annotation map with a number', () => check.annotationMap(scope, 'annotations', { a: 1 as any }), /annotations.a: 1 is not a string/],
  ];
  test.each(failures)('fails on %s, naming the construct path and field', (_label, run, message) => {
    expect(run).toThrow(LinkerdConfigError);
    expect(run).toThrow(message);
  });

  test('the error carries path, field and fix separately', () => {
    try {
      check.port(scope, 'ports.inbound', -1);
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(LinkerdConfigError);
      const error = e as LinkerdConfigError;
      expect(error.constructPath).toBe('scope');
      expect(error.field).toBe('ports.inbound');
      expect(error.fix).toMatch(/1 to 65535/);
    }
  });
});
