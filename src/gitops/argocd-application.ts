import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Application, ApplicationSpecSource, ApplicationSpecSyncPolicy, ApplicationSpecSyncPolicyRetry,
} from '../../imports/argoproj.io';
import { LinkerdConfigError } from '../errors';
import { goDurationText } from '../go-duration';
import * as check from '../validate';
import { SyncWaves } from './sync-waves';

/** The cluster Argo CD runs in, as Argo CD names it. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Options of `ArgoCdRetry.backoff`. */
export interface ArgoCdBackoffOptions {
  /**
   * How many times a failed sync is retried.
   * @default 5
   */
  readonly limit?: number;
  /**
   * Wait before the first retry.
   * @default Duration.seconds(10)
   */
  readonly duration?: Duration;
  /**
   * Each wait is this many times the previous one.
   * @default 2
   */
  readonly factor?: number;
  /**
   * Longest wait between retries.
   * @default Duration.minutes(3)
   */
  readonly maxDuration?: Duration;
}

/** Whether and how Argo CD retries a failed sync. */
export class ArgoCdRetry {
  /**
   * Retry with exponential backoff: a sync that fails because a webhook or CRD is not ready yet
   * succeeds on a later try instead of staying failed.
   */
  public static backoff(options: ArgoCdBackoffOptions = {}): ArgoCdRetry {
    const limit = check.positiveInteger('ArgoCdRetry', 'limit', options.limit ?? 5);
    const factor = options.factor ?? 2;
    if (!Number.isInteger(factor) || factor < 1) {
      throw new LinkerdConfigError('ArgoCdRetry', 'factor', `${factor} is not a whole number of 1 or more`, 'use e.g. 2 (Argo CD takes whole factors)');
    }
    return new ArgoCdRetry({
      limit,
      backoff: {
        duration: goDurationText(options.duration ?? Duration.seconds(10)),
        factor,
        maxDuration: goDurationText(options.maxDuration ?? Duration.minutes(3)),
      },
    });
  }

  /** Never retry: a failed sync stays failed until the next change or a manual sync. */
  public static none(): ArgoCdRetry {
    return new ArgoCdRetry(undefined);
  }

  private constructor(private readonly spec: ApplicationSpecSyncPolicyRetry | undefined) {}

  /** @internal */
  public _render(): ApplicationSpecSyncPolicyRetry | undefined {
    return this.spec;
  }
}

/** Options every sync policy has. */
export interface ArgoCdSyncOptions {
  /** @default ArgoCdRetry.backoff() */
  readonly retry?: ArgoCdRetry;
  /**
   * Application-wide sync options, e.g. `CreateNamespace=true`.
   * @default ['PruneLast=true']: objects removed from Git are deleted only after everything else is applied and healthy
   */
  readonly syncOptions?: string[];
}

/** Options of `ArgoCdSyncPolicy.automated`. */
export interface ArgoCdAutomatedSyncOptions extends ArgoCdSyncOptions {
  /**
   * Delete objects that are no longer in Git.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Revert changes made in the cluster by hand.
   * @default true
   */
  readonly selfHeal?: boolean;
}

/** When Argo CD syncs an Application. */
export class ArgoCdSyncPolicy {
  /** Sync every new commit by itself. */
  public static automated(options: ArgoCdAutomatedSyncOptions = {}): ArgoCdSyncPolicy {
    return new ArgoCdSyncPolicy({
      automated: { prune: options.prune ?? true, selfHeal: options.selfHeal ?? true },
      ...ArgoCdSyncPolicy.common(options),
    });
  }

  /** Sync only when someone asks (UI, CLI, API); retries and sync options still apply. */
  public static manual(options: ArgoCdSyncOptions = {}): ArgoCdSyncPolicy {
    return new ArgoCdSyncPolicy(ArgoCdSyncPolicy.common(options));
  }

  private static common(options: ArgoCdSyncOptions): ApplicationSpecSyncPolicy {
    const syncOptions = options.syncOptions ?? ['PruneLast=true'];
    for (const [i, o] of syncOptions.entries()) {
      if (!/^[A-Za-z]+=[^,\s]+$/.test(o)) {
        throw new LinkerdConfigError('ArgoCdSyncPolicy', `syncOptions[${i}]`, `${JSON.stringify(o)} is not a sync option`, 'use Name=value, e.g. "CreateNamespace=true"');
      }
    }
    return {
      retry: (options.retry ?? ArgoCdRetry.backoff())._render(),
      syncOptions: syncOptions.length > 0 ? [...syncOptions] : undefined,
    };
  }

  private constructor(private readonly spec: ApplicationSpecSyncPolicy) {}

  /** @internal */
  public _render(): ApplicationSpecSyncPolicy {
    return this.spec;
  }
}

/** Options of `ArgoCdSource.directory`. */
export interface ArgoCdDirectorySourceOptions {
  /** The Git repository, e.g. `https://github.com/acme/platform.git`. */
  readonly repoUrl: string;
  /** The directory in the repository, e.g. `dist`. */
  readonly path: string;
  /**
   * Branch, tag or commit.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * Read sub-directories too. Off by default: `dist/examples/` holds alternative installs that
   * must not be applied together with `dist/`.
   * @default false
   */
  readonly recurse?: boolean;
}

