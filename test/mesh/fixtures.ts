import { ApiObject, App, Chart, Testing } from 'cdk8s';
import {
  ILinkerdMesh, InstalledControlPlaneProps, KeyMaterial, LinkerdControlPlane, MeshMode, MeshWorkloadOptions, ProxySettings, TrustAnchors,
} from '../../src';
import { expectValidObjects } from '../support/k8s-schema';

/** Key material of the mesh tests: a fixed seed, so every run derives the same anchor. */
export const MESH_KEYS = KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd mesh tests, not secret', notBefore: '2026-01-01T00:00:00Z' });

/** A trust anchor bundle for meshes installed elsewhere, derived once. */
export const TRUST_ANCHORS_PEM: string = LinkerdControlPlane.fromInstalled(Testing.app(), 'anchors', {
  identity: { trustAnchors: TrustAnchors.generated() },
  keyMaterial: MESH_KEYS,
}).values.identityTrustAnchorsPEM;

/** A control plane installed elsewhere, with these installed props over the test anchors. */
export function installedMesh(app: App, props: InstalledControlPlaneProps = {}): ILinkerdMesh {
  return LinkerdControlPlane.fromInstalled(app, 'linkerd', {
    ...props,
    identity: { trustAnchors: TrustAnchors.fromPem(TRUST_ANCHORS_PEM), ...props.identity },
  });
}

/** A plain Deployment `web` in namespace `shop`: one container with a named port and HTTP probes. */
export function deploymentManifest(overrides: { podAnnotations?: Record<string, string>; podSpec?: Record<string, unknown> } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, ...(overrides.podAnnotations ? { annotations: overrides.podAnnotations } : {}) },
        spec: {
          serviceAccountName: 'web',
          containers: [{
            name: 'web',
            image: 'ghcr.io/example/web:1.0.0',
            ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }],
            livenessProbe: { httpGet: { path: '/live', port: 8081 } },
            readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
          }],
          ...overrides.podSpec,
        },
      },
    },
  };
}

/** What a test looks at in a rendered pod. */
export interface RenderedPod {
  readonly object: any;
  readonly template: any;
  readonly spec: any;
  readonly annotations: Record<string, string>;
  readonly proxy: any;
  /** proxy-init or the network validator. */
  readonly init: any;
  /** The proxy's env as name → value (valueFrom entries as their JSON). */
  readonly env: Record<string, string | undefined>;
}

/** Looks at the pod of a rendered workload. */
export function renderedPod(object: any): RenderedPod {
  const template = object.kind === 'Pod' ? object : object.kind === 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template;
  const spec = template.spec;
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const proxy = all.find((c: any) => c.name === 'linkerd-proxy');
  const init = (spec.initContainers ?? []).find((c: any) => c.name === 'linkerd-init' || c.name === 'linkerd-network-validator');
  const env: Record<string, string | undefined> = {};
  for (const e of proxy?.env ?? []) env[e.name] = e.value ?? (e.valueFrom ? JSON.stringify(e.valueFrom) : undefined);
  return { object, template, spec, annotations: template.metadata?.annotations ?? {}, proxy, init, env };
}

/** Meshes the plain Deployment of `deploymentManifest` and synthesizes it, validating every object. */
export function meshDeployment(options: MeshWorkloadOptions & { installed?: InstalledControlPlaneProps; manifest?: any } = {}): RenderedPod {
  const app = Testing.app();
  const mesh = installedMesh(app, options.installed);
  const chart = new Chart(app, 'chart');
  const obj = new ApiObject(chart, 'web', options.manifest ?? deploymentManifest());
  mesh.meshWorkload(obj, { mode: options.mode, proxy: options.proxy, onRefusal: options.onRefusal });
  const objects = Testing.synth(chart);
  expectValidObjects(objects);
  return renderedPod(objects[0]);
}

/** Statically meshes the plain Deployment with mesh-wide and workload settings. */
export function staticPod(meshWide?: ProxySettings, workload?: ProxySettings, installed: InstalledControlPlaneProps = {}): RenderedPod {
  return meshDeployment({ mode: MeshMode.STATIC, proxy: workload, installed: { ...installed, proxy: { ...installed.proxy, ...meshWide } } });
}

/** Escapes a string for use in a RegExp. */
export function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}
