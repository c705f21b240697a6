import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import proxyAddr from '@fastify/proxy-addr';
import type { Identity } from '../auth/identity';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../contract';
import { runGuards, type GuardContext, type Rejection } from '../edge/request-guard';
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
import { closeFrame, FrameScanner } from './frame-scanner';

/** 1001: the endpoint is going away (server shutdown, idle timeout). */
export const CLOSE_GOING_AWAY = 1001;
/** After one side of a relay closed, how long the other may take to finish writing before it is cut. */
export const WEBSOCKET_CLOSE_GRACE_MS = 1000;
/** 1009: a message was larger than the route allows. */
export const CLOSE_TOO_BIG = 1009;

export interface WebSocketProxyOptions {
  readonly routes: readonly RouteRuntime[];
  readonly trust: TrustFunction;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly identityHeaders: readonly string[];
  /** True while load shedding; upgrades are refused like requests. */
  readonly underPressure: () => boolean;
}

/** A live client/upstream pair. */
interface Relay {
  /** Sends both sides a close frame (at a frame boundary) and ends both connections. */
  goAway(code: number, reason: string): void;
  destroy(): void;
}

/**
 * Proxies WebSocket upgrades on routes with `websocket` set. The upgrade request passes the
 * route's guards (auth, rate limit) like any request and is forwarded to the upstream with its
 * own key, so the upstream's 101 answers the client's handshake as is and subprotocol and
 * extensions are negotiated end to end; a refused upstream is reported with an HTTP status.
 * After the handshake the two sockets are relayed byte for byte with stream backpressure. Only
 * frame headers are read (FrameScanner), to enforce the message size limit and to slip a close
 * frame in between frames: an idle relay costs two sockets and a few numbers, not two WebSocket
 * endpoints.
 */
export class WebSocketProxy {
  readonly relays = new ConnectionSet<Relay>();
  private readonly dropped: ReadonlySet<string>;
  private readonly router: Router<RouteRuntime>;

