import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, is, required } from '../guards';
import * as check from '../validate';
import { CERT_MANAGER_CA_ISSUER_PROPS, CERT_MANAGER_SELF_SIGNED_ISSUER_PROPS } from './identity-guards';
import { IdentityManifest } from './manifest';

/** The `issuerRef` of a cert-manager Certificate. */
export interface CertManagerIssuerRef {
  /** Name of the Issuer or ClusterIssuer. */
  readonly name: string;
  /** `Issuer` or `ClusterIssuer` (or an external issuer's kind). */
  readonly kind: string;
  /** `cert-manager.io` (or an external issuer's API group). */
  readonly group: string;
}

/** What `CertManagerIssuer.bind` needs from the construct that issues certificates with it. */
export interface CertManagerIssuerBindContext {
  /** Dotted name of the prop that holds this issuer, for errors, e.g. `identity.issuer.issuer`. */
  readonly field: string;
  /** Namespace of the Certificates (an `Issuer` must live there), e.g. `linkerd`. */
  readonly namespace: string;
}

/** A cert-manager issuer, resolved. */
export interface BoundCertManagerIssuer {
  /** For the Certificates' `spec.issuerRef`. */
  readonly issuerRef: CertManagerIssuerRef;
  /**
   * The Issuer or ClusterIssuer to emit.
   * @default - none: it exists already
   */
  readonly manifest?: IdentityManifest;
  /**
   * Whether each certificate signs itself (a `selfSigned` issuer), so that it is its own CA:
   * right for webhook serving certificates, wrong for the identity issuer, which must chain to a
   * trust anchor.
   */
  readonly selfSigned: boolean;
}

/** Props of `CertManagerIssuer.ca` and `CertManagerIssuer.clusterCa`. */
export interface CertManagerCaIssuerProps {
  /**
   * The Secret (type kubernetes.io/tls: `tls.crt`, `tls.key`) holding the CA that signs: for the
   * identity issuer, a trust anchor and its key. It is not emitted: create it yourself, e.g.
   * `kubectl create secret tls linkerd-trust-anchor --cert=ca.crt --key=ca.key -n linkerd`. An
   * `Issuer` reads it from the control-plane namespace, a `ClusterIssuer` from cert-manager's
   * cluster resource namespace (`cert-manager` by default).
   */
  readonly secretName: string;
  /**
   * Name of the Issuer or ClusterIssuer.
   * @default - the `secretName`
   */
  readonly name?: string;
}

/** Props of `CertManagerIssuer.selfSigned`. */
export interface CertManagerSelfSignedIssuerProps {
  /**
   * Name of the Issuer.
   * @default 'linkerd-self-signed'
   */
  readonly name?: string;
}

const GROUP = 'cert-manager.io';

/**
 * The cert-manager issuer that signs a Certificate this library emits. The `ca`, `clusterCa` and
 * `selfSigned` variants emit the Issuer or ClusterIssuer too; `fromIssuerName` and
 * `fromClusterIssuerName` refer to one that exists (ACME is not suitable: the certificates are
 * for in-cluster names).
 */
export abstract class CertManagerIssuer {
  /** An `Issuer` of type CA in the control-plane namespace, signing with the CA in `secretName`. */
  public static ca(props: CertManagerCaIssuerProps): CertManagerIssuer {
    return new OwnedIssuer('Issuer', props, false);
  }

  /** A `ClusterIssuer` of type CA, signing with the CA in `secretName` of cert-manager's cluster resource namespace. */
  public static clusterCa(props: CertManagerCaIssuerProps): CertManagerIssuer {
    return new OwnedIssuer('ClusterIssuer', props, false);
  }

  /**
   * An `Issuer` of type selfSigned in the control-plane namespace: every certificate signs
   * itself and is its own CA (cert-manager writes it into `ca.crt`, which the cainjector puts
   * into the webhook's caBundle). For webhook serving certificates only.
   */
  public static selfSigned(props: CertManagerSelfSignedIssuerProps = {}): CertManagerIssuer {
    return new OwnedIssuer('Issuer', props, true);
  }

  /** An `Issuer` of that name in the control-plane namespace, managed elsewhere. */
  public static fromIssuerName(name: string): CertManagerIssuer {
    return new ReferencedIssuer('Issuer', name);
  }

  /** A `ClusterIssuer` of that name, managed elsewhere. */
  public static fromClusterIssuerName(name: string): CertManagerIssuer {
    return new ReferencedIssuer('ClusterIssuer', name);
  }

  /** Resolves the issuer; throws LinkerdConfigError naming `context.field`. */
  public abstract bind(scope: IConstruct, context: CertManagerIssuerBindContext): BoundCertManagerIssuer;
}

class OwnedIssuer extends CertManagerIssuer {
  public constructor(
    private readonly kind: 'Issuer' | 'ClusterIssuer',
    private readonly props: CertManagerCaIssuerProps | CertManagerSelfSignedIssuerProps,
    private readonly selfSigned: boolean,
  ) {
    super();
  }

  public bind(scope: IConstruct, context: CertManagerIssuerBindContext): BoundCertManagerIssuer {
    const field = context.field;
    let name: string;
    let spec: Record<string, unknown>;
    if (this.selfSigned) {
      const props = (this.props ?? {}) as CertManagerSelfSignedIssuerProps;
      guardProps(scope, field, props, CERT_MANAGER_SELF_SIGNED_ISSUER_PROPS);
      name = check.dnsSubdomain(scope, `${field}.name`, props.name ?? 'linkerd-self-signed');
      spec = { selfSigned: {} };
    } else {
      const props = this.props as CertManagerCaIssuerProps;
      guardProps(scope, field, props, required(CERT_MANAGER_CA_ISSUER_PROPS));
      check.dnsSubdomain(scope, `${field}.secretName`, props.secretName);
      name = check.dnsSubdomain(scope, props.name === undefined ? `${field}.secretName` : `${field}.name`, props.name ?? props.secretName);
      spec = { ca: { secretName: props.secretName } };
    }
    return {
      issuerRef: { name, kind: this.kind, group: GROUP },
      manifest: {
        apiVersion: `${GROUP}/v1`,
        kind: this.kind,
        name,
        namespace: this.kind === 'Issuer' ? context.namespace : undefined,
        body: { spec },
      },
      selfSigned: this.selfSigned,
    };
  }
}

class ReferencedIssuer extends CertManagerIssuer {
  public constructor(private readonly kind: 'Issuer' | 'ClusterIssuer', private readonly name: string) {
    super();
  }

  public bind(scope: IConstruct, context: CertManagerIssuerBindContext): BoundCertManagerIssuer {
    guardProps(scope, context.field, this.name, is.string);
    if (typeof this.name !== 'string' || this.name.length === 0) {
      throw new LinkerdConfigError(scope, context.field, `${JSON.stringify(this.name)} is not the name of a cert-manager ${this.kind}`,
        `name an existing ${this.kind}, e.g. CertManagerIssuer.from${this.kind}Name("linkerd-trust-anchor")`);
    }
    check.dnsSubdomain(scope, context.field, this.name);
    return { issuerRef: { name: this.name, kind: this.kind, group: GROUP }, selfSigned: false };
  }
}
