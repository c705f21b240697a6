import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { closedPort, echoHandler, startLoopbackServer } from '../../helpers/loopback-server';
import { startTestGateway } from '../../helpers/test-gateway';
import { rawRequest } from '../../helpers/raw-request';
import { useCleanup } from '../../helpers/cleanup';

const track = useCleanup();

async function echoUpstream() {
  return track(await startLoopbackServer(echoHandler));
}

async function getJson(url: string, init: Parameters<typeof request>[1] = {}) {
  const response = await request(url, init);
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as any) };
}

describe('routing through the gateway', () => {
  it('routes by longest prefix on the normalised path and forwards that path', async () => {
    const users = await echoUpstream();
    const orders = await echoUpstream();
    const gw = track(
      await startTestGateway({
        routes: {
          routes: [
            { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: users.url } },
            { name: 'orders', match: { pathPrefix: '/api/orders' }, upstream: { url: orders.url } },
          ],
        },
      }),
    );
    const viaDots = await rawRequest(gw.baseUrl, '/api/users/../orders/7?x=1');
    expect(viaDots.status).toBe(200);
    expect(viaDots.json().url).toBe('/api/orders/7?x=1');
    expect(orders.requests).toHaveLength(1);
    expect(users.requests).toHaveLength(0);

    const doubled = await rawRequest(gw.baseUrl, '//api//users/1');
    expect(doubled.json().url).toBe('/api/users/1');
  });

  it.each(['/api/%2e%2e/orders', '/api/users%2f..%2forders', '/api/users/%2E%2E/orders'])('rejects %s with 400 and never calls an upstream', async (path) => {
    const upstream = await echoUpstream();
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'all', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    const response = await rawRequest(gw.baseUrl, path);
    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe('UAG_ERR_BAD_PATH');
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers 404 with a JSON body carrying the request id when nothing matches', async () => {
    const upstream = await echoUpstream();
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: upstream.url } }] } }));
    const response = await getJson(`${gw.baseUrl}/api/usersx`, { headers: { 'x-request-id': 'req-404' } });
    expect(response.status).toBe(404);
    expect(response.headers['x-request-id']).toBe('req-404');
    expect(response.body).toEqual({ error: { code: 'UAG_ERR_NO_ROUTE', message: 'no route matches this request', requestId: 'req-404' } });
  });

  it('strips the prefix and prepends the upstream base path when asked', async () => {
    const upstream = await echoUpstream();
    const gw = track(
      await startTestGateway({
        routes: { routes: [{ name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: `${upstream.url}/v2` }, stripPrefix: true }] },
      }),
    );
    expect((await getJson(`${gw.baseUrl}/api/users/7?q=a`)).body.url).toBe('/v2/7?q=a');
    expect((await getJson(`${gw.baseUrl}/api/users`)).body.url).toBe('/v2/');
  });

  it('balances round-robin over several URLs', async () => {
    const a = await echoUpstream();
    const b = await echoUpstream();
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'svc', match: { pathPrefix: '/' }, upstream: { url: [a.url, b.url] } }] } }));
    for (let i = 0; i < 6; i++) await getJson(`${gw.baseUrl}/x`);
    expect([a.requests.length, b.requests.length]).toEqual([3, 3]);
  });

  it('uses localUrl for a Service upstream outside Kubernetes', async () => {
    const upstream = await echoUpstream();
    const gw = track(
      await startTestGateway({
        routes: { routes: [{ name: 'orders', match: { pathPrefix: '/' }, upstream: { service: 'orders', namespace: 'shop', port: 80, localUrl: upstream.url } }] },
      }),
    );
    expect((await getJson(`${gw.baseUrl}/o`)).status).toBe(200);
  });

  it('streams request bodies to the upstream', async () => {
    const upstream = await echoUpstream();
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    const body = Buffer.alloc(200_000, 7);
    const response = await getJson(`${gw.baseUrl}/upload`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(response.body.bodyBytes).toBe(200_000);
  });
});

