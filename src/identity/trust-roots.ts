import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps } from '../guards';
import * as check from '../validate';
import { TRUST_MANAGER_BUNDLE_PROPS } from './identity-guards';
import { IdentityManifest } from './manifest';

/** A key of a Secret or ConfigMap in trust-manager's trust namespace. */
export interface TrustManagerKeyReference {
  /** Name of the Secret or ConfigMap. */
  readonly name: string;
  /** Key in its `data`, e.g. `tls.crt` or `ca.crt`. */
  readonly key: string;
}

/** Props of `TrustRootsConfigMap.trustManager`. */
export interface TrustManagerBundleProps {
  /**
   * Put the trust anchors of `identity.trustAnchors` into the Bundle (`inLine`): trust-manager
   * then distributes exactly the bundle this synth knows, and a rotation is driven by synths.
   * @default true
   */
  readonly inlineTrustAnchors?: boolean;

  /**
   * Secrets of trust-manager's trust namespace (`cert-manager` by default) to add, e.g. the CA
   * Secret of a ClusterIssuer: `[{ name: 'linkerd-trust-anchor', key: 'tls.crt' }]`. Their
   * certificates must also be in `identity.trustAnchors`, which feeds `linkerd-config` and the
   * `linkerd.io/trust-root-sha256` annotation.
   * @default - none
   */
  readonly secretSources?: TrustManagerKeyReference[];

  /**
   * ConfigMaps of trust-manager's trust namespace to add.
   * @default - none
   */
  readonly configMapSources?: TrustManagerKeyReference[];
}

/** What `TrustRootsConfigMap.bind` needs from the control plane. */
export interface TrustRootsBindContext {
  /** Dotted name of the prop, for errors, e.g. `identity.trustRootsConfigMap`. */
  readonly field: string;
  /** The control-plane namespace, where the ConfigMap must appear. */
  readonly namespace: string;
  /** The trust anchors' PEM bundle, as bound. */
  readonly trustAnchorsPem: string;
}

/** Who writes the ConfigMap `linkerd-identity-trust-roots`, resolved. */
export interface BoundTrustRoots {
  /**
   * Whether the ConfigMap is written by someone else (Linkerd's `identity.externalCA`): then
   * the control plane does not emit it.
   */
  readonly externalCA: boolean;
  /**
   * Objects to emit (the trust-manager Bundle).
   * @default - none
   */
  readonly manifests?: IdentityManifest[];
}

/** The ConfigMap every proxy and the identity controller read the trust anchors from. */
const TRUST_ROOTS = 'linkerd-identity-trust-roots';

/**
 * Who writes the ConfigMap `linkerd-identity-trust-roots` (key `ca-bundle.crt`) in the
 * control-plane namespace: the control plane itself, someone else, or trust-manager.
 */
export abstract class TrustRootsConfigMap {
  /** The control plane emits it, holding the trust anchors. */
  public static emitted(): TrustRootsConfigMap {
    return new EmittedTrustRoots();
  }

  /**
   * It exists and is managed elsewhere (Linkerd's `identity.externalCA: true`); it is not
   * emitted. It should hold the same anchors as `identity.trustAnchors`.
   */
  public static external(): TrustRootsConfigMap {
    return new ExternalTrustRoots();
  }

  /**
   * trust-manager writes it: a cluster-scoped `Bundle` `linkerd-identity-trust-roots`
   * (trust.cert-manager.io/v1alpha1) with the target key `ca-bundle.crt`, selecting the
   * control-plane namespace only, is emitted, and the control plane runs with `externalCA`.
   */
  public static trustManager(props: TrustManagerBundleProps = {}): TrustRootsConfigMap {
    return new TrustManagerTrustRoots(props);
  }

  /** Resolves; throws LinkerdConfigError naming `context.field`. */
  public abstract bind(scope: IConstruct, context: TrustRootsBindContext): BoundTrustRoots;
}

class EmittedTrustRoots extends TrustRootsConfigMap {
  public bind(): BoundTrustRoots {
    return { externalCA: false };
  }
}

class ExternalTrustRoots extends TrustRootsConfigMap {
  public bind(): BoundTrustRoots {
    return { externalCA: true };
  }
}

class TrustManagerTrustRoots extends TrustRootsConfigMap {
  public constructor(private readonly props: TrustManagerBundleProps) {
    super();
  }

  public bind(scope: IConstruct, context: TrustRootsBindContext): BoundTrustRoots {
    const field = context.field;
    guardProps(scope, field, this.props, TRUST_MANAGER_BUNDLE_PROPS);
    const refs = (what: 'secretSources' | 'configMapSources') => (this.props[what] ?? []).map((r, i) => {
      check.dnsSubdomain(scope, `${field}.${what}[${i}].name`, r?.name);
      if (typeof r.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(r.key)) {
        throw new LinkerdConfigError(scope, `${field}.${what}[${i}].key`, `${JSON.stringify(r.key)} is not a data key`, 'use a key such as "tls.crt" or "ca.crt"');
      }
      return { name: r.name, key: r.key };
    });
    const sources: Array<Record<string, unknown>> = [
      ...(this.props.inlineTrustAnchors ?? true ? [{ inLine: context.trustAnchorsPem.trim() }] : []),
      ...refs('secretSources').map((secret) => ({ secret })),
      ...refs('configMapSources').map((configMap) => ({ configMap })),
    ];
    if (sources.length === 0) {
      throw new LinkerdConfigError(scope, field, 'the Bundle would have no source', 'keep inlineTrustAnchors (the default) or name secretSources / configMapSources');
    }
    return {
      externalCA: true,
      manifests: [{
        apiVersion: 'trust.cert-manager.io/v1alpha1',
        kind: 'Bundle',
        name: TRUST_ROOTS,
        component: 'identity',
        body: {
          spec: {
            sources,
            target: {
              configMap: { key: 'ca-bundle.crt' },
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': context.namespace } },
            },
          },
        },
      }],
    };
  }
}
