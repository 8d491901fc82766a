import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { guardProps, is } from '../guards';
import * as check from '../validate';
import {
  CertificateAndKeyPem, chainToAnchor, ExtendedKeyUsage, KeyUsage, parseCertificates,
} from './certificate';
import { CertManagerIssuer } from './cert-manager-issuer';
import {
  CERT_MANAGER_WEBHOOK_TLS_PROPS, EXTERNAL_WEBHOOK_TLS_PROPS, GENERATED_WEBHOOK_TLS_PROPS, WEBHOOK_TLS_PEM_PROPS,
} from './identity-guards';
import { issueCertificate } from './issue-certificate';
import { KeyMaterial } from './key-material';
import { IdentityManifest } from './manifest';
import { pemBlocks } from './pem';
import {
  GO_KEY_ENCODINGS, keyMatchesCertificate, parsePrivateKey, POLICY_CONTROLLER_KEY_ENCODINGS, privateKeyPemLabel, PrivateKeyEncoding,
} from './private-key';
import { certManagerDurations, requireKeyMaterial, validityEnd } from './source-support';

/** Props of `WebhookTls.generated`. */
export interface GeneratedWebhookTlsProps {
  /**
   * How long the serving certificate is valid, from the key material's `notBefore`. It is
   * never regenerated (the output must not change between synths), so make it long.
   * @default Duration.days(3650) - ten years
   */
  readonly validity?: Duration;

  /**
   * PEM encoding of the serving key (`tls.key`).
   * @default PrivateKeyEncoding.PKCS8 - the one encoding every Linkerd webhook server loads
   * (the Rust policy controller does not load SEC1)
   */
  readonly keyEncoding?: PrivateKeyEncoding;
}

/** Props of `WebhookTls.fromPem`. */
export interface WebhookTlsPemProps extends CertificateAndKeyPem {
  /**
   * PEM bundle the API server verifies the webhook with (its `caBundle`).
   * @default - the certificate itself (right for a self-signed certificate)
   */
  readonly caBundlePem?: string;
}

/** Props of `WebhookTls.issuedByCertManager`. */
export interface CertManagerWebhookTlsProps {
  /**
   * The cert-manager issuer that signs the serving certificate, e.g.
   * `CertManagerIssuer.selfSigned()` (each certificate is its own CA) or a CA issuer.
   */
  readonly issuer: CertManagerIssuer;

  /**
   * Lifetime of each serving certificate.
   * @default Duration.days(365)
   */
  readonly duration?: Duration;

  /**
   * How long before expiry cert-manager renews it.
   * @default Duration.days(90) - more than the 60 days after which `linkerd check` warns
   */
  readonly renewBefore?: Duration;
}

/** Props of `WebhookTls.external`. */
export interface ExternalWebhookTlsProps {
  /** PEM bundle that verifies the serving certificate someone else puts into the Secret. */
  readonly caBundlePem: string;
}

/** What `WebhookTls.bind` needs from the construct that serves the webhook. */
export interface WebhookTlsBindContext {
  /** Dotted name of the prop that holds this source, for errors, e.g. `proxyInjector.tls`. */
  readonly field: string;
  /** Name of the Service in front of the webhook, e.g. `linkerd-proxy-injector`. */
  readonly serviceName: string;
  /** Namespace of that Service. */
  readonly namespace: string;
  /**
   * Where generated keys come from.
   * @default - none; `WebhookTls.generated()` then fails
   */
  readonly keyMaterial?: KeyMaterial;
  /**
   * Private key encodings the server that mounts the Secret can load.
   * @default - `POLICY_CONTROLLER_KEY_ENCODINGS` (PKCS#8, PKCS#1: no SEC1) when `serviceName`
   * is `linkerd-policy-validator`, served by the Rust policy controller; otherwise
   * `GO_KEY_ENCODINGS` (SEC1, PKCS#1, PKCS#8), as the Go webhooks load them
   */
  readonly acceptedKeyEncodings?: readonly PrivateKeyEncoding[];
}

