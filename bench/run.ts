// `npm run bench`: loopback throughput, latency and CPU per request of the gateway against a
// direct upstream, a bare @fastify/http-proxy and (when installed) nginx. See issue 2,
// "Benchmark". Environment:
//   BENCH_DURATION_S   measured seconds per target (10)
//   BENCH_WARMUP_REQUESTS  warm-up requests per target, same load, not measured (50000)
//   BENCH_CONNECTIONS  concurrent keep-alive client connections (50)
//   BENCH_ROUNDS       times the whole sequence of runs is repeated; the table shows medians (5)
//   BENCH_RUNS         comma-separated run names to keep (all)
//   BENCH_STARTUP_RUNS times the gateway bundle is started to time its start-up, with the gateway row (11)
//   BENCH_PROXY_CPUS   taskset CPU list for the process under test (1)
//   BENCH_CLIENT_CPUS  taskset CPU list for this process (autocannon), the shared upstream and the OTLP sink process (0)
// The gateway bundle must be built first (`npm run build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EDGE_CHAIN, edgeChainTarget, startEdgeChainGateway } from './edge-chain';
import { RELOAD_EVERY_SECOND, reloadTarget, startReloadingGateway } from './reload-every-second';
import { positiveInteger } from './env';
import { UPSTREAM_BODY } from './fixtures';
import { measure, type LoadSettings } from './load';
import { nginxSkipReason, startNginx } from './nginx';
import { remoteSinkCounts, sinkDelta, type SinkCounts } from './otlp-sink';
import { httpGet } from './probe';
import { canPin, pinProcess, stopAll, stopChildrenOnExit } from './processes';
import { byRoundText, combineRounds, measurementOf, pairedRatios, problems, renderNotes, renderTable, type RoundsByRun, type RunOutcome } from './report';
import { runsInRound } from './rounds';
import { measureStartup, startupLine } from './startup';
import { checkGatewayBundle, startBenchServer, startDirectUpstream, startFastifyProxy, startGateway, type BenchContext, type StartedTarget } from './targets';

/**
 * One row of the table. To add a run (say the gateway with a JWT + rate-limit chain, or under
 * 10,000 idle WebSockets), append a definition: `start` brings the target up however it needs
 * (its own route table, pre-opened sockets) and hands back the process to charge CPU to.
 */
interface RunDefinition {
  readonly name: string;
  start(ctx: BenchContext): Promise<StartedTarget>;
  /** Throws, with the fix, when something the run needs is missing; checked before any load. */
  readonly requires?: () => void;
  /** Why the run cannot happen on this machine; a skipped run is reported, not failed. */
  readonly skipReason?: () => string | undefined;
  /** The target exports spans; the OTLP sink must receive some or the row does not count. */
  readonly exportsSpans?: boolean;
}

const NGINX = 'nginx';
const FASTIFY = 'fastify http-proxy';
const GATEWAY = 'gateway';

// The gateway sits between the two runs compared with it most closely (issue 2's and the edge
// chain's targets), so each pair runs back to back; the reloading gateway follows the edge chain.
const RUNS: readonly RunDefinition[] = [
  { name: 'direct upstream', start: startDirectUpstream },
  { name: FASTIFY, start: startFastifyProxy },
  { name: GATEWAY, start: startGateway, requires: checkGatewayBundle, exportsSpans: true },
  { name: EDGE_CHAIN, start: startEdgeChainGateway, requires: checkGatewayBundle, exportsSpans: true },
  { name: RELOAD_EVERY_SECOND, start: startReloadingGateway, requires: checkGatewayBundle, exportsSpans: true },
  { name: NGINX, start: startNginx, skipReason: nginxSkipReason },
];

interface BenchConfig {
  readonly load: LoadSettings;
  readonly runs: readonly RunDefinition[];
  readonly rounds: number;
  readonly startupRuns: number;
  readonly proxyCpus: string;
  readonly clientCpus: string;
}

