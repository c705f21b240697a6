import type { IncomingMessage } from 'node:http';
import { admitRequest } from '../../../app/src/routing/request-admission';

/** A parsed request as node:http hands it over: raw lines, the folded headers object and the target. */
function request(url: string, rawHeaders: string[]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] ??= rawHeaders[i + 1]!;
  return { url, rawHeaders, headers } as unknown as IncomingMessage;
}

describe('admitRequest', () => {
  it('routes by the Host name and forwards the Host as written', () => {
    expect(admitRequest(request('/api/x?y=1', ['Host', 'API.example.test.:8080']), 100)).toEqual({
      ok: true,
      path: '/api/x',
      query: '?y=1',
      host: 'api.example.test',
      authority: 'API.example.test.:8080',
    });
  });

  it('takes the absolute-form authority over Host', () => {
    expect(admitRequest(request('http://partner.example.test/api', ['Host', 'other.example.test']), 100)).toMatchObject({
      ok: true,
      path: '/api',
      host: 'partner.example.test',
      authority: 'partner.example.test',
    });
  });

  it.each([
    [['Host', 'a.example.test', 'host', 'b.example.test'], '/x', 'UAG_ERR_BAD_HOST', 'more than one Host header'],
    [['Host', 'a b'], '/x', 'UAG_ERR_BAD_HOST', 'not a valid host[:port]'],
    [['Host', 'a.example.test'], 'http://bad%host/x', 'UAG_ERR_BAD_HOST', 'the request target names no valid host[:port]'],
    [['Host', 'a.example.test', 'Transfer-Encoding', 'gzip, chunked'], '/x', 'UAG_ERR_TRANSFER_CODING', undefined],
    [['Host', 'a.example.test'], '/x#y', 'UAG_ERR_BAD_PATH', 'a request target has no fragment ("#")'],
    [['Host', 'a.example.test', 'a', '1', 'b', '2'], '/x', 'UAG_ERR_TOO_MANY_HEADERS', 'the limit is 2'],
  ])('refuses %j %s with %s', (rawHeaders, url, code, detail) => {
    expect(admitRequest(request(url, rawHeaders), 2)).toEqual({ ok: false, code, detail });
  });

  it('accepts the chunked coding in any case, and an HTTP/1.0 request without Host', () => {
    expect(admitRequest(request('/x', ['Host', 'a', 'Transfer-Encoding', 'Chunked']), 100).ok).toBe(true);
    expect(admitRequest(request('/x', []), 100)).toEqual({ ok: true, path: '/x', query: '', host: undefined, authority: undefined });
  });
});
