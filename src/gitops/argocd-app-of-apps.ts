import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdApplication, ArgoCdSource, ArgoCdSyncPolicy } from './argocd-application';

/** Props of an `ArgoCdAppOfApps`. */
export interface ArgoCdAppOfAppsProps {
  /**
   * Where this chart's own output lives in Git: the root Application watches it, so it keeps the
   * child Applications (and itself) in sync once applied by hand.
   */
  readonly source: ArgoCdSource;
  /**
   * Name of the root Application.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace Argo CD runs in.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Argo CD project of the root and, unless they say otherwise, of the children.
   * @default 'default'
   */
  readonly project?: string;
  /** @default ArgoCdSyncPolicy.automated() */
  readonly syncPolicy?: ArgoCdSyncPolicy;
}

/** Options of `ArgoCdAppOfApps.addApplication`. */
export interface ArgoCdChildApplicationOptions {
  /** Where the child's manifests are, e.g. `ArgoCdSource.directory({ repoUrl, path: 'dist' })`. */
  readonly source: ArgoCdSource;
  /**
   * Name of the child Application.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Sync wave of the child: the root syncs children in wave order, each after the previous one
   * is healthy (with Application health enabled in Argo CD, see README).
   * @default - its position: 0 for the first child added, 1 for the second, ...
   */
  readonly syncWave?: number;
  /** @default - the root's project */
  readonly project?: string;
  /** @default ArgoCdSyncPolicy.automated() */
  readonly syncPolicy?: ArgoCdSyncPolicy;
  /** @default - none */
  readonly destinationNamespace?: string;
}

/**
 * The app-of-apps pattern as one chart: a root Application that watches the directory this chart
 * is synthesized to, and one child Application per synthesized directory (the mesh, its
 * extensions, your apps), ordered by sync wave. Apply it once with
 * `kubectl apply -n argocd -k <dir>` (or `-f`); from then on Argo CD keeps it in sync with Git.
 */
export class ArgoCdAppOfApps extends Chart {
  /** The root Application. */
  public readonly root: ArgoCdApplication;
  private readonly namespaceName: string;
  private readonly project?: string;
  private children = 0;

  public constructor(scope: Construct, id: string, props: ArgoCdAppOfAppsProps) {
    super(scope, id);
    this.root = new ArgoCdApplication(this, 'root', {
      name: props.name ?? id,
      namespace: props.namespace,
      project: props.project,
      source: props.source,
      syncPolicy: props.syncPolicy,
    });
    this.namespaceName = this.root.namespace;
    this.project = props.project;
  }

  /** Adds a child Application, in the next sync wave unless `syncWave` says otherwise. */
  public addApplication(id: string, options: ArgoCdChildApplicationOptions): ArgoCdApplication {
    const wave = options.syncWave ?? this.children;
    this.children++;
    return new ArgoCdApplication(this, id, {
      name: options.name,
      namespace: this.namespaceName,
      project: options.project ?? this.project,
      source: options.source,
      syncPolicy: options.syncPolicy,
      destinationNamespace: options.destinationNamespace,
      syncWave: wave,
    });
  }
}
