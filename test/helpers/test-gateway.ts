import { Writable } from 'node:stream';
import pino from 'pino';
import type { BuildInfo } from '../../app/src/build-info';
import { loadEnvConfig, type EnvConfig } from '../../app/src/config/env-config';
import { writeFileSync } from 'node:fs';
import { parseRouteTable, readRouteTableText } from '../../app/src/config/route-table-loader';
import { routeTableChecksum, type RouteTableInput } from '../../app/src/contract';
import { Gateway } from '../../app/src/gateway';
import type { PoolOptions } from '../../app/src/proxy/upstreams';
import type { RequestTracer } from '../../app/src/telemetry/request-tracer';

export const TEST_BUILD: BuildInfo = { version: '9.9.9-test', commit: 'abc123', buildTime: '2026-01-01T00:00:00.000Z' };

export interface TestGateway {
  readonly gateway: Gateway;
  readonly env: EnvConfig;
  readonly baseUrl: string;
  readonly adminUrl: string;
  /** Parsed log lines written so far. */
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  readonly routes: RouteTableInput;
  readonly env?: Record<string, string>;
  readonly tracer?: RequestTracer;
  readonly pool?: PoolOptions;
  /** Listen ports for `tcp:` listeners by name, instead of their configured ports. */
  readonly tcpPortOverrides?: Readonly<Record<string, number>>;
  /**
   * Writes `routes` to this file, starts from it and watches it (at UAG_ROUTES_RELOAD_INTERVAL_MS,
   * as `npm start` does). @default the table stays in memory and is never reloaded
   */
  readonly routesFile?: string;
}

/** A gateway in this process on OS-picked loopback ports, logging into memory. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const env = loadEnvConfig({
    UAG_HOST: '127.0.0.1',
    UAG_HTTP_PORT: '0',
    UAG_ADMIN_PORT: '0',
    UAG_ROUTES_FILE: options.routesFile ?? 'in-memory',
    UAG_DRAIN_DELAY_MS: '0',
    UAG_SHUTDOWN_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino({ level: env.LOG_LEVEL }, sink);
  if (options.routesFile !== undefined) writeFileSync(options.routesFile, JSON.stringify(options.routes));
  const gateway = await Gateway.start({
    env,
    routeTable: parseRouteTable(options.routes, 'test routes'),
    routesChecksum: options.routesFile === undefined ? routeTableChecksum(JSON.stringify(options.routes)) : readRouteTableText(options.routesFile).checksum,
    watchRoutesFile: options.routesFile !== undefined,
    logger,
    build: TEST_BUILD,
    tracer: options.tracer,
    pool: options.pool,
    tcpPortOverrides: options.tcpPortOverrides,
  });
  const http = gateway.httpAddress;
  const admin = gateway.adminAddress;
  return {
    gateway,
    env,
    baseUrl: `http://127.0.0.1:${http.port}`,
    adminUrl: `http://127.0.0.1:${admin.port}`,
    logs,
    stop: () => gateway.shutdown('test finished'),
  };
}
