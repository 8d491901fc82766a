/**
 * The demo PEM files of the bring-your-own and cluster-reference examples (`examples/pem/`), made
 * with this library's own certificate issuer from a public demo seed. They stand in for the
 * files you would make with `step` or openssl; anyone can derive their keys, so they are for
 * trying the examples only.
 *
 * Regenerate the committed files with `node lib/examples/demo-pem.js` (after `npm run build`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EcdsaP256Key, ExtendedKeyUsage, issueCertificate, KeyMaterial, KeyUsage, parseCertificates, PrivateKeyEncoding,
} from '../src';

/** Start of validity of the committed demo files. */
export const DEMO_PEM_NOT_BEFORE = '2026-11-01T00:00:00Z';

/** The directory the examples read by default: `examples/pem` of this repository (from sources or from `lib/`). */
export const DEMO_PEM_DIRECTORY = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'examples', 'pem');
    if (path.dirname(dir) === dir) return path.resolve(__dirname, 'pem');
  }
})();

/** Services whose webhook serving certificates the demo provides. */
export const WEBHOOK_SERVICES = ['linkerd-proxy-injector', 'linkerd-sp-validator', 'linkerd-policy-validator'] as const;

const DAY = 86_400_000;

/** The demo files, by name: anchor, identity issuer, webhook CA and one serving certificate per webhook. */
export function demoPem(notBefore: string = DEMO_PEM_NOT_BEFORE, namespace = 'linkerd'): Record<string, string> {
  const keys = KeyMaterial.fromSeed({ seed: 'cdk8s-linkerd example PEM files - public, not for production', notBefore });
  const start = keys.notBefore;
  const until = (days: number) => new Date(start.getTime() + days * DAY);
  const ca = (commonName: string, key: EcdsaP256Key, days: number) => issueCertificate({
    commonName, dnsNames: [commonName], notBefore: start, notAfter: until(days), key, isCA: true, pathLen: 1,
    keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN], serialLabel: `demo:${commonName}`,
  });

  const anchorKey = keys.ecdsaP256Key('demo:trust-anchor');
  const anchorPem = ca('root.linkerd.cluster.local', anchorKey, 3650);
  const issuerKey = keys.ecdsaP256Key('demo:identity-issuer');
  const issuerName = `identity.${namespace}.cluster.local`;
  const issuerPem = issueCertificate({
    commonName: issuerName, dnsNames: [issuerName], notBefore: start, notAfter: until(730), key: issuerKey, isCA: true, pathLen: 0,
    keyUsage: [KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN], serialLabel: 'demo:identity-issuer',
    signer: { certificate: parseCertificates('demo', 'ca.crt', anchorPem)[0], key: anchorKey },
  });
  const webhookCaKey = keys.ecdsaP256Key('demo:webhook-ca');
  const webhookCaPem = ca('webhook-ca.linkerd.cluster.local', webhookCaKey, 3650);
  const files: Record<string, string> = {
    'ca.crt': anchorPem,
    'issuer.crt': issuerPem,
    'issuer.key': issuerKey.toPem(PrivateKeyEncoding.SEC1),
    'webhook-ca.crt': webhookCaPem,
  };
  for (const service of WEBHOOK_SERVICES) {
    const name = `${service}.${namespace}.svc`;
    const key = keys.ecdsaP256Key(`demo:webhook:${name}`);
    files[`${service}.crt`] = issueCertificate({
      commonName: name, dnsNames: [name], notBefore: start, notAfter: until(1825), key, isCA: false,
      keyUsage: [KeyUsage.DIGITAL_SIGNATURE], extendedKeyUsage: [ExtendedKeyUsage.SERVER_AUTH],
      serialLabel: `demo:webhook:${name}`,
      signer: { certificate: parseCertificates('demo', 'webhook-ca.crt', webhookCaPem)[0], key: webhookCaKey },
    });
    // PKCS#8: the one encoding every webhook server loads (the policy controller cannot load SEC1).
    files[`${service}.key`] = key.toPem(PrivateKeyEncoding.PKCS8);
  }
  return files;
}

/** Writes `demoPem(notBefore)` into `directory`. */
export function writeDemoPem(directory: string, notBefore: string = DEMO_PEM_NOT_BEFORE): void {
  fs.mkdirSync(directory, { recursive: true });
  for (const [name, content] of Object.entries(demoPem(notBefore))) fs.writeFileSync(path.join(directory, name), content);
}

if (require.main === module) {
  writeDemoPem(DEMO_PEM_DIRECTORY);
  process.stdout.write(`${DEMO_PEM_DIRECTORY}\n`);
}
