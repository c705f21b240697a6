import { isEmptySelector, selectorMatches } from '../../../policies/k8s/label-selector';

const labels = { app: 'gateway', tier: 'edge' };

describe('selectorMatches', () => {
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'gateway' } }, true],
    [{ matchLabels: { app: 'grafana' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['edge', 'core'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['edge'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
  ])('%j -> %s', (selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});

describe('isEmptySelector', () => {
  it('is true only for a present selector without requirements', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
    expect(isEmptySelector(undefined)).toBe(false);
    expect(isEmptySelector({ matchLabels: { a: 'b' } })).toBe(false);
  });
});