/** Options of `ArgoCdSource.kustomize`. */
export interface ArgoCdKustomizeSourceOptions {
  /** The Git repository, e.g. `https://github.com/acme/platform.git`. */
  readonly repoUrl: string;
  /** The directory holding the `kustomization.yaml`. */
  readonly path: string;
  /**
   * Branch, tag or commit.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
}

/** Where an Application's manifests are. */
export class ArgoCdSource {
  /** A directory of plain manifests (Argo CD's directory source: every `*.yaml`, `*.yml` and `*.json`). */
  public static directory(options: ArgoCdDirectorySourceOptions): ArgoCdSource {
    return new ArgoCdSource({ ...ArgoCdSource.location(options), directory: { recurse: options.recurse ?? false } });
  }

  /** A directory with a `kustomization.yaml` (synthesized with `kustomization: true`, or an overlay of one). */
  public static kustomize(options: ArgoCdKustomizeSourceOptions): ArgoCdSource {
    return new ArgoCdSource({ ...ArgoCdSource.location(options), kustomize: {} });
  }

  private static location(options: { readonly repoUrl: string; readonly path: string; readonly targetRevision?: string }): ApplicationSpecSource {
    if (typeof options.repoUrl !== 'string' || options.repoUrl.trim() === '') {
      throw new LinkerdConfigError('ArgoCdSource', 'repoUrl', 'is empty', 'give the URL Argo CD clones, e.g. https://github.com/acme/platform.git');
    }
    const parts = String(options.path).split('/');
    if (options.path === '' || options.path.startsWith('/') || parts.includes('..')) {
      throw new LinkerdConfigError('ArgoCdSource', 'path', `${JSON.stringify(options.path)} is not a directory inside the repository`, 'use a relative path such as dist');
    }
    return { repoUrl: options.repoUrl, path: options.path, targetRevision: options.targetRevision ?? 'HEAD' };
  }

  private constructor(private readonly spec: ApplicationSpecSource) {}

  /** The repository path, e.g. `dist`. */
  public get path(): string {
    return this.spec.path!;
  }

  /** @internal */
  public _render(): ApplicationSpecSource {
    return this.spec;
  }
}

/** Props of an `ArgoCdApplication`. */
export interface ArgoCdApplicationProps {
  /** Where the manifests are. */
  readonly source: ArgoCdSource;
  /**
   * Name of the Application.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace Argo CD runs in (where Applications live).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * The cluster to deploy to, as Argo CD knows it.
   * @default 'https://kubernetes.default.svc', the cluster Argo CD runs in
   */
  readonly destinationServer?: string;
  /**
   * Namespace for objects that name none. The library's objects all name theirs.
   * @default - none
   */
  readonly destinationNamespace?: string;
  /** @default ArgoCdSyncPolicy.automated() */
  readonly syncPolicy?: ArgoCdSyncPolicy;
  /**
   * Sync wave of the Application object itself, which orders Applications in an app of apps.
   * @default - none (wave 0)
   */
  readonly syncWave?: number;
  /**
   * Delete the Application's objects when the Application is deleted
   * (`resources-finalizer.argocd.argoproj.io`). Off by default: deleting the Application of a
   * mesh would otherwise delete the mesh.
   * @default false
   */
  readonly cascadeDelete?: boolean;
}

/**
 * An Argo CD Application that syncs a synthesized directory, typed through the Argo CD CRD
 * (imports/argoproj.io.ts). With the defaults it syncs automatically, prunes last, heals drift and
 * retries failed syncs with backoff. The order inside the directory comes from the objects' sync
 * waves (see `SyncWaves`): Argo CD applies one wave, waits until it is healthy (Deployments rolled
 * out and available, CRDs established), then applies the next.
 */
export class ArgoCdApplication extends Construct {
  /** The Application's name. */
  public readonly name: string;
  /** The Application's namespace. */
  public readonly namespace: string;
  /** The generated Application object (escape hatch: `addJsonPatch`). */
  public readonly resource: Application;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    this.name = check.dnsSubdomain(this, 'name', props.name ?? id);
    this.namespace = check.dnsLabel(this, 'namespace', props.namespace ?? 'argocd');
    const project = check.dnsSubdomain(this, 'project', props.project ?? 'default');
    if (props.syncWave !== undefined && !Number.isInteger(props.syncWave)) {
      throw new LinkerdConfigError(this, 'syncWave', `${props.syncWave} is not a whole number`, 'use an integer; lower waves sync first');
    }
    if (props.destinationNamespace !== undefined) check.dnsLabel(this, 'destinationNamespace', props.destinationNamespace);
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        annotations: props.syncWave === undefined ? undefined : { [SyncWaves.WAVE_ANNOTATION]: String(props.syncWave) },
        finalizers: props.cascadeDelete ? ['resources-finalizer.argocd.argoproj.io'] : undefined,
      },
      spec: {
        project,
        source: props.source._render(),
        destination: { server: props.destinationServer ?? IN_CLUSTER, namespace: props.destinationNamespace },
        syncPolicy: (props.syncPolicy ?? ArgoCdSyncPolicy.automated())._render(),
      },
    });
  }
}
