import { Cidr, LinkerdConfigError, parseNetworks } from '../../src';

describe('Cidr', () => {
  test('parses IPv4 and IPv6 networks and single addresses', () => {
    expect(Cidr.tryParse('10.0.0.0/8')!.toString()).toBe('10.0.0.0/8');
    expect(Cidr.tryParse('10.1.2.3/8')!.toString()).toBe('10.0.0.0/8');
    expect(Cidr.tryParse('192.168.1.7')!.toString()).toBe('192.168.1.7/32');
    expect(Cidr.tryParse('fd00::/8')!.toString()).toBe('fd00::/8');
    expect(Cidr.tryParse('::/0')!.toString()).toBe('::/0');
    expect(Cidr.tryParse('2001:db8::1')!.toString()).toBe('2001:db8::1/128');
    expect(Cidr.tryParse('::ffff:10.0.0.1/128')!.family).toBe(6);
  });

  test.each(['10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', '01.2.3.4/8', 'fd00:::/8', '1::2::3/64', 'nodes', '', '10.0.0.0/8/1', 'fd00::/129'])(
    'rejects %p', (text) => {
      expect(Cidr.tryParse(text)).toBeUndefined();
    });

  test('compares networks', () => {
    const ten = Cidr.tryParse('10.0.0.0/8')!;
    expect(ten.contains(Cidr.tryParse('10.20.0.0/16')!)).toBe(true);
    expect(Cidr.tryParse('10.20.0.0/16')!.contains(ten)).toBe(false);
    expect(ten.overlaps(Cidr.tryParse('10.20.0.0/16')!)).toBe(true);
    expect(ten.overlaps(Cidr.tryParse('11.0.0.0/8')!)).toBe(false);
    expect(Cidr.ALL_IPV4.contains(Cidr.tryParse('fd00::/8')!)).toBe(false);
    expect(Cidr.ALL_IPV6.contains(Cidr.tryParse('fd00::/8')!)).toBe(true);
  });

  test('fails with the construct path and field on a CIDR that does not parse', () => {
    expect(() => Cidr.parse('App/x', 'networks[0].cidr', '10.0.0.0/99')).toThrow(LinkerdConfigError);
    expect(() => Cidr.parse('App/x', 'networks[0].cidr', '10.0.0.0/99')).toThrow(/^App\/x: networks\[0\]\.cidr: "10\.0\.0\.0\/99" is not a CIDR/);
  });

  test('fails on exceptions outside their network or covering all of it, as the admission webhook does', () => {
    expect(() => parseNetworks('App/x', 'networks', [{ cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] }])).toThrow(/networks\[0\]\.except\[0\]: 11\.0\.0\.0\/16 is not inside 10\.0\.0\.0\/8/);
    expect(() => parseNetworks('App/x', 'networks', [{ cidr: '10.0.0.0/8', except: ['0.0.0.0/0'] }])).toThrow(/excludes all of 10\.0\.0\.0\/8/);
    expect(parseNetworks('App/x', 'networks', [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }])[0].except[0].toString()).toBe('10.1.0.0/16');
  });
});
