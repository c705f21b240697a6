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
    ['ftp://host/x', 'request target must be an absolute path'],
  ])('rejects %s (%s)', (raw, reason) => {
    expect(normalizeTarget(raw)).toEqual({ ok: false, reason });
  });

  it.each(['/api/admin#/secret', '/api/admin?x=1#/secret', '/#', 'http://host/api#x'])('rejects a fragment in %s: a request target has none, and the upstream would cut it off after routing', (raw) => {
    expect(normalizeTarget(raw)).toEqual({ ok: false, reason: 'a request target has no fragment ("#")' });
  });

  it.each([
    ['/api/%C0%AF', 'overlong "/"'],
    ['/api/%E0%80%AE', 'overlong "."'],
    ['/api/%ED%A0%80', 'a surrogate'],
    ['/api/%E2%82', 'a truncated sequence'],
    ['/api/%E2%82x', 'a sequence cut by a plain character'],
    ['/api/%80', 'a stray continuation byte'],
    ['/api/%F5%80%80%80', 'beyond U+10FFFF'],
  ])('rejects %s (%s) as escapes that are not UTF-8', (raw) => {
    expect(normalizeTarget(raw)).toEqual({ ok: false, reason: 'percent-encoding is not valid UTF-8' });
  });

  it('keeps escapes that spell UTF-8, upper-cased', () => {
    expect(normalizeTarget('/caf%c3%a9/%E2%82%AC/%F0%9F%98%80')).toEqual({ ok: true, path: '/caf%C3%A9/%E2%82%AC/%F0%9F%98%80', query: '' });
  });

  it.each([
    ['http://Partner.example.test./api/../orders?page=2', { path: '/orders', query: '?page=2', authority: 'Partner.example.test.' }],
    ['HTTPS://a.example.test:8443', { path: '/', query: '', authority: 'a.example.test:8443' }],
    ['http://a.example.test?x', { path: '/', query: '?x', authority: 'a.example.test' }],
  ])('splits the absolute-form %s into authority, path and query', (raw, expected) => {
    expect(normalizeTarget(raw)).toEqual({ ok: true, ...expected });
  });

  it('refuses user information in an absolute-form target', () => {
    expect(normalizeTarget('http://admin@a.example.test/x')).toEqual({ ok: false, reason: 'user information in the request target' });
  });
});
