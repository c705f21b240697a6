import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { useCleanup } from '../../helpers/cleanup';
import { startBuiltGateway, type BuiltGateway } from '../../helpers/gateway-process';
import { echoHandler, startLoopbackServer, type LoopbackServer } from '../../helpers/loopback-server';
import { exchangeRaw } from '../../helpers/raw-request';

/**
 * Slow request bodies against the built gateway with its default limits: 600 clients trickle
 * one body byte a second, most with small bodies (under the 16 KiB buffer, so they never reach
 * the upstream until complete) and some with large ones (streamed, so they take upload slots:
 * 128 per upstream by default, of a pool of 512 connections). A plain GET on the same route must
 * still answer within 100 ms.
 */
const SMALL_TRICKLERS = 450;
const LARGE_TRICKLERS = 150;
const DEFAULT_UPLOAD_SLOTS = 128;
const GET_BUDGET_MS = 100;
const track = useCleanup('all');
let upstream: LoopbackServer;
let gateway: BuiltGateway;
const tricklers: Socket[] = [];

/** The soft open-files limit of this process; the tricklers and their upstream sockets need about 1,300. */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

beforeAll(async () => {
  const needed = (SMALL_TRICKLERS + LARGE_TRICKLERS) * 2 + 200;
  if (openFilesLimit() < needed) throw new Error(`this test needs ${needed} open files; the limit is ${openFilesLimit()}: raise it with ulimit -n`);
  upstream = track(await startLoopbackServer(echoHandler));
  gateway = track(await startBuiltGateway({ routes: [{ name: 'files', match: { pathPrefix: '/files' }, upstream: { url: upstream.url } }] }));
}, 30_000);

afterAll(() => {
  for (const socket of tricklers) socket.destroy();
});

/** Opens a client that sends its request head and one body byte of `declaredBytes`, then waits. */
function trickler(declaredBytes: number): Promise<{ socket: Socket; answered: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(gateway.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write(`POST /files/upload HTTP/1.1\r\nHost: files.example.test\r\nContent-Length: ${declaredBytes}\r\n\r\nx`);
      resolve({ socket, answered: () => received.slice(0, 12) });
    });
    socket.once('error', reject);
  });
}

test('600 clients trickling request bodies leave a plain GET on the same route answering within 100 ms', async () => {
  const clients: Awaited<ReturnType<typeof trickler>>[] = [];
  for (let index = 0; index < SMALL_TRICKLERS + LARGE_TRICKLERS; index++) {
    // Every fourth is large: both kinds arrive interleaved, as they would from many clients.
    const client = await trickler(index % 4 === 3 ? 1_000_000 : 2000);
    clients.push(client);
    tricklers.push(client.socket);
  }
  const trickle = setInterval(() => {
    for (const { socket } of clients) if (!socket.destroyed) socket.write('x');
  }, 1000);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const latencies: number[] = [];
    for (let probe = 0; probe < 20; probe++) {
      const startedAt = performance.now();
      const exchange = await exchangeRaw(gateway.port, 'GET /files/ping HTTP/1.1\r\nHost: files.example.test\r\nConnection: close\r\n\r\n', { waitMs: 2000 });
      latencies.push(Math.round(performance.now() - startedAt));
      expect([probe, exchange.responses[0]?.status]).toEqual([probe, 200]);
    }
    expect(latencies.filter((ms) => ms >= GET_BUDGET_MS)).toEqual([]);
    // Only the streamed uploads reached the upstream, and no more of them than the slots allow.
    expect(upstream.requests.filter((request) => request.method === 'POST')).toHaveLength(DEFAULT_UPLOAD_SLOTS);
    const refused = clients.filter((client) => client.answered().startsWith('HTTP/1.1 503'));
    expect(refused).toHaveLength(LARGE_TRICKLERS - DEFAULT_UPLOAD_SLOTS);
  } finally {
    clearInterval(trickle);
  }
}, 30_000);
