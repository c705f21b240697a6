import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadEnvConfig, type EnvConfig } from '../../app/src/config/env-config';
import { parseRouteTable } from '../../app/src/config/route-table-loader';
import { Gateway } from '../../app/src/gateway';
import { createLogger } from '../../app/src/telemetry/logger';

/** Runs registered clean-ups after each test, in reverse order, even when the test failed. */
const cleanups: (() => unknown)[] = [];
export function onCleanup(action: () => unknown): void {
  cleanups.push(action);
}
afterEach(async () => {
  while (cleanups.length > 0) {
    const action = cleanups.pop()!;
    try {
      await action();
    } catch {
      // A failed clean-up must not hide the test's own result or skip the others.
    }
  }
});

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface TestUpstream {
  readonly url: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  /** Status for the next answers; 200 unless set. */
  status: number;
}

/** An HTTP upstream on 127.0.0.1 that answers `{ name }` and records what it received. */
export async function startUpstream(name = 'upstream'): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const upstream = { seen, status: 200 } as { -readonly [K in keyof TestUpstream]: TestUpstream[K] };
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({ name });
      response.writeHead(upstream.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  const port = await listen(server);
  onCleanup(() => closeServer(server));
  upstream.port = port;
  upstream.url = `http://127.0.0.1:${port}`;
  return upstream;
}

export function listen(server: Server | ReturnType<typeof createTcpServer>, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nobody listens on right now (bound then released). */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

export interface StartedGateway {
  readonly gateway: Gateway;
  readonly base: string;
  readonly admin: string;
  readonly logs: Record<string, unknown>[];
}

/** Starts a gateway on 127.0.0.1 ephemeral ports with `table` (as written in a route file). */
export async function startGateway(table: unknown, env: Record<string, string> = {}, tcpPortOverrides?: Record<string, number>): Promise<StartedGateway> {
  const parsed = loadEnvConfig({ UAG_ROUTES_FILE: 'routes.yaml', UAG_HOST: '127.0.0.1', UAG_DRAIN_DELAY_MS: '0', UAG_SHUTDOWN_TIMEOUT_MS: '5000', ...env });
  const envConfig: EnvConfig = { ...parsed, UAG_HTTP_PORT: 0, UAG_ADMIN_PORT: 0 };
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = createLogger({ level: 'info', environment: 'local', build: TEST_BUILD, destination });
  const gateway = await Gateway.start({ env: envConfig, routeTable: parseRouteTable(table, 'test'), logger, build: TEST_BUILD, tcpPortOverrides });
  onCleanup(() => gateway.shutdown('test over'));
  return { gateway, base: `http://127.0.0.1:${gateway.httpAddress.port}`, admin: `http://127.0.0.1:${gateway.adminAddress.port}`, logs };
}

export const TEST_BUILD = { version: '0.0.0-test', commit: 'test', buildTime: 'test' } as const;

/** The value of one sample of `name` with exactly `labels` in a Prometheus text exposition. */
export function metricValue(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    const found: Record<string, string> = {};
    if (open !== -1 && open < line.indexOf(' ')) {
      for (const match of line.slice(open + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[match[1]!] = match[2]!;
    }
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(found).length && wanted.every(([k, v]) => found[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

export async function scrape(started: StartedGateway): Promise<string> {
  return (await fetch(`${started.admin}/metrics`)).text();
}
