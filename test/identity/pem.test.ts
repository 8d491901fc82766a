import { encodePem, pemBlocks, sha256Hex } from '../../src/identity/pem';
import { describeWithReference, reference } from './support';

describe('pem', () => {
  test('reads blocks in order, ignoring text between them', () => {
    // GIVEN
    const text = `subject=CN = x\n${encodePem('CERTIFICATE', Uint8Array.of(1, 2, 3))}junk\n${encodePem('EC PRIVATE KEY', Uint8Array.of(4))}`;
    // WHEN
    const blocks = pemBlocks(text);
    // THEN
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'EC PRIVATE KEY']);
    expect(Array.from(blocks[0].der)).toEqual([1, 2, 3]);
  });

  test('writes 64-character lines and a trailing newline', () => {
    // GIVEN / WHEN
    const pem = encodePem('CERTIFICATE', new Uint8Array(100));
    // THEN
    const lines = pem.split('\n');
    expect(lines[0]).toEqual('-----BEGIN CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
  });

  test('fails on unterminated blocks, mismatched labels, headers and bad base64', () => {
    // GIVEN / WHEN / THEN
    expect(() => pemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n')).toThrow(/only 0 complete PEM blocks/);
    expect(() => pemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(/ends as "PRIVATE KEY"/);
    expect(() => pemBlocks('-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END EC PRIVATE KEY-----\n')).toThrow(/headers/);
    expect(() => pemBlocks('-----BEGIN CERTIFICATE-----\nA!AA\n-----END CERTIFICATE-----\n')).toThrow(/not valid base64/);
  });

  test('sha256Hex hashes the text byte for byte', () => {
    // GIVEN / WHEN / THEN
    expect(sha256Hex('')).toEqual('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('a\n')).not.toEqual(sha256Hex('a'));
  });
});

describeWithReference('pem with the reference certificates', () => {
  test('sha256Hex of ca.crt, trailing newline included, is the chart\'s trust-root-sha256', () => {
    // GIVEN
    const pem = reference('ca.crt');
    // WHEN
    const digest = sha256Hex(pem);
    // THEN
    expect(pem.endsWith('\n')).toBe(true);
    expect(digest.startsWith('ae715431')).toBe(true);
    expect(digest.endsWith('f796')).toBe(true);
  });
});
