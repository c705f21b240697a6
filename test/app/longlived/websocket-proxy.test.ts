import { connect } from 'node:net';
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { startTcpEchoServer } from '../../helpers/echo-upstreams';
import { closeServer, listen, metricValue, onCleanup, scrape, startGateway, type StartedGateway } from '../../support/edge-harness';

interface EchoUpstream {
  readonly url: string;
  readonly server: WebSocketServer;
  readonly upgrades: import('node:http').IncomingMessage[];
}

async function startWebSocketUpstream(onConnection?: (socket: WebSocket) => void, options: { handshakeDelayMs?: number } = {}): Promise<EchoUpstream> {
  const http = createServer();
  const { handshakeDelayMs } = options;
  const verifyClient = handshakeDelayMs === undefined ? undefined : (_info: unknown, accept: (ok: boolean) => void) => void setTimeout(() => accept(true), handshakeDelayMs);
  const server = new WebSocketServer({ server: http, verifyClient });
  const upgrades: import('node:http').IncomingMessage[] = [];
  server.on('connection', (socket, request) => {
    upgrades.push(request);
    if (onConnection !== undefined) onConnection(socket);
    else socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  const port = await listen(http);
  onCleanup(async () => {
    for (const client of server.clients) client.terminate();
    server.close();
    await closeServer(http);
  });
  return { url: `http://127.0.0.1:${port}`, server, upgrades };
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, { headers });
  onCleanup(() => socket.terminate());
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`status ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

function closed(socket: WebSocket): Promise<{ code: number; at: number }> {
  return new Promise((resolve) => socket.once('close', (code) => resolve({ code, at: Date.now() })));
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(String(data))));
}

async function gauge(started: StartedGateway, protocol: string): Promise<number | undefined> {
  return metricValue(await scrape(started), 'gateway_active_connections', { protocol });
}

function wsBase(started: StartedGateway): string {
  return started.base.replace('http', 'ws');
}

describe('WebSocket proxying', () => {
  test('frames are echoed both ways; the websocket gauge goes up and down and the duration is observed', async () => {
    const upstream = await startWebSocketUpstream();
    const started = await startGateway({ routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: true }] });
    const client = await open(`${wsBase(started)}/play/room-1`, { 'x-user-id': 'spoofed' });
    const reply = nextMessage(client);
    client.send('hello');
    expect(await reply).toBe('hello');
    expect(upstream.upgrades[0]?.url).toBe('/play/room-1');
    expect(upstream.upgrades[0]?.headers['x-user-id']).toBeUndefined();
    expect(await gauge(started, 'websocket')).toBe(1);
    expect(await gauge(started, 'http')).toBe(0);
    const done = closed(client);
    client.close(1000);
    expect((await done).code).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exposition = await scrape(started);
    expect(metricValue(exposition, 'gateway_active_connections', { protocol: 'websocket' })).toBe(0);
    expect(metricValue(exposition, 'gateway_connection_duration_seconds_count', { protocol: 'websocket' })).toBe(1);
    expect(metricValue(exposition, 'gateway_requests_total', { protocol: 'websocket', route: 'play', method: 'GET', code: '101' })).toBe(1);
  });

  // Regression: handshakes were recorded with a duration of 0.
  test('the request duration histogram times the handshake through the upstream', async () => {
    const handshakeDelayMs = 150;
    const upstream = await startWebSocketUpstream(undefined, { handshakeDelayMs });
    const started = await startGateway({ routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: true }] });
    await open(`${wsBase(started)}/play`);
    const exposition = await scrape(started);
    expect(metricValue(exposition, 'gateway_request_duration_seconds_count', { protocol: 'websocket', route: 'play' })).toBe(1);
    // Timers may fire up to a millisecond early; the handshake cannot have been quicker than that.
    expect(metricValue(exposition, 'gateway_request_duration_seconds_sum', { protocol: 'websocket', route: 'play' })).toBeGreaterThanOrEqual((handshakeDelayMs - 2) / 1000);
  });

  test('upgrades are refused on routes without websocket, and guards apply to the upgrade request', async () => {
    const upstream = await startWebSocketUpstream();
    const started = await startGateway({
      routes: [
        { name: 'http-only', match: { pathPrefix: '/api' }, upstream: { url: upstream.url } },
        { name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: true, rateLimit: { requestsPerSecond: 0.01, burst: 1 } },
      ],
    });
    await expect(open(`${wsBase(started)}/api`)).rejects.toThrow('status 400');
    await open(`${wsBase(started)}/play`);
    await expect(open(`${wsBase(started)}/play`)).rejects.toThrow('status 429');
    expect(upstream.upgrades).toHaveLength(1);
  });

  test('an oversized message closes the connection with 1009', async () => {
    const upstream = await startWebSocketUpstream();
    const started = await startGateway({ routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: { maxMessageBytes: 1024 } }] });
    const client = await open(`${wsBase(started)}/play`);
    const done = closed(client);
    client.send(Buffer.alloc(2048));
    expect((await done).code).toBe(1009);
  });

  test('an idle relay is closed with 1001 after idleTimeoutMs; upstream traffic alone keeps it open', async () => {
    const upstream = await startWebSocketUpstream((socket) => {
      setTimeout(() => socket.send('tick'), 700);
    });
    const started = await startGateway({ routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: { idleTimeoutMs: 1000 } }] });
    const client = await open(`${wsBase(started)}/play`);
    const done = closed(client);
    expect(await nextMessage(client)).toBe('tick');
    const lastActivity = Date.now();
    const { code, at } = await done;
    expect(code).toBe(1001);
    expect(at - lastActivity).toBeGreaterThanOrEqual(950);
  });

  test('an upstream that refuses the upgrade gets 502, one that does not answer within the route timeout 504', async () => {
    const silent = await startTcpEchoServer(() => undefined);
    onCleanup(() => silent.close());
    const refusing = await startTcpEchoServer((socket) => socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n'));
    onCleanup(() => refusing.close());
    const started = await startGateway({
      routes: [
        { name: 'silent', match: { pathPrefix: '/silent' }, upstream: { url: `http://127.0.0.1:${silent.port}` }, timeoutMs: 300, websocket: true },
        { name: 'refusing', match: { pathPrefix: '/refusing' }, upstream: { url: `http://127.0.0.1:${refusing.port}` }, websocket: true },
      ],
    });
    await expect(open(`${wsBase(started)}/refusing`)).rejects.toThrow('status 502');
    await expect(open(`${wsBase(started)}/silent`)).rejects.toThrow('status 504');
    const exposition = await scrape(started);
    expect(metricValue(exposition, 'gateway_requests_total', { protocol: 'websocket', route: 'refusing', method: 'GET', code: '502' })).toBe(1);
    expect(metricValue(exposition, 'gateway_requests_total', { protocol: 'websocket', route: 'silent', method: 'GET', code: '504' })).toBe(1);
  });

  test('drain policy close: clients receive 1001 once the drain delay has passed, and shutdown completes', async () => {
    const upstream = await startWebSocketUpstream();
    const started = await startGateway(
      { routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: true }] },
      { UAG_DRAIN_DELAY_MS: '200', UAG_SHUTDOWN_TIMEOUT_MS: '3000', UAG_WEBSOCKET_DRAIN_POLICY: 'close' },
    );
    const clients = await Promise.all([open(`${wsBase(started)}/play`), open(`${wsBase(started)}/play`)]);
    const closes = clients.map(closed);
    const signalledAt = Date.now();
    const shutdown = started.gateway.shutdown('SIGTERM');
    for (const { code, at } of await Promise.all(closes)) {
      expect(code).toBe(1001);
      expect(at - signalledAt).toBeGreaterThanOrEqual(190);
    }
    await shutdown;
    expect(Date.now() - signalledAt).toBeLessThan(3000);
  });

  test('drain policy wait: clients keep talking past the drain delay and are cut at the shutdown timeout', async () => {
    const upstream = await startWebSocketUpstream();
    const started = await startGateway(
      { routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: true }] },
      { UAG_DRAIN_DELAY_MS: '50', UAG_SHUTDOWN_TIMEOUT_MS: '600', UAG_WEBSOCKET_DRAIN_POLICY: 'wait' },
    );
    const client = await open(`${wsBase(started)}/play`);
    const done = closed(client);
    const signalledAt = Date.now();
    const shutdown = started.gateway.shutdown('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reply = nextMessage(client);
    client.send('still here');
    expect(await reply).toBe('still here');
    const { at } = await done;
    expect(at - signalledAt).toBeGreaterThanOrEqual(590);
    await shutdown;
  });

  test('a client that never reads makes the gateway stop reading the upstream instead of buffering', async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const limit = 64 * 1024 * 1024;
    let sent = 0;
    const stalled = new Promise<number>((resolve) => {
      void startWebSocketUpstream((socket) => {
        const pump = () => {
          // Send until the gateway stops taking data (our own buffer grows) or the cap is hit.
          while (socket.bufferedAmount < 2 * 1024 * 1024 && sent < limit) {
            socket.send(chunk);
            sent += chunk.length;
          }
          if (sent >= limit) return resolve(sent);
          setTimeout(() => (socket.bufferedAmount >= 2 * 1024 * 1024 ? resolve(sent) : pump()), 100);
        };
        pump();
      }).then((upstream) => startGateway({ routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: upstream.url }, websocket: true }] }))
        .then((started) => {
          // A raw client: completes the handshake, then never reads another byte.
          const socket = connect(started.gateway.httpAddress.port, '127.0.0.1');
          onCleanup(() => socket.destroy());
          socket.write('GET /play HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
          socket.once('data', () => socket.pause());
        });
    });
    const absorbed = await stalled;
    // Kernel socket buffers plus the relay's bounded queue: far below what the upstream wanted to send.
    expect(absorbed).toBeLessThan(32 * 1024 * 1024);
  });
});
