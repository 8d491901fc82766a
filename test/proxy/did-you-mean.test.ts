import { boundedEditDistance, didYouMean, editDistance, suggestion } from '../../src/proxy/did-you-mean';

describe('did you mean', () => {
  test('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  test('suggests the nearest candidate within reach, stably', () => {
    const keys = ['config.linkerd.io/proxy-cpu-request', 'config.linkerd.io/proxy-cpu-limit', 'config.linkerd.io/proxy-memory-request'];
    expect(didYouMean('config.linkerd.io/proxy-cpu-requests', keys)).toBe('config.linkerd.io/proxy-cpu-request');
    expect(didYouMean('config.linkerd.io/proxy-cpu-limt', keys)).toBe('config.linkerd.io/proxy-cpu-limit');
    expect(didYouMean('config.linkerd.io/something-else', keys)).toBeUndefined();
    expect(didYouMean('ab', ['ba', 'ac'])).toBe('ac');
    expect(suggestion('logLevl', ['logLevel', 'logFormat'])).toBe(' (did you mean "logLevel"?)');
    expect(suggestion('zzz', ['logLevel'])).toBe('');
  });

  test('the bounded distance agrees with the full one within the bound, and is max + 1 beyond it', () => {
    // A fixed pseudo-random sequence, so the test is the same on every run.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const word = () => Array.from({ length: next() % 12 }, () => 'abc'[next() % 3]).join('');
    for (let i = 0; i < 2000; i++) {
      const [a, b, max] = [word(), word(), next() % 5];
      const full = editDistance(a, b);
      expect(boundedEditDistance(a, b, max)).toBe(full <= max ? full : max + 1);
    }
  });

  test('a very long word is compared in linear time and gets no far-fetched suggestion', () => {
    const long = `config.linkerd.io/${'x'.repeat(1_000_000)}`;
    expect(boundedEditDistance(long, 'config.linkerd.io/proxy-cpu-request', 8)).toBe(9);
    expect(boundedEditDistance(long, `${long}y`, 2)).toBe(1);
    expect(didYouMean(long, ['config.linkerd.io/proxy-cpu-request'])).toBeUndefined();
  });
});
