import { performance } from 'node:perf_hooks';
import type { RouteTableInput } from '../../../app/src/contract';
import { UpstreamPools } from '../../../app/src/proxy/upstreams';
import { useCleanup } from '../../helpers/cleanup';
import { echoHandler, startLoopbackServer, type LoopbackServer } from '../../helpers/loopback-server';
import { exchangeRaw } from '../../helpers/raw-request';
import { startTestGateway, type TestGateway } from '../../helpers/test-gateway';

const track = useCleanup();

async function gatewayFor(upstream: LoopbackServer, route: Partial<RouteTableInput['routes'][number]> = {}, env: Record<string, string> = {}): Promise<TestGateway> {
  return track(await startTestGateway({ routes: { routes: [{ name: 'files', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, ...route }] }, env }));
}

function port(gateway: TestGateway): number {
  return Number(new URL(gateway.baseUrl).port);
}

function post(length: number | 'chunked'): string {
  const framing = length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`;
  return `POST /upload HTTP/1.1\r\nHost: files.example.test\r\n${framing}\r\nConnection: close\r\n\r\n`;
}

function chunk(text: string): string {
  return `${text.length.toString(16)}\r\n${text}\r\n`;
}

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request bodies on their way upstream', () => {
  test('a small body is read whole before the upstream request starts, so a slow client holds no upstream connection', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = await gatewayFor(upstream);
    const answer = exchangeRaw(port(gateway), [`${post(10)}12345`, '67890'], { gapMs: 400 });
    await waitMs(250);
    expect([upstream.requests.length, upstream.receivedBytes().length]).toEqual([0, 0]);
    const response = (await answer).responses[0]!;
    expect([response.status, response.json().bodyBytes]).toEqual([200, 10]);
    expect(upstream.requests[0]!.headers['content-length']).toBe('10');
  });

  test('a small chunked body reaches the upstream at once, with its Content-Length', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = await gatewayFor(upstream);
    const response = (await exchangeRaw(port(gateway), [post('chunked'), chunk('hello '), chunk('world'), '0\r\n\r\n'], { gapMs: 50 })).responses[0]!;
    expect([response.status, response.json().bodyBytes]).toEqual([200, 11]);
    expect([upstream.requests[0]!.headers['content-length'], upstream.requests[0]!.headers['transfer-encoding']]).toEqual(['11', undefined]);
  });

  test('a chunked body over bodyBufferBytes streams to the upstream, starting with the bytes already read', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = await gatewayFor(upstream, { bodyBufferBytes: 1024 });
    const parts = [post('chunked'), chunk('a'.repeat(800)), chunk('b'.repeat(800)), chunk('c'.repeat(1400)), '0\r\n\r\n'];
    const response = (await exchangeRaw(port(gateway), parts, { gapMs: 50 })).responses[0]!;
    expect([response.status, response.json().bodyBytes]).toEqual([200, 3000]);
    expect(upstream.requests[0]!.headers['transfer-encoding']).toBe('chunked');
  });

  test('a chunked body over maxBodyBytes gets 413, buffered or streamed', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    for (const bodyBufferBytes of [16_384, 0]) {
      const gateway = await gatewayFor(upstream, { maxBodyBytes: 1000, bodyBufferBytes });
      const response = (await exchangeRaw(port(gateway), [post('chunked'), chunk('x'.repeat(600)), chunk('y'.repeat(600)), '0\r\n\r\n'], { gapMs: 20 })).responses[0]!;
      expect([bodyBufferBytes, response.status, response.json().error.code]).toEqual([bodyBufferBytes, 413, 'UAG_ERR_BODY_TOO_LARGE']);
    }
  });

  test('a client that stops sending its body for bodyIdleTimeoutMs gets 408, buffered or streamed', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    for (const bodyBufferBytes of [16_384, 0]) {
      const gateway = await gatewayFor(upstream, { bodyIdleTimeoutMs: 200, bodyBufferBytes });
      const startedAt = performance.now();
      const exchange = await exchangeRaw(port(gateway), [post(100), 'only this much'], { waitMs: 3000 });
      const elapsed = performance.now() - startedAt;
      expect([bodyBufferBytes, exchange.responses[0]?.status, exchange.responses[0]?.json().error.code]).toEqual([bodyBufferBytes, 408, 'UAG_ERR_BODY_TIMEOUT']);
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(1500);
    }
  });

  test('a body trickled past the route timeout gets 408: upload time counts inside timeoutMs', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = await gatewayFor(upstream, { timeoutMs: 400 });
    const startedAt = performance.now();
    const exchange = await exchangeRaw(port(gateway), [post(40), ...Array.from({ length: 40 }, () => 'x')], { gapMs: 50, waitMs: 3000 });
    expect([exchange.responses[0]?.status, exchange.responses[0]?.json().error.code]).toEqual([408, 'UAG_ERR_BODY_TIMEOUT']);
    expect(performance.now() - startedAt).toBeLessThan(1500);
    expect(upstream.requests).toHaveLength(0);
  });

  test('a streamed upload and the wait for the upstream head share the route timeout: 504 when together they run over', async () => {
    const upstream = track(await startLoopbackServer((request, response) => request.resume().on('end', () => setTimeout(() => response.end('late'), 300))));
    const gateway = await gatewayFor(upstream, { timeoutMs: 500, bodyBufferBytes: 0 });
    const exchange = await exchangeRaw(port(gateway), [post(5), 'a', 'b', 'c', 'd', 'e'], { gapMs: 60, waitMs: 3000 });
    expect([exchange.responses[0]?.status, exchange.responses[0]?.json().error.code]).toEqual([504, 'UAG_ERR_UPSTREAM_TIMEOUT']);
  });

  test('streamed uploads past UAG_UPSTREAM_UPLOAD_SLOTS get 503 and leave the pool to other requests', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gateway = await gatewayFor(upstream, { bodyBufferBytes: 0 }, { UAG_UPSTREAM_UPLOAD_SLOTS: '2' });
    const slow = [exchangeRaw(port(gateway), [post(2), 'a', 'b'], { gapMs: 600 }), exchangeRaw(port(gateway), [post(2), 'a', 'b'], { gapMs: 600 })];
    await waitMs(150);
    const refused = (await exchangeRaw(port(gateway), [post(2), 'ab'])).responses[0]!;
    expect([refused.status, refused.json().error.code, refused.headers['retry-after']]).toEqual([503, 'UAG_ERR_UPLOADS_BUSY', '1']);
    expect((await exchangeRaw(port(gateway), 'GET /ping HTTP/1.1\r\nHost: files.example.test\r\nConnection: close\r\n\r\n')).responses[0]?.status).toBe(200);
    expect((await Promise.all(slow)).map((exchange) => exchange.responses[0]?.status)).toEqual([200, 200]);
    expect((await exchangeRaw(port(gateway), [post(2), 'ab'])).responses[0]?.status).toBe(200);
  });

  test('upload slots must stay below the connections of an upstream pool', () => {
    expect(() => new UpstreamPools(64, { maxConnectionsPerOrigin: 64 })).toThrow(
      'UAG_UPSTREAM_UPLOAD_SLOTS (64) must be below the 64 connections of an upstream pool, or uploads could take all of them',
    );
  });
});
