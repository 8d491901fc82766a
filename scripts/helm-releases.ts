/**
 * Renders what the CDK for Terraform helm path (src/cdktf, `LinkerdHelmReleases`) would install:
 * each `helm_release` of the synthesized stack through a real helm and the official charts, plus
 * the stack's `kubernetes_manifest` objects. Used by `npm run conformance` only: the library itself
 * never runs helm.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { parseAllDocuments, stringify } from 'yaml';
import { LinkerdHelmReleases, LinkerdHelmReleasesProps } from '../src/cdktf';
import { appliedManifest, fromTerraformLiterals } from '../src/cdktf/manifest-resource';

/**
 * Synthesizes `LinkerdHelmReleases` with `props` and writes into `outdir` one file per release, as
 * `helm template` renders it from `chartsDir/<chart>` with the release's values files and its
 * `set_sensitive` entries as `--set-string` (what the provider does with type "string"), and one
 * file with the objects of the `kubernetes_manifest` resources. The values files go to
 * `<outdir>.values/`. Helm 3 renders, as the helm provider embeds it. Throws when helm fails.
 */
export function renderHelmReleases(props: LinkerdHelmReleasesProps, chartsDir: string, helm: string, outdir: string): void {
  const stack = new TerraformStack(new App({ skipValidation: true }), 'linkerd');
  new LinkerdHelmReleases(stack, 'linkerd', props);
  const config = JSON.parse(Testing.synth(stack));
  // The values files are inputs, kept beside the output for reading, not scored with it.
  const valuesDir = `${outdir}.values`;
  for (const dir of [outdir, valuesDir]) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }

  const releases = Object.values(config.resource.helm_release ?? {}) as Array<Record<string, any>>;
  releases.forEach((release, i) => {
    const chart = path.join(chartsDir, release.chart);
    const chartVersion = /^version: *"?([^"\n]+)"?$/m.exec(fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8'))?.[1];
    if (chartVersion !== release.version) throw new Error(`${release.name}: chart version ${release.version}, but ${chart} is ${chartVersion}`);
    const args = ['template', release.name, chart, '-n', release.namespace];
    (release.values as string[]).forEach((values, j) => {
      const file = path.join(valuesDir, `${release.name}-${j}.yaml`);
      fs.writeFileSync(file, fromTerraformLiterals(values));
      args.push('-f', file);
    });
    for (const set of (release.set_sensitive ?? []) as Array<{ name: string; value: string; type: string }>) {
      if (set.type !== 'string') throw new Error(`${release.name}: set_sensitive ${set.name} has type ${set.type}`);
      args.push('--set-string', `${set.name}=${fromTerraformLiterals(set.value)}`);
    }
    const result = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HELM_MAJOR: '3' } });
    if (result.status !== 0) throw new Error(`helm ${args.slice(0, 5).join(' ')} failed: ${result.stderr}`);
    fs.writeFileSync(path.join(outdir, `${String(i + 1).padStart(2, '0')}-${release.name}.yaml`), result.stdout);
  });

  const manifests = Object.values(config.resource.kubernetes_manifest ?? {}).map((resource: any) => appliedManifest(config, resource));
  if (manifests.length > 0) {
    fs.writeFileSync(path.join(outdir, '00-kubernetes-manifests.yaml'), manifests.map((m) => stringify(m)).join('---\n'));
  }
}

/**
 * What `conform.py compare` leaves value-free (certificates, keys, CA bundles, the heartbeat
 * schedule) compared byte for byte: the helm path must install the very certificates of the
 * native one, not merely valid ones. Returns one line per difference.
 */
export function certificateDifferences(nativeDir: string, helmDir: string): string[] {
  const load = (dir: string) => {
    const byKey = new Map<string, Record<string, any>>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
        const o = doc.toJSON();
        if (o?.kind) byKey.set(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
      }
    }
    return byKey;
  };
  const decoded = (b64: string | undefined) => (b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8').trim());
  const fields = (o: Record<string, any>): Record<string, string | undefined> => {
    if (o.kind === 'Secret') return Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [`data.${k}`, decoded(v as string)]));
    if (/WebhookConfiguration$/.test(o.kind)) return Object.fromEntries(o.webhooks.map((w: any) => [`${w.name}.caBundle`, decoded(w.clientConfig.caBundle)]));
    if (o.kind === 'ConfigMap' && o.metadata.name === 'linkerd-identity-trust-roots') return { 'data.ca-bundle.crt': o.data['ca-bundle.crt'].trim() };
    if (o.kind === 'CronJob') return { 'spec.schedule': o.spec.schedule };
    return {};
  };
  const helm = load(helmDir);
  const differences: string[] = [];
  for (const [key, native] of load(nativeDir)) {
    const ours = helm.get(key);
    for (const [field, value] of Object.entries(fields(native))) {
      if (!ours || fields(ours)[field] !== value) differences.push(`${key} ${field} differs`);
    }
  }
  return differences;
}
