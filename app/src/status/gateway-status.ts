import { getHeapStatistics } from 'node:v8';
import type { BuildInfo } from '../build-info';
import type { EnvConfig } from '../config/env-config';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import type { UpstreamPools } from '../proxy/upstreams';
import type { RouteTableReloader } from '../reload/route-table-reloader';
import type { BreakerRegistry } from '../resilience/breaker-registry';
import type { ActiveRoutes } from '../routing/active-routes';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import { IDLE_TRAFFIC, connectionsByProtocol, reloadStatus, routeStatus, type StatusReport } from './status-report';
import { TrafficWindow } from './traffic-window';

/** What the status report is read from: the running gateway's parts. */
export interface StatusSources {
  readonly build: BuildInfo;
  readonly env: Pick<EnvConfig, 'UAG_ENV' | 'UAG_ROUTES_FILE' | 'UAG_RELOAD_REMOVED_CONNECTIONS' | 'UAG_SHED_EVENT_LOOP_DELAY_MS' | 'UAG_SHED_HEAP_USED_RATIO'>;
  /** How often the route table file is checked; 0 when only SIGHUP re-reads it. */
  readonly reloadIntervalMs: number;
  readonly lifecycle: LifecycleState;
  readonly routes: ActiveRoutes;
  readonly reloader: RouteTableReloader;
  readonly breakers: BreakerRegistry;
  readonly pools: UpstreamPools;
  readonly metrics: GatewayMetrics;
  /** `host:port` each `tcp:` listener relays to, in table order. */
  readonly tcpUpstreams: readonly string[];
  /** The data plane's load-shedding view (@fastify/under-pressure). */
  readonly load: {
    memoryUsage(): { readonly heapUsed: number; readonly eventLoopDelay: number };
    isUnderPressure(): boolean;
  };
}

/** The status page's data: the live traffic windows it keeps, and the report built from them and the gateway's state. */
export class GatewayStatus {
  private readonly startedAt = Date.now();
  private readonly routeTraffic: TrafficWindow;
  private readonly upstreamTraffic: TrafficWindow;

  constructor(private readonly sources: StatusSources) {
    this.routeTraffic = new TrafficWindow(() => sources.metrics.routeTotals());
    this.upstreamTraffic = new TrafficWindow(() => new Map(sources.pools.describe().map((pool) => [pool.origin, pool.traffic])));
  }

  start(): void {
    this.routeTraffic.start();
    this.upstreamTraffic.start();
  }

  stop(): void {
    this.routeTraffic.stop();
    this.upstreamTraffic.stop();
  }

  async report(): Promise<StatusReport> {
    const { build, env, lifecycle, reloader, metrics, load } = this.sources;
    const table = this.sources.routes.current;
    const routeTraffic = this.routeTraffic.live();
    const upstreamTraffic = this.upstreamTraffic.live();
    const breakers = new Map(this.sources.breakers.states().map(({ upstream, state }) => [upstream, state]));
    const pools = new Map(this.sources.pools.describe().map((pool) => [pool.origin, pool]));
    const memory = load.memoryUsage();
    const [connections, shed] = await Promise.all([metrics.activeConnections.get(), metrics.loadShed.get()]);
    return {
      gateway: {
        version: build.version,
        commit: build.commit,
        buildTime: build.buildTime,
        environment: env.UAG_ENV,
        node: process.version,
        phase: lifecycle.phase,
        startedAt: new Date(this.startedAt).toISOString(),
        uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      },
      routeTable: {
        checksum: table.checksum,
        loadedAt: new Date(table.loadedAt).toISOString(),
        file: env.UAG_ROUTES_FILE,
        reloadIntervalMs: this.sources.reloadIntervalMs,
        removedConnections: env.UAG_RELOAD_REMOVED_CONNECTIONS,
        rejectedPending: reloader.rejectionPending,
        routes: table.routes.map((route, index) => routeStatus(table, index, routeTraffic.byName.get(route.name))),
        tcp: table.table.tcp.map((listener, index) => ({ name: listener.name, port: listener.port, upstream: this.sources.tcpUpstreams[index]! })),
        reloads: reloader.history.map(reloadStatus),
      },
      upstreams: [...table.origins].map((origin) => {
        const pool = pools.get(origin);
        return {
          origin,
          routes: table.routes.filter((route) => route.variants.some((variant) => variant.targets.items.some((target) => target.origin === origin))).map((route) => route.name),
          breaker: breakers.get(origin) ?? null,
          connections: { connected: pool?.connected ?? 0, running: pool?.running ?? 0, pending: pool?.pending ?? 0 },
          live: upstreamTraffic.byName.get(origin) ?? IDLE_TRAFFIC,
        };
      }),
      connections: connectionsByProtocol(connections.values),
      loadShedding: {
        shedding: load.isUnderPressure(),
        eventLoopDelayMs: Math.round(memory.eventLoopDelay * 10) / 10,
        eventLoopDelayLimitMs: env.UAG_SHED_EVENT_LOOP_DELAY_MS,
        heapUsedBytes: memory.heapUsed,
        heapUsedLimitBytes: Math.floor(env.UAG_SHED_HEAP_USED_RATIO * getHeapStatistics().heap_size_limit),
        shedTotal: shed.values[0]?.value ?? 0,
      },
      windowSeconds: Math.round(routeTraffic.windowSeconds),
    };
  }
}
