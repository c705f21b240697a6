import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ADMIN_PATHS } from '../contract';
import type { BuildInfo } from '../build-info';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { StatusReport } from '../status/status-report';
import { renderStatusPage } from '../status/status-page';

export interface AdminServerOptions {
  readonly lifecycle: LifecycleState;
  readonly metrics: GatewayMetrics;
  readonly build: BuildInfo;
  readonly environment: string;
  /** True while the data plane sheds load; readiness then answers 503 "overloaded". @default never */
  readonly underPressure?: () => boolean;
  /** The gateway's state for `GET /status` and the status page. */
  readonly status: () => Promise<StatusReport>;
}

/** Probes, metrics, version and the status page on their own listener, so proxy load or drain never hides them. */
export function createAdminServer(options: AdminServerOptions): FastifyInstance {
  const { lifecycle, metrics, build, environment, underPressure = () => false, status } = options;
  const app = Fastify({ logger: false, return503OnClosing: false, forceCloseConnections: true });
  const noStore = { 'cache-control': 'no-store' };

  // Answering at all proves the event loop turns; that is all liveness should claim.
  app.get(ADMIN_PATHS.live, async (_request, reply) => reply.headers(noStore).send({ status: 'ok' }));
  app.get(ADMIN_PATHS.startup, async (_request, reply) =>
    reply.headers(noStore).code(lifecycle.started ? 200 : 503).send({ status: lifecycle.started ? 'started' : 'starting' }),
  );
  app.get(ADMIN_PATHS.ready, async (_request, reply) => {
    const overloaded = lifecycle.ready && underPressure();
    const ready = lifecycle.ready && !overloaded;
    return reply.headers(noStore).code(ready ? 200 : 503).send({ status: ready ? 'ready' : overloaded ? 'overloaded' : lifecycle.phase });
  });
  app.get(ADMIN_PATHS.metrics, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.headers(noStore).header('content-type', metrics.registry.contentType).send(body);
  });
  app.get(ADMIN_PATHS.version, async (_request, reply) =>
    reply.headers(noStore).send({ ...build, environment, node: process.version }),
  );
  app.get(ADMIN_PATHS.status, async (_request, reply) => reply.headers(noStore).send(await status()));
  app.get(ADMIN_PATHS.statusPage, async (request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    const page = renderStatusPage(await status(), { nonce, fragment: (request.query as { fragment?: string }).fragment !== undefined });
    return reply
      .headers(noStore)
      .header('content-type', 'text/html; charset=utf-8')
      // Only its own inline style and script (by nonce), and fetches to itself.
      .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(page);
  });
  return app;
}
