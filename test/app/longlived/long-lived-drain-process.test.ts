import { createServer as createHttpServer } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { spawnGateway, servingPorts } from '../../helpers/gateway-process';
import { closeServer, freePort, listen, onCleanup } from '../../support/edge-harness';
import { startTcpEchoServer } from '../../helpers/echo-upstreams';

describe('a gateway process draining long-lived connections', () => {
  test('on SIGTERM WebSocket clients get 1001, TCP clients are closed at the timeout, and the process exits 0', async () => {
    const wsHttp = createHttpServer();
    const wss = new WebSocketServer({ server: wsHttp });
    const wsPort = await listen(wsHttp);
    onCleanup(async () => {
      for (const client of wss.clients) client.terminate();
      await closeServer(wsHttp);
    });
    const tcpEcho = await startTcpEchoServer();
    onCleanup(() => tcpEcho.close());
    const tcpUpstreamPort = tcpEcho.port;
    const tcpPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'uag-drain-'));
    const routesFile = join(dir, 'routes.json');
    writeFileSync(
      routesFile,
      JSON.stringify({
        routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: `http://127.0.0.1:${wsPort}` }, websocket: true }],
        tcp: [{ name: 'game', port: tcpPort, upstream: { url: `tcp://127.0.0.1:${tcpUpstreamPort}` } }],
      }),
    );
    const gateway = spawnGateway({ UAG_ROUTES_FILE: routesFile, UAG_DRAIN_DELAY_MS: '300', UAG_SHUTDOWN_TIMEOUT_MS: '1500', UAG_WEBSOCKET_DRAIN_POLICY: 'close' });
    onCleanup(() => gateway.kill());
    const { http } = await servingPorts(gateway);

    const client = new WebSocket(`ws://127.0.0.1:${http}/play`);
    onCleanup(() => client.terminate());
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const wsClosed = new Promise<{ code: number; at: number }>((resolve) => client.once('close', (code) => resolve({ code, at: Date.now() })));
    const game = connect(tcpPort, '127.0.0.1');
    onCleanup(() => game.destroy());
    await new Promise((resolve) => game.once('connect', resolve));
    game.on('error', () => undefined);
    const tcpClosed = new Promise<number>((resolve) => game.once('close', () => resolve(Date.now())));

    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    const ws = await wsClosed;
    expect(ws.code).toBe(1001);
    expect(ws.at - signalledAt).toBeGreaterThanOrEqual(290);
    expect((await tcpClosed) - signalledAt).toBeGreaterThanOrEqual(1450);
    expect([await gateway.exited, gateway.stderr]).toEqual([0, []]);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
  });
});
