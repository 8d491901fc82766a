import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import {
  Client, IssuerCertificate, KeyMaterial, LinkerdConfigError, LinkerdControlPlane, MeshPolicy, runSynth, SynthChecks, synthesizeManifests, TrustAnchors,
} from '../../src';
import { demoApp } from '../policy/fixtures';
import { hashDirectory } from '../support/determinism';

/** The issuer is valid from 2026-01-01 for 90 days: until 2026-04-01. */
function install(): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-app-')) });
  new LinkerdControlPlane(app, 'linkerd-control-plane', {
    keyMaterial: KeyMaterial.fromSeed({ seed: 'synth checks test seed', notBefore: '2026-01-01T00:00:00Z' }),
    emitGeneratedPrivateKeys: true,
    identity: { trustAnchors: TrustAnchors.generated(), issuer: IssuerCertificate.generated({ validity: Duration.days(90) }) },
  });
  return app;
}

/** An app whose Deployment has a misspelt proxy annotation. */
function typoApp(): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-app-')) });
  const chart = new Chart(app, 'shop');
  LinkerdControlPlane.fromInstalled(chart, 'mesh');
  new ApiObject(chart, 'web', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-log-levl': 'debug' } },
        spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.0' }] },
      },
    },
  });
  return app;
}

/** Runs `fn` with CDK8S_LINKERD_NOW set as given (undefined: unset), restoring it after. */
function withNowVariable<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.CDK8S_LINKERD_NOW;
  if (value === undefined) delete process.env.CDK8S_LINKERD_NOW;
  else process.env.CDK8S_LINKERD_NOW = value;
  try {
    return fn();
  } finally {
    process.env.CDK8S_LINKERD_NOW = saved;
  }
}

/** runSynth with its output captured. */
function run(build: () => App, outdir: string, options = {}): { stderr: string; exitCode: number } {
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => { stderr.push(String(c)); return true; });
  try {
    runSynth(build, outdir, options);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stderr: stderr.join(''), exitCode };
}

describe('checks in every synth path', () => {
  test('fails app.synth() on an annotation typo, naming the construct, the field and the fix', () => {
    // GIVEN
    const app = typoApp();
    // WHEN / THEN
    expect(() => app.synth()).toThrow(/Validation failed with the following errors:\n {2}\[cdk8s-linkerd-checks\] shop\/web: the annotation config\.linkerd\.io\/proxy-log-levl: ERROR L5D201 .*did you mean "config\.linkerd\.io\/proxy-log-level".*Fix: /);
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  test('fails Testing.synth and synthesizeManifests on the same typo', () => {
    expect(() => Testing.synth(typoApp().charts[0])).toThrow(/L5D201/);
    expect(() => synthesizeManifests(typoApp())).toThrow(LinkerdConfigError);
    expect(() => synthesizeManifests(typoApp())).toThrow(/^shop\/web: the annotation config\.linkerd\.io\/proxy-log-levl: ERROR L5D201/);
  });

  test('an explicit SynthChecks at the root takes the options; the default a construct added gives way', () => {
    const app = typoApp();
    new SynthChecks(app, 'checks', { suppress: ['L5D201'] });
    expect(() => app.synth()).not.toThrow();
    expect(app.node.children.filter(SynthChecks.isSynthChecks).map((c) => c.node.id)).toEqual(['checks']);
    expect(() => new SynthChecks(app, 'more')).toThrow(/the app already has its checks/);
    expect(() => new SynthChecks(app.charts[0], 'nested')).toThrow(/must be created at its root/);
  });

  test('warnings are printed once per synth, with a summary, and do not fail app.synth()', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-app-')) });
    const chart = new Chart(app, 'shop');
    LinkerdControlPlane.fromInstalled(chart, 'mesh');
    new ApiObject(chart, 'web', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' }, annotations: { 'linkerd.io/inject': 'enabled', 'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'true' } }, spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.0' }] } },
      },
    });
    new Chart(app, 'other');
    const stderr: string[] = [];
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => { stderr.push(String(c)); return true; });
    try {
      app.synth();
    } finally {
      err.mockRestore();
    }
    expect(stderr.join('')).toMatch(/^WARNING L5D205 Deployment shop\/web [^\n]*deprecated[^\n]*\ncdk8s-linkerd: 1 warning over 1 objects\n$/);
  });
});