/** A webhook's TLS, resolved and validated. */
export interface BoundWebhookTls {
  /**
   * Contents of the Secret `<service>-k8s-tls` (`tls.crt`, `tls.key`), when this library
   * emits it; absent when someone else (cert-manager, the user) writes that Secret.
   */
  readonly secret?: CertificateAndKeyPem;
  /** PEM for the webhook's `clientConfig.caBundle`; absent when cert-manager injects it. */
  readonly caBundlePem?: string;
  /** `<namespace>/<Certificate>` for the annotation `cert-manager.io/inject-ca-from`. */
  readonly injectCaFrom?: string;
  /** `<namespace>/<Secret>` for the annotation `cert-manager.io/inject-ca-from-secret`. */
  readonly injectCaFromSecret?: string;
  /**
   * Whether this library generated the key in `secret` (from the key material), as opposed to
   * it being given as `privateKeyPem`.
   * @default false
   */
  readonly generated?: boolean;
  /**
   * Objects to emit with the webhook (cert-manager Issuer and Certificate).
   * @default - none
   */
  readonly manifests?: IdentityManifest[];
}

/**
 * The serving certificate of an admission webhook (proxy injector, sp-validator, policy
 * validator, …) and how the API server learns to trust it. Linkerd's pods mount it from
 * the Secret `<service>-k8s-tls`; its DNS name must be `<service>.<namespace>.svc`.
 */
export abstract class WebhookTls {
  /**
   * A self-signed ECDSA P-256 certificate with its key from the `keyMaterial`: common name
   * and DNS SAN `<service>.<namespace>.svc`, not a CA, extended key usage serverAuth and
   * clientAuth, serving as its own caBundle (as upstream's generated certificate does).
   * Deterministic and long-lived, where upstream makes a new one on every render. Its key ends
   * up in the Secret `<service>-k8s-tls`, so the control plane needs `emitGeneratedPrivateKeys: true`.
   */
  public static generated(props: GeneratedWebhookTlsProps = {}): WebhookTls {
    return new GeneratedWebhookTls(props);
  }

  /**
   * A certificate and key you give, emitted into the Secret. The certificate must carry the
   * DNS SAN `<service>.<namespace>.svc`; `caBundlePem` (default: the certificate) must
   * verify it.
   */
  public static fromPem(props: WebhookTlsPemProps): WebhookTls {
    return new PemWebhookTls(props);
  }

  /**
   * cert-manager issues the serving certificate into the Secret `<service>-k8s-tls` (with the
   * dnsName `<service>.<namespace>.svc`) and its cainjector fills the caBundle from the
   * `Certificate` named `<namespace>/<name>` (annotation `cert-manager.io/inject-ca-from`).
   * No Secret and no caBundle are emitted.
   */
  public static certManager(certificate: string): WebhookTls {
    return new InjectedWebhookTls('certificate', certificate, false);
  }

  /**
   * cert-manager issues the serving certificate: a `Certificate` named after the service, in
   * its namespace, with the DNS name `<service>.<namespace>.svc`, an ECDSA P-256 key encoded as
   * PKCS#8 (the one encoding every Linkerd webhook server loads: the Rust policy controller
   * cannot load the SEC1 keys cert-manager writes by default), writing the Secret
   * `<service>-k8s-tls`; the webhook gets `cert-manager.io/inject-ca-from: <namespace>/<service>`.
   * The Issuer is emitted too unless it is a reference. No private key is emitted.
   */
  public static issuedByCertManager(props: CertManagerWebhookTlsProps): WebhookTls {
    return new CertManagerWebhookTls(props);
  }

  /**
   * Like `certManager`, but the cainjector reads `ca.crt` of the Secret `<namespace>/<name>`
   * (annotation `cert-manager.io/inject-ca-from-secret`); that Secret needs the annotation
   * `cert-manager.io/allow-direct-injection: "true"`. No Secret and no caBundle are emitted.
   */
  public static fromSecretCa(secret: string): WebhookTls {
    return new InjectedWebhookTls('secret', secret, true);
  }

  /**
   * Someone else writes the Secret `<service>-k8s-tls`; the webhook trusts `caBundlePem`.
   * No Secret is emitted.
   */
  public static external(props: ExternalWebhookTlsProps): WebhookTls {
    return new ExternalWebhookTls(props);
  }

  /** Resolves and validates; throws LinkerdConfigError naming `context.field`. */
  public abstract bind(scope: IConstruct, context: WebhookTlsBindContext): BoundWebhookTls;
}

/** Service of the policy-validator webhook, served by the Rust policy controller. */
const POLICY_VALIDATOR_SERVICE = 'linkerd-policy-validator';

