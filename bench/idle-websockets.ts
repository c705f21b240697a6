// Long-connection benchmark (issue 3): N idle WebSockets through the production gateway bundle;
// prints the gateway's RSS before and with them open, and the time from SIGTERM (drain delay 0,
// policy close) to the last client's close 1001 and to the process's exit.
//   npm run bench:websockets        BENCH_WEBSOCKETS (10000), BENCH_PROXY_CPUS (1), BENCH_CLIENT_CPUS (0)
// The gateway holds two descriptors per WebSocket (client and upstream side), so the count is
// capped by the hard open-files limit, and the output says so. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { OtlpSink } from './otlp-sink';
import { canPin, pinProcess, stopAll, stopChildrenOnExit } from './processes';
import { checkGatewayBundle, startBenchServer, startGatewayWith } from './targets';

/** Target from the issue: 10,000 idle WebSockets under 150 MB of gateway RSS. */
const TARGET_RSS_MB = 150;
/** Descriptors the gateway needs besides the WebSockets: listeners, pools, stdio, libuv. */
const SPARE_DESCRIPTORS = 200;
const OPEN_CONCURRENCY = 200;
const SETTLE_MS = 3000;

async function main(): Promise<void> {
  stopChildrenOnExit();
  checkGatewayBundle();
  const wanted = Number(process.env.BENCH_WEBSOCKETS ?? '10000');
  const hardLimit = Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
  const count = Math.min(wanted, Math.floor((hardLimit - SPARE_DESCRIPTORS) / 2));
  if (count < wanted) console.log(`open-files hard limit is ${hardLimit}: running ${count} WebSockets, not ${wanted} (the gateway holds 2 descriptors each)`);
  const pinned = canPin && availableParallelism() >= 2;
  const clientCpus = process.env.BENCH_CLIENT_CPUS ?? '0';
  if (pinned) pinProcess(process.pid, clientCpus);

  const tempDir = mkdtempSync(join(tmpdir(), 'uag-ws-bench-'));
  process.on('exit', () => rmSync(tempDir, { recursive: true, force: true }));
  const sink = await OtlpSink.start();
  try {
    const upstream = await startBenchServer('websocket upstream', 'websocket-upstream-server.ts', [], pinned ? clientCpus : undefined);
    const ctx = { tempDir, upstreamUrl: upstream.url, otlpEndpoint: sink.endpoint, proxyCpus: pinned ? (process.env.BENCH_PROXY_CPUS ?? '1') : undefined, connections: count };
    const routeTable = ['routes:', '  - name: play', '    match: { pathPrefix: /play }', `    upstream: { url: ${upstream.url} }`, '    websocket: true', ''].join('\n');
    const gateway = await startGatewayWith(ctx, routeTable, { UAG_SHUTDOWN_TIMEOUT_MS: '120000', UAG_WEBSOCKET_DRAIN_POLICY: 'close', LOG_LEVEL: 'warn' });
    const pid = gateway.process.pid;
    const exited = new Promise<number | null>((resolve) => gateway.process.process.once('exit', (code) => resolve(code)));
    const before = rssMiB(pid);

    const closes: Promise<{ code: number; at: number }>[] = [];
    const openedAt = Date.now();
    for (let start = 0; start < count; start += OPEN_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(OPEN_CONCURRENCY, count - start) }, () => {
        const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/play`, { perMessageDeflate: false });
        closes.push(new Promise((resolve) => socket.once('close', (code) => resolve({ code, at: Date.now() }))));
        return new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
      });
      await Promise.all(batch);
    }
    const openSeconds = (Date.now() - openedAt) / 1000;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const loaded = rssMiB(pid);

    const signalledAt = Date.now();
    gateway.process.process.kill('SIGTERM');
    const closed = await Promise.all(closes);
    const lastClose = Math.max(...closed.map((c) => c.at)) - signalledAt;
    const exitCode = await exited;
    const exitedAfter = Date.now() - signalledAt;
    const codes = new Map<number, number>();
    for (const { code } of closed) codes.set(code, (codes.get(code) ?? 0) + 1);

    console.log(`\nidle WebSockets through the gateway: ${count} opened in ${openSeconds.toFixed(1)} s; ${pinned ? `gateway on CPU ${ctx.proxyCpus}` : 'not pinned'}`);
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| gateway RSS before | ${before.toFixed(1)} MiB |`);
    console.log(`| gateway RSS with ${count} idle WebSockets | ${loaded.toFixed(1)} MiB |`);
    console.log(`| per WebSocket | ${(((loaded - before) * 1024) / count).toFixed(1)} KiB |`);
    console.log(`| SIGTERM to last client close | ${lastClose} ms |`);
    console.log(`| SIGTERM to gateway exit | ${exitedAfter} ms (exit code ${exitCode}) |`);
    console.log(`| close codes | ${[...codes].map(([code, n]) => `${code} x ${n}`).join(', ')} |`);
    const mb = (loaded * 1024 * 1024) / 1e6;
    console.log(`\ntarget (10,000 idle WebSockets under ${TARGET_RSS_MB} MB RSS): ${count < 10_000 ? `${count} measured, ` : ''}${mb < TARGET_RSS_MB ? 'met' : 'NOT MET'} at ${mb.toFixed(0)} MB`);
  } finally {
    await stopAll();
    await sink.stop();
  }
}

/** Resident set size of `pid` in MiB, from /proc. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(`bench: ${(error as Error).message}`);
    await stopAll();
    process.exit(1);
  },
);
