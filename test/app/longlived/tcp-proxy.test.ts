import { connect, type Socket } from 'node:net';
import { tcpUpstreamAddress } from '../../../app/src/longlived/tcp-proxy';
import { freePort, metricValue, onCleanup, scrape, startGateway, type StartedGateway } from '../../support/edge-harness';
import { startTcpEchoServer } from '../../helpers/echo-upstreams';

async function startTcpUpstream(onConnection?: (socket: Socket) => void): Promise<number> {
  const upstream = await startTcpEchoServer(onConnection);
  onCleanup(() => upstream.close());
  return upstream.port;
}

async function startTcpGateway(upstreamPort: number, env: Record<string, string> = {}): Promise<{ started: StartedGateway; port: number }> {
  const port = await freePort();
  const started = await startGateway(
    {
      routes: [{ name: 'web', match: { pathPrefix: '/' }, upstream: { url: 'http://127.0.0.1:1' } }],
      tcp: [{ name: 'game', port: 7000, upstream: { url: `tcp://127.0.0.1:${upstreamPort}` }, idleTimeoutMs: 60_000 }],
    },
    env,
    { game: port },
  );
  return { started, port: started.gateway.tcpAddress('game').port };
}

function dial(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  onCleanup(() => socket.destroy());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function ended(socket: Socket): Promise<number> {
  return new Promise((resolve) => socket.once('close', () => resolve(Date.now())));
}

describe('raw TCP proxying', () => {
  test('bytes are echoed through the gateway; the tcp gauge goes up and down', async () => {
    const { started, port } = await startTcpGateway(await startTcpUpstream());
    const client = await dial(port);
    const echoed = new Promise<string>((resolve) => client.once('data', (data) => resolve(String(data))));
    client.write('ping');
    expect(await echoed).toBe('ping');
    expect(metricValue(await scrape(started), 'gateway_active_connections', { protocol: 'tcp' })).toBe(1);
    const done = ended(client);
    client.end();
    await done;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exposition = await scrape(started);
    expect(metricValue(exposition, 'gateway_active_connections', { protocol: 'tcp' })).toBe(0);
    expect(metricValue(exposition, 'gateway_connection_duration_seconds_count', { protocol: 'tcp' })).toBe(1);
  });

  test('an upstream that closes closes the client too: nothing is left half-open', async () => {
    const { port } = await startTcpGateway(await startTcpUpstream((socket) => socket.end('bye')));
    const client = await dial(port);
    let received = '';
    client.on('data', (data) => (received += String(data)));
    await ended(client);
    expect(received).toBe('bye');
  });

  test('on shutdown TCP connections get the shutdown timeout, then are closed, and shutdown completes', async () => {
    const { started, port } = await startTcpGateway(await startTcpUpstream(), { UAG_DRAIN_DELAY_MS: '50', UAG_SHUTDOWN_TIMEOUT_MS: '500' });
    const client = await dial(port);
    const done = ended(client);
    const signalledAt = Date.now();
    const shutdown = started.gateway.shutdown('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const echoed = new Promise<string>((resolve) => client.once('data', (data) => resolve(String(data))));
    client.write('still here');
    expect(await echoed).toBe('still here');
    await expect(dial(port)).rejects.toThrow(/ECONNREFUSED/);
    const closedAt = await done;
    expect(closedAt - signalledAt).toBeGreaterThanOrEqual(490);
    await shutdown;
    expect(Date.now() - signalledAt).toBeLessThan(2000);
  });

  test('a client that never reads makes the gateway stop reading the upstream', async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const limit = 64 * 1024 * 1024;
    let sent = 0;
    let reportBlocked: (bytes: number) => void = () => undefined;
    const blocked = new Promise<number>((resolve) => (reportBlocked = resolve));
    const upstreamPort = await startTcpUpstream((socket) => {
      const pump = () => {
        while (sent < limit && socket.write(chunk)) sent += chunk.length;
        if (sent >= limit) return reportBlocked(sent);
        // write() said stop: if it stays stuck for a while, the gateway is not reading.
        const timer = setTimeout(() => reportBlocked(sent), 300);
        socket.once('drain', () => {
          clearTimeout(timer);
          pump();
        });
      };
      pump();
    });
    const { port } = await startTcpGateway(upstreamPort);
    const client = await dial(port);
    client.pause();
    expect(await blocked).toBeLessThan(32 * 1024 * 1024);
  });

  test('service upstreams resolve through cluster DNS in Kubernetes and use localUrl outside it', () => {
    const upstream = { service: 'game-server', namespace: 'games', port: 7777, localUrl: 'tcp://127.0.0.1:5005' };
    expect(tcpUpstreamAddress(upstream, true)).toEqual({ host: 'game-server.games.svc.cluster.local', port: 7777 });
    expect(tcpUpstreamAddress(upstream, false)).toEqual({ host: '127.0.0.1', port: 5005 });
  });
});
