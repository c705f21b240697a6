import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { routeTableChecksum } from '../../../app/src/contract';
import type { RouteTableInput } from '../../../app/src/contract';
import { ConfigMapVolume } from '../../helpers/config-map-volume';
import { startTcpEchoServer } from '../../helpers/echo-upstreams';
import { buildGatewayBundle, servingPorts, spawnGateway, type GatewayProcess } from '../../helpers/gateway-process';
import { freePort, metricValue, onCleanup, startUpstream, startWebSocketUpstream } from '../../support/edge-harness';

const POLL_MS = 500;
const WEBSOCKETS = 200;
const TCP_CONNECTIONS = 50;

let bundle: string;
let folder: string;
let dir: string;
beforeAll(async () => {
  ({ bundle, folder } = await buildGatewayBundle());
  dir = mkdtempSync(join(tmpdir(), 'uag-reload-process-'));
}, 60_000);
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

function openWebSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  onCleanup(() => socket.terminate());
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response: IncomingMessage) => reject(new Error(`status ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

function echoOf(socket: WebSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo of ${text}`)), 5000);
    socket.once('message', (data) => (clearTimeout(timer), resolve(String(data))));
    socket.send(text);
  });
}

function tcpEchoOf(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no TCP echo of ${text}`)), 5000);
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.length < text.length) return;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(received);
    };
    socket.on('data', onData);
    socket.write(text);
  });
}

async function nameAt(base: string, path: string): Promise<string | number> {
  const answer = await fetch(`${base}${path}`);
  if (answer.status !== 200) return answer.status;
  return ((await answer.json()) as { name: string }).name;
}

/** Polls `probe` until it returns `expected`; returns how long that took from `since`. */
async function answeredWithin(since: number, expected: unknown, probe: () => Promise<unknown>, limitMs = 5000): Promise<number> {
  for (;;) {
    let seen: unknown;
    try {
      seen = await probe();
    } catch (error) {
      seen = error;
    }
    if (JSON.stringify(seen) === JSON.stringify(expected)) return Date.now() - since;
    if (Date.now() - since > limitMs) throw new Error(`still ${JSON.stringify(seen)}, not ${JSON.stringify(expected)}, ${limitMs} ms after the write`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function rssBytes(gateway: GatewayProcess): number {
  const status = readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe('a built gateway reloading its route table from a ConfigMap-style volume', () => {
  test(`${WEBSOCKETS} WebSockets and ${TCP_CONNECTIONS} TCP connections survive ten rewrites and a rejected one, still echoing; each new table answers within one poll interval; RSS stays flat over 100 reloads`, async () => {
    const upstreams = { a: await startUpstream('a'), b: await startUpstream('b'), c: await startUpstream('c') };
    const chatA = await startWebSocketUpstream((message) => `wa:${String(message)}`);
    const chatB = await startWebSocketUpstream((message) => `wb:${String(message)}`);
    const tcpEcho = await startTcpEchoServer();
    onCleanup(() => tcpEcho.close());
    const tcpPort = await freePort();
    const tcp = [{ name: 'game', port: tcpPort, upstream: { url: `tcp://127.0.0.1:${tcpEcho.port}` } }];
    type Http = keyof typeof upstreams;
    const table = (spec: { users: Http; chat?: string; orders?: Http; extra?: Http; usersTimeoutMs?: number; extraTimeoutMs?: number }): RouteTableInput => ({
      routes: [
        { name: 'users', match: { pathPrefix: '/users' }, upstream: { url: upstreams[spec.users].url }, timeoutMs: spec.usersTimeoutMs ?? 30_000 },
        ...(spec.chat === undefined ? [] : [{ name: 'chat', match: { pathPrefix: '/chat' }, upstream: { url: spec.chat }, websocket: true as const }]),
        ...(spec.orders === undefined ? [] : [{ name: 'orders', match: { pathPrefix: '/orders' }, upstream: { url: upstreams[spec.orders].url } }]),
        ...(spec.extra === undefined ? [] : [{ name: 'extra', match: { pathPrefix: '/extra' }, upstream: { url: upstreams[spec.extra].url }, timeoutMs: spec.extraTimeoutMs ?? 30_000 }]),
      ],
      tcp,
    });
    const volume = new ConfigMapVolume(join(dir, 'routes'), 'routes.yaml');
    volume.write(JSON.stringify(table({ users: 'a', chat: chatA.url })));
    const gateway = spawnGateway({ UAG_ROUTES_FILE: volume.path, UAG_ROUTES_RELOAD_INTERVAL_MS: String(POLL_MS), UAG_DRAIN_DELAY_MS: '0' }, { bundle });
    onCleanup(() => gateway.kill());
    const { http, admin } = await servingPorts(gateway);
    const base = `http://127.0.0.1:${http}`;
    const status = async () => (await fetch(`http://127.0.0.1:${admin}/status`)).json() as Promise<{ routeTable: { checksum: string } }>;

    const websockets = await Promise.all(Array.from({ length: WEBSOCKETS }, () => openWebSocket(`ws://127.0.0.1:${http}/chat`)));
    const tcpSockets = await Promise.all(
      Array.from({ length: TCP_CONNECTIONS }, () => {
        const socket = connect(tcpPort, '127.0.0.1');
        onCleanup(() => socket.destroy());
        return new Promise<Socket>((resolve, reject) => socket.once('connect', () => resolve(socket)).once('error', reject));
      }),
    );
    let dropped = 0;
    for (const socket of websockets) socket.once('close', () => dropped++);
    for (const socket of tcpSockets) socket.once('close', () => dropped++);
    expect(await echoOf(websockets[0]!, 'hello')).toBe('wa:hello');

    const newChatEcho = async () => {
      const socket = await openWebSocket(`ws://127.0.0.1:${http}/chat`);
      try {
        return await echoOf(socket, 'probe');
      } finally {
        socket.close();
      }
    };
    const checksumOf = (content: RouteTableInput) => routeTableChecksum(JSON.stringify(content));
    const rewrites: { content: RouteTableInput; expected: unknown; probe: () => Promise<unknown> }[] = [
      { content: table({ users: 'a', chat: chatA.url, orders: 'b' }), expected: 'b', probe: () => nameAt(base, '/orders/1') },
      { content: table({ users: 'c', chat: chatA.url, orders: 'b' }), expected: 'c', probe: () => nameAt(base, '/users/1') },
      { content: table({ users: 'c', chat: chatB.url, orders: 'b' }), expected: 'wb:probe', probe: newChatEcho },
      { content: table({ users: 'c', chat: chatB.url }), expected: 404, probe: () => nameAt(base, '/orders/1') },
      { content: table({ users: 'c', chat: chatB.url, usersTimeoutMs: 20_000 }), expected: 'checksum', probe: async () => (await status()).routeTable.checksum },
      { content: table({ users: 'c', chat: chatB.url, usersTimeoutMs: 20_000, extra: 'a' }), expected: 'a', probe: () => nameAt(base, '/extra/1') },
      { content: table({ users: 'c', usersTimeoutMs: 20_000, extra: 'a' }), expected: 'status 404', probe: () => newChatEcho().catch((error: Error) => error.message) },
      { content: table({ users: 'c', chat: chatA.url, usersTimeoutMs: 20_000, extra: 'a' }), expected: 'wa:probe', probe: newChatEcho },
      { content: table({ users: 'b', chat: chatA.url, usersTimeoutMs: 20_000, extra: 'a' }), expected: 'b', probe: () => nameAt(base, '/users/1') },
      { content: table({ users: 'b', chat: chatA.url, usersTimeoutMs: 20_000, extra: 'a', extraTimeoutMs: 9000 }), expected: 'checksum', probe: async () => (await status()).routeTable.checksum },
    ];
    const delays: number[] = [];
    for (const [index, rewrite] of rewrites.entries()) {
      const expected = rewrite.expected === 'checksum' ? checksumOf(rewrite.content) : rewrite.expected;
      const writtenAt = Date.now();
      volume.write(JSON.stringify(rewrite.content));
      delays.push(await answeredWithin(writtenAt, expected, rewrite.probe));
      expect([index, dropped]).toEqual([index, 0]);
    }
    // Polled every POLL_MS, so the new table is in force at most one interval after the write;
    // the margin covers the probe's own round trips on a loaded machine.
    expect(Math.max(...delays)).toBeLessThanOrEqual(POLL_MS + 400);
    process.stdout.write(`reload-process: new table answering ${Math.min(...delays)}-${Math.max(...delays)} ms after the write (poll ${POLL_MS} ms)\n`);

    // An invalid write: rejected, the old table keeps serving and readiness stays 200.
    volume.write('routes:\n  - name: users\n   match: broken\n');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 2.5));
    expect(await nameAt(base, '/users/1')).toBe('b');
    expect((await fetch(`http://127.0.0.1:${admin}/health/ready`)).status).toBe(200);
    let metrics = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_config_reloads_total', { result: 'rejected' })).toBe(1);
    expect(metricValue(metrics, 'gateway_config_reloads_total', { result: 'applied' })).toBe(rewrites.length);
    expect(gateway.lines.filter((line) => line.msg === 'route table rejected; the active one keeps serving').map((line) => line.problem)).toEqual([
      expect.stringMatching(/not valid YAML at line 3, column \d+/),
    ]);

    // Every long-lived connection opened before the first rewrite is still there and echoing.
    expect(dropped).toBe(0);
    const echoes = await Promise.all(websockets.map((socket, index) => echoOf(socket, `m${index}`)));
    expect(echoes).toEqual(websockets.map((_socket, index) => `wa:m${index}`));
    const tcpEchoes = await Promise.all(tcpSockets.map((socket, index) => tcpEchoOf(socket, `t${index}`)));
    expect(tcpEchoes).toEqual(tcpSockets.map((_socket, index) => `t${index}`));

    // 100 reloads by SIGHUP, moving `users` between three upstreams and adding and removing a
    // route each time, with a request through each table: pools, breakers and timers of the
    // tables left behind must not pile up.
    const order: Http[] = ['a', 'b', 'c'];
    const applied = () => metricValue(metrics, 'gateway_config_reloads_total', { result: 'applied' })!;
    const rss: number[] = [];
    for (let reload = 1; reload <= 100; reload++) {
      const users = order[reload % 3]!;
      volume.write(JSON.stringify(table({ users, chat: chatA.url, orders: reload % 2 === 0 ? 'a' : undefined, usersTimeoutMs: 10_000 + reload })));
      gateway.child.kill('SIGHUP');
      await answeredWithin(Date.now(), users, () => nameAt(base, '/users/1'), 2000);
      if (reload === 10 || reload === 100) {
        metrics = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
        rss.push(rssBytes(gateway));
      }
    }
    expect(applied()).toBe(rewrites.length + 100);
    const growth = rss[1]! - rss[0]!;
    process.stdout.write(`reload-process: RSS ${(rss[0]! / 2 ** 20).toFixed(1)} MiB after 10 SIGHUP reloads, ${(rss[1]! / 2 ** 20).toFixed(1)} MiB after 100\n`);
    expect(growth).toBeLessThan(8 * 2 ** 20);
    // Only the active table's upstream holds pooled connections: the others' pools were closed.
    const inUse = new Set([order[100 % 3], 'a']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const [name, upstream] of Object.entries(upstreams)) {
      const open = new Set(upstream.seen.map((request) => request.socket).filter((socket) => !socket.destroyed)).size;
      if (inUse.has(name as Http)) expect(open).toBeGreaterThan(0);
      else expect([name, open]).toEqual([name, 0]);
    }
    expect(dropped).toBe(0);
  }, 60_000);

  test('with polling off (UAG_ROUTES_RELOAD_INTERVAL_MS=0) a change waits for SIGHUP, which applies it at once', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b');
    const volume = new ConfigMapVolume(join(dir, 'sighup'), 'routes.yaml');
    const table = (url: string) => JSON.stringify({ routes: [{ name: 'users', match: { pathPrefix: '/users' }, upstream: { url } }] });
    volume.write(table(a.url));
    const gateway = spawnGateway({ UAG_ROUTES_FILE: volume.path, UAG_ROUTES_RELOAD_INTERVAL_MS: '0', UAG_DRAIN_DELAY_MS: '0' }, { bundle });
    onCleanup(() => gateway.kill());
    const { http } = await servingPorts(gateway);
    const base = `http://127.0.0.1:${http}`;
    volume.write(table(b.url));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await nameAt(base, '/users/1')).toBe('a');
    const signalledAt = Date.now();
    gateway.child.kill('SIGHUP');
    expect(await answeredWithin(signalledAt, 'b', () => nameAt(base, '/users/1'), 2000)).toBeLessThan(500);
    expect(gateway.lines.find((line) => line.msg === 'route table reloaded')).toMatchObject({ changed: ['users'] });
    expect(gateway.child.exitCode).toBeNull();
  }, 30_000);
});
