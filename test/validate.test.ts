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
    expect(check.imageName(scope, 'f', 'Registry.Example.com/a__b/c-d.e')).toBe('Registry.Example.com/a__b/c-d.e');
    expect(check.imageTag(scope, 'f', 'edge-26.8.3')).toBe('edge-26.8.3');
    expect(check.imageReference(scope, 'f', 'ghcr.io/acme/web:1.2')).toBe('ghcr.io/acme/web:1.2');
    expect(check.imageReference(scope, 'f', `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`)).toMatch(/^ghcr/);
    expect(check.goDuration(scope, 'f', '24h0m0s')).toBe('24h0m0s');
    expect(check.quantity(scope, 'f', '250Mi')).toBe('250Mi');
    expect(check.quantity(scope, 'f', '0.5')).toBe('0.5');
    expect(check.quantity(scope, 'f', '1e3')).toBe('1e3');
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

  // Each rejection names the actual fault, not only the kind of value expected.
  const failures: Array<[string, () => unknown, RegExp]> = [
    ['a zero count', () => check.positiveInteger(scope, 'replicas', 0), /scope: replicas: 0 is not a positive integer\. Fix: /],
    ['a fractional count', () => check.nonNegativeInteger(scope, 'n', 1.5), /n: 1.5 is not a non-negative integer/],
    ['port 0', () => check.port(scope, 'ports.admin', 0), /ports.admin: 0 is not a TCP port/],
    ['port 70000', () => check.port(scope, 'p', 70000), /p: 70000 is not a TCP port/],
    ['an upper-case DNS label', () => check.dnsLabel(scope, 'namespace', 'Linkerd'), /namespace: "Linkerd" has upper-case letters; a DNS label is lower case\. Fix: use "linkerd"/],
    ['a DNS label with an underscore', () => check.dnsLabel(scope, 'namespace', 'my_ns'), /namespace: "my_ns" contains "_"; a DNS label has only a-z, 0-9 and "-"/],
    ['a DNS label starting with "-"', () => check.dnsLabel(scope, 'namespace', '-ns'), /"-ns" starts with "-"/],
    ['a 64-character DNS label', () => check.dnsLabel(scope, 'n', 'a'.repeat(64)), /is 64 characters long; a DNS label has at most 63/],
    ['a DNS label that is not a string', () => check.dnsLabel(scope, 'n', 42 as any), /n: is a number \(42\), not a string/],
    ['a subdomain with a trailing dot', () => check.dnsSubdomain(scope, 'd', 'cluster.local.'), /d: "cluster.local." ends with "\."/],
    ['a subdomain with two dots in a row', () => check.dnsSubdomain(scope, 'd', 'cluster..local'), /has two dots in a row/],
    ['a subdomain with a long label', () => check.dnsSubdomain(scope, 'd', `${'a'.repeat(64)}.local`), /label 1 of "a+\.local": "a+" is 64 characters long/],
    ['an image name with a tag', () => check.imageName(scope, 'image', 'cr.l5d.io/linkerd/proxy:edge'), /image: "cr.l5d.io\/linkerd\/proxy:edge" has a tag \(":edge"\)\. Fix: give "\[registry\/\]repository" only/],
    ['an image name with an extra colon', () => check.imageName(scope, 'image', 'cr.l5d.io/linkerd/proxy:a:b'), /has an extra ":" in "proxy:a:b"/],
    ['an image name with upper case', () => check.imageName(scope, 'image', 'cr.l5d.io/Linkerd/proxy'), /path component "Linkerd" of "cr.l5d.io\/Linkerd\/proxy" has upper-case letters; repositories are lower case\. Fix: use "cr.l5d.io\/linkerd\/proxy"/],
    ['an image name with a digest', () => check.imageName(scope, 'image', 'cr.l5d.io/linkerd/proxy@sha256:abc'), /has a digest \("@sha256:abc"\)/],
    ['an image name with "//"', () => check.imageName(scope, 'image', 'cr.l5d.io//proxy'), /has an empty path component \("\/\/"\)/],
    ['an image name with a trailing "/"', () => check.imageName(scope, 'image', 'cr.l5d.io/linkerd/'), /has an empty path component \(it ends with "\/"\)/],
    ['an image name with a bad registry port', () => check.imageName(scope, 'image', 'localhost:50a0/proxy'), /the registry port "50a0" of .* is not a number/],
    ['an image name with a space', () => check.imageName(scope, 'image', 'cr.l5d.io/linkerd proxy'), /contains whitespace/],
    ['an image name with a separator at the end', () => check.imageName(scope, 'image', 'cr.l5d.io/proxy-'), /path component "proxy-" of .* starts, ends or joins words with a separator/],
    ['an image tag with a space', () => check.imageTag(scope, 'version', 'edge 1'), /version: "edge 1" contains " " \(a space\)/],
    ['an image tag with a colon', () => check.imageTag(scope, 'version', 'proxy:edge-26.8.3'), /version: "proxy:edge-26.8.3" has an extra ":"\. Fix: give only the tag, e.g. "edge-26.8.3"/],
    ['an image tag starting with "."', () => check.imageTag(scope, 'version', '.1'), /".1" starts with "\."/],
    ['an image tag of 129 characters', () => check.imageTag(scope, 'version', 'a'.repeat(129)), /is 129 characters long; a tag has at most 128/],
    ['an image reference with a bad tag', () => check.imageReference(scope, 'image', 'ghcr.io/acme/web:1:2'), /has an extra ":"/],
    ['an image reference with upper case', () => check.imageReference(scope, 'image', 'ghcr.io/Acme/web:1'), /path component "Acme" .* has upper-case letters/],
    ['a duration without unit', () => check.goDuration(scope, 'timeout', '10'), /timeout: "10" has no unit after 10/],
    ['a duration with an unknown unit', () => check.goDuration(scope, 'timeout', '10sec'), /timeout: "sec" in "10sec" is not a unit/],
    ['a quantity with a space', () => check.quantity(scope, 'memory', '1 Gi'), /memory: "1 Gi" contains whitespace\. Fix: write it without spaces, e.g. "1Gi"/],
    ['a quantity with a byte suffix of another system', () => check.quantity(scope, 'memory', '512MB'), /"MB" in "512MB" is not a quantity suffix\. Fix: use Mi or M, e.g. "512Mi"/],
    ['a negative quantity', () => check.quantity(scope, 'memory', '-1Gi'), /"-1Gi" is negative/],
    ['a label key with two slashes', () => check.labelKey(scope, 'labels', 'a/b/c'), /labels: "a\/b\/c" has 2 "\/"; a key has at most one/],
    ['a label key with a bad prefix', () => check.labelKey(scope, 'labels', 'Example.com/x'), /the prefix of "Example.com\/x": label 1 of "Example.com": "Example" has upper-case letters/],
    ['a label key with a long name', () => check.labelKey(scope, 'labels', `x/${'a'.repeat(64)}`), /the name of .* is 64 characters long/],
    ['a label value with a slash', () => check.labelValue(scope, 'labels.x', 'a/b'), /labels.x: "a\/b" contains "\/"; a label value has only letters, digits/],
    ['a label value ending in "-"', () => check.labelValue(scope, 'labels.x', 'a-'), /"a-" ends with "-"/],
    ['a value outside an enum', () => check.oneOf(scope, 'mode', 'c' as string, ['a', 'b']), /mode: "c" is not one of "a", "b"/],
    ['an address without port', () => check.hostPort(scope, 'endpoint', 'otel.observability'), /endpoint: "otel.observability" has no port\. Fix: add the port/],
    ['an address with port 0', () => check.hostPort(scope, 'endpoint', 'otel:0'), /endpoint: the port of "otel:0" is outside 1-65535/],
    ['an address with a URL scheme', () => check.hostPort(scope, 'endpoint', 'http://otel:4317'), /is not a host:port address/],
    ['an unbracketed IPv6 address', () => check.hostPort(scope, 'endpoint', 'fd00::1:4317'), /is not a host:port address/],
    ['an IPv4 address out of range', () => check.hostPort(scope, 'endpoint', '10.0.0.300:4317'), /10\.0\.0\.300 in "10\.0\.0\.300:4317" is not an IPv4 address/],
    ['a URL without scheme', () => check.httpUrl(scope, 'url', 'prometheus:9090'), /url: "prometheus:9090" has the scheme prometheus, not http or https/],
    ['a URL of another scheme', () => check.httpUrl(scope, 'url', 'ftp://prometheus'), /has the scheme ftp, not http or https/],
    ['a URL with a space', () => check.httpUrl(scope, 'url', 'http://prom etheus'), /"http:\/\/prom etheus" is not a URL/],
    ['an annotation map with a number', () => check.annotationMap(scope, 'annotations', { a: 1 as any }), /annotations.a: 1 is not a string/],
  ];
  test.each(failures)('fails on %s, naming the construct path, the field and the fault', (_label, run, message) => {
    expect(run).toThrow(LinkerdConfigError);
    expect(run).toThrow(message);
  });

  test('the error carries path, field, problem and fix separately', () => {
    try {
      check.port(scope, 'ports.inbound', -1);
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(LinkerdConfigError);
      const error = e as LinkerdConfigError;
      expect(error.constructPath).toBe('scope');
      expect(error.field).toBe('ports.inbound');
      expect(error.problem).toBe('-1 is not a TCP port');
      expect(error.fix).toMatch(/1 to 65535/);
    }
  });

  test('a long rejected value is cut in the message', () => {
    expect(() => check.dnsLabel(scope, 'namespace', 'x'.repeat(5000))).toThrow(/"x{99}…" \(5000 characters\) is 5000 characters long/);
  });
});

