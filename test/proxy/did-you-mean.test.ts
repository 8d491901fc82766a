import { didYouMean, editDistance, suggestion } from '../../src/proxy/did-you-mean';

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
});
