import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createAdminServer } from './admin/admin-server';
import type { BuildInfo } from './build-info';
import type { EnvConfig } from './config/env-config';
import type { RouteTable } from './contract';
import { LifecycleState } from './lifecycle/lifecycle-state';
import { EdgeServices } from './edge/edge-services';
import { TcpProxy } from './longlived/tcp-proxy';
import { buildRouteRuntimes } from './proxy/route-runtime';
import { UpstreamPools, type PoolOptions } from './proxy/upstreams';
import { RouteTableReloader, type PreparedRoutes } from './reload/route-table-reloader';
import { RouteTableWatcher } from './reload/route-table-watcher';
import { ActiveRoutes, CompiledRoutes } from './routing/active-routes';
import { createDataPlane, type DataPlane } from './server/data-plane';
import { GatewayStatus } from './status/gateway-status';
import type { StatusReport } from './status/status-report';
import { ListenError } from './server/listen-error';
import { GatewayMetrics } from './telemetry/gateway-metrics';
import type { Logger } from './telemetry/logger';
import type { RequestTracer } from './telemetry/request-tracer';

export interface GatewayOptions {
  readonly env: EnvConfig;
  readonly routeTable: RouteTable;
  /** sha256 of the route table file (`routeTableChecksum`), reported as `gateway_config_info{checksum}`. */
  readonly routesChecksum: string;
  /** Poll `UAG_ROUTES_FILE` every `UAG_ROUTES_RELOAD_INTERVAL_MS` and apply changes. @default false (the table given stays) */
  readonly watchRoutesFile?: boolean;
  readonly logger: Logger;
  readonly build: BuildInfo;
  /** Traces requests; from `startTracing`. @default undefined, no tracing */
  readonly tracer?: RequestTracer;
  readonly pool?: PoolOptions;
  /** Listen ports for `tcp:` listeners by name, instead of their configured `port` (tests). */
  readonly tcpPortOverrides?: Readonly<Record<string, number>>;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** A running gateway: the proxy listener, the admin listener and the lifecycle they share. */
export class Gateway {
  readonly lifecycle = new LifecycleState();
  readonly metrics: GatewayMetrics;
  /** The route table in force, swapped whole by reloads. */
  readonly routes: ActiveRoutes;
  readonly reloader: RouteTableReloader;
  private readonly dataPlane: DataPlane;
  private readonly admin: FastifyInstance;
  private readonly pools: UpstreamPools;
  private readonly edge: EdgeServices;
  private readonly tcpProxies: TcpProxy[];
  private readonly tcpAddresses = new Map<string, ListenAddress>();
  private readonly watcher: RouteTableWatcher;
  private readonly statusReport: GatewayStatus;
  /** Pending 1001s for WebSockets a reload took the route from (UAG_RELOAD_REMOVED_CONNECTIONS=close). */
  private readonly reloadCloseTimers = new Set<NodeJS.Timeout>();
  private shutdownPromise: Promise<void> | undefined;

  private constructor(
    private readonly options: GatewayOptions,
    metrics: GatewayMetrics,
    edge: EdgeServices,
    pools: UpstreamPools,
    initial: CompiledRoutes,
  ) {
    const { env, logger, build } = options;
    this.metrics = metrics;
    this.edge = edge;
    this.pools = pools;
    this.routes = new ActiveRoutes(initial, (origins) => this.pools.retainOnly(origins));
    this.reloader = new RouteTableReloader({
      path: env.UAG_ROUTES_FILE,
      active: this.routes,
      prepare: (table, checksum) => Gateway.prepareRoutes(table, checksum, this.options, this.edge, this.pools),
      discard: () => this.pools.retainOnly(this.routes.originsInUse()),
      applied: () => this.closeOrphanedWebSockets(),
      metrics,
      logger,
    });
    this.watcher = new RouteTableWatcher(env.UAG_ROUTES_FILE, env.UAG_ROUTES_RELOAD_INTERVAL_MS, this.reloader, initial.checksum);
    this.dataPlane = createDataPlane({
      env,
      routes: this.routes,
      metrics: this.metrics,
      logger,
      lifecycle: this.lifecycle,
      tracer: options.tracer,
    });
    this.tcpProxies = initial.table.tcp.map((listener) => new TcpProxy(listener, env.inKubernetes, this.metrics, logger));
    const dataPlane = this.dataPlane.app;
    this.statusReport = new GatewayStatus({
      build,
      env,
      reloadIntervalMs: options.watchRoutesFile === true ? env.UAG_ROUTES_RELOAD_INTERVAL_MS : 0,
      lifecycle: this.lifecycle,
      routes: this.routes,
      reloader: this.reloader,
      breakers: edge.breakers,
      pools,
      metrics,
      tcpUpstreams: this.tcpProxies.map((tcp) => tcp.upstreamAddress),
      load: dataPlane,
    });
    this.admin = createAdminServer({
      lifecycle: this.lifecycle,
      metrics: this.metrics,
      build,
      environment: env.UAG_ENV,
      underPressure: () => dataPlane.isUnderPressure(),
      status: () => this.status(),
    });
  }

