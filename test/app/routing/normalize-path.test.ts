import { normalizeTarget } from '../../../app/src/routing/normalize-path';

describe('normalizeTarget', () => {
  it.each([
    ['/api/users', '/api/users'],
    ['/api/users/../orders', '/api/orders'],
    ['/api/users/./1', '/api/users/1'],
    ['//api', '/api'],
    ['/api//users///1', '/api/users/1'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['/api/users/..', '/api/'],
    ['/api/users/.', '/api/users/'],
    ['/api/%75sers', '/api/users'],
    ['/api/a%20b', '/api/a%20b'],
    ['/api/a%3fb', '/api/a%3Fb'],
    ['/', '/'],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeTarget(raw)).toEqual({ ok: true, path: expected, query: '' });
  });

  it('keeps the query string untouched and out of path normalisation', () => {
    expect(normalizeTarget('/a/../b?x=/../y&z=%2f')).toEqual({ ok: true, path: '/b', query: '?x=/../y&z=%2f' });
  });

  it.each([
    ['/api/%2e%2e/admin', 'encoded "." in path'],
    ['/api/%2E./admin', 'encoded "." in path'],
    ['/api/users%2forders', 'encoded "/" in path'],
    ['/api/users%2F..%2Fadmin', 'encoded "/" in path'],
    ['/api/users%5cadmin', 'encoded "\\" in path'],
    ['/api\\admin', 'backslash in path'],
    ['/api/%00', 'encoded NUL in path'],
    ['/api/%zz', 'malformed percent-encoding'],
    ['/api/%4', 'malformed percent-encoding'],
    ['*', 'request target must be an absolute path'],
  ])('rejects %s (%s)', (raw, reason) => {
    expect(normalizeTarget(raw)).toEqual({ ok: false, reason });
  });
});
