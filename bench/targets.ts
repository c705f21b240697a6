import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_PATHS, GATEWAY_BUNDLE_PATH, GATEWAY_NODE_FLAGS } from '../app/src/contract';
import { freePort, waitForStatus } from './probe';
import { REPO_ROOT, spawnChild, type Child, type SpawnOptions } from './processes';

/** What every target start function gets from the orchestrator. */
export interface BenchContext {
  /** Scratch directory removed when the bench ends. */
  readonly tempDir: string;
  /** The shared upstream, pinned to the load generator's cores. */
  readonly upstreamUrl: string;
  readonly otlpEndpoint: string;
  /** taskset CPU list for the process under test; undefined when it cannot be pinned. */
  readonly proxyCpus: string | undefined;
  readonly connections: number;
}

/** A target ready for load. */
export interface StartedTarget {
  /** Base URL the load generator hits (no trailing slash). */
  readonly url: string;
  /** The process whose CPU time is charged to the target, and whose death fails the run. */
  readonly process: Child;
  /** Caveats printed under the table, e.g. that the gateway bundle is older than its sources. */
  readonly notes?: readonly string[];
  /** Sent with every request of the load (an Authorization header, say). */
  readonly requestHeaders?: Readonly<Record<string, string>>;
  /** Stops the process and anything else the target started. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const GATEWAY_BUNDLE = join(REPO_ROOT, GATEWAY_BUNDLE_PATH);

/** Runs one of the bench's own TypeScript servers and learns its port from its first stdout line. */
export async function startBenchServer(name: string, script: string, args: readonly string[], cpus: string | undefined): Promise<{ child: Child; url: string }> {
  const child = spawnChild({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(__dirname, script), ...args],
    cpus,
    env: childEnv(),
    stdout: 'pipe',
  });
  try {
    const { port } = await withTimeout(child.firstJsonLine<{ port: number }>(), START_TIMEOUT_MS, `${name} did not announce its port`);
    return { child, url: `http://127.0.0.1:${port}` };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** The upstream itself, pinned where a proxy would be: the floor every proxy is compared with. */
export async function startDirectUpstream(ctx: BenchContext): Promise<StartedTarget> {
  const { child, url } = await startBenchServer('direct upstream', 'upstream-server.ts', [], ctx.proxyCpus);
  return { url, process: child, stop: () => child.stop() };
}

export async function startFastifyProxy(ctx: BenchContext): Promise<StartedTarget> {
  const { child, url } = await startBenchServer('fastify http-proxy', 'fastify-proxy-server.ts', [ctx.upstreamUrl], ctx.proxyCpus);
  return { url, process: child, stop: () => child.stop() };
}

/** Fails with the fix when the gateway bundle is missing. */
export function checkGatewayBundle(): void {
  if (!existsSync(GATEWAY_BUNDLE)) throw new Error(`${GATEWAY_BUNDLE} not found: run \`npm run build\` first`);
}

/** The bench measures the bundle, not the sources; say so when they have moved on. */
function staleBundleWarning(): string | undefined {
  const newestSource = newestMtime(join(REPO_ROOT, 'app', 'src'));
  return newestSource > statSync(GATEWAY_BUNDLE).mtimeMs
    ? 'WARNING: app/src has changes newer than app/dist/main.js, which is what was measured; run `npm run build` first'
    : undefined;
}

/**
 * The production bundle as the image runs it, configured the way production is: access log
 * on (to /dev/null, so the cost of building lines stays), metrics on, tracing on with the
 * default sampler, exporting to the bench's OTLP sink.
 */
export async function startGateway(ctx: BenchContext): Promise<StartedTarget> {
  return startGatewayWith(ctx, benchRouteTable(ctx), {});
}

/** The route table of the `gateway` row: every path to the shared upstream. */
export function benchRouteTable(ctx: Pick<BenchContext, 'upstreamUrl'>): string {
  return ['routes:', '  - name: bench', '    match: { pathPrefix: / }', `    upstream: { url: ${ctx.upstreamUrl} }`, ''].join('\n');
}

/** Where the gateway targets' route table is written. */
export function routesFileOf(ctx: Pick<BenchContext, 'tempDir'>): string {
  return join(ctx.tempDir, 'gateway-routes.yaml');
}

/**
 * The environment of the production-like gateway above with `routeTable` (YAML, written to the
 * bench's scratch directory) and the given ports.
 */
export function gatewayEnv(ctx: BenchContext, routeTable: string, ports: { http: number; admin: number }): NodeJS.ProcessEnv {
  const routesFile = routesFileOf(ctx);
  writeFileSync(routesFile, routeTable);
  return {
    ...childEnv(),
    UAG_ROUTES_FILE: routesFile,
    UAG_HOST: '127.0.0.1',
    UAG_HTTP_PORT: String(ports.http),
    UAG_ADMIN_PORT: String(ports.admin),
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: ctx.otlpEndpoint,
    // The bench measures steady state, not drain; without this every stop waits 5 s.
    UAG_DRAIN_DELAY_MS: '0',
    UAG_SHUTDOWN_TIMEOUT_MS: '5000',
  };
}

/** The gateway bundle as the image starts it (its Node flags), pinned to the proxy's cores. */
export function spawnGatewayBundle(ctx: BenchContext, env: NodeJS.ProcessEnv, options: Pick<SpawnOptions, 'openFiles' | 'stdout'>): Child {
  return spawnChild({ name: 'gateway', command: process.execPath, args: [...GATEWAY_NODE_FLAGS, GATEWAY_BUNDLE], cpus: ctx.proxyCpus, env, ...options });
}

/**
 * The gateway bundle with `routeTable` (YAML) and `extraEnv` on top of the production-like settings
 * above, started with the image's Node flags; `openFiles` raises its open-files limit.
 */
export async function startGatewayWith(
  ctx: BenchContext,
  routeTable: string,
  extraEnv: NodeJS.ProcessEnv,
  { openFiles }: Pick<SpawnOptions, 'openFiles'> = {},
): Promise<StartedTarget & { readonly adminUrl: string }> {
  const [httpPort, adminPort] = [await freePort(), await freePort()];
  const env = { ...gatewayEnv(ctx, routeTable, { http: httpPort, admin: adminPort }), ...extraEnv };
  const child = spawnGatewayBundle(ctx, env, { stdout: 'ignore', openFiles });
  try {
    await Promise.race([waitForStatus(`http://127.0.0.1:${adminPort}${ADMIN_PATHS.ready}`, 200, START_TIMEOUT_MS), child.failOnExit()]);
  } catch (error) {
    await child.stop();
    throw error;
  }
  const stale = staleBundleWarning();
  if (stale !== undefined) console.log(`  ${stale}`);
  return { url: `http://127.0.0.1:${httpPort}`, adminUrl: `http://127.0.0.1:${adminPort}`, process: child, notes: stale === undefined ? [] : [stale], stop: () => child.stop() };
}

/**
 * The bench's environment minus anything that would change what is measured: a developer's
 * UAG_*, OTEL_* or LOG_LEVEL (the sampler must stay at its default), and NODE_OPTIONS, which
 * under tsx may carry a loader the production process would not have.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('UAG_') || key.startsWith('OTEL_') || key === 'LOG_LEVEL' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