describe('log filters (the proxy\'s and the policy controller\'s tracing directives)', () => {
  test.each([
    'warn', 'info', 'off', 'TRACE', 'warn,linkerd=info,hickory=error', 'linkerd=debug', 'linkerd::app=trace', 'linkerd_proxy_http=debug, warn',
    'linkerd[span]=info', 'linkerd[{headers}]=debug', 'linkerd[span{field=value}]=info',
  ])('accepts %j', (filter) => {
    expect(check.logFilterFault(filter)).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ['verbose', /"verbose" is not a level \(trace, debug, info, warn, error, off\)/],
    ['linkerd', /"linkerd" is not a level .*Fix: give the target a level, e.g. "linkerd=debug"/],
    ['warn,linkerd=verbose', /the level "verbose" in directive 2 \("linkerd=verbose"\) of "warn,linkerd=verbose" is not one of trace, debug, info, warn, error, off/],
    ['warn,,info', /has an empty directive/],
    ['warn,', /has an empty directive \(a trailing ","\)/],
    ['linkerd-proxy=info', /the target "linkerd-proxy" in .* is not a Rust module path/],
    ['linkerd[span=info', /the span filter "\[span" in .* is not "\[span\{field=value\}\]"/],
    ['', /is empty/],
  ])('rejects %j, naming the fault', (filter, message) => {
    const fault = check.logFilterFault(filter);
    expect(fault).toBeDefined();
    expect(`${fault!.problem}. Fix: ${fault!.fix}`).toMatch(message);
  });
});

