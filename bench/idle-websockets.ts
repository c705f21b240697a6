// Long-connection benchmark (issue 3): N idle WebSockets through the production gateway bundle,
// started as the image starts it. Prints the gateway's RSS at rest and with them open, each
// sampled once a second over a settle window (start, peak, end and the series), and the time from
// SIGTERM (drain delay 0, policy close) to the last client's close 1001 and to the process's exit.
//   npm run bench:websockets        BENCH_WEBSOCKETS (10000), BENCH_SETTLE_S (30), BENCH_PROXY_CPUS (1), BENCH_CLIENT_CPUS (0)
// The gateway holds two descriptors per WebSocket (client and upstream side). When the open-files
// hard limit is too low for that, the gateway is started under `prlimit` with a higher one; where
// that is refused (raising a hard limit takes CAP_SYS_RESOURCE, which containers often drop), the
// count is capped, the output says so and projects the measured cost to the full count.
// Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { positiveInteger } from './env';
import { OtlpSink } from './otlp-sink';
import { canPin, openFilesRefusal, pinProcess, stopAll, stopChildrenOnExit } from './processes';
import { checkGatewayBundle, startBenchServer, startGatewayWith } from './targets';

/** Target from the issue: 10,000 idle WebSockets under 150 MB of gateway RSS. */
const TARGET_RSS_MB = 150;
const TARGET_WEBSOCKETS = 10_000;
/** Descriptors the gateway needs besides the WebSockets: about 25 at rest (listeners, stdio, epoll, OTLP), doubled. */
const SPARE_DESCRIPTORS = 50;
const OPEN_CONCURRENCY = 200;
/**
 * How long RSS is watched at rest and again with the WebSockets open. An idle process allocates
 * nothing, so its RSS only moves when V8 collects on its own: the memory reducer runs a compacting
 * GC, which also hands back the young generation, from 8 s after a full GC that grew the heap,
 * re-checking every 8 s until allocation has calmed down. 30 s covers the first checks after the
 * burst; the series shows whether one ran. The figure that counts is the window's last sample.
 */
const DEFAULT_SETTLE_S = 30;

async function main(): Promise<void> {
  stopChildrenOnExit();
  checkGatewayBundle();
  const wanted = positiveInteger('BENCH_WEBSOCKETS', TARGET_WEBSOCKETS);
  const settleSeconds = positiveInteger('BENCH_SETTLE_S', DEFAULT_SETTLE_S);
  const { count, openFiles } = planDescriptors(wanted);
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
    const gateway = await startGatewayWith(ctx, routeTable, { UAG_SHUTDOWN_TIMEOUT_MS: '120000', UAG_WEBSOCKET_DRAIN_POLICY: 'close', LOG_LEVEL: 'warn' }, { openFiles });
    const pid = gateway.process.pid;
    const exited = new Promise<number | null>((resolve) => gateway.process.process.once('exit', (code) => resolve(code)));
    console.log(`gateway at rest: sampling RSS for ${settleSeconds} s`);
    const before = await watchRss(pid, settleSeconds);

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
    console.log(`${count} WebSockets open in ${openSeconds.toFixed(1)} s: sampling RSS for ${settleSeconds} s`);
    const loaded = await watchRss(pid, settleSeconds);

    const signalledAt = Date.now();
    gateway.process.process.kill('SIGTERM');
    const closed = await Promise.all(closes);
    const lastClose = Math.max(...closed.map((c) => c.at)) - signalledAt;
    const exitCode = await exited;
    const exitedAfter = Date.now() - signalledAt;
    const codes = new Map<number, number>();
    for (const { code } of closed) codes.set(code, (codes.get(code) ?? 0) + 1);

    const perWebSocketMiB = (loaded.end - before.end) / count;
    console.log(`\nidle WebSockets through the gateway: ${count} opened in ${openSeconds.toFixed(1)} s; ${pinned ? `gateway on CPU ${ctx.proxyCpus}` : 'not pinned'}`);
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| gateway RSS at rest (start, peak, end of ${settleSeconds} s) | ${describe(before)} |`);
    console.log(`| gateway RSS with ${count} idle WebSockets (first second, peak, end of ${settleSeconds} s) | ${describe(loaded)} |`);
    console.log(`| per WebSocket (end against end) | ${(perWebSocketMiB * 1024).toFixed(1)} KiB |`);
    console.log(`| SIGTERM to last client close | ${lastClose} ms |`);
    console.log(`| SIGTERM to gateway exit | ${exitedAfter} ms (exit code ${exitCode}) |`);
    console.log(`| close codes | ${[...codes].map(([code, n]) => `${code} x ${n}`).join(', ')} |`);
    console.log(`\nRSS in MiB once a second, at rest: ${before.samples.map((s) => s.toFixed(1)).join(' ')}`);
    console.log(`RSS in MiB once a second, with ${count} WebSockets: ${loaded.samples.map((s) => s.toFixed(1)).join(' ')}`);

    const atTarget = loaded.end + perWebSocketMiB * (TARGET_WEBSOCKETS - count);
    const mb = (atTarget * 1024 * 1024) / 1e6;
    const how = count === TARGET_WEBSOCKETS ? '' : ` (projected from ${count} measured at ${(perWebSocketMiB * 1024).toFixed(1)} KiB each)`;
    console.log(`\ntarget (10,000 idle WebSockets under ${TARGET_RSS_MB} MB RSS, after ${settleSeconds} s idle): ${mb < TARGET_RSS_MB ? 'met' : 'NOT MET'} at ${mb.toFixed(0)} MB${how}`);
  } finally {
    await stopAll();
    await sink.stop();
  }
}

/** How many WebSockets fit the descriptor limits, and the limit to start the gateway with if it must be raised. */
function planDescriptors(wanted: number): { count: number; openFiles: number | undefined } {
  const hardLimit = Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
  const needed = 2 * wanted + SPARE_DESCRIPTORS;
  if (needed <= hardLimit) return { count: wanted, openFiles: undefined };
  const refusal = openFilesRefusal(needed);
  if (refusal === undefined) return { count: wanted, openFiles: needed };
  const count = Math.floor((hardLimit - SPARE_DESCRIPTORS) / 2);
  console.log(`open-files hard limit is ${hardLimit} and cannot be raised (${refusal}): running ${count} WebSockets, not ${wanted} (the gateway holds 2 descriptors each)`);
  return { count, openFiles: undefined };
}

interface RssWatch {
  readonly samples: readonly number[];
  readonly end: number;
}

/** RSS of `pid` in MiB once a second for `seconds` seconds. */
async function watchRss(pid: number, seconds: number): Promise<RssWatch> {
  const samples: number[] = [];
  for (let second = 0; second < seconds; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(rssMiB(pid));
  }
  return { samples, end: samples[samples.length - 1]! };
}

function describe({ samples, end }: RssWatch): string {
  return `${samples[0]!.toFixed(1)}, ${Math.max(...samples).toFixed(1)}, ${end.toFixed(1)} MiB`;
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