describe('upstream failures', () => {
  it('answers 502 when the upstream refuses the connection', async () => {
    const port = await closedPort();
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'down', match: { pathPrefix: '/' }, upstream: { url: `http://127.0.0.1:${port}` } }] } }));
    const response = await getJson(`${gw.baseUrl}/x`, { headers: { 'x-request-id': 'r-502' } });
    expect(response.status).toBe(502);
    expect(response.body).toEqual({ error: { code: 'UAG_ERR_UPSTREAM_FAILED', message: 'upstream connection failed', requestId: 'r-502' } });
  });

  it('answers 502 when the upstream resets the connection', async () => {
    const upstream = track(await startLoopbackServer((req) => req.socket.destroy()));
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'reset', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    const response = await getJson(`${gw.baseUrl}/x`);
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('UAG_ERR_UPSTREAM_FAILED');
  });

  it('aborts the upstream request when the client leaves first, and records the request as 499', async () => {
    let arrived!: () => void;
    let closed!: () => void;
    const upstreamGotRequest = new Promise<void>((resolve) => (arrived = resolve));
    const upstreamSawClose = new Promise<void>((resolve) => (closed = resolve));
    const upstream = track(
      await startLoopbackServer((req) => {
        req.socket.once('close', closed);
        arrived();
      }),
    );
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'hanging', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    const client = connect(Number(new URL(gw.baseUrl).port), '127.0.0.1');
    client.write('GET /x HTTP/1.1\r\nhost: test\r\nx-request-id: gone-1\r\n\r\n');
    await upstreamGotRequest;
    client.destroy();
    await upstreamSawClose;
    await new Promise((resolve) => setImmediate(resolve));
    expect(gw.logs.find((line) => line.msg === 'access')).toMatchObject({ request_id: 'gone-1', route: 'hanging', status: 499, aborted: 'client closed before the response finished' });
    const metrics = await (await request(`${gw.adminUrl}/metrics`)).body.text();
    expect(metrics).toContain('gateway_requests_total{protocol="http",route="hanging",method="GET",code="499"} 1');
  });

  it('answers 504 when the upstream does not answer within the route timeout', async () => {
    const upstream = track(await startLoopbackServer(() => undefined));
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'slow', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, timeoutMs: 150 }] } }),
    );
    const response = await getJson(`${gw.baseUrl}/x`);
    expect(response.status).toBe(504);
    expect(response.body.error.code).toBe('UAG_ERR_UPSTREAM_TIMEOUT');
  });

  it('answers 503 when the upstream name does not resolve', async () => {
    const gw = track(
      await startTestGateway({
        routes: { routes: [{ name: 'gone', match: { pathPrefix: '/' }, upstream: { url: 'http://missing-service.shop.svc.cluster.local:80' } }] },
        pool: {
          // Resolution fails locally; no DNS query leaves the machine.
          lookup: (hostname, _options, callback) => {
            const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
            (callback as (err: Error) => void)(error);
          },
        },
      }),
    );
    const response = await getJson(`${gw.baseUrl}/x`);
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('UAG_ERR_NO_UPSTREAM');
  });
});