describe('cron schedules', () => {
  test.each(['0 3 * * *', '*/15 * * * *', '0 0 1-15/2 * mon-fri', '0 0 * jan,jul ?', '59 23 31 12 7', '@daily', '@hourly', ' 0  3 * * * '])('accepts %j', (cron) => {
    expect(check.cronFault(cron)).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ['60 * * * *', /field 1 \(minute\) "60": 60 is outside 0-59/],
    ['0 25 * * *', /field 2 \(hour\) "25": 25 is outside 0-23/],
    ['0 0 0 * *', /field 3 \(day of month\) "0": 0 is outside 1-31/],
    ['0 0 * 13 *', /field 4 \(month\) "13": 13 is outside 1-12/],
    ['0 0 * * 8', /field 5 \(day of week\) "8": 8 is outside 0-7/],
    ['0 0 * * 1-9', /field 5 \(day of week\) "1-9": 9 is outside 0-7/],
    ['*/0 * * * *', /field 1 \(minute\) "\*\/0": the step "0" is not a whole number of 1 or more/],
    ['0 5-2 * * *', /field 2 \(hour\) "5-2": the range "5-2" starts after it ends/],
    ['0 0 * foo *', /field 4 \(month\) "foo": "foo" is not a number or name/],
    ['0 0 * * *,', /field 5 \(day of week\) "\*,": a list entry is empty/],
    ['0 0 * *', /has 4 fields, not 5/],
    ['every day', /has 2 fields, not 5/],
    ['@fortnightly', /is not a cron descriptor/],
    ['TZ=UTC 0 0 * * *', /sets a time zone, which Kubernetes rejects/],
  ])('rejects %j, naming the field', (cron, message) => {
    const fault = check.cronFault(cron);
    expect(fault).toBeDefined();
    expect(fault!.problem).toMatch(message);
  });
});

describe('derived names', () => {
  test('a valid name is kept as it is', () => {
    expect(check.derivedName(['api', '9898', 'from', 'web'])).toBe('api-9898-from-web');
    expect(check.derivedName(['net-10.0.0.0-8'], { dots: true })).toBe('net-10.0.0.0-8');
  });

  test('a joined name longer than 63 characters is cut and ends in a hash of the whole, deterministically', () => {
    const long = ['a'.repeat(40), 'from', 'b'.repeat(40)];
    const name = check.derivedName(long);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(check.dnsLabelFault(name)).toBeUndefined();
    expect(name).toMatch(/^a{40}-from-b+-[0-9a-f]{10}$/);
    expect(check.derivedName(long)).toBe(name);
    expect(check.derivedName(['a'.repeat(40), 'from', `${'b'.repeat(39)}c`])).not.toBe(name);
  });

  test('invalid characters are replaced, and the result is valid', () => {
    expect(check.derivedName(['Web_Server', '8080'])).toBe('web-server-8080');
    expect(check.dnsSubdomainFault(check.derivedName(['a.-b', '..c'], { dots: true }))).toBeUndefined();
  });
});

describe('requests and limits', () => {
  test('a request above its limit fails, comparing quantities by value', () => {
    expect(() => check.requestWithinLimit(scope(), 'resources.memory.request', 'memory', '1Gi', '1024Mi', 'resources.memory.limit')).not.toThrow();
    expect(() => check.requestWithinLimit(scope(), 'resources.cpu.request', 'cpu', '0.5', '500m', 'resources.cpu.limit')).not.toThrow();
    expect(() => check.requestWithinLimit(scope(), 'resources.cpu.request', 'cpu', '600m', '0.5', 'resources.cpu.limit'))
      .toThrow(/resources\.cpu\.request: the cpu request 600m is above the cpu limit 0\.5 \(resources\.cpu\.limit\); Kubernetes rejects such a container\. Fix: lower the request to 0\.5 or less/);
  });

  function scope() {
    return new Chart(Testing.app(), 'scope');
  }
});
