import { ChildCache } from '../../../app/src/telemetry/child-cache';

describe('ChildCache', () => {
  it('creates one value per label set and returns that same value afterwards', () => {
    const created: string[] = [];
    const cache = new ChildCache((route: string, code: number) => {
      created.push(`${route} ${code}`);
      return { route, code };
    });
    const first = cache.get('users', 200);
    expect(cache.get('users', 200)).toBe(first);
    expect(cache.get('users', 500)).not.toBe(first);
    expect(cache.get('orders', 200)).not.toBe(first);
    expect(created).toEqual(['users 200', 'users 500', 'orders 200']);
    expect(cache.values()).toEqual([{ route: 'users', code: 200 }, { route: 'users', code: 500 }, { route: 'orders', code: 200 }]);
  });

  it('keeps label sets apart that one joined key string could confuse', () => {
    const cache = new ChildCache((a: string, b: string) => `${a}|${b}`);
    expect(cache.get('a\u0000b', 'c')).toBe('a\u0000b|c');
    expect(cache.get('a', 'b\u0000c')).toBe('a|b\u0000c');
    expect(cache.values()).toHaveLength(2);
  });

  it('tells a number label from its string spelling', () => {
    const cache = new ChildCache((code: number | string) => typeof code);
    expect(cache.get(200)).toBe('number');
    expect(cache.get('200')).toBe('string');
  });
});
