import { goMillis, goSeconds, parseGoBool, parseGoDuration, parseGoInt, parseQuantity, wholeCpuCores } from '../../src/proxy/go-syntax';

describe('Go value syntax, as the injector parses annotations', () => {
  test.each([
    ['100ms', 100e6], ['2s', 2e9], ['1.5s', 1.5e9], ['1m30s', 90e9], ['1h', 3600e9], ['0', 0], ['-1s', -1e9],
    ['.5s', 0.5e9], ['1us', 1e3], ['1µs', 1e3], ['1μs', 1e3], ['300ns', 300], ['2h45m', (2 * 3600 + 45 * 60) * 1e9],
  ])('parseGoDuration(%j) = %d ns', (text, nanos) => {
    expect(parseGoDuration(text)).toBe(nanos);
  });

  test.each(['', '10', 's', '1d', '1.s.', '--1s', '1 s', 'ms'])('parseGoDuration rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  test('durations are truncated to whole milliseconds and seconds, as Go converts them', () => {
    expect(goMillis(parseGoDuration('1500us')!)).toBe(1);
    expect(goMillis(parseGoDuration('2s')!)).toBe(2000);
    expect(goSeconds(parseGoDuration('90.9s')!)).toBe(90);
    expect(goSeconds(parseGoDuration('5m')!)).toBe(300);
  });

  test('ParseBool accepts exactly Go\'s spellings', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(t)).toBe(true);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(f)).toBe(false);
    for (const x of ['yes', 'on', 'tRuE', '']) expect(parseGoBool(x)).toBeUndefined();
  });

  test('ParseInt with a bit size', () => {
    expect(parseGoInt('8080', 32)).toBe(8080);
    expect(parseGoInt('+1', 32)).toBe(1);
    expect(parseGoInt('2147483648', 32)).toBeUndefined();
    expect(parseGoInt('12a')).toBeUndefined();
  });

  test.each([
    ['500m', 0.5], ['0.5', 0.5], ['1', 1], ['64Mi', 64 * 2 ** 20], ['1G', 1e9], ['1e3', 1000], ['100u', 100e-6],
  ])('parseQuantity(%j) = %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  test.each(['', '1 core', 'Mi', '1mi', '1.2.3'])('parseQuantity rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  test('CPU quantities round up to whole cores', () => {
    expect(wholeCpuCores('500m')).toBe(1);
    expect(wholeCpuCores('0.5')).toBe(1);
    expect(wholeCpuCores('1')).toBe(1);
    expect(wholeCpuCores('1001m')).toBe(2);
    expect(wholeCpuCores('2.1')).toBe(3);
    expect(wholeCpuCores('0')).toBe(0);
    expect(wholeCpuCores('lots')).toBeUndefined();
  });
});