  constructor(private readonly options: WebSocketProxyOptions) {
    this.router = new Router(options.routes);
    this.dropped = new Set(['host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', REQUEST_ID_HEADER, ...options.identityHeaders]);
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
    if (request.headers.upgrade?.toLowerCase() !== 'websocket' || request.headers['sec-websocket-key'] === undefined) {
      return refuse({ code: 'UAG_ERR_UPGRADE_REFUSED', detail: 'not a WebSocket handshake' }, route.name);
    }
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

  /** Sends 1001 to every client and upstream; the relays end as both sides close. */
  closeAll(reason: string): void {
    this.relays.forEach((relay) => relay.goAway(CLOSE_GOING_AWAY, reason));
  }

  terminateAll(): void {
    this.relays.forEach((relay) => relay.destroy());
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
    const variant = route.picker?.pick(request.headers, identity).variant ?? route.variants[0]!;
    const target = variant.targets.pick();
    const headers = endToEndHeaders(request.headers, this.dropped);
    Object.assign(headers, forwardedHeadersFor(request, this.options.trust));
    if (identity !== undefined) Object.assign(headers, identity.forwardHeaders);
    headers[REQUEST_ID_HEADER] = requestId;
    // endToEndHeaders drops these as hop-by-hop; the upgrade needs them on this hop too.
    headers.connection = 'Upgrade';
    headers.upgrade = 'websocket';
    const origin = new URL(target.origin);
    if (route.config.preserveHost && request.headers.host !== undefined) headers.host = request.headers.host;
    const upstreamRequest = (origin.protocol === 'https:' ? httpsRequest : httpRequest)(origin, {
      method: 'GET',
      path: upstreamPath(route, target, path, query),
      headers,
      agent: false,
      timeout: route.config.timeoutMs,
    });

    const onClientGoneEarly = () => upstreamRequest.destroy();
    socket.once('close', onClientGoneEarly);
    const fail = (code: GatewayErrorCode, detail: string) => {
      socket.removeListener('close', onClientGoneEarly);
      this.options.metrics.observeRequest('websocket', route.name, variant.name, 'GET', statusOf(code), 0);
      if (!socket.destroyed) socket.end(rawGatewayError(requestId, { code, detail }));
    };
    upstreamRequest.once('response', (response) => {
      response.resume();
      fail('UAG_ERR_UPSTREAM_FAILED', `upstream answered the upgrade with ${response.statusCode}`);
    });
    upstreamRequest.once('timeout', () => upstreamRequest.destroy(Object.assign(new Error('upstream upgrade timed out'), { code: 'ETIMEDOUT' })));
    upstreamRequest.once('error', (error) => {
      this.options.logger.warn({ route: route.name, upstream: target.origin, err: error, request_id: requestId }, 'websocket upstream failed');
      fail(classifyUpstreamError(error).code, 'upstream refused the WebSocket');
    });
    upstreamRequest.once('upgrade', (response, upstreamSocket, upstreamHead) => {
      socket.removeListener('close', onClientGoneEarly);
      upstreamRequest.removeAllListeners('error');
      upstreamRequest.setTimeout(0);
      if (socket.destroyed) {
        upstreamSocket.destroy();
        return;
      }
      let answer = 'HTTP/1.1 101 Switching Protocols\r\n';
      for (let index = 0; index < response.rawHeaders.length; index += 2) answer += `${response.rawHeaders[index]}: ${response.rawHeaders[index + 1]}\r\n`;
      socket.write(`${answer}\r\n`);
      this.relay(route, variant.name, requestId, socket, upstreamSocket, head, upstreamHead);
    });
    upstreamRequest.end();
  }

  private relay(route: RouteRuntime, variant: string, requestId: string, client: Socket, upstream: Socket, clientHead: Buffer, upstreamHead: Buffer): void {
    const { metrics, logger } = this.options;
    const settings = route.config.websocket!;
    const openedAt = performance.now();
    const toUpstream = new FrameScanner(settings.maxMessageBytes);
    const toClient = new FrameScanner(settings.maxMessageBytes);
    let closing = false;

    const relay: Relay = {
      goAway: (code, reason) => {
        if (closing) return;
        closing = true;
        // A frame cut in half would corrupt the stream: wait for the boundary, then stop relaying.
        sendCloseAtBoundary(upstream, client, toClient, closeFrame(code, reason, false));
        sendCloseAtBoundary(client, upstream, toUpstream, closeFrame(code, reason, true));
      },
      destroy: () => {
        client.destroy();
        upstream.destroy();
      },
    };
    this.relays.add(relay);
    handOverFromHttp(client, metrics);
    metrics.connectionOpened('websocket');
    metrics.observeRequest('websocket', route.name, variant, 'GET', 101, 0);

    const tooBig = () => {
      closing = true;
      client.removeAllListeners('data');
      upstream.removeAllListeners('data');
      if (toClient.atBoundary) client.end(closeFrame(CLOSE_TOO_BIG, 'message too big', false));
      else client.destroy();
      upstream.destroy();
      client.resume();
    };
    const idle = () => relay.goAway(CLOSE_GOING_AWAY, 'idle timeout');
    for (const [from, to, scanner] of [
      [client, upstream, toUpstream],
      [upstream, client, toClient],
    ] as const) {
      from.setNoDelay(true);
      from.setTimeout(settings.idleTimeoutMs, idle);
      from.on('data', (chunk: Buffer) => {
        if (!scanner.scan(chunk)) return tooBig();
        // Writing counts as activity on `to`, so traffic either way keeps both from idling out.
        if (!to.write(chunk)) from.pause();
      });
      to.on('drain', () => from.resume());
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
    }
    if (clientHead.length > 0) client.emit('data', clientHead);
    if (upstreamHead.length > 0) upstream.emit('data', upstreamHead);

    let open = 2;
    const closed = (other: Socket) => () => {
      // End, not destroy: a close frame may still be on its way out; the grace bounds it.
      if (!other.destroyed) {
        other.end();
        setTimeout(() => other.destroy(), WEBSOCKET_CLOSE_GRACE_MS).unref();
      }
      if (--open > 0) return;
      this.relays.delete(relay);
      const seconds = (performance.now() - openedAt) / 1000;
      metrics.connectionClosed('websocket', seconds);
      logger.info({ msg: 'websocket closed', route: route.name, variant, duration_s: Math.round(seconds * 1000) / 1000, request_id: requestId });
    };
    client.once('close', closed(upstream));
    upstream.once('close', closed(client));
  }
}

/**
 * Writes `frame` to `to` once the stream from `from` is between frames (at once when it already
 * is), then stops relaying from `from` and ends `to`: after a close frame nothing else may follow.
 */
function sendCloseAtBoundary(from: Socket, to: Socket, scanner: FrameScanner, frame: Buffer): void {
  const finish = () => {
    // Whatever `from` still sends (its own close, say) is dropped; it must not stay paused.
    from.removeAllListeners('data');
    from.resume();
    to.end(frame);
  };
  if (scanner.atBoundary) return finish();
  from.removeAllListeners('data');
  from.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length && !scanner.atBoundary) offset = scanner.consume(chunk, offset);
    to.write(chunk.subarray(0, offset));
    if (scanner.atBoundary) finish();
  });
}

function statusOf(code: GatewayErrorCode): number {
  return GATEWAY_ERRORS[code].status;
}