describe('header forwarding', () => {
  it('removes hop-by-hop headers both ways and sets X-Forwarded-* from the peer', async () => {
    const upstream = track(
      await startLoopbackServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=5', 'x-internal': 'secret', connection: 'x-internal', 'x-public': 'yes' });
        res.end(JSON.stringify(req.headers));
      }),
    );
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    const response = await rawRequest(gw.baseUrl, '/h', {
      headers: {
        host: 'shop.example.com',
        connection: 'x-drop-me',
        'x-drop-me': '1',
        'proxy-authorization': 'Basic abc',
        te: 'trailers',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-proto': 'https',
        'x-keep': 'kept',
      },
    });
    const seen = response.json<Record<string, string>>();
    expect(seen['x-drop-me']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['x-keep']).toBe('kept');
    expect(seen.host).toBe('shop.example.com');
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe('shop.example.com');
    expect(seen['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-request-id']).toBe(seen['x-request-id']);
    expect(response.headers['x-internal']).toBeUndefined();
    expect(response.headers['keep-alive']).not.toBe('timeout=5');
    expect(response.headers['x-public']).toBe('yes');
  });

  it('extends the X-Forwarded-For chain only for a trusted proxy', async () => {
    const upstream = await echoUpstream();
    const gw = track(
      await startTestGateway({
        routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] },
        env: { UAG_TRUSTED_PROXIES: '127.0.0.0/8' },
      }),
    );
    const seen = (await getJson(`${gw.baseUrl}/h`, { headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' } })).body.headers;
    expect(seen['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('https');
    expect(seen['x-forwarded-host']).toBe('api.example.com');
  });

  it('propagates a well-formed incoming request id and replaces a malformed one', async () => {
    const upstream = await echoUpstream();
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    expect((await getJson(`${gw.baseUrl}/a`, { headers: { 'x-request-id': 'abc-123' } })).body.headers['x-request-id']).toBe('abc-123');
    const replaced = (await getJson(`${gw.baseUrl}/a`, { headers: { 'x-request-id': 'bad id\twith spaces' } })).body.headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the upstream host instead of the client Host when preserveHost is false', async () => {
    const upstream = await echoUpstream();
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, preserveHost: false }] } }),
    );
    const seen = (await getJson(`${gw.baseUrl}/a`, { headers: { host: 'client.example.com' } })).body.headers;
    expect(seen.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(seen['x-forwarded-host']).toBe('client.example.com');
  });
});

describe('limits', () => {
  it('answers 413 for a declared body over the route limit without calling the upstream', async () => {
    const upstream = await echoUpstream();
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, maxBodyBytes: 1000 }] } }));
    const response = await getJson(`${gw.baseUrl}/u`, { method: 'POST', body: Buffer.alloc(1001) });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('UAG_ERR_BODY_TOO_LARGE');
    expect(upstream.requests).toHaveLength(0);
    expect((await getJson(`${gw.baseUrl}/u`, { method: 'POST', body: Buffer.alloc(1000) })).status).toBe(200);
  });

  it('answers 413 for a chunked body that grows past the limit', async () => {
    const upstream = track(await startLoopbackServer((req, res) => req.on('data', () => undefined).on('end', () => res.end('late'))));
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, maxBodyBytes: 1000 }] } }));
    async function* chunks() {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(500);
    }
    const response = await getJson(`${gw.baseUrl}/u`, { method: 'POST', body: Readable.from(chunks()) });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('UAG_ERR_BODY_TOO_LARGE');
  });

  it('answers 431 when the request headers exceed UAG_MAX_HEADER_BYTES', async () => {
    const upstream = await echoUpstream();
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] }, env: { UAG_MAX_HEADER_BYTES: '2048' } }),
    );
    const response = await request(`${gw.baseUrl}/h`, { headers: { 'x-big': 'a'.repeat(4096) } });
    await response.body.dump();
    expect(response.statusCode).toBe(431);
    expect(upstream.requests).toHaveLength(0);
  });

  it('closes a connection that trickles its headers past UAG_HEADERS_TIMEOUT_MS (slowloris)', async () => {
    const upstream = await echoUpstream();
    const gw = track(
      await startTestGateway({
        routes: { routes: [{ name: 'up', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] },
        env: { UAG_HEADERS_TIMEOUT_MS: '300', UAG_CONNECTIONS_CHECK_INTERVAL_MS: '50' },
      }),
    );
    const socket = connect(gw.gateway.httpAddress.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.write('GET /h HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const startedAt = Date.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(trickle);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    expect(upstream.requests).toHaveLength(0);
  });
});
