import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import proxyAddr from '@fastify/proxy-addr';
import type { Identity } from '../auth/identity';
import { secondsSince } from '../telemetry/elapsed';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../contract';
import { runGuards, type GuardContext, type Rejection } from '../edge/request-guard';
import { forwardedHeadersFor, fromTrustedProxy, type TrustFunction } from '../proxy/forwarding';
import { rawGatewayError } from '../proxy/gateway-error';
import { REQUEST_ID_HEADER, requestIdFrom } from '../proxy/request-id';
import { upstreamPath, type RouteRuntime } from '../proxy/route-runtime';
import { classifyUpstreamError } from '../proxy/upstream-errors';
import { admitRequest, type AdmittedRequest } from '../routing/request-admission';
import type { ActiveRoutes } from '../routing/active-routes';
import type { HttpConnectionCounter } from '../server/connection-accounting';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import { ConnectionSet } from './connection-set';
import { requestUpgrade, type UpgradeOutcome } from './upstream-upgrade';
import { CLOSE_GOING_AWAY, startRelay, type Relay, type RelayLabels, type RelayOwner } from './websocket-relay';

export interface WebSocketProxyOptions {
  /** The route table in force; read once per upgrade. */
  readonly routes: ActiveRoutes;
  readonly trust: TrustFunction;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** UAG_MAX_HEADER_COUNT: more request header lines get 431. */
  readonly maxHeaderLines: number;
  /** The data plane's `http` connection count, which an upgraded socket leaves. */
  readonly httpConnections: HttpConnectionCounter;
  /** True while load shedding; upgrades are refused like requests. */
  readonly underPressure: () => boolean;
}

/**
 * Proxies WebSocket upgrades on routes with `websocket` set. The upgrade request passes the
 * route's guards (auth, rate limit) like any request and is forwarded to the upstream with its
 * own key, so the upstream's 101 answers the client's handshake as is and subprotocol and
 * extensions are negotiated end to end; a refused upstream is reported with an HTTP status.
 * After the handshake the two sockets are relayed byte for byte with stream backpressure. Only
 * frame headers are read (FrameScanner), to enforce the message size limit and to slip a close
 * frame in between frames: an idle relay costs two sockets and a few numbers, not two WebSocket
 * endpoints. Nothing of the handshake (request, headers, closures over them) outlives it.
 */
export class WebSocketProxy {
  readonly relays = new ConnectionSet<Relay>();
  private readonly relayOwner: RelayOwner;

  constructor(private readonly options: WebSocketProxyOptions) {
    this.relayOwner = { relays: this.relays, metrics: options.metrics, logger: options.logger };
  }

  /** The data plane's `upgrade` listener. */
  handleUpgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const startedAt = performance.now();
    socket.on('error', destroySocket);
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    const refuse = (rejection: Rejection, route = '_unmatched') => {
      this.options.metrics.observeRequest('websocket', route, '', request.method ?? 'GET', statusOf(rejection.code), secondsSince(startedAt));
      socket.end(rawGatewayError(requestId, rejection));
    };
    if (this.options.underPressure()) return refuse({ code: 'UAG_ERR_OVERLOADED' });
    const admitted = admitRequest(request, this.options.maxHeaderLines);
    if (!admitted.ok) return refuse(admitted);
    const found = this.options.routes.current.router.lookup(request.method ?? 'GET', admitted.path, admitted.host);
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
      this.connectUpstream(route, request, socket, head, requestId, admitted, context.identity, startedAt);
    };
    if (verdict instanceof Promise) verdict.then(proceed, () => refuse({ code: 'UAG_ERR_UNAUTHENTICATED' }, route.name));
    else proceed(verdict);
  }

  /** Sends 1001 to every client and upstream (or those `which` picks); the relays end as both sides close. */
  closeAll(reason: string, which: (labels: RelayLabels) => boolean = () => true): void {
    this.relays.forEach((relay) => {
      if (which(relay.labels)) relay.goAway(CLOSE_GOING_AWAY, reason);
    });
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
    admitted: AdmittedRequest,
    identity: Identity | undefined,
    startedAt: number,
  ): void {
    const variant = route.picker?.pick(request.headers, identity).variant ?? route.variants[0]!;
    const target = variant.targets.pick();
    const trustedPeer = fromTrustedProxy(request, this.options.trust);
    const headers = route.clientHeaders.copy(request.headers, trustedPeer);
    Object.assign(headers, forwardedHeadersFor(request, trustedPeer, admitted.authority));
    if (identity !== undefined) Object.assign(headers, identity.forwardHeaders);
    headers[REQUEST_ID_HEADER] = requestId;
    // The header policy drops these as hop-by-hop; the upgrade needs them on this hop too.
    headers.connection = 'Upgrade';
    headers.upgrade = 'websocket';
    if (route.config.preserveHost && admitted.authority !== undefined) headers.host = admitted.authority;
    const abandon = requestUpgrade(
      { origin: new URL(target.origin), path: upstreamPath(route, target, admitted.path, admitted.query), headers, timeoutMs: route.config.timeoutMs },
      (outcome) => {
        socket.removeListener('close', abandon);
        if (outcome.kind === 'upgraded') return this.relay(route, { route: route.name, variant: variant.name, upstream: target.origin, requestId }, socket, head, outcome, startedAt);
        if (outcome.kind === 'failed') this.options.logger.warn({ route: route.name, upstream: target.origin, err: outcome.error, request_id: requestId }, 'websocket upstream failed');
        const [code, detail]: [GatewayErrorCode, string] =
          outcome.kind === 'refused' ? ['UAG_ERR_UPSTREAM_FAILED', `upstream answered the upgrade with ${outcome.status}`] : [classifyUpstreamError(outcome.error).code, 'upstream refused the WebSocket'];
        this.options.metrics.observeRequest('websocket', route.name, variant.name, 'GET', statusOf(code), secondsSince(startedAt));
        if (!socket.destroyed) socket.end(rawGatewayError(requestId, { code, detail }));
      },
    );
    socket.once('close', abandon);
  }

  /** Answers the client with the upstream's 101 and relays the two sockets from then on. */
  private relay(
    route: RouteRuntime,
    labels: RelayLabels,
    socket: Socket,
    head: Buffer,
    upgraded: Extract<UpgradeOutcome, { kind: 'upgraded' }>,
    startedAt: number,
  ): void {
    if (socket.destroyed) {
      upgraded.socket.destroy();
      return;
    }
    socket.write(upgraded.answerHead);
    socket.removeListener('error', destroySocket);
    const { metrics } = this.options;
    this.options.httpConnections.handOver(socket);
    metrics.connectionOpened('websocket');
    metrics.observeRequest('websocket', route.name, labels.variant, 'GET', 101, secondsSince(startedAt));
    startRelay(this.relayOwner, route.config.websocket!, labels, socket, upgraded.socket, head, upgraded.rest);
  }
}

/** Shared by every handshake in flight: a closure per socket would keep the handshake's scope alive. */
function destroySocket(this: Socket): void {
  this.destroy();
}

function statusOf(code: GatewayErrorCode): number {
  return GATEWAY_ERRORS[code].status;
}