  /**
   * Builds a route table's runtimes, drawing on the state the gateway keeps across tables: pools
   * per origin, and the edge state (verifier, buckets, breakers, retry budgets) where the settings
   * are the same. Nothing becomes active before `commit`.
   */
  private static async prepareRoutes(table: RouteTable, checksum: string, options: GatewayOptions, edge: EdgeServices, pools: UpstreamPools): Promise<PreparedRoutes> {
    const tableEdge = await edge.forTable(table);
    const runtimes = buildRouteRuntimes(table, pools, tableEdge, options.env.inKubernetes, options.logger);
    return { routes: new CompiledRoutes(table, checksum, Date.now(), runtimes), commit: () => edge.adopt(tableEdge) };
  }

  /** Binds both listeners (admin first, so probes answer "starting" while the proxy comes up). */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const metrics = new GatewayMetrics(options.build);
    const edge = new EdgeServices(options.env, metrics, options.logger);
    const pools = new UpstreamPools(options.env.UAG_UPSTREAM_UPLOAD_SLOTS, options.pool);
    const prepared = await Gateway.prepareRoutes(options.routeTable, options.routesChecksum, options, edge, pools);
    prepared.commit();
    const gateway = new Gateway(options, metrics, edge, pools, prepared.routes);
    const { env, logger } = options;
    const host = env.UAG_HOST;
    const listeners = [
      { listen: () => gateway.admin.listen({ host, port: env.UAG_ADMIN_PORT }), setting: { listener: 'admin listener', host, port: env.UAG_ADMIN_PORT, portSetting: 'UAG_ADMIN_PORT' } },
      { listen: () => gateway.dataPlane.app.listen({ host, port: env.UAG_HTTP_PORT }), setting: { listener: 'data-plane listener', host, port: env.UAG_HTTP_PORT, portSetting: 'UAG_HTTP_PORT' } },
      ...gateway.tcpProxies.map((tcp, index) => {
        const port = options.tcpPortOverrides?.[tcp.name] ?? tcp.configuredPort;
        const listen = async () => {
          const address = await tcp.listen(host, port);
          gateway.tcpAddresses.set(tcp.name, { host: address.address, port: address.port });
        };
        return { listen, setting: { listener: `tcp listener "${tcp.name}"`, host, port, portSetting: `tcp[${index}].port in UAG_ROUTES_FILE` } };
      }),
    ];
    for (const { listen, setting } of listeners) {
      try {
        await listen();
      } catch (error) {
        await gateway.abortStart();
        throw new ListenError(setting, error);
      }
    }
    gateway.statusReport.start();
    if (options.watchRoutesFile === true) gateway.watcher.start();
    gateway.lifecycle.enter('serving');
    logger.info(
      {
        http: gateway.httpAddress,
        admin: gateway.adminAddress,
        routes: options.routeTable.routes.map((r) => r.name),
        routes_checksum: options.routesChecksum,
        routes_reload_interval_ms: options.watchRoutesFile === true ? env.UAG_ROUTES_RELOAD_INTERVAL_MS : 0,
      },
      'gateway serving',
    );
    return gateway;
  }

  /** Reads `UAG_ROUTES_FILE` now and applies it if it changed (SIGHUP); ignored while draining. */
  async rereadRoutesFile(): Promise<void> {
    if (this.lifecycle.draining) return;
    await this.watcher.check();
  }

  /**
   * With UAG_RELOAD_REMOVED_CONNECTIONS=close, once the drain delay has passed, sends 1001 to the
   * WebSockets whose route the table then in force no longer has, or no longer sends to their
   * upstream. Judged when the timer fires, so a reload undone meanwhile closes nothing.
   */
  private closeOrphanedWebSockets(): void {
    const { env } = this.options;
    if (env.UAG_RELOAD_REMOVED_CONNECTIONS !== 'close') return;
    const timer = setTimeout(() => {
      this.reloadCloseTimers.delete(timer);
      const table = this.routes.current;
      this.dataPlane.websockets.closeAll('route changed by a configuration reload', (relay) => !table.servesWebSocket(relay.route, relay.variant, relay.upstream));
    }, env.UAG_DRAIN_DELAY_MS);
    timer.unref();
    this.reloadCloseTimers.add(timer);
  }

