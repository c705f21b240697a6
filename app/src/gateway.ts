import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createAdminServer } from './admin/admin-server';
import type { BuildInfo } from './build-info';
import type { EnvConfig } from './config/env-config';
import type { RouteTable } from './contract';
import { LifecycleState } from './lifecycle/lifecycle-state';
import { buildRouteRuntimes } from './proxy/route-runtime';
import { UpstreamPools, type PoolOptions } from './proxy/upstreams';
import { createDataPlane } from './server/data-plane';
import { GatewayMetrics } from './telemetry/gateway-metrics';
import type { Logger } from './telemetry/logger';

export interface GatewayOptions {
  readonly env: EnvConfig;
  readonly routeTable: RouteTable;
  readonly logger: Logger;
  readonly build: BuildInfo;
  /** Whether an OpenTelemetry SDK was started; spans are only made when it was. @default false */
  readonly tracingEnabled?: boolean;
  readonly pool?: PoolOptions;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** A running gateway: the proxy listener, the admin listener and the lifecycle they share. */
export class Gateway {
  readonly lifecycle = new LifecycleState();
  readonly metrics: GatewayMetrics;
  private readonly dataPlane: FastifyInstance;
  private readonly admin: FastifyInstance;
  private readonly pools: UpstreamPools;
  private shutdownPromise: Promise<void> | undefined;

  private constructor(private readonly options: GatewayOptions) {
    const { env, logger, build } = options;
    this.metrics = new GatewayMetrics(build);
    this.pools = new UpstreamPools(options.pool);
    const routes = buildRouteRuntimes(options.routeTable, this.pools, env.inKubernetes, logger);
    this.dataPlane = createDataPlane({
      env,
      routes,
      metrics: this.metrics,
      logger,
      lifecycle: this.lifecycle,
      tracingEnabled: options.tracingEnabled ?? false,
    });
    this.admin = createAdminServer({ lifecycle: this.lifecycle, metrics: this.metrics, build, environment: env.UAG_ENV });
  }

  /** Binds both listeners (admin first, so probes answer "starting" while the proxy comes up). */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const gateway = new Gateway(options);
    const { env, logger } = options;
    try {
      await gateway.admin.listen({ host: env.UAG_HOST, port: env.UAG_ADMIN_PORT });
      await gateway.dataPlane.listen({ host: env.UAG_HOST, port: env.UAG_HTTP_PORT });
    } catch (error) {
      await Promise.allSettled([gateway.admin.close(), gateway.dataPlane.close(), gateway.pools.destroy()]);
      throw new Error(`cannot listen on ${env.UAG_HOST} (UAG_HTTP_PORT ${env.UAG_HTTP_PORT}, UAG_ADMIN_PORT ${env.UAG_ADMIN_PORT}): ${(error as Error).message}`, { cause: error });
    }
    gateway.lifecycle.enter('serving');
    logger.info(
      { http: gateway.httpAddress, admin: gateway.adminAddress, routes: options.routeTable.routes.map((r) => r.name) },
      'gateway serving',
    );
    return gateway;
  }

  get httpAddress(): ListenAddress {
    return addressOf(this.dataPlane);
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
    this.lifecycle.enter('draining');
    logger.info({ reason, drain_delay_ms: env.UAG_DRAIN_DELAY_MS, shutdown_timeout_ms: env.UAG_SHUTDOWN_TIMEOUT_MS }, 'drain started: readiness now 503');

    const forceClose = setTimeout(() => {
      logger.warn({ elapsed_ms: Date.now() - startedAt }, 'shutdown timeout reached: force-closing remaining connections');
      this.dataPlane.server.closeAllConnections();
      void this.pools.destroy();
    }, env.UAG_SHUTDOWN_TIMEOUT_MS);
    forceClose.unref();

    await new Promise((resolve) => setTimeout(resolve, env.UAG_DRAIN_DELAY_MS));
    this.lifecycle.enter('closing');
    logger.info({ elapsed_ms: Date.now() - startedAt }, 'drain delay over: listener closed, waiting for in-flight requests');
    await this.dataPlane.close();
    clearTimeout(forceClose);
    logger.info({ elapsed_ms: Date.now() - startedAt }, 'in-flight requests done');
    await this.pools.close();
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
