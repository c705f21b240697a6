import { evaluateCel, toCelData } from '../../../policies/k8s/cel-expression';

describe('evaluateCel', () => {
  it('supports the macros and string functions the rules use', () => {
    const object = toCelData({ spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b' }] } });
    expect(evaluateCel("object.spec.containers.filter(c, !has(c.image)).map(c, c.name).join(', ')", { object })).toEqual({ ok: true, value: 'b' });
    expect(evaluateCel("object.spec.containers.exists(c, c.name.matches('^a$')) && 'x:1'.endsWith(':1')", { object })).toEqual({ ok: true, value: true });
  });

  it('types YAML integers as CEL int, as the apiserver does', () => {
    expect(evaluateCel('object.spec.replicas + 1', { object: toCelData({ spec: { replicas: 3 } }) })).toEqual({ ok: true, value: 4n });
  });

  it('returns evaluation and syntax errors instead of throwing', () => {
    expect(evaluateCel('object.missing.field', { object: {} })).toEqual({ ok: false, error: 'field not found: missing' });
    expect(evaluateCel('object.(', { object: {} })).toMatchObject({ ok: false, error: expect.stringContaining("CEL syntax error in 'object.('") });
  });
});