  /** What `GET /status` answers and the status page shows. */
  status(): Promise<StatusReport> {
    return this.statusReport.report();
  }

  get httpAddress(): ListenAddress {
    return addressOf(this.dataPlane.app);
  }

  /** Bound address of the `tcp:` listener called `name`. */
  tcpAddress(name: string): ListenAddress {
    const address = this.tcpAddresses.get(name);
    if (address === undefined) throw new Error(`no tcp listener "${name}" is bound`);
    return address;
  }

  private async abortStart(): Promise<void> {
    this.stopBackgroundWork();
    for (const tcp of this.tcpProxies) tcp.stopAccepting();
    await Promise.allSettled([this.admin.close(), this.dataPlane.app.close(), this.pools.destroy(), this.edge.close()]);
  }

  get adminAddress(): ListenAddress {
    return addressOf(this.admin);
  }

  /**
   * Drains and stops: readiness 503 at once; keep serving for the drain delay so load balancers
   * notice; close the listener; let in-flight requests finish; force-close whatever remains when
   * the shutdown timeout (counted from the call) expires. Idempotent.
   */
  shutdown(reason: string): Promise<void> {
    this.shutdownPromise ??= this.runShutdown(reason);
    return this.shutdownPromise;
  }

  private async runShutdown(reason: string): Promise<void> {
    const { env, logger } = this.options;
    const startedAt = Date.now();
    const websockets = this.dataPlane.websockets;
    const tcpConnections = () => this.tcpProxies.reduce((sum, tcp) => sum + tcp.connections.size, 0);
    this.lifecycle.enter('draining');
    // No reload from here on: the table that is draining stays the one in force.
    this.stopBackgroundWork();
    logger.info(
      { reason, drain_delay_ms: env.UAG_DRAIN_DELAY_MS, shutdown_timeout_ms: env.UAG_SHUTDOWN_TIMEOUT_MS, websocket_drain_policy: env.UAG_WEBSOCKET_DRAIN_POLICY },
      'drain started: readiness now 503',
    );

    const forceClose = setTimeout(() => {
      logger.warn(
        { elapsed_ms: Date.now() - startedAt, websockets: websockets.relays.size, tcp_connections: tcpConnections() },
        'shutdown timeout reached: force-closing remaining connections',
      );
      this.dataPlane.app.server.closeAllConnections();
      websockets.terminateAll();
      for (const tcp of this.tcpProxies) tcp.destroyAll();
      void this.pools.destroy();
    }, env.UAG_SHUTDOWN_TIMEOUT_MS);
    forceClose.unref();

    await new Promise((resolve) => setTimeout(resolve, env.UAG_DRAIN_DELAY_MS));
    this.lifecycle.enter('closing');
    logger.info(
      { elapsed_ms: Date.now() - startedAt, websockets: websockets.relays.size, tcp_connections: tcpConnections() },
      'drain delay over: listener closed, waiting for in-flight requests',
    );
    for (const tcp of this.tcpProxies) tcp.stopAccepting();
    if (env.UAG_WEBSOCKET_DRAIN_POLICY === 'close') websockets.closeAll('server shutting down');
    await Promise.all([
      this.dataPlane.app.close(),
      websockets.relays.whenEmpty(),
      ...this.tcpProxies.map((tcp) => tcp.connections.whenEmpty()),
    ]);
    clearTimeout(forceClose);
    logger.info({ elapsed_ms: Date.now() - startedAt }, 'in-flight requests done');
    // close() passes over pools the force-close above already destroyed.
    await Promise.all([this.pools.close(), this.edge.close()]);
    this.lifecycle.enter('stopped');
    await this.admin.close();
    logger.info({ elapsed_ms: Date.now() - startedAt }, 'listeners stopped');
  }

  private stopBackgroundWork(): void {
    this.watcher.stop();
    this.statusReport.stop();
    for (const timer of this.reloadCloseTimers) clearTimeout(timer);
    this.reloadCloseTimers.clear();
  }
}

function addressOf(app: FastifyInstance): ListenAddress {
  const address = app.server.address() as AddressInfo | null;
  if (address === null) throw new Error('listener is not bound');
  return { host: address.address, port: address.port };
}