describe('duplicate objects', () => {
  test('two MeshPolicy instances emitting the same MeshTLSAuthentication fail, naming both construct paths', () => {
    // GIVEN
    const d = demoApp();
    new MeshPolicy(d.chart, 'one').allow(Client.workload(d.web), d.api, { port: 'http' });
    new MeshPolicy(d.chart, 'two').allow(Client.workload(d.web), d.db, { port: 'postgres' });
    // WHEN / THEN
    const synth = () => synthesizeManifests(d.app, { checkDates: false });
    expect(synth).toThrow(LinkerdConfigError);
    expect(synth).toThrow(/^demo\/two\/[^:]+: metadata\.name: MeshTLSAuthentication demo\/web \(API group "policy\.linkerd\.io"\) is emitted twice, by demo\/one\/[^ ]+ and by demo\/two\/[^ ]+; in the cluster the later one would replace the earlier\. Fix: /);
    expect(() => Testing.synth(d.chart)).toThrow(/MeshTLSAuthentication demo\/web .* is emitted twice/);
  });

  test('the same name in another API group, kind or namespace is no duplicate', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    SynthChecks.of(app);
    new ApiObject(chart, 'a', { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'x' } });
    new ApiObject(chart, 'b', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'x' } });
    new ApiObject(chart, 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r', namespace: 'x' } });
    new ApiObject(chart, 'd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r', namespace: 'y' } });
    expect(() => synthesizeManifests(app)).not.toThrow();
    new ApiObject(chart, 'e', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r', namespace: 'y' } });
    expect(() => synthesizeManifests(app)).toThrow(/^c\/e: metadata\.name: ConfigMap y\/r \(API group ""\) is emitted twice, by c\/d and by c\/e/);
  });
});

describe('certificate expiry at synth time', () => {
  test('an issuer that has expired when synth runs fails it, and nothing is written', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-')), 'dist');
    const result = run(install, out, { now: new Date('2026-06-01T00:00:00Z') });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^cdk8s-linkerd: synth failed, nothing was written\.\nlinkerd-control-plane: identity\.issuer: ERROR L5D110 Secret linkerd\/linkerd-identity-issuer data\.crt\.pem: issuer certificate CN=identity\.linkerd\.cluster\.local expired on 2026-04-01T00:00:00\.000Z \(now is 2026-06-01T00:00:00\.000Z\)/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('an issuer that expires within 30 days warns, and the output is byte-identical to a synth far from expiry', () => {
    // GIVEN
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-'));
    // WHEN
    const calm = run(install, path.join(root, 'a', 'dist'), { now: new Date('2026-01-10T00:00:00Z') });
    const close = run(install, path.join(root, 'b', 'dist'), { now: new Date('2026-03-02T00:00:00Z') });
    // THEN
    expect(calm.exitCode).toBe(0);
    expect(close.exitCode).toBe(0);
    expect(calm.stderr).not.toMatch(/L5D111/);
    expect(close.stderr).toMatch(/^WARNING L5D111 Secret linkerd\/linkerd-identity-issuer data\.crt\.pem: issuer certificate CN=identity\.linkerd\.cluster\.local expires on 2026-04-01T00:00:00\.000Z, within 60 days of 2026-03-02T00:00:00\.000Z\. Fix: /m);
    expect(close.stderr).toMatch(/\ncdk8s-linkerd: \d+ objects in 1 files, 1 warning\n$/);
    expect(hashDirectory(path.join(root, 'b', 'dist'))).toEqual(hashDirectory(path.join(root, 'a', 'dist')));
  });

  test('a certificate not yet valid at synth time fails it', () => {
    expect(() => synthesizeManifests(install(), { now: new Date('2025-12-01T00:00:00Z') })).toThrow(/L5D110 .* is not valid before 2026-01-01/);
  });

  test('by default the clock at synth time judges (here a fake clock)', () => {
    jest.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    try {
      withNowVariable(undefined, () => {
        expect(() => synthesizeManifests(install())).toThrow(/L5D110 .* expired on 2026-04-01T00:00:00\.000Z \(now is 2026-06-01T00:00:00\.000Z\)/);
        expect(() => install().synth()).toThrow(/L5D110/);
      });
    } finally {
      jest.useRealTimers();
    }
  });

  test('CDK8S_LINKERD_NOW pins the date or switches date checks off; explicit options win over it', () => {
    withNowVariable('2026-06-01T00:00:00Z', () => {
      expect(() => synthesizeManifests(install())).toThrow(/expired on 2026-04-01/);
      expect(() => synthesizeManifests(install(), { now: new Date('2026-02-01T00:00:00Z') })).not.toThrow();
      expect(() => synthesizeManifests(install(), { checkDates: false })).not.toThrow();
    });
    withNowVariable('none', () => expect(() => synthesizeManifests(install())).not.toThrow());
    withNowVariable('soon', () => expect(() => synthesizeManifests(install())).toThrow(/CDK8S_LINKERD_NOW: "soon" is neither an ISO 8601 date nor "none"/));
  });

  test('the horizon is configurable', () => {
    const stderr = run(install, path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-linkerd-')), 'dist'),
      { now: new Date('2026-03-02T00:00:00Z'), expiryHorizonDays: 20 }).stderr;
    expect(stderr).not.toMatch(/L5D111/);
  });
});
