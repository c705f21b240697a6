import { Router } from '../../../app/src/routing/router';

type TestRoute = { name: string; match: { pathPrefix: string; host?: string; methods?: ('GET' | 'POST' | 'DELETE')[] } };

function router(routes: TestRoute[]) {
  return new Router(routes);
}

function lookupName(r: Router<TestRoute>, method: string, path: string, host?: string): string {
  const found = r.lookup(method, path, host);
  return found.kind === 'matched' ? found.route.name : found.kind;
}

describe('Router', () => {
  const routes: TestRoute[] = [
    { name: 'root', match: { pathPrefix: '/' } },
    { name: 'api', match: { pathPrefix: '/api' } },
    { name: 'users', match: { pathPrefix: '/api/users' } },
    { name: 'orders-read', match: { pathPrefix: '/api/orders', methods: ['GET'] } },
    { name: 'admin-host', match: { pathPrefix: '/api/users', host: 'admin.example.com' } },
    { name: 'wild-host', match: { pathPrefix: '/api/users', host: '*.example.com' } },
  ];
  const r = router(routes);

  it('picks the longest prefix on segment boundaries', () => {
    expect(lookupName(r, 'GET', '/api/users/1', 'x')).toBe('users');
    expect(lookupName(r, 'GET', '/api/users', 'x')).toBe('users');
    expect(lookupName(r, 'GET', '/api/usersx', 'x')).toBe('api');
    expect(lookupName(r, 'GET', '/apix', 'x')).toBe('root');
  });

  it('prefers an exact host, then a wildcard host, over no host', () => {
    expect(lookupName(r, 'GET', '/api/users/1', 'admin.example.com')).toBe('admin-host');
    expect(lookupName(r, 'GET', '/api/users/1', 'shop.example.com')).toBe('wild-host');
    expect(lookupName(r, 'GET', '/api/users/1', 'example.com')).toBe('users');
  });

  it('falls through to a shorter prefix when the method does not match', () => {
    expect(lookupName(r, 'GET', '/api/orders/1', 'x')).toBe('orders-read');
    expect(lookupName(r, 'DELETE', '/api/orders/1', 'x')).toBe('api');
  });

  it('answers method-not-allowed with the allowed methods when only method-restricted routes match', () => {
    const only = router([{ name: 'orders', match: { pathPrefix: '/api/orders', methods: ['GET', 'POST'] } }]);
    expect(only.lookup('DELETE', '/api/orders', undefined)).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST'] });
    expect(only.lookup('GET', '/elsewhere', undefined)).toEqual({ kind: 'no-route' });
  });
});
