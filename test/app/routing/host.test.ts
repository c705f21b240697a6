import { hostLineCount, hostName } from '../../../app/src/routing/host';

describe('hostName', () => {
  it.each([
    ['admin.example.test', 'admin.example.test'],
    ['admin.example.test.', 'admin.example.test'],
    ['admin.example.test.:8080', 'admin.example.test'],
    ['ADMIN.Example.TEST.', 'admin.example.test'],
    ['Admin.example.test:80', 'admin.example.test'],
    ['admin.example.test:', 'admin.example.test'],
    ['127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', '[::1]'],
    ['[2001:DB8::1]', '[2001:db8::1]'],
    ['under_score.example', 'under_score.example'],
  ])('reads %s as %s, as nginx compares hosts', (value, name) => {
    expect(hostName(value)).toBe(name);
  });

  it.each(['', '.', 'a b', 'evil.example/x?', 'a..example.test', '.example.test', 'a.example.test:80x', 'a.example.test:123456', 'user@a.example.test', 'a%2eb', '[::1', '[]', '[::1]x', 'h\u00e9.example', 'a\tb'])(
    'refuses %j as not a host[:port]',
    (value) => {
      expect(hostName(value)).toBeUndefined();
    },
  );

  it('returns the very string for a lower-case host without port or dot', () => {
    const value = 'api.example.test';
    expect(hostName(value)).toBe(value);
  });
});

describe('hostLineCount', () => {
  it('counts Host lines in any case among the raw header lines', () => {
    expect(hostLineCount(['Host', 'a', 'Accept', '*/*'])).toBe(1);
    expect(hostLineCount(['host', 'a', 'HOST', 'b', 'x-host', 'c', 'Hosts', 'd'])).toBe(2);
    expect(hostLineCount(['Date', 'x', 'Hest', 'y'])).toBe(0);
  });
});
