import { ExprError, argoResult, evaluateCondition, measurementPhase } from './argo-analysis';

const guarded = { successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] <= 0.05', failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] > 0.05' };

describe('Argo Rollouts measurement evaluation (expr v1.15.5 subset)', () => {
  it('turns an instant vector into the slice of its values, NaN and infinities included, and an empty vector into an empty slice', () => {
    expect(argoResult({ resultType: 'vector', result: [{ metric: {}, value: [1, '0.5'] }, { metric: {}, value: [1, 'NaN'] }, { metric: {}, value: [1, '+Inf'] }] })).toEqual([0.5, NaN, Infinity]);
    expect(argoResult({ resultType: 'vector', result: [] })).toEqual([]);
    expect(() => argoResult({ resultType: 'string', result: [1, 'x'] })).toThrow('Error for a string result');
  });

  it('judges guarded conditions: failure above the threshold, success at or below, inconclusive without data', () => {
    expect(measurementPhase([1], guarded)).toBe('Failed');
    expect(measurementPhase([0.05], guarded)).toBe('Successful');
    expect(measurementPhase([], guarded)).toBe('Inconclusive');
    expect(measurementPhase([NaN], guarded)).toBe('Inconclusive');
  });

  it('reports an Error where expr fails at run time (index out of range) and fails a lone false success condition', () => {
    expect(() => evaluateCondition('result[0] >= 0.95', [])).toThrow(ExprError);
    expect(measurementPhase([], { successCondition: 'result[0] >= 0.95' })).toBe('Error');
    expect(measurementPhase([0.9], { successCondition: 'result[0] >= 0.95' })).toBe('Failed');
    expect(measurementPhase([0.9], { failureCondition: 'result[0] < 0.5' })).toBe('Successful');
    expect(measurementPhase([0.9], {})).toBe('Successful');
  });

  it('follows expr’s precedences, word operators, negative indexes and short-circuiting', () => {
    expect(evaluateCondition('1 + 2 * 3 == 7', [])).toBe(true);
    expect(evaluateCondition('not isNaN(result[-1]) and result[-1] > 2 or false', [1, 3])).toBe(true);
    expect(evaluateCondition('len(result) > 0 && result[0] > 1', [])).toBe(false);
    expect(evaluateCondition('-result[0] < 0 || result[5] > 0', [1])).toBe(true);
    expect(evaluateCondition('result[0] == result[0]', [NaN])).toBe(false);
    expect(evaluateCondition('(1 + 2) * 3 == 9 && !(2 < 1)', [])).toBe(true);
  });

  it('refuses what the subset does not model instead of guessing', () => {
    expect(() => evaluateCondition('result[0] in [1, 2]', [1])).toThrow(ExprError);
    expect(() => evaluateCondition('unknown > 1', [1])).toThrow('unknown name unknown');
    expect(() => evaluateCondition('result[0] ?? 1', [1])).toThrow(ExprError);
  });
});
