import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { RouteTableInput } from '../../app/src/contract';
import { startTcpEchoServer } from '../helpers/echo-upstreams';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { freePort, onCleanup, startUpstream, startWebSocketUpstream } from './edge-harness';
import { startRedis } from './redis-server';

/** Secrets the gateway is given; the status page and /status must never show them. */
export interface FixtureSecrets {
  readonly redisPassword: string;
  readonly jwtPublicKey: string;
}

export interface StatusFixture {
  readonly gateway: TestGateway;
  readonly secrets: FixtureSecrets;
  readonly origins: { readonly users: string; readonly payments: string; readonly chat: string };
  /** Open client connections through the gateway, by protocol. */
  readonly open: { readonly websockets: WebSocket[]; readonly tcp: Socket[] };
  /** Opens one more WebSocket through the gateway. */
  openWebSocket(): Promise<WebSocket>;
}

/**
 * A gateway with something to show: a rate-limited route with traffic, an authenticated one, a route
 * whose upstream fails until its breaker opens, a WebSocket route with open sockets, a TCP
 * listener with a connection, one applied and one rejected reload, and secrets in its
 * environment (a Redis password, a JWT key).
 */
export async function startStatusFixture(folder: string): Promise<StatusFixture> {
  const users = await startUpstream('users');
  const payments = await startUpstream('payments');
  payments.status = 502;
  const { url: chat } = await startWebSocketUpstream();
  const tcpEcho = await startTcpEchoServer();
  onCleanup(() => tcpEcho.close());
  const tcpPort = await freePort();

  const secrets: FixtureSecrets = {
    redisPassword: 'redis-secret-9f2c',
    jwtPublicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  const table = (extra: RouteTableInput['routes'] = []): RouteTableInput => ({
    auth: { jwt: { publicKeyFromEnv: true, issuer: 'https://issuer.test/', audience: 'uag', algorithms: ['ES256'] }, default: 'none' },
    routes: [
      { name: 'users', match: { pathPrefix: '/api/users', methods: ['GET'] }, upstream: { url: `${users.url}/v1` }, rateLimit: { requestsPerSecond: 1000, burst: 1000, failOpen: true } },
      { name: 'payments', match: { pathPrefix: '/api/payments' }, upstream: { url: payments.url }, circuitBreaker: { consecutiveFailures: 3, coolDownMs: 60_000 } },
      { name: 'admin', match: { pathPrefix: '/api/admin', host: 'admin.example.test' }, upstream: { url: users.url }, auth: 'jwt', requireRoles: ['admin'] },
      { name: 'chat', match: { pathPrefix: '/chat' }, upstream: { url: chat }, websocket: true },
      ...extra,
    ],
    tcp: [{ name: 'game', port: tcpPort, upstream: { url: `tcp://127.0.0.1:${tcpEcho.port}` } }],
  });
  const routesFile = join(folder, 'routes.yaml');
  const gateway = await startTestGateway({
    routes: table(),
    routesFile,
    env: {
      UAG_ROUTES_RELOAD_INTERVAL_MS: '50',
      UAG_JWT_PUBLIC_KEY: secrets.jwtPublicKey,
      UAG_REDIS_URL: (await startRedis({ password: secrets.redisPassword })).url,
    },
  });
  onCleanup(() => gateway.stop());

  // An applied reload (a route added), then a rejected one, as an operator would see them.
  const awaitReloads = async (count: number) => {
    while (gateway.gateway.reloader.history.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  writeFileSync(routesFile, JSON.stringify(table([{ name: 'orders', match: { pathPrefix: '/api/orders' }, upstream: { url: users.url } }])));
  await awaitReloads(1);
  writeFileSync(routesFile, 'routes:\n  - name: users\n   match: { pathPrefix: /api/users }\n');
  await awaitReloads(2);

  for (let i = 0; i < 40; i++) await fetch(`${gateway.baseUrl}/api/users/${i}`);
  // Three failures open the breaker; the requests after it are answered by the gateway.
  for (let i = 0; i < 5; i++) await fetch(`${gateway.baseUrl}/api/payments/${i}`);
  const openWebSocket = async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${gateway.gateway.httpAddress.port}/chat`);
    onCleanup(() => socket.terminate());
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return socket;
  };
  const websockets = [await openWebSocket(), await openWebSocket()];
  const game = connect(tcpPort, '127.0.0.1');
  onCleanup(() => game.destroy());
  await new Promise((resolve, reject) => game.once('connect', resolve).once('error', reject));
  // The gauge counts a TCP connection once the gateway has accepted it.
  while ((await gateway.gateway.status()).connections.tcp < 1) await new Promise((resolve) => setTimeout(resolve, 10));
  return { gateway, secrets, origins: { users: users.url, payments: payments.url, chat }, open: { websockets, tcp: [game] }, openWebSocket };
}
