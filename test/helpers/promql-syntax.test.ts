import { withoutFinalThreshold } from './promql-syntax';

describe('withoutFinalThreshold', () => {
  it.each([
    ['sum(rate(a{x="1"}[5m])) / sum(rate(b[5m])) > 0.05', 'sum(rate(a{x="1"}[5m])) / sum(rate(b[5m]))'],
    ['max by (upstream) (c) == 2', 'max by (upstream) (c)'],
    ['(a / 2) >= bool 0.5', '(a / 2)'],
    ['-1 < a', 'a'],
    ['changes(p[1h]) > 3', 'changes(p[1h])'],
  ])('strips the comparison with a constant from %s', (expr, quantity) => {
    expect(withoutFinalThreshold(expr)).toBe(quantity);
  });

  it.each(['absent(up{job="g"} == 1)', 'vector(1)', 'a > on (x) b', 'rate(a[5m]) / 0.5'])('leaves %s alone: no final comparison with a constant', (expr) => {
    expect(withoutFinalThreshold(expr)).toBe(expr);
  });

  it('rejects what does not parse', () => {
    expect(() => withoutFinalThreshold('sum(rate(a[5m])')).toThrow('PromQL syntax error at offset 15 in: sum(rate(a[5m])');
  });
});
