/**
 * Argo CD: an app of apps that syncs the mesh synthesized into `dist/`.
 *
 * `npm run synth` writes it into `argocd/` beside `dist/`, with a `kustomization.yaml`; apply it
 * once into the namespace Argo CD runs in, and Argo CD keeps everything in sync with Git from then on:
 *
 *   kubectl apply -n argocd -k argocd/
 *
 * - `linkerd-apps` (the root) watches `argocd/` itself, so new child Applications and changes to
 *   them arrive through Git too;
 * - `linkerd` syncs `dist/` (not its sub-directories: `dist/examples/` holds alternative
 *   installs). Inside it, the objects' sync waves order the apply: CRDs, namespaces and
 *   configuration, the control plane (Argo CD waits until its Deployments are rolled out and
 *   available), its webhooks, then meshed workloads, then policy.
 *
 * Use your own repository: change `repoUrl` (and `targetRevision`) below, or pass them in.
 */
import { App } from 'cdk8s';
import { ArgoCdAppOfApps, ArgoCdSource } from '../../src';

/** Where the example says the synthesized directories are. Replace it with your repository. */
export const EXAMPLE_REPO_URL = 'https://github.com/acme/platform.git';

/** What the Argo CD example may be given instead of its defaults. */
export interface ArgoCdExampleOptions {
  /** @default EXAMPLE_REPO_URL */
  readonly repoUrl?: string;
  /** @default 'HEAD' */
  readonly targetRevision?: string;
  /** Repository path of the synthesized mesh. @default 'dist' */
  readonly meshPath?: string;
  /** Repository path of this example's own output. @default 'argocd' */
  readonly applicationsPath?: string;
}

export function buildArgoCdExample(options: ArgoCdExampleOptions = {}): App {
  const app = new App();
  const repoUrl = options.repoUrl ?? EXAMPLE_REPO_URL;
  const targetRevision = options.targetRevision ?? 'HEAD';
  const apps = new ArgoCdAppOfApps(app, 'linkerd-apps', {
    // argocd/ has a kustomization.yaml, so Argo CD reads it as a kustomize source.
    source: ArgoCdSource.kustomize({ repoUrl, targetRevision, path: options.applicationsPath ?? 'argocd' }),
  });
  apps.addApplication('linkerd', {
    source: ArgoCdSource.directory({ repoUrl, targetRevision, path: options.meshPath ?? 'dist' }),
  });
  return app;
}
