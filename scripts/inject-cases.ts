/**
 * The proxy-injection cases of `reference/edge-26.8.3/inject/CASES.md` for `npm run conformance`:
 * each meshes the case's input, loaded at conformance time from the reference directory, with
 * the typed configuration equivalent to the case's flags and values (static mode for the
 * `--manual` cases, webhook mode for the others). The results go to
 * `.conformance/inject/<case>/` and are scored against the case's golden.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart, Include, Yaml } from 'cdk8s';
import { ILinkerdMesh, InstalledControlPlaneProps, LinkerdControlPlane, MeshMode, ProxySettings, TrustAnchors } from '../src';

/** One conformance case: the reference file it is scored against, and how to build it. */
export interface ConformanceCase {
  readonly reference: string;
  build(app: App): void;
}

/** How one injection case meshes its input. */
interface InjectCase {
  /** Input file in `inject/inputs/`, without `.input.yml`. */
  readonly input: string;
  /** `--manual` (static) or annotate-only (webhook). */
  readonly mode: MeshMode | 'namespace';
  /** The case's installed values, beyond the base configuration. */
  readonly mesh?: InstalledControlPlaneProps;
  /** The case's `linkerd inject` flags, as the workload's proxy settings. */
  readonly proxy?: ProxySettings;
}

const DEPLOYMENT = 'inject_emojivoto_deployment';

/** Keyed by the golden's file name without `.golden.yml`; the numbers are those of CASES.md. */
const CASES: Record<string, InjectCase> = {
  // 1, 2: native sidecar is already the default; case 2 sets it mesh-wide, as its values do.
  inject_emojivoto_deployment: { input: DEPLOYMENT, mode: MeshMode.STATIC },
  inject_emojivoto_deployment_native_sidecar: { input: DEPLOYMENT, mode: MeshMode.STATIC, mesh: { proxy: { nativeSidecar: true } } },
  // 3: a named port the pod does not have stays as written, as with `--opaque-ports`.
  inject_emojivoto_deployment_opaque_ports: { input: DEPLOYMENT, mode: MeshMode.STATIC, proxy: { opaquePorts: [3000, '5000-6000', 'mysql'] } },
  // 4
  inject_emojivoto_deployment_proxyignores: {
    input: DEPLOYMENT, mode: MeshMode.STATIC, proxy: { skipInboundPorts: [22, '8100-8102'], skipOutboundPorts: [5432] },
  },
  // 5: the input's own config annotations are applied as the injector applies them.
  inject_emojivoto_deployment_config_overrides: { input: 'inject_emojivoto_deployment_config_overrides', mode: MeshMode.STATIC, proxy: { version: 'override' } },
  // 6: generic proxy parameters exist only in the installed values.
  inject_emojivoto_deployment_params: {
    input: DEPLOYMENT,
    mode: MeshMode.STATIC,
    mesh: {
      proxy: {
        inbound: { scope: { proto: { appleSauce: 'valueA', blueberry: 3.14 } } },
        outbound: { scope: { proto: { applesauce: 'valueA', blueBerry: true } } },
      },
    },
  },
  // 7
  inject_emojivoto_deployment_debug: { input: DEPLOYMENT, mode: MeshMode.STATIC, proxy: { debugSidecar: true } },
  // 8: CNI is an install-time setting.
  inject_emojivoto_deployment_no_init_container: { input: DEPLOYMENT, mode: MeshMode.STATIC, mesh: { cni: true } },
  // 9
  inject_emojivoto_statefulset: { input: 'inject_emojivoto_statefulset', mode: MeshMode.STATIC },
  // 10
  inject_emojivoto_cronjob: { input: 'inject_emojivoto_cronjob', mode: MeshMode.WEBHOOK },
  // 11
  inject_emojivoto_pod: { input: 'inject_emojivoto_pod', mode: MeshMode.STATIC },
  // 12
  inject_emojivoto_list: { input: 'inject_emojivoto_list', mode: MeshMode.STATIC },
  // 13
  inject_emojivoto_namespace_good: { input: 'inject_emojivoto_namespace_good', mode: 'namespace' },
  // 14
  inject_emojivoto_deployment_capabilities: { input: 'inject_emojivoto_deployment_capabilities', mode: MeshMode.STATIC },
  // 15
  inject_emojivoto_deployment_udp: { input: 'inject_emojivoto_deployment_udp', mode: MeshMode.STATIC },
  // 16
  inject_emojivoto_deployment_empty_resources: { input: 'inject_emojivoto_deployment_empty_resources', mode: MeshMode.STATIC },
};

/**
 * The base configuration of every case: the upstream test suite's trust anchor and version
 * strings, control plane in `linkerd`, installed elsewhere.
 */
function baseMesh(app: App, injectDir: string, extra: InstalledControlPlaneProps = {}): ILinkerdMesh {
  return LinkerdControlPlane.fromInstalled(app, 'linkerd', {
    ...extra,
    version: 'test-inject-control-plane-version',
    identity: { trustAnchors: TrustAnchors.fromPem(fs.readFileSync(path.join(injectDir, 'upstream-test-trust-anchors.pem'), 'utf8')) },
    proxy: { ...extra.proxy, version: 'test-inject-proxy-version', debugImageVersion: 'test-inject-debug-version' },
  });
}

/** The input's objects: `Include`d, with a `kind: List` expanded into its items. */
function loadInput(chart: Chart, file: string): ApiObject[] {
  const documents = Yaml.load(file).filter((d: unknown) => d);
  if (!documents.some((d: any) => d.kind === 'List')) return new Include(chart, 'input', { url: file }).apiObjects;
  return documents.flatMap((d: any) => (d.kind === 'List' ? d.items : [d]))
    .map((o: any) => new ApiObject(chart, `${o.metadata.name}-${o.kind.toLowerCase()}`, o));
}

/** Every injection case, keyed `inject/<case>`, reading its files from `referenceDir/inject`. */
export function injectCases(referenceDir: string): Record<string, ConformanceCase> {
  const injectDir = path.join(referenceDir, 'inject');
  const cases: Record<string, ConformanceCase> = {};
  for (const [name, c] of Object.entries(CASES)) {
    cases[`inject/${name}`] = {
      reference: path.join(injectDir, 'goldens', `${name}.golden.yml`),
      build: (app) => {
        const mesh = baseMesh(app, injectDir, c.mesh);
        const chart = new Chart(app, name);
        for (const obj of loadInput(chart, path.join(injectDir, 'inputs', `${c.input}.input.yml`))) {
          if (c.mode === 'namespace') mesh.meshNamespace(obj, { proxy: c.proxy });
          else mesh.meshWorkload(obj, { mode: c.mode, proxy: c.proxy });
        }
      },
    };
  }
  return cases;
}
