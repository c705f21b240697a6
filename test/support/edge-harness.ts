import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer, type RawData } from 'ws';
import type { AddressInfo, Server as TcpServer } from 'node:net';
import type { GatewayErrorBody } from '../../app/src/contract';
import { useCleanup } from '../helpers/cleanup';
import { closedPort, startLoopbackServer } from '../helpers/loopback-server';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

export { TEST_BUILD } from '../helpers/test-gateway';

const track = useCleanup();

/** Runs `action` after the current test, passed or failed (in reverse order of registration). */
export function onCleanup(action: () => unknown): void {
  track({ close: action });
}

export interface TestUpstream {
  readonly url: string;
  readonly port: number;
  /** Requests received, newest last. */
  readonly seen: IncomingMessage[];
  /** Status of the next answers. @default 200 */
  status: number;
}

/** An HTTP upstream on 127.0.0.1 answering `{ name }` with a status tests can change. */
export async function startUpstream(name = 'upstream'): Promise<TestUpstream> {
  let status = 200;
  const body = JSON.stringify({ name });
  const server = await startLoopbackServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
  });
  onCleanup(() => server.close());
  return {
    url: server.url,
    port: server.port,
    seen: server.requests,
    get status() {
      return status;
    },
    set status(value: number) {
      status = value;
    },
  };
}

export function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: Server | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface WebSocketUpstream {
  /** `http://127.0.0.1:<port>`, as a route's upstream names it. */
  readonly url: string;
  readonly server: WebSocketServer;
}

/**
 * A WebSocket upstream on 127.0.0.1 (the `ws` library's server) answering every message with
 * `answer(message)`, by default the message itself; its clients and server close after the test.
 */
export async function startWebSocketUpstream(answer: (message: RawData) => RawData | string = (message) => message): Promise<WebSocketUpstream> {
  const http = createServer();
  const server = new WebSocketServer({ server: http });
  server.on('connection', (socket) => socket.on('message', (message) => socket.send(answer(message))));
  const port = await listen(http);
  onCleanup(async () => {
    for (const client of server.clients) client.terminate();
    server.close();
    await closeServer(http);
  });
  return { url: `http://127.0.0.1:${port}`, server };
}

/** A loopback port with nothing listening on it now. */
export const freePort = closedPort;

export interface StartedGateway {
  readonly gateway: TestGateway['gateway'];
  readonly base: string;
  readonly admin: string;
  readonly logs: Record<string, unknown>[];
}

/** A gateway in this process on loopback with `table` (as written in a route file), stopped after the test. */
export async function startGateway(table: unknown, env: Record<string, string> = {}, tcpPortOverrides?: Record<string, number>): Promise<StartedGateway> {
  const started = await startTestGateway({ routes: table as Parameters<typeof startTestGateway>[0]['routes'], env: { UAG_SHUTDOWN_TIMEOUT_MS: '5000', ...env }, tcpPortOverrides });
  onCleanup(() => started.stop());
  return { gateway: started.gateway, base: started.baseUrl, admin: started.adminUrl, logs: started.logs };
}

/** The gateway's own error object from a response body. */
export async function errorOf(response: Response): Promise<GatewayErrorBody['error']> {
  return ((await response.json()) as GatewayErrorBody).error;
}

/** The value of one sample of `name` with exactly `labels` in a Prometheus text exposition. */
export function metricValue(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const found: Record<string, string> = {};
    if (open !== -1 && open < line.indexOf(' ')) {
      for (const match of line.slice(open + 1, line.lastIndexOf('}')).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[match[1]!] = match[2]!;
    }
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(found).length && wanted.every(([k, v]) => found[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

export async function scrape(started: StartedGateway): Promise<string> {
  return (await fetch(`${started.admin}/metrics`)).text();
}