function acceptedEncodings(context: WebhookTlsBindContext): readonly PrivateKeyEncoding[] {
  return context.acceptedKeyEncodings
    ?? (context.serviceName === POLICY_VALIDATOR_SERVICE ? POLICY_CONTROLLER_KEY_ENCODINGS : GO_KEY_ENCODINGS);
}

function dnsName(context: WebhookTlsBindContext): string {
  return `${context.serviceName}.${context.namespace}.svc`;
}

class GeneratedWebhookTls extends WebhookTls {
  public constructor(private readonly props: GeneratedWebhookTlsProps) {
    super();
  }

  public bind(scope: IConstruct, context: WebhookTlsBindContext): BoundWebhookTls {
    const field = context.field;
    guardProps(scope, field, this.props, GENERATED_WEBHOOK_TLS_PROPS);
    const keyMaterial = requireKeyMaterial(scope, context.keyMaterial, `${field}: WebhookTls.generated() (the default)`);
    const name = check.dnsSubdomain(scope, field, dnsName(context));
    const encoding = this.props.keyEncoding ?? PrivateKeyEncoding.PKCS8;
    const accepted = acceptedEncodings(context);
    if (encoding === PrivateKeyEncoding.PKCS1 || !accepted.includes(encoding)) {
      const why = encoding === PrivateKeyEncoding.PKCS1
        ? 'PKCS#1 holds only RSA keys, and generated keys are ECDSA P-256'
        : `the server of ${name} cannot load ${encoding} keys (it accepts ${accepted.join(', ')})`;
      throw new LinkerdConfigError(scope, `${field}.keyEncoding`, why, 'leave keyEncoding unset: PrivateKeyEncoding.PKCS8 is loaded by every Linkerd webhook server');
    }
    const notBefore = keyMaterial.notBefore;
    const notAfter = validityEnd(scope, `${field}.validity`, notBefore, this.props.validity ?? Duration.days(3650));
    const label = `webhook:${name}`;
    const key = keyMaterial.ecdsaP256Key(label);
    const certificatePem = issueCertificate({
      commonName: name,
      dnsNames: [name],
      notBefore,
      notAfter,
      key,
      isCA: false,
      keyUsage: [KeyUsage.DIGITAL_SIGNATURE],
      extendedKeyUsage: [ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH],
      serialLabel: label,
    });
    return { secret: { certificatePem, privateKeyPem: key.toPem(encoding) }, caBundlePem: certificatePem, generated: true };
  }
}

class PemWebhookTls extends WebhookTls {
  public constructor(private readonly props: WebhookTlsPemProps) {
    super();
  }

  public bind(scope: IConstruct, context: WebhookTlsBindContext): BoundWebhookTls {
    const field = context.field;
    guardProps(scope, field, this.props, WEBHOOK_TLS_PEM_PROPS);
    const certField = `${field}.certificatePem`;
    const keyField = `${field}.privateKeyPem`;
    const expected = dnsName(context);
    const [leaf, ...intermediates] = parseCertificates(scope, certField, this.props.certificatePem);
    if (!leaf.dnsNames.includes(expected)) {
      throw new LinkerdConfigError(scope, certField,
        `certificate ${leaf.subject} lacks the DNS SAN "${expected}" (it has ${leaf.dnsNames.length ? leaf.dnsNames.map((n) => `"${n}"`).join(', ') : 'none'}); the API server calls the webhook by that name`,
        `issue the certificate with the DNS name "${expected}"`);
    }

    const key = parsePrivateKey(scope, keyField, this.props.privateKeyPem);
    const accepted = acceptedEncodings(context);
    if (!accepted.includes(key.encoding)) {
      throw new LinkerdConfigError(scope, keyField,
        `is a "${privateKeyPemLabel(key.encoding)}" key, which the server of ${expected} cannot load (it accepts ${accepted.map((e) => `"${privateKeyPemLabel(e)}"`).join(', ')})`,
        'convert it to PKCS#8 with "openssl pkcs8 -topk8 -nocrypt -in tls.key -out tls.pk8.key"');
    }
    const keyBlocks = pemBlocks(this.props.privateKeyPem).filter((b) => /PRIVATE KEY$/.test(b.label));
    if (keyBlocks.length > 1) {
      throw new LinkerdConfigError(scope, keyField, `holds ${keyBlocks.length} private keys`, 'give exactly one private key, the one of the certificate');
    }
    if (!keyMatchesCertificate(this.props.privateKeyPem, this.props.certificatePem)) {
      throw new LinkerdConfigError(scope, keyField, `does not match certificate ${leaf.subject} (different public keys)`,
        'give the private key that was generated together with the certificate');
    }

    const caBundlePem = this.props.caBundlePem ?? this.props.certificatePem;
    const bundle = parseCertificates(scope, `${field}.caBundlePem`, caBundlePem);
    if (chainToAnchor(leaf, intermediates, bundle) === undefined) {
      throw new LinkerdConfigError(scope, `${field}.caBundlePem`,
        `does not verify certificate ${leaf.subject} (no certificate in the bundle signed it or is it)`,
        'give the CA certificate that signed the serving certificate (for a self-signed certificate, the certificate itself)');
    }
    return {
      secret: { certificatePem: this.props.certificatePem, privateKeyPem: this.props.privateKeyPem },
      caBundlePem,
    };
  }
}

