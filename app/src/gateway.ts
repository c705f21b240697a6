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
import { createDataPlane, type DataPlane } from './server/data-plane';
import { ListenError } from './server/listen-error';
import { GatewayMetrics } from './telemetry/gateway-metrics';
import type { Logger } from './telemetry/logger';
import type { RequestTracer } from './telemetry/request-tracer';

export interface GatewayOptions {
  readonly env: EnvConfig;
  readonly routeTable: RouteTable;
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
  private readonly dataPlane: DataPlane;
  private readonly admin: FastifyInstance;
  private readonly pools: UpstreamPools;
  private readonly edge: EdgeServices;
  private readonly tcpProxies: TcpProxy[];
  private readonly tcpAddresses = new Map<string, ListenAddress>();
  private shutdownPromise: Promise<void> | undefined;

  private constructor(
    private readonly options: GatewayOptions,
    metrics: GatewayMetrics,
    edge: EdgeServices,
  ) {
    const { env, logger, build } = options;
    this.metrics = metrics;
    this.edge = edge;
    this.pools = new UpstreamPools(env.UAG_UPSTREAM_UPLOAD_SLOTS, options.pool);
    const routes = buildRouteRuntimes(options.routeTable, this.pools, this.edge, env.inKubernetes, logger);
    this.dataPlane = createDataPlane({
      env,
      routes,
      metrics: this.metrics,
      logger,
      lifecycle: this.lifecycle,
      tracer: options.tracer,
    });
    this.tcpProxies = options.routeTable.tcp.map((listener) => new TcpProxy(listener, env.inKubernetes, this.metrics, logger));
    const dataPlane = this.dataPlane.app;
    this.admin = createAdminServer({
      lifecycle: this.lifecycle,
      metrics: this.metrics,
      build,
      environment: env.UAG_ENV,
      underPressure: () => dataPlane.isUnderPressure(),
    });
  }

  /** Binds both listeners (admin first, so probes answer "starting" while the proxy comes up). */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const metrics = new GatewayMetrics(options.build);
    const gateway = new Gateway(options, metrics, await EdgeServices.create(options.routeTable, options.env, metrics, options.logger));
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
    gateway.lifecycle.enter('serving');
    logger.info(
      { http: gateway.httpAddress, admin: gateway.adminAddress, routes: options.routeTable.routes.map((r) => r.name) },
      'gateway serving',
    );
    return gateway;
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
}

function addressOf(app: FastifyInstance): ListenAddress {
  const address = app.server.address() as AddressInfo | null;
  if (address === null) throw new Error('listener is not bound');
  return { host: address.address, port: address.port };
}
