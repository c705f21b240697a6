// Long-connection benchmark: N idle WebSockets through the built gateway; reports the gateway's
// RSS with them open and the time to drain them on SIGTERM (policy close, drain delay 0).
//   tsx bench/idle-websockets.ts [--connections 10000]
// Each WebSocket costs the gateway two descriptors (client and upstream): the run is capped by
// the hard open-files limit, and says so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { benchPort, exited, GATEWAY_BUNDLE, requireBuild, runBenchmark, rssMiB, spawnNode, waitForPort } from './bench-processes';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '10000' } } });
const WANTED = Number(values.connections);
/** Descriptors the gateway needs besides the WebSockets: listeners, pools, stdio, libuv. */
const SPARE_DESCRIPTORS = 200;
const OPEN_CONCURRENCY = 200;

const UPSTREAM_SCRIPT = `
const { WebSocketServer } = require('ws');
new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1', perMessageDeflate: false });
`;

async function main(): Promise<void> {
  requireBuild();
  const hardLimit = Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
  const count = Math.min(WANTED, Math.floor((hardLimit - SPARE_DESCRIPTORS) / 2));
  if (count < WANTED) console.log(`open-files hard limit is ${hardLimit}: running ${count} WebSockets instead of ${WANTED} (the gateway holds 2 descriptors each)`);

  const dir = mkdtempSync(join(tmpdir(), 'uag-ws-bench-'));
  const upstreamPort = await benchPort();
  // Child processes inherit the raised soft limit from this shell wrapper.
  const upstream = spawnNode(['-e', UPSTREAM_SCRIPT], { PORT: String(upstreamPort), NODE_PATH: join(__dirname, '..', 'node_modules') }, 1);
  await waitForPort(upstreamPort);
  const routesFile = join(dir, 'routes.json');
  writeFileSync(routesFile, JSON.stringify({ routes: [{ name: 'play', match: { pathPrefix: '/play' }, upstream: { url: `http://127.0.0.1:${upstreamPort}` }, websocket: true }] }));
  const httpPort = await benchPort();
  const adminPort = await benchPort();
  const gateway = spawnNode(
    [GATEWAY_BUNDLE],
    {
      UAG_ROUTES_FILE: routesFile,
      UAG_HOST: '127.0.0.1',
      UAG_HTTP_PORT: String(httpPort),
      UAG_ADMIN_PORT: String(adminPort),
      UAG_DRAIN_DELAY_MS: '0',
      UAG_SHUTDOWN_TIMEOUT_MS: '120000',
      UAG_WEBSOCKET_DRAIN_POLICY: 'close',
      LOG_LEVEL: 'warn',
    },
    0,
  );
  await waitForPort(httpPort);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const baseline = rssMiB(gateway.pid!);

  const sockets: WebSocket[] = [];
  const closes: Promise<{ code: number; at: number }>[] = [];
  const openedAt = Date.now();
  for (let start = 0; start < count; start += OPEN_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(OPEN_CONCURRENCY, count - start) }, () => {
      const socket = new WebSocket(`ws://127.0.0.1:${httpPort}/play`, { perMessageDeflate: false });
      sockets.push(socket);
      closes.push(new Promise((resolve) => socket.once('close', (code) => resolve({ code, at: Date.now() }))));
      return new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
    });
    await Promise.all(batch);
  }
  const openSeconds = (Date.now() - openedAt) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const loaded = rssMiB(gateway.pid!);
  const heapUsed = await heapUsedMiB(adminPort);

  const signalledAt = Date.now();
  gateway.kill('SIGTERM');
  const closed = await Promise.all(closes);
  const lastClose = Math.max(...closed.map((c) => c.at)) - signalledAt;
  const exitCode = await exited(gateway);
  const exitedAfter = Date.now() - signalledAt;
  const codes = new Map<number, number>();
  for (const { code } of closed) codes.set(code, (codes.get(code) ?? 0) + 1);
  upstream.kill('SIGTERM');

  console.log(`\nidle WebSockets through the gateway (${count} connections, opened in ${openSeconds.toFixed(1)} s)`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| gateway RSS before | ${baseline.toFixed(1)} MiB |`);
  console.log(`| gateway RSS with ${count} idle WebSockets | ${loaded.toFixed(1)} MiB (target: under 150 MB) |`);
  console.log(`| per connection | ${(((loaded - baseline) * 1024) / count).toFixed(1)} KiB |`);
  console.log(`| V8 heap used with them open | ${heapUsed.toFixed(1)} MiB |`);
  console.log(`| SIGTERM to last client close | ${lastClose} ms |`);
  console.log(`| SIGTERM to process exit | ${exitedAfter} ms (exit code ${exitCode}) |`);
  console.log(`| close codes | ${[...codes].map(([code, n]) => `${code} x ${n}`).join(', ')} |`);
}

/** `nodejs_heap_size_used_bytes` from the gateway's own /metrics. */
async function heapUsedMiB(adminPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('nodejs_heap_size_used_bytes '));
  return Number(line?.split(' ')[1]) / 1048576;
}

runBenchmark(main);