function readConfig(): BenchConfig {
  const only = process.env.BENCH_RUNS?.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = only?.filter((name) => !RUNS.some((run) => run.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`BENCH_RUNS: unknown run ${unknown.join(', ')}; known: ${RUNS.map((r) => r.name).join(', ')}`);
  const clientCpus = process.env.BENCH_CLIENT_CPUS ?? '0';
  return {
    load: {
      durationSeconds: positiveInteger('BENCH_DURATION_S', 10),
      warmupRequests: positiveInteger('BENCH_WARMUP_REQUESTS', 50_000),
      connections: positiveInteger('BENCH_CONNECTIONS', 50),
      clientCores: cpuList('BENCH_CLIENT_CPUS', clientCpus),
    },
    runs: only === undefined ? RUNS : RUNS.filter((run) => only.includes(run.name)),
    rounds: positiveInteger('BENCH_ROUNDS', 5),
    startupRuns: positiveInteger('BENCH_STARTUP_RUNS', 11),
    proxyCpus: process.env.BENCH_PROXY_CPUS ?? '1',
    clientCpus,
  };
}

async function main(): Promise<void> {
  stopChildrenOnExit();
  const config = readConfig();
  for (const run of config.runs) run.requires?.();

  // Counted before pinning: afterwards this process may only see its own core.
  const cpus = availableParallelism();
  // Two cores at least, or pinning would put the client and the proxy on the same one anyway.
  const pinned = canPin && cpus >= 2;
  if (pinned) pinProcess(process.pid, config.clientCpus);
  const { load } = config;
  console.log(
    `uag bench: ${load.connections} connections, ${load.warmupRequests} warm-up requests + ${load.durationSeconds} s per target, ${config.rounds} round(s); ` +
      `node ${process.version}; ${cpus} CPUs; load average ${formatLoad()}`,
  );
  console.log(
    pinned
      ? `pinned: process under test on CPU ${config.proxyCpus}; autocannon, upstream and OTLP sink on CPU ${config.clientCpus}`
      : `not pinned (${canPin ? 'fewer than 2 CPUs' : 'taskset not found'}): every process competes for every core`,
  );

  const tempDir = mkdtempSync(join(tmpdir(), 'uag-bench-'));
  // On 'exit' rather than in `finally`, so an interrupted bench cleans up too.
  process.on('exit', () => rmSync(tempDir, { recursive: true, force: true }));
  try {
    const sink = await startBenchServer('OTLP sink', 'otlp-sink-server.ts', [], pinned ? config.clientCpus : undefined);
    const upstream = await startBenchServer('upstream', 'upstream-server.ts', [], pinned ? config.clientCpus : undefined);
    const ctx: BenchContext = {
      tempDir,
      upstreamUrl: upstream.url,
      otlpEndpoint: sink.url,
      proxyCpus: pinned ? config.proxyCpus : undefined,
      connections: load.connections,
    };
    // Before any load, while the machine is as quiet as it will be.
    let startup: string | undefined;
    if (config.runs.some((run) => run.name === GATEWAY)) {
      console.log(`timing the gateway's start-up (${config.startupRuns} runs)...`);
      startup = startupLine(await measureStartup(ctx, config.startupRuns), ctx.proxyCpus);
    }
    // Rounds go through every run in turn, so a slow spell of a shared machine lands on all
    // targets alike instead of on whichever ran during it; see runsInRound for the order.
    const rounds = new Map<string, RunOutcome[]>(config.runs.map((run) => [run.name, []]));
    for (let round = 1; round <= config.rounds; round++) {
      for (const run of runsInRound(config.runs, round)) {
        console.log(`round ${round}/${config.rounds}: running ${run.name}...`);
        rounds.get(run.name)!.push(await execute(run, ctx, load, sink.url));
      }
    }
    const outcomes = [...rounds.values()].map(combineRounds);
    console.log(`\nload average after: ${formatLoad()}\n`);
    console.log(renderTable(outcomes, { nginx: NGINX, fastify: FASTIFY }));
    console.log(`\n${renderNotes(outcomes)}`);
    console.log(`\n${issueTarget(outcomes, rounds)}`);
    console.log(edgeChainTarget(outcomes, GATEWAY, rounds));
    console.log(reloadTarget(outcomes, GATEWAY, rounds));
    if (startup !== undefined) console.log(startup);
    const found = problems(outcomes);
    if (found.length > 0) {
      console.error(`\nBENCH FAILED: these figures are not valid measurements:\n${found.map((p) => `  ${p}`).join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    await stopAll();
  }
}

async function execute(run: RunDefinition, ctx: BenchContext, load: LoadSettings, sinkUrl: string): Promise<RunOutcome> {
  const skip = run.skipReason?.();
  if (skip !== undefined) {
    console.log(`  skipped: ${skip}`);
    return { name: run.name, kind: 'skipped', reason: skip };
  }
  // The upstream answers every path alike; one route covers '/'.
  const path = '/';
  let target: StartedTarget | undefined;
  const spansBefore = await remoteSinkCounts(sinkUrl);
  try {
    target = await run.start(ctx);
    // A target that answers something else (a 404, the wrong upstream) must not be timed at all.
    const probe = await httpGet(`${target.url}${path}`, target.requestHeaders);
    if (probe.status !== 200 || probe.body !== UPSTREAM_BODY) {
      throw new Error(`GET ${path} answered ${probe.status} ${JSON.stringify(probe.body.slice(0, 200))}, not the upstream's 200 ${JSON.stringify(UPSTREAM_BODY)}`);
    }
    const measurement = await measure(target, path, load);
    // Connection errors alone would not say why; the child's stderr does.
    if (!target.process.running) throw new Error(`died under load: ${target.process.describeExit()}`);
    // Stopping the gateway flushes its last spans, so count exports only after it has gone.
    await target.stop();
    const notes = [...(target.notes ?? [])];
    if (run.exportsSpans === true) {
      const received = sinkDelta(spansBefore, await remoteSinkCounts(sinkUrl));
      if ((received.get('/v1/traces')?.bytes ?? 0) === 0) {
        return { name: run.name, kind: 'failed', reason: 'tracing was meant to be on but the OTLP sink received no spans' };
      }
      notes.push(spanNote(received, measurement.totalRequests));
    }
    return { name: run.name, kind: 'measured', measurement, notes };
  } catch (error) {
    const reason = (error as Error).message;
    console.log(`  failed: ${reason.split('\n')[0]}`);
    return { name: run.name, kind: 'failed', reason };
  } finally {
    await target?.stop();
  }
}

/**
 * Issue 2 sets the bar: the gateway, metrics and tracing on, at least matches the bare fastify
 * proxy. Judged on the median of the rounds' ratios (see pairedRatios); the ratio of the table's
 * medians is printed beside it.
 */
function issueTarget(outcomes: readonly RunOutcome[], rounds: RoundsByRun): string {
  const gateway = measurementOf(outcomes, GATEWAY);
  const fastify = measurementOf(outcomes, FASTIFY);
  const throughput = pairedRatios(rounds, GATEWAY, FASTIFY, (m) => m.requestsPerSecond);
  if (gateway === undefined || fastify === undefined || throughput.median === undefined) return `target (${GATEWAY} >= ${FASTIFY}): not evaluated, one of them did not run`;
  const cpu = pairedRatios(rounds, GATEWAY, FASTIFY, (m) => m.cpuMicrosPerRequest);
  return (
    `target (${GATEWAY} throughput >= ${FASTIFY}): ${throughput.median >= 1 ? 'met' : 'NOT MET'} at ${timesFixed(throughput.median)} req/s, ` +
    `the median of the rounds' ratios${byRoundText(throughput, timesFixed)}; the table's medians give ${timesFixed(gateway.requestsPerSecond / fastify.requestsPerSecond)}` +
    (cpu.median === undefined
      ? ''
      : `; the gateway spends ${timesFixed(cpu.median)} the CPU per request${byRoundText(cpu, timesFixed)} (${cpu.median <= 1 ? 'met' : 'NOT MET'} by that measure)`)
  );
}

function timesFixed(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}

/** What reached the sink, so a reader can tell spans were exported, not dropped by a full queue. */
function spanNote(received: SinkCounts, requests: number): string {
  const parts = [...received].map(([path, c]) => `${path} ${c.posts} POSTs, ${(c.bytes / 1e6).toFixed(1)} MB (${(c.bytes / requests).toFixed(0)} B/request)`);
  return `OTLP sink received ${parts.length === 0 ? 'nothing' : parts.join('; ')} over ${requests} requests`;
}

/** taskset list syntax (`0`, `0,2`, `0-3`) as core numbers, for reading /proc/stat. */
function cpuList(name: string, list: string): number[] {
  const cores: number[] = [];
  for (const part of list.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match === null) throw new Error(`${name}: must be a taskset CPU list such as 0 or 0,2 or 0-1, got ${JSON.stringify(list)}`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    for (let core = first; core <= last; core++) cores.push(core);
  }
  return cores;
}

function formatLoad(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

main().catch(async (error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  await stopAll();
  process.exit(1);
});
