import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { EnvConfig } from '../config/env-config';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import { WebSocketProxy } from '../longlived/websocket-proxy';
import { registerLoadShedding } from '../resilience/load-shedding';
import { HttpConnectionCounter } from './connection-accounting';
import { compileTrust } from '../proxy/forwarding';
import { createProxyHandler, type ProxyDependencies } from '../proxy/proxy-handler';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';

export interface DataPlaneOptions extends Omit<ProxyDependencies, 'trust' | 'maxHeaderLines'> {
  readonly env: EnvConfig;
  readonly metrics: GatewayMetrics;
  readonly lifecycle: LifecycleState;
}

export interface DataPlane {
  readonly app: FastifyInstance;
  readonly websockets: WebSocketProxy;
}

/**
 * The proxy listener. The Node server is built here (not by Fastify) so every slowloris and
 * size guard is set explicitly from the environment.
 */
export function createDataPlane(options: DataPlaneOptions): DataPlane {
  const { env, metrics } = options;
  const trust = compileTrust(env.UAG_TRUSTED_PROXIES);
  const maxHeaderLines = env.UAG_MAX_HEADER_COUNT;
  const httpConnections = new HttpConnectionCounter(metrics);
  const websockets = new WebSocketProxy({ ...options, trust, maxHeaderLines, httpConnections, underPressure: () => app.isUnderPressure() });
  let unroutable: ReturnType<typeof createProxyHandler> | undefined;
  const app = Fastify({
    logger: false,
    trustProxy: trust,
    // During drain, requests that reach an open connection are still served.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // A path Fastify's router cannot decode (bad escapes, invalid UTF-8) goes to the proxy too,
    // which refuses it with the gateway's own error, request id and access line.
    frameworkErrors: (error, request, reply) => unroutable!(error, request, reply),
    serverFactory: (handler) => {
      const server: Server = createServer(
        {
          maxHeaderSize: env.UAG_MAX_HEADER_BYTES,
          headersTimeout: env.UAG_HEADERS_TIMEOUT_MS,
          requestTimeout: env.UAG_REQUEST_TIMEOUT_MS,
          connectionsCheckingInterval: env.UAG_CONNECTIONS_CHECK_INTERVAL_MS,
          keepAliveTimeout: env.UAG_KEEPALIVE_TIMEOUT_MS,
        },
        handler,
      );
      // Node drops header lines past its cap unseen; one more than the limit lets the gateway see them and answer 431.
      server.maxHeadersCount = maxHeaderLines + 1;
      // Expect: 100-continue requests come to the proxy like any other; it sends 100 Continue
      // only once it wants the body, so a refused request is answered before it uploads.
      server.on('checkContinue', handler);
      server.on('connection', (socket) => httpConnections.count(socket));
      server.on('upgrade', (request, socket, head) => websockets.handleUpgrade(request, socket as Socket, head));
      return server;
    },
  });
  // Bodies are streamed to the upstream untouched, never parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  unroutable = createProxyHandler(app, { ...options, trust, maxHeaderLines });
  // After the proxy's hooks, so a shed request still has its request id and access-log line.
  registerLoadShedding(app, env, metrics, options.lifecycle);
  return { app, websockets };
}
