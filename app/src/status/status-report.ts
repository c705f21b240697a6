import type { CircuitState, Protocol, RouteConfig } from '../contract';
import type { Phase } from '../lifecycle/lifecycle-state';
import { PROTOCOLS } from '../contract';
import type { ReloadRecord } from '../reload/route-table-reloader';
import type { CompiledRoutes } from '../routing/active-routes';
import type { LiveTraffic } from './traffic-window';

/**
 * What `GET /status` answers and the status page shows. Built from the gateway's own state; it
 * holds no secret by construction: keys, key files' contents, Redis URLs and environment values
 * are never read into it, and upstreams appear as origin and path only.
 */
export interface StatusReport {
  readonly gateway: {
    readonly version: string;
    readonly commit: string;
    readonly buildTime: string;
    readonly environment: string;
    readonly node: string;
    readonly phase: Phase;
    readonly startedAt: string;
    readonly uptimeSeconds: number;
  };
  readonly routeTable: {
    readonly checksum: string;
    readonly loadedAt: string;
    readonly file: string;
    /** How the file is watched: poll interval (0: SIGHUP only) and what reloads do to long-lived connections. */
    readonly reloadIntervalMs: number;
    readonly removedConnections: 'keep' | 'close';
    /** A rejected file is on disk while the active table is older: the alert's condition. */
    readonly rejectedPending: boolean;
    readonly routes: readonly RouteStatus[];
    readonly tcp: readonly { readonly name: string; readonly port: number; readonly upstream: string }[];
    readonly reloads: readonly ReloadStatus[];
  };
  readonly upstreams: readonly UpstreamStatus[];
  readonly connections: Readonly<Record<Protocol, number>>;
  readonly loadShedding: {
    readonly shedding: boolean;
    readonly eventLoopDelayMs: number;
    readonly eventLoopDelayLimitMs: number;
    readonly heapUsedBytes: number;
    readonly heapUsedLimitBytes: number;
    readonly shedTotal: number;
  };
  /** Seconds the live figures span (up to a minute). */
  readonly windowSeconds: number;
}

export interface RouteStatus {
  readonly name: string;
  readonly match: { readonly pathPrefix: string; readonly host: string | null; readonly methods: readonly string[] | null };
  readonly upstreams: readonly { readonly variant: string; readonly weight: number; readonly targets: readonly string[] }[];
  readonly auth: { readonly mode: 'none' | 'jwt'; readonly requireRoles: readonly string[]; readonly requireScopes: readonly string[] };
  readonly limits: readonly string[];
  readonly websocket: boolean;
  readonly live: LiveTraffic;
}

export interface UpstreamStatus {
  readonly origin: string;
  /** Routes of the active table that send there. */
  readonly routes: readonly string[];
  /** null when no route of the active table has a breaker for it. */
  readonly breaker: CircuitState | null;
  readonly connections: { readonly connected: number; readonly running: number; readonly pending: number };
  readonly live: LiveTraffic;
}

export interface ReloadStatus {
  readonly at: string;
  readonly result: ReloadRecord['result'];
  readonly checksum: string | null;
  readonly problems: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export const IDLE_TRAFFIC: LiveTraffic = { requestsPerSecond: 0, errorRatio: null, p95Seconds: null };

/** A route of the active table as the status page lists it. */
export function routeStatus(table: CompiledRoutes, index: number, live: LiveTraffic | undefined): RouteStatus {
  const runtime = table.routes[index]!;
  const config = runtime.config;
  return {
    name: config.name,
    match: { pathPrefix: config.match.pathPrefix, host: config.match.host ?? null, methods: config.match.methods ?? null },
    upstreams: runtime.variants.map((variant) => ({
      variant: variant.name,
      weight: variant.weight,
      targets: variant.targets.items.map((target) => target.origin + target.basePath),
    })),
    auth: { mode: config.auth ?? 'none', requireRoles: config.requireRoles ?? [], requireScopes: config.requireScopes ?? [] },
    limits: routeLimits(config),
    websocket: config.websocket !== undefined,
    live: live ?? IDLE_TRAFFIC,
  };
}

/** A route's limits in a few words each: what an operator checks when a client is refused. */
export function routeLimits(config: RouteConfig): string[] {
  const limits = [`timeout ${config.timeoutMs} ms`, `body ≤ ${config.maxBodyBytes} B`];
  const rate = config.rateLimit;
  if (rate !== undefined) limits.push(`${rate.requestsPerSecond}/s burst ${rate.burst ?? Math.ceil(rate.requestsPerSecond)} per ${rate.key === 'header' ? rate.header : rate.key}`);
  if (config.retry !== undefined) limits.push(`retry ×${config.retry.attempts}`);
  if (config.circuitBreaker !== undefined) limits.push(`breaker after ${config.circuitBreaker.consecutiveFailures} failures`);
  if (config.websocket !== undefined) limits.push(`websocket idle ${config.websocket.idleTimeoutMs / 1000} s, ≤ ${config.websocket.maxMessageBytes} B/message`);
  return limits;
}

export function reloadStatus(record: ReloadRecord): ReloadStatus {
  return {
    at: new Date(record.at).toISOString(),
    result: record.result,
    checksum: record.checksum ?? null,
    problems: record.problems,
    added: record.changes?.added ?? [],
    removed: record.changes?.removed ?? [],
    changed: record.changes?.changed ?? [],
  };
}

/** Active connections per protocol from the gauge's values. */
export function connectionsByProtocol(values: readonly { readonly labels: Partial<Record<string, string | number>>; readonly value: number }[]): Record<Protocol, number> {
  const counts = Object.fromEntries(PROTOCOLS.map((protocol) => [protocol, 0])) as Record<Protocol, number>;
  for (const { labels, value } of values) {
    const protocol = labels.protocol as Protocol | undefined;
    if (protocol !== undefined && protocol in counts) counts[protocol] = value;
  }
  return counts;
}
