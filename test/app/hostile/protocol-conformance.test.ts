import { useCleanup } from '../../helpers/cleanup';
import { scriptedHandler, startWebSocketEchoServer } from '../../helpers/echo-upstreams';
import { startBuiltGateway, type BuiltGateway } from '../../helpers/gateway-process';
import { echoHandler, requestsDuring, startLoopbackServer, type LoopbackServer } from '../../helpers/loopback-server';
import { exchangeRaw, type WireExchange } from '../../helpers/raw-request';

/**
 * Requests nginx answers by the RFC, sent byte for byte to the built gateway. The echo upstream
 * records every request and byte it got, so "rejected" also means "nothing reached the upstream".
 */
const track = useCleanup('all');
let upstream: LoopbackServer;
let scripted: LoopbackServer;
let websocketUpstream: LoopbackServer;
let gateway: BuiltGateway;

beforeAll(async () => {
  upstream = track(await startLoopbackServer(echoHandler));
  scripted = track(await startLoopbackServer(scriptedHandler));
  websocketUpstream = track(await startWebSocketEchoServer());
  gateway = track(
    await startBuiltGateway({
      routes: [
        { name: 'api', match: { pathPrefix: '/api' }, upstream: { url: upstream.url } },
        { name: 'partner', match: { pathPrefix: '/api', host: 'partner.example.test' }, upstream: { url: upstream.url }, stripPrefix: true },
        { name: 'cache', match: { pathPrefix: '/cache' }, upstream: { url: scripted.url } },
        { name: 'play', match: { pathPrefix: '/play' }, upstream: { url: websocketUpstream.url }, websocket: true },
      ],
    }),
  );
}, 30_000);

function status(exchange: WireExchange): number | undefined {
  return exchange.responses[0]?.status;
}