class InjectedWebhookTls extends WebhookTls {
  public constructor(
    private readonly what: 'certificate' | 'secret',
    private readonly reference: string,
    private readonly fromSecret: boolean,
  ) {
    super();
  }

  public bind(scope: IConstruct, context: WebhookTlsBindContext): BoundWebhookTls {
    const field = `${context.field}.${this.what}`;
    const kind = this.fromSecret ? 'Secret' : 'Certificate';
    guardProps(scope, field, this.reference, is.string);
    const parts = typeof this.reference === 'string' ? this.reference.split('/') : [];
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new LinkerdConfigError(scope, field, `${JSON.stringify(this.reference)} is not written as "<namespace>/<name>"`,
        `name the cert-manager ${kind} with its namespace, e.g. "${context.namespace}/${context.serviceName}"`);
    }
    check.dnsLabel(scope, field, parts[0]);
    check.dnsSubdomain(scope, field, parts[1]);
    return this.fromSecret ? { injectCaFromSecret: this.reference } : { injectCaFrom: this.reference };
  }
}

class ExternalWebhookTls extends WebhookTls {
  public constructor(private readonly props: ExternalWebhookTlsProps) {
    super();
  }

  public bind(scope: IConstruct, context: WebhookTlsBindContext): BoundWebhookTls {
    guardProps(scope, context.field, this.props, EXTERNAL_WEBHOOK_TLS_PROPS);
    parseCertificates(scope, `${context.field}.caBundlePem`, this.props.caBundlePem);
    return { caBundlePem: this.props.caBundlePem };
  }
}

class CertManagerWebhookTls extends WebhookTls {
  public constructor(private readonly props: CertManagerWebhookTlsProps) {
    super();
  }

  public bind(scope: IConstruct, context: WebhookTlsBindContext): BoundWebhookTls {
    const field = context.field;
    guardProps(scope, field, this.props, CERT_MANAGER_WEBHOOK_TLS_PROPS);
    const name = check.dnsSubdomain(scope, field, dnsName(context));
    const accepted = acceptedEncodings(context);
    if (!accepted.includes(PrivateKeyEncoding.PKCS8)) {
      throw new LinkerdConfigError(scope, field, `the server of ${name} cannot load PKCS#8 keys`, 'give the certificate with WebhookTls.fromPem instead');
    }
    const issuer = this.props.issuer.bind(scope, { field: `${field}.issuer`, namespace: context.namespace });
    const durations = certManagerDurations(scope, field, this.props.duration ?? Duration.days(365), this.props.renewBefore ?? Duration.days(90));
    const certificate: IdentityManifest = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      name: context.serviceName,
      namespace: context.namespace,
      body: {
        spec: {
          secretName: `${context.serviceName}-k8s-tls`,
          ...durations,
          issuerRef: { ...issuer.issuerRef },
          // cert-manager rejects common names over 64 characters; the DNS name is what counts.
          ...(name.length <= 64 ? { commonName: name } : {}),
          dnsNames: [name],
          // PKCS#8 for every webhook: kubert (policy validator) loads PKCS#8 and PKCS#1 only, and
          // cert-manager's default "PKCS1" writes ECDSA keys as SEC1.
          privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
          usages: ['server auth'],
        },
      },
    };
    return {
      injectCaFrom: `${context.namespace}/${context.serviceName}`,
      manifests: [...(issuer.manifest ? [issuer.manifest] : []), certificate],
    };
  }
}
