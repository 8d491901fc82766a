import {
  decodeObjectIdentifier, objectIdentifier, readChildren, readElement, sequence, smallInteger, Tag, time, tlv, unsignedInteger,
} from '../../src/identity/der';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('der', () => {
  test('integers are minimal and positive', () => {
    // GIVEN / WHEN / THEN
    expect(hex(smallInteger(0))).toEqual('020100');
    expect(hex(smallInteger(2))).toEqual('020102');
    expect(hex(smallInteger(128))).toEqual('02020080');
    expect(hex(unsignedInteger(Uint8Array.of(0, 0, 0x7f)))).toEqual('02017f');
    expect(hex(unsignedInteger(Uint8Array.of(0xff, 0x01)))).toEqual('020300ff01');
  });

  test('object identifiers round-trip', () => {
    // GIVEN
    const oids = ['1.2.840.10045.4.3.2', '2.5.29.37.0', '1.3.6.1.5.5.7.3.1', '2.999.3'];
    for (const oid of oids) {
      // WHEN
      const der = objectIdentifier(oid);
      // THEN
      expect(readElement(der).tag).toEqual(Tag.OBJECT_IDENTIFIER);
      expect(decodeObjectIdentifier(readElement(der).contents)).toEqual(oid);
    }
    expect(hex(objectIdentifier('1.2.840.10045.4.3.2'))).toEqual('06082a8648ce3d040302');
  });

  test('times are UTCTime before 2050 and GeneralizedTime after, in whole seconds', () => {
    // GIVEN / WHEN / THEN
    expect(Buffer.from(time(new Date('2026-11-27T07:05:59.999Z'))).toString('latin1')).toEqual('\x17\x0d261127070559Z');
    expect(Buffer.from(time(new Date('2050-01-01T00:00:00Z'))).toString('latin1')).toEqual('\x18\x0f20500101000000Z');
  });

  test('long lengths and nested reading', () => {
    // GIVEN
    const big = tlv(Tag.OCTET_STRING, new Uint8Array(300));
    const seq = sequence(smallInteger(1), big);
    // WHEN
    const children = readChildren(readElement(seq));
    // THEN
    expect(hex(big.subarray(0, 4))).toEqual('0482012c');
    expect(children.map((c) => c.tag)).toEqual([Tag.INTEGER, Tag.OCTET_STRING]);
    expect(children[1].contents.length).toEqual(300);
  });

  test('fails on truncated input', () => {
    // GIVEN
    const seq = sequence(smallInteger(1));
    // WHEN / THEN
    expect(() => readElement(seq.subarray(0, seq.length - 1))).toThrow(/runs past the end/);
    expect(() => objectIdentifier('1')).toThrow(/not an object identifier/);
  });
});
