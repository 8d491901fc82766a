import { LabelSelectorOperator, PodSelector, selectorMatches } from '../../src';

describe('PodSelector', () => {
  test('renders labels sorted and expressions as given', () => {
    expect(PodSelector.labels({ b: '2', a: '1' }).render('S', 'podSelector')).toEqual({ matchLabels: { a: '1', b: '2' } });
    expect(PodSelector.expressions([{ key: 'tier', operator: LabelSelectorOperator.IN, values: ['web'] }]).render('S', 'podSelector'))
      .toEqual({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] });
    expect(PodSelector.all().render('S', 'podSelector')).toEqual({});
  });

  test('fails on an empty selector, which would select every pod by accident', () => {
    expect(() => PodSelector.labels({}).render('App/srv', 'podSelector')).toThrow(/^App\/srv: podSelector: the selector is empty.*PodSelector\.all\(\)/);
  });

  test('fails on bad label keys and values, and on operators without values', () => {
    expect(() => PodSelector.labels({ 'bad key': 'x' }).render('S', 'podSelector')).toThrow(/podSelector\.matchLabels/);
    expect(() => PodSelector.labels({ app: 'a b' }).render('S', 'podSelector')).toThrow(/podSelector\.matchLabels\["app"\]/);
    expect(() => PodSelector.expressions([{ key: 'a', operator: LabelSelectorOperator.IN }]).render('S', 'podSelector')).toThrow(/matchExpressions\[0\]\.values: In needs values/);
    expect(() => PodSelector.expressions([{ key: 'a', operator: LabelSelectorOperator.EXISTS, values: ['x'] }]).render('S', 'podSelector')).toThrow(/Exists takes no values/);
  });
});

describe('selectorMatches', () => {
  test('follows Kubernetes semantics', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: LabelSelectorOperator.NOT_IN, values: ['back'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: LabelSelectorOperator.EXISTS }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: LabelSelectorOperator.DOES_NOT_EXIST }] }, labels)).toBe(true);
  });
});
