import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { formatFinding, LinkerdConfigError, LinkerdControlPlane, Severity } from '../src';
import { redactSecrets, REDACTED } from '../src/errors';
import { controlPlaneProps } from './control-plane/fixtures';

const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
const PKCS8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The base64 body of the key: what must never appear in a message. */
const body = (pem: string) => pem.split('\n')[1];
const CERTIFICATE = fs.readFileSync(path.join(__dirname, '..', 'examples', 'pem', 'ca.crt'), 'utf8');

describe('redaction of private keys in messages', () => {
  test('a PEM private key, raw or JSON-escaped, is replaced; its label stays', () => {
    expect(redactSecrets(`value ${KEY.trim()} end`)).toBe(`value -----BEGIN EC PRIVATE KEY----- ${REDACTED} -----END EC PRIVATE KEY----- end`);
    const escaped = JSON.stringify(PKCS8);
    const out = redactSecrets(`${escaped} is not an http(s) URL`);
    expect(out).not.toContain(body(PKCS8));
    expect(out).toBe(`"-----BEGIN PRIVATE KEY----- ${REDACTED} -----END PRIVATE KEY-----\\n" is not an http(s) URL`);
  });

  test('a key cut short (no END line) is redacted up to the end of the quoted value', () => {
    const cut = JSON.stringify(KEY.slice(0, 80));
    expect(redactSecrets(`${cut} is not valid. Fix: x`)).toBe(`"-----BEGIN EC PRIVATE KEY----- ${REDACTED} -----END EC PRIVATE KEY-----" is not valid. Fix: x`);
  });

  test('a base64-encoded key (a Secret\'s data) is redacted; certificates and other text are left alone', () => {
    const encoded = Buffer.from(KEY).toString('base64');
    expect(redactSecrets(`data.tls.key: ${encoded}`)).toBe(`data.tls.key: ${REDACTED}`);
    const certificate = Buffer.from(CERTIFICATE).toString('base64');
    expect(redactSecrets(`caBundle: ${certificate}`)).toBe(`caBundle: ${certificate}`);
    expect(redactSecrets(CERTIFICATE)).toBe(CERTIFICATE);
    expect(redactSecrets('nothing secret here')).toBe('nothing secret here');
  });

  test('fails with a key pasted into a prop: the error names the field, and no key material is printed', () => {
    // GIVEN a private key where a URL belongs
    const run = () => new LinkerdControlPlane(Testing.app(), 'linkerd', controlPlaneProps({ prometheusUrl: KEY }));
    // THEN
    expect(run).toThrow(LinkerdConfigError);
    expect(run).toThrow(/^linkerd: prometheusUrl: "-----BEGIN EC PRIVATE KEY----- <redacted> -----END EC PRIVATE KEY-----" \(2\d\d characters\) is not a URL \(it has no scheme\)/);
    try {
      run();
    } catch (e) {
      const error = e as LinkerdConfigError;
      for (const text of [error.message, error.problem, error.fix, error.field]) expect(text).not.toContain(body(KEY));
    }
  });

  test('fails with a key as an annotation key: the field is redacted too', () => {
    const run = () => new LinkerdControlPlane(Testing.app(), 'linkerd', controlPlaneProps({ podAnnotations: { [KEY]: 'x' } }));
    expect(run).toThrow(LinkerdConfigError);
    expect(run).not.toThrow(body(KEY));
  });

  test('findings that echo a value are redacted when formatted', () => {
    const line = formatFinding({ code: 'L5D203', severity: Severity.ERROR, object: 'Deployment a/b', field: 'x', message: `${JSON.stringify(KEY)} is not a port` });
    expect(line).not.toContain(body(KEY));
    expect(line).toContain(REDACTED);
  });
});
