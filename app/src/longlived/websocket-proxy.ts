import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import proxyAddr from '@fastify/proxy-addr';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import type { Identity } from '../auth/identity';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../contract';
import { runGuards, type GuardContext, type Rejection } from '../edge/request-guard';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import { forwardedHeadersFor, type TrustFunction } from '../proxy/forwarding';
import { rawGatewayError } from '../proxy/gateway-error';
import { endToEndHeaders } from '../proxy/hop-by-hop';
import { REQUEST_ID_HEADER, requestIdFrom } from '../proxy/request-id';
import { upstreamPath, type RouteRuntime } from '../proxy/route-runtime';
import { classifyUpstreamError } from '../proxy/upstream-errors';
import { normalizeTarget } from '../routing/normalize-path';
import { Router } from '../routing/router';
import { handOverFromHttp } from '../server/connection-accounting';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import { ConnectionSet } from './connection-set';

/** Messages queued towards a side that is not reading before the other side is paused. */
export const WEBSOCKET_MAX_PENDING_MESSAGES = 64;
/** 1001: the endpoint is going away (server shutdown, idle timeout). */
export const CLOSE_GOING_AWAY = 1001;
const CLOSE_NORMAL = 1000;

/** Headers the WebSocket client library sets itself for the upstream handshake. */
const HANDSHAKE_HEADERS = ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'host'];

export interface WebSocketProxyOptions {
  readonly routes: readonly RouteRuntime[];
  readonly trust: TrustFunction;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly lifecycle: LifecycleState;
  readonly identityHeaders: readonly string[];
  /** True while load shedding; upgrades are refused like requests. */
  readonly underPressure: () => boolean;
}

/** A client and its upstream, relayed frame by frame. */
interface Relay {
  readonly client: WebSocket;
  readonly upstream: WebSocket;
}

/**
 * Proxies WebSocket upgrades on routes with `websocket` set. The upgrade request passes the
 * route's guards (auth, rate limit) like any request; the upstream handshake completes before
 * the client's does, so a refused upstream is reported with a proper HTTP status. Messages are
 * relayed as they arrive (never collected), and a side that stops reading pauses the other.
 */
export class WebSocketProxy {
  readonly relays = new ConnectionSet<Relay>();
  private readonly servers = new Map<string, WebSocketServer>();
  private readonly dropped: ReadonlySet<string>;
  private readonly router: Router<RouteRuntime>;
  /** Subprotocol the upstream picked, handed to the client handshake for the same request. */
  private readonly chosenProtocol = new WeakMap<IncomingMessage, string>();

  constructor(private readonly options: WebSocketProxyOptions) {
    this.router = new Router(options.routes);
    this.dropped = new Set([...HANDSHAKE_HEADERS, 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', REQUEST_ID_HEADER, ...options.identityHeaders]);
  }

  /** The data plane's `upgrade` listener. */
  handleUpgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    const refuse = (rejection: Rejection, route = '_unmatched') => {
      this.options.metrics.observeRequest('websocket', route, '', request.method ?? 'GET', statusOf(rejection.code), 0);
      socket.end(rawGatewayError(requestId, rejection));
    };
    if (this.options.underPressure()) return refuse({ code: 'UAG_ERR_OVERLOADED' });
    const target = normalizeTarget(request.url ?? '/');
    if (!target.ok) return refuse({ code: 'UAG_ERR_BAD_PATH', detail: target.reason });
    const found = this.router.lookup(request.method ?? 'GET', target.path, request.headers.host);
    if (found.kind !== 'matched') return refuse({ code: found.kind === 'no-route' ? 'UAG_ERR_NO_ROUTE' : 'UAG_ERR_METHOD_NOT_ALLOWED' });
    const route = found.route;
    if (route.config.websocket === undefined) return refuse({ code: 'UAG_ERR_UPGRADE_REFUSED' }, route.name);
    // Browsers do not preflight WebSockets: the origin check is the only cross-site guard.
    if (route.cors !== undefined && request.headers.origin !== undefined && route.cors.evaluate('GET', request.headers).kind !== 'actual') {
      return refuse({ code: 'UAG_ERR_CORS_REJECTED', detail: 'origin not allowed' }, route.name);
    }
    // Same client address as HTTP requests get: X-Forwarded-For only through trusted proxies.
    const context: GuardContext = { headers: request.headers, clientIp: proxyAddr(request, this.options.trust), identity: undefined };
    const verdict = runGuards(route.guards, context);
    const proceed = (rejection: Rejection | undefined) => {
      if (rejection !== undefined) return refuse(rejection, route.name);
      this.connectUpstream(route, request, socket, head, requestId, target.path, target.query, context.identity);
    };
    if (verdict instanceof Promise) verdict.then(proceed, () => refuse({ code: 'UAG_ERR_UNAUTHENTICATED' }, route.name));
    else proceed(verdict);
  }

  /** Sends 1001 to every client (and upstream); the relays end as the close handshakes finish. */
  closeAll(reason: string): void {
    this.relays.forEach(({ client, upstream }) => {
      client.close(CLOSE_GOING_AWAY, reason);
      upstream.close(CLOSE_GOING_AWAY, reason);
    });
  }

  terminateAll(): void {
    this.relays.forEach(({ client, upstream }) => {
      client.terminate();
      upstream.terminate();
    });
  }

  private connectUpstream(
    route: RouteRuntime,
    request: IncomingMessage,
    socket: Socket,
    head: Buffer,
    requestId: string,
    path: string,
    query: string,
    identity: Identity | undefined,
  ): void {
    const settings = route.config.websocket!;
    const variant = route.picker?.pick(request.headers, identity).variant ?? route.variants[0]!;
    const target = variant.targets.pick();
    const headers = endToEndHeaders(request.headers, this.dropped);
    Object.assign(headers, forwardedHeadersFor(request, this.options.trust));
    if (identity !== undefined) Object.assign(headers, identity.forwardHeaders);
    headers[REQUEST_ID_HEADER] = requestId;
    if (route.config.preserveHost && request.headers.host !== undefined) headers.host = request.headers.host;
    const protocols = request.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()).filter((p) => p !== '');
    const url = target.origin.replace(/^http/, 'ws') + upstreamPath(route, target, path, query);
    const upstream = new WebSocket(url, protocols, {
      headers: headers as Record<string, string>,
      perMessageDeflate: false,
      maxPayload: settings.maxMessageBytes,
      handshakeTimeout: route.config.timeoutMs,
    });

    const onClientGoneEarly = () => upstream.terminate();
    socket.once('close', onClientGoneEarly);
    const fail = (code: GatewayErrorCode, detail: string) => {
      socket.removeListener('close', onClientGoneEarly);
      this.options.metrics.observeRequest('websocket', route.name, variant.name, 'GET', statusOf(code), 0);
      socket.end(rawGatewayError(requestId, { code, detail }));
    };
    const onRefused = (_request: unknown, response: IncomingMessage) => {
      response.resume();
      upstream.terminate();
      fail('UAG_ERR_UPSTREAM_FAILED', `upstream answered the upgrade with ${response.statusCode}`);
    };
    const onError = (error: Error) => {
      if (socket.destroyed || socket.writableEnded) return;
      this.options.logger.warn({ route: route.name, upstream: target.origin, err: error, request_id: requestId }, 'websocket upstream failed');
      fail(classifyUpstreamError(error).code, 'upstream refused the WebSocket');
    };
    upstream.once('unexpected-response', onRefused);
    upstream.once('error', onError);
    upstream.once('open', () => {
      // These hold the upgrade request and its headers; a long-lived relay must not keep them.
      upstream.removeListener('unexpected-response', onRefused);
      upstream.removeListener('error', onError);
      socket.removeListener('close', onClientGoneEarly);
      if (socket.destroyed) {
        upstream.terminate();
        return;
      }
      if (upstream.protocol !== '') this.chosenProtocol.set(request, upstream.protocol);
      this.serverFor(route).handleUpgrade(request, socket, head, (client) => this.relay(route, variant.name, requestId, client, upstream, socket));
    });
  }