/** The access-log line of the request the gateway answered with `requestId`. */
async function accessLine(requestId: string | string[] | undefined): Promise<Record<string, unknown> | undefined> {
  for (let waited = 0; waited < 2000; waited += 20) {
    const line = gateway.process.lines.find((l) => l.msg === 'access' && l.request_id === requestId);
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe('protocol conformance', () => {
  test('two Host headers or a Host that is not host[:port] get 400 and never reach the upstream', async () => {
    const seen = await requestsDuring(upstream, async () => {
      for (const hosts of [['a.example.test', 'b.example.test'], ['a b'], ['evil.example/x?'], ['a.example.test:80x'], ['a..example.test'], ['[::1']]) {
        const exchange = await exchangeRaw(gateway.port, `GET /api/x HTTP/1.1\r\n${hosts.map((h) => `Host: ${h}\r\n`).join('')}Connection: close\r\n\r\n`);
        expect([hosts, status(exchange), exchange.responses[0]?.json().error.code]).toEqual([hosts, 400, 'UAG_ERR_BAD_HOST']);
      }
    });
    expect(seen).toEqual([]);
    const valid = await requestsDuring(upstream, () => exchangeRaw(gateway.port, 'GET /api/x HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n'));
    expect(valid.map((request) => request.headers.host)).toEqual(['[::1]:8080']);
  });

  test('an absolute-form target is routed by its path and authority, and the upstream gets origin-form with that Host', async () => {
    const seen = await requestsDuring(upstream, async () => {
      const routed = await exchangeRaw(gateway.port, 'GET http://Partner.Example.Test./api/orders?page=2 HTTP/1.1\r\nHost: other.example.test\r\nConnection: close\r\n\r\n');
      expect(status(routed)).toBe(200);
      const empty = await exchangeRaw(gateway.port, 'GET http://app.example.test HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n');
      expect(status(empty)).toBe(404);
      for (const target of ['http://user@partner.example.test/api/x', 'http://partner.example.test:80x/api/x', 'http://bad%host/api/x', 'ftp://partner.example.test/api/x']) {
        const refused = await exchangeRaw(gateway.port, `GET ${target} HTTP/1.1\r\nHost: partner.example.test\r\nConnection: close\r\n\r\n`);
        expect([target, status(refused)]).toEqual([target, 400]);
      }
    });
    expect(seen.map((request) => [request.url, request.headers.host, request.headers['x-forwarded-host']])).toEqual([
      ['/orders?page=2', 'Partner.Example.Test.', 'Partner.Example.Test.'],
    ]);
  });

  test('a transfer coding other than chunked gets 501 instead of a silently re-framed body', async () => {
    // chunked applied twice never gets past the HTTP parser.
    const codings = [['gzip, chunked', 501], ['Deflate, Chunked', 501], ['identity', 501], ['chunked, chunked', 400]] as const;
    const seen = await requestsDuring(upstream, async () => {
      for (const [coding, expected] of codings) {
        const exchange = await exchangeRaw(gateway.port, `POST /api/upload HTTP/1.1\r\nHost: a.example.test\r\nTransfer-Encoding: ${coding}\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n`);
        expect([coding, status(exchange)]).toEqual([coding, expected]);
      }
    });
    expect(seen).toEqual([]);
  });

  test('ambiguous framing and a missing Host never reach the upstream', async () => {
    const probes = [
      'POST /api/x HTTP/1.1\r\nHost: a.example.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      'POST /api/x HTTP/1.1\r\nHost: a.example.test\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabcGET /api/smuggled HTTP/1.1\r\nHost: a.example.test\r\n\r\n',
      'GET /api/x HTTP/1.1\r\nConnection: close\r\n\r\n',
    ];
    const seen = await requestsDuring(upstream, async () => {
      for (const probe of probes) expect([probe, status(await exchangeRaw(gateway.port, probe, { waitMs: 1000 }))]).toEqual([probe, 400]);
    });
    expect(seen).toEqual([]);
  });

  test('more header lines than the limit get 431 instead of losing the ones past it', async () => {
    const filler = Array.from({ length: 1100 }, (_unused, index) => `x-filler-${index}: 1\r\n`).join('');
    const seen = await requestsDuring(upstream, async () => {
      const exchange = await exchangeRaw(gateway.port, `POST /api/upload HTTP/1.1\r\nHost: a.example.test\r\n${filler}Content-Length: 3\r\nConnection: close\r\n\r\nabc`);
      expect([status(exchange), exchange.responses[0]?.json().error.code]).toEqual([431, 'UAG_ERR_TOO_MANY_HEADERS']);
    });
    expect(seen).toEqual([]);
  });

  test('a malformed URL gets the gateway error body, request id, security headers and access line, never the raw path', async () => {
    for (const path of ['/api/%zz', '/api/%C0%AF', '/api/%E2%82', '/api/%ED%A0%80']) {
      const exchange = await exchangeRaw(gateway.port, `GET ${path} HTTP/1.1\r\nHost: a.example.test\r\nConnection: close\r\n\r\n`);
      const response = exchange.responses[0]!;
      expect([path, response.status, response.json().error.code]).toEqual([path, 400, 'UAG_ERR_BAD_PATH']);
      expect(response.json().error.requestId).toBe(response.headers['x-request-id']);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(exchange.bytes.toString('latin1')).not.toContain(path.slice(5));
      expect(await accessLine(response.headers['x-request-id'])).toMatchObject({ status: 400, route: '_unmatched' });
    }
  });

  test('an upstream 304 or 204 that carries Content-Length is relayed without a body and logged as answered', async () => {
    for (const code of [304, 204]) {
      const exchange = await exchangeRaw(gateway.port, `GET /cache/item?status=${code}&declaredLength=5 HTTP/1.1\r\nHost: a.example.test\r\nConnection: close\r\n\r\n`);
      expect([code, exchange.responses.map((r) => [r.status, r.body.length, r.headers['content-length']])]).toEqual([code, [[code, 0, code === 304 ? '5' : undefined]]]);
      const line = await accessLine(exchange.responses[0]?.headers['x-request-id']);
      expect([code, line?.status, line?.aborted]).toEqual([code, code, undefined]);
    }
  });

  test('the WebSocket handshake reaches the upstream with its header bytes as they came', async () => {
    const before = websocketUpstream.receivedBytes().length;
    const handshake = Buffer.concat([
      Buffer.from('GET /play/room HTTP/1.1\r\nHost: a.example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'),
      Buffer.from('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Player: Ren\xe9e\r\n\r\n', 'latin1'),
    ]);
    const exchange = await exchangeRaw(gateway.port, handshake, { waitMs: 500 });
    expect(status(exchange)).toBe(101);
    const received = websocketUpstream.receivedBytes().subarray(before);
    expect(received.includes(Buffer.from('x-player: Ren\xe9e\r\n', 'latin1'))).toBe(true);
  });
});