  private serverFor(route: RouteRuntime): WebSocketServer {
    let server = this.servers.get(route.name);
    if (server === undefined) {
      server = new WebSocketServer({
        noServer: true,
        clientTracking: false,
        perMessageDeflate: false,
        maxPayload: route.config.websocket!.maxMessageBytes,
        handleProtocols: (_offered, request) => this.chosenProtocol.get(request) ?? false,
      });
      this.servers.set(route.name, server);
    }
    return server;
  }

  private relay(route: RouteRuntime, variant: string, requestId: string, client: WebSocket, upstream: WebSocket, socket: Socket): void {
    const { metrics, logger } = this.options;
    const openedAt = performance.now();
    const relay: Relay = { client, upstream };
    this.relays.add(relay);
    handOverFromHttp(socket, metrics);
    metrics.connectionOpened('websocket');
    metrics.observeRequest('websocket', route.name, variant, 'GET', 101, 0);

    const idle = setTimeout(() => {
      client.close(CLOSE_GOING_AWAY, 'idle timeout');
      upstream.close(CLOSE_GOING_AWAY, 'idle timeout');
    }, route.config.websocket!.idleTimeoutMs);
    idle.unref();
    pipeMessages(client, upstream, idle);
    pipeMessages(upstream, client, idle);

    let open = 2;
    const ended = (other: WebSocket) => (code: number, reason: Buffer) => {
      if (other.readyState === WebSocket.OPEN) other.close(sendableCloseCode(code), reason);
      else if (other.readyState === WebSocket.CONNECTING) other.terminate();
      if (--open > 0) return;
      clearTimeout(idle);
      this.relays.delete(relay);
      const seconds = (performance.now() - openedAt) / 1000;
      metrics.connectionClosed('websocket', seconds);
      logger.info({ msg: 'websocket closed', route: route.name, variant, duration_s: Math.round(seconds * 1000) / 1000, code, request_id: requestId });
    };
    client.once('close', ended(upstream));
    upstream.once('close', ended(client));
    client.on('error', () => upstream.terminate());
    upstream.on('error', () => client.terminate());
  }
}

/**
 * Relays `from`'s messages to `to`. Each send's callback fires once the frame reached the
 * socket; while too many are outstanding `from` is paused, so a reader that stalls makes the
 * writer wait instead of making the gateway buffer without bound.
 */
function pipeMessages(from: WebSocket, to: WebSocket, idle: NodeJS.Timeout): void {
  let pending = 0;
  const sent = () => {
    pending--;
    if (from.isPaused && pending <= WEBSOCKET_MAX_PENDING_MESSAGES / 2) from.resume();
  };
  from.on('message', (data: RawData, isBinary: boolean) => {
    idle.refresh();
    if (to.readyState !== WebSocket.OPEN) return;
    pending++;
    to.send(data, { binary: isBinary }, sent);
    if (pending >= WEBSOCKET_MAX_PENDING_MESSAGES) from.pause();
  });
}

/** 1005 (no status) and 1006 (abnormal) describe a close but may not be sent in one. */
function sendableCloseCode(code: number): number {
  return code === 1005 || code === 1006 || code === 1015 ? CLOSE_NORMAL : code;
}

function statusOf(code: GatewayErrorCode): number {
  return GATEWAY_ERRORS[code].status;
}
