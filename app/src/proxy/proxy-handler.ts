import { performance } from 'node:perf_hooks';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Identity } from '../auth/identity';
import { HTTP_METHODS, NO_VARIANT, UNMATCHED_ROUTE, type GatewayErrorCode, type RetryConfig, type UpstreamOutcome } from '../contract';
import { runGuards, type GuardContext, type Rejection } from '../edge/request-guard';
import { backoffDelayMs } from '../resilience/retry-budget';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import type { ActiveRoutes, CompiledRoutes } from '../routing/active-routes';
import { admitRequest } from '../routing/request-admission';
import { GATEWAY_SECURITY_HEADERS } from '../headers/security-headers';
import { secondsSince } from '../telemetry/elapsed';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import type { RequestTrace, RequestTracer } from '../telemetry/request-tracer';
import { forwardedHeadersFor, fromTrustedProxy, type TrustFunction } from './forwarding';
import { addAnswerHeaders, addMissingHeaders, mergeAnswerHeaders } from './answer-headers';
import { DroppedHeaders, endToEndHeaders, type HeaderMap } from './hop-by-hop';
import { RequestBody, type BodyFailure } from './request-body';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';
import { sendGatewayError } from './gateway-error';
import { upstreamPath, type RouteRuntime, type RouteTarget, type VariantRuntime } from './route-runtime';
import { classifyUpstreamError } from './upstream-errors';
import { UpstreamExchange, type UpstreamResponseHead } from './upstream-exchange';
import { accessLogFor } from '../telemetry/access-log';

/** nginx's status for a request whose client closed the connection before the answer. */
const CLIENT_CLOSED_REQUEST = 499;

export interface ProxyDependencies {
  /** The route table in force; read once per request. */
  readonly routes: ActiveRoutes;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly lifecycle: LifecycleState;
  readonly trust: TrustFunction;
  /** Traces requests and sends trace context upstream; without it, `traceparent` passes through untouched. */
  readonly tracer: RequestTracer | undefined;
  /** UAG_MAX_HEADER_COUNT: more request header lines get 431. */
  readonly maxHeaderLines: number;
}

/** Per-request bookkeeping shared by the handler and the access record written when the response closes. */
interface ExchangeState {
  requestId: string;
  route: string;
  /** Traffic-split arm the request went to; "" on routes without variants. */
  variant: string;
  path: string;
  /** Undefined when tracing is off. */
  trace: RequestTrace | undefined;
  responseBytes: number | undefined;
  /** Resolved once: with a trust function, `request.ip` re-runs proxy-addr on every read. */
  clientIp: string;
  /** The upstream request under way, aborted if the client leaves. */
  exchange: UpstreamExchange | undefined;
  /** The request body while it is read or streamed; its timer stops when the response closes. */
  body: RequestBody | undefined;
  /** The client closed the connection before the response was complete. */
  clientGone: boolean;
  /** The route table the request was routed by, held until the response closes. */
  routes: CompiledRoutes | undefined;
  /**
   * `performance.now()` when the request arrived. Fastify's `reply.elapsedTime` cannot serve:
   * it only runs its clock when an onResponse hook or its own logger is registered, so here it
   * always read 0.
   */
  startedAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    uag: ExchangeState;
  }
}

const CLIENT_GONE = new Error('client closed the connection');
/** The upload was done, but the upstream's head was not in by the route deadline. */
const UPSTREAM_DEADLINE = { outcome: 'timeout', code: 'UAG_ERR_UPSTREAM_TIMEOUT', blamesUpstream: true } as const;
/** RFC 9110 9.2.2 idempotent methods: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Failures after which the upstream cannot have acted on the request, or said it did not. */
const RETRYABLE_OUTCOMES: ReadonlySet<UpstreamOutcome> = new Set(['connect_error', 'reset', 'timeout']);
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503]);
/** RFC 9110 8.6: a 204 carries no Content-Length, whatever the upstream sent (a 304 may: it describes the representation). */
const NO_CONTENT_HEADERS = new DroppedHeaders(['content-length']);

/**
 * Registers the catch-all proxy route, its per-request state and its access log on `app`.
 * Returns the handler for requests Fastify's router turned away (a path it cannot decode), which
 * the data plane installs as `frameworkErrors`: they are judged, answered and logged like any
 * other request, with the gateway's own error body.
 */
export function createProxyHandler(app: FastifyInstance, deps: ProxyDependencies): (error: Error, request: FastifyRequest, reply: FastifyReply) => void {
  const { metrics, logger, lifecycle, trust, tracer, maxHeaderLines, routes: activeRoutes } = deps;
  const accessLog = accessLogFor(logger);

  app.decorateRequest('uag', null as unknown as ExchangeState);

  app.addHook('onRequest', (request, reply, done) => {
    beginExchange(request, reply);
    done();
  });

  /** The request's state, request id, trace and access record, before anything else looks at it. */
  function beginExchange(request: FastifyRequest, reply: FastifyReply): void {
    const startedAt = performance.now();
    const raw = request.raw;
    const requestId = requestIdFrom(raw.headers[REQUEST_ID_HEADER]);
    const clientIp = proxyAddr(raw, trust);
    const trace = tracer?.begin(raw.headers, `${raw.method} ${UNMATCHED_ROUTE}`);
    if (trace !== undefined) tracer!.arrived(trace, raw.method, clientIp, requestId);
    request.uag = { requestId, route: UNMATCHED_ROUTE, variant: NO_VARIANT, path: raw.url ?? '/', trace, responseBytes: undefined, clientIp, exchange: undefined, body: undefined, clientGone: false, routes: undefined, startedAt };
    reply.header(REQUEST_ID_HEADER, requestId);
    // The response's own close, not Fastify's onResponse: proxied answers are written past Fastify.
    reply.raw.once('close', () => onResponseClosed(request, reply));
  }

  /** Stops upstream work nobody will receive, then writes the request's metrics, span and access line. */
  function onResponseClosed(request: FastifyRequest, reply: FastifyReply): void {
    const state = request.uag;
    if (state.routes !== undefined) activeRoutes.release(state.routes);
    state.body?.dispose();
    if (!reply.raw.writableFinished) {
      state.clientGone = true;
      state.exchange?.abort(CLIENT_GONE);
    }
    // A client that left before any answer is recorded as 499, as nginx does.
    const status = state.clientGone && !reply.raw.headersSent ? CLIENT_CLOSED_REQUEST : reply.statusCode;
    const elapsedMs = performance.now() - state.startedAt;
    const method = request.raw.method ?? 'GET';
    metrics.observeRequest('http', state.route, state.variant, method, status, elapsedMs / 1000);
    const trace = state.trace;
    if (trace?.span !== undefined) {
      tracer!.answered(trace.span, status);
      trace.span.end();
    }
    accessLog({
      method,
      route: state.route,
      path: state.path,
      status,
      duration_ms: Math.round(elapsedMs * 1000) / 1000,
      client_ip: state.clientIp,
      request_id: state.requestId,
      bytes: state.responseBytes ?? contentLength(reply.getHeader('content-length')),
      trace_id: trace?.traceId,
      span_id: trace?.spanId,
      aborted: state.clientGone ? 'client closed before the response finished' : undefined,
    });
  }

  app.route({ method: [...HTTP_METHODS], url: '*', handler: proxy });
  // Only methods outside HTTP_METHODS get here (TRACE, CONNECT, WebDAV...): the catch-all takes every path.
  app.setNotFoundHandler((request, reply) => {
    reply.header('allow', HTTP_METHODS.join(', '));
    return sendUnroutedError(reply, request.uag, 'UAG_ERR_METHOD_NOT_ALLOWED');
  });

  async function proxy(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = request.raw;
    const state = request.uag;
    const method = raw.method ?? 'GET';
    if (lifecycle.draining) reply.header('connection', 'close');

    const admitted = admitRequest(raw, maxHeaderLines);
    if (!admitted.ok) {
      // A request this malformed gets no second one on its connection.
      reply.header('connection', 'close');
      return sendUnroutedError(reply, state, admitted.code, admitted.detail);
    }
    state.path = admitted.path;
    state.routes = activeRoutes.acquire();
    const found = state.routes.router.lookup(method, admitted.path, admitted.host);
    if (found.kind === 'no-route') return sendUnroutedError(reply, state, 'UAG_ERR_NO_ROUTE');
    if (found.kind === 'method-not-allowed') {
      reply.header('allow', found.allowed.join(', '));
      return sendUnroutedError(reply, state, 'UAG_ERR_METHOD_NOT_ALLOWED');
    }
    const route = found.route;
    const config = route.config;
    state.route = route.name;
    // Only sampled requests have a span; the rest skip building attributes nobody would export.
    const serverSpan = state.trace?.span;
    if (serverSpan !== undefined) tracer!.routed(state.trace!, `${method} ${route.name}`, config.match.pathPrefix, admitted.path);

    const lengthHeader = raw.headers['content-length'];
    const declaredLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
    if (declaredLength !== undefined && declaredLength > config.maxBodyBytes) {
      reply.header('connection', 'close');
      return sendError(reply, state, 'UAG_ERR_BODY_TOO_LARGE', `limit is ${config.maxBodyBytes} bytes`);
    }

    // The gateway's policy, over the upstream's (CORS, the sticky-variant cookie)...
    let answerHeaders: Readonly<HeaderMap> | undefined;
    // ...and defaults an upstream that sends its own (a page-specific CSP, say) overrides.
    let defaultHeaders: Readonly<HeaderMap> | undefined;
    if (route.cors !== undefined) {
      const cors = route.cors.evaluate(method, raw.headers);
      if (cors.kind === 'preflight') return reply.code(204).headers(cors.headers).send();
      if (cors.kind === 'rejected') return sendRejection(reply, state, cors.rejection);
      if (cors.kind === 'actual') answerHeaders = addAnswerHeaders(reply, answerHeaders, cors.headers);
    }

    const trustedPeer = fromTrustedProxy(raw, trust);
    const forwarded = forwardedHeadersFor(raw, trustedPeer, admitted.authority);
    if (route.securityHeaders !== undefined) {
      defaultHeaders = forwarded['x-forwarded-proto'] === 'https' ? route.securityHeaders.https : route.securityHeaders.http;
      reply.headers(defaultHeaders);
    }

    let identity: Identity | undefined;
    if (route.guards.length > 0) {
      const context: GuardContext = { headers: raw.headers, clientIp: state.clientIp, identity: undefined };
      const verdict = runGuards(route.guards, context);
      const rejection = verdict instanceof Promise ? await verdict : verdict;
      if (rejection !== undefined) return sendRejection(reply, state, rejection);
      identity = context.identity;
    }

    let variant = route.variants[0]!;
    if (route.picker !== undefined) {
      const choice = route.picker.pick(raw.headers, identity);
      variant = choice.variant;
      state.variant = variant.name;
      serverSpan?.setAttribute('uag.variant', variant.name);
      if (choice.setCookie !== undefined) answerHeaders = addAnswerHeaders(reply, answerHeaders, { 'set-cookie': choice.setCookie });
    }

    const headers = route.clientHeaders.copy(raw.headers, trustedPeer);
    Object.assign(headers, forwarded);
    // Without a Host of its own undici sends the upstream's host:port.
    if (config.preserveHost && admitted.authority !== undefined) headers.host = admitted.authority;
    if (identity !== undefined) Object.assign(headers, identity.forwardHeaders);
    headers[REQUEST_ID_HEADER] = state.requestId;

    const hasBody = declaredLength !== undefined ? declaredLength > 0 : raw.headers['transfer-encoding'] !== undefined;
    // A body small enough is read whole here, before any upstream connection is taken; a larger
    // one is streamed below, on one of the upstream's upload slots.
    let body: Buffer | Readable | null = null;
    let upload: RequestBody | undefined;
    if (hasBody) {
      upload = new RequestBody(
        raw,
        reply.raw,
        { maxBodyBytes: config.maxBodyBytes, bufferBytes: config.bodyBufferBytes, idleTimeoutMs: config.bodyIdleTimeoutMs, deadline: state.startedAt + config.timeoutMs },
        declaredLength,
      );
      state.body = upload;
      body = (await upload.buffer()) ?? null;
      if (upload.failure !== undefined) return answerBodyFailure(reply, state, upload.failure, config.maxBodyBytes);
    }

    // Only a request that can be sent again unchanged may be retried: idempotent and bodiless.
    const retry = route.retry !== undefined && !hasBody && IDEMPOTENT_METHODS.has(method) ? route.retry : undefined;
    retry?.budget.recordRequest();
    // The upload counts against the route's timeout too: what is left of it bounds the wait for the head.
    const tryTimeoutMs =
      upload !== undefined ? Math.max(1, Math.ceil(state.startedAt + config.timeoutMs - performance.now()))
      : retry === undefined ? config.timeoutMs
      : Math.min(config.timeoutMs, retry.config.perTryTimeoutMs);

    for (let retriesDone = 0; ; retriesDone++) {
      const upstream = pickTarget(variant);
      if (upstream === undefined) {
        const waitMs = Math.min(...variant.targets.items.map((t) => t.breaker?.retryAfterMs ?? 0));
        return sendRejection(reply, state, { code: 'UAG_ERR_CIRCUIT_OPEN', headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) } });
      }
      const mayRetry = () => {
        if (retry === undefined || retriesDone >= retry.config.attempts || state.clientGone) return false;
        if (retry.budget.trySpend()) return true;
        metrics.retryBudgetExhausted.inc({ route: route.name });
        return false;
      };

      if (upload !== undefined && body === null) {
        if (!upstream.uploads.tryAcquire()) {
          upstream.breaker?.record('ignored');
          reply.headers({ 'retry-after': '1', connection: 'close' });
          return sendError(reply, state, 'UAG_ERR_UPLOADS_BUSY');
        }
        body = upload.stream(() => upstream.uploads.release());
      }
      const upstreamPathOnly = upstreamPath(route, upstream, admitted.path, '');
      const clientSpan =
        serverSpan === undefined
          ? undefined
          : tracer!.startUpstreamAttempt(state.trace!, `${method} ${route.name} upstream`, {
              method,
              hostname: upstream.hostname,
              port: upstream.port,
              url: upstream.origin + upstreamPathOnly,
              retriesDone,
            });
      if (state.trace !== undefined) headers.traceparent = tracer!.traceparentFor(state.trace, clientSpan);

      if (state.clientGone) return answerGoneClient(reply);
      const attemptStartedAt = performance.now();
      const exchange = UpstreamExchange.start(upstream.pool, {
        origin: upstream.origin,
        method: method as 'GET',
        path: upstreamPathOnly + admitted.query,
        headers,
        body,
        headersTimeout: tryTimeoutMs,
        bodyTimeout: config.timeoutMs,
      });
      state.exchange = exchange;
      upload?.sentWith(exchange);
      let head: UpstreamResponseHead;
      try {
        head = await exchange.head;
      } catch (error) {
        const bodyFailure = upload?.failure;
        const failure = bodyFailure === 'upstream-timeout' ? UPSTREAM_DEADLINE : classifyUpstreamError(error);
        // Neither a client that left or sent a bad body nor a request the gateway could not build says anything about the upstream.
        const upstreamAtFault = failure.blamesUpstream && !state.clientGone && (bodyFailure === undefined || bodyFailure === 'upstream-timeout');
        upstream.breaker?.record(upstreamAtFault ? 'failure' : 'ignored');
        if (upstreamAtFault) {
          const attemptSeconds = secondsSince(attemptStartedAt);
          metrics.observeUpstream(route.name, failure.outcome, attemptSeconds);
          upstream.traffic.record(true, attemptSeconds);
        }
        if (clientSpan !== undefined) tracer!.attemptFailed(clientSpan, error, bodyFailure ?? failure.outcome);
        if (bodyFailure !== undefined && bodyFailure !== 'upstream-timeout') return answerBodyFailure(reply, state, bodyFailure, config.maxBodyBytes);
        if (state.clientGone) return answerGoneClient(reply);
        if (!failure.blamesUpstream) {
          logger.error({ route: route.name, upstream: upstream.origin, err: error, request_id: state.requestId }, 'upstream request could not be built');
          return sendError(reply, state, failure.code);
        }
        logger.warn({ route: route.name, upstream: upstream.origin, outcome: failure.outcome, err: error, request_id: state.requestId }, 'upstream request failed');
        if (RETRYABLE_OUTCOMES.has(failure.outcome) && mayRetry()) {
          await pauseBeforeRetry(route, retry!.config, retriesDone);
          if (state.clientGone) return answerGoneClient(reply);
          continue;
        }
        return sendError(reply, state, failure.code);
      }

      const attemptSeconds = secondsSince(attemptStartedAt);
      metrics.observeUpstream(route.name, 'success', attemptSeconds);
      upload?.upstreamAnswered();
      const status = head.statusCode;
      upstream.traffic.record(status >= 500, attemptSeconds);
      upstream.breaker?.record(status >= 500 ? 'failure' : 'success');
      if (clientSpan !== undefined) tracer!.answered(clientSpan, status);
      if (RETRYABLE_STATUSES.has(status) && mayRetry()) {
        await exchange.discard();
        clientSpan?.end();
        await pauseBeforeRetry(route, retry!.config, retriesDone);
        if (state.clientGone) return answerGoneClient(reply);
        continue;
      }
      // From here the answer is written straight to the socket: Fastify's reply pipeline
      // (serialisation, onSend, stream piping) has nothing left to do for a proxied body.
      const responseHeaders = endToEndHeaders(head.headers as Record<string, string | string[] | undefined>, status === 204 ? NO_CONTENT_HEADERS : undefined);
      if (defaultHeaders !== undefined) addMissingHeaders(responseHeaders, defaultHeaders);
      if (answerHeaders !== undefined) mergeAnswerHeaders(responseHeaders, answerHeaders);
      responseHeaders[REQUEST_ID_HEADER] = state.requestId;
      if (lifecycle.draining) responseHeaders.connection = 'close';
      reply.hijack();
      reply.raw.writeHead(status, responseHeaders);
      try {
        state.responseBytes = await exchange.pipeTo(reply.raw);
        if (exchange.bodylessWithLength) {
          logger.debug({ route: route.name, upstream: upstream.origin, status, request_id: state.requestId }, 'upstream answered without a body but with Content-Length; relayed, its connection closed');
        }
      } catch (error) {
        // Headers are out: all that is left is to cut the connection so the client sees a truncated body.
        if (!state.clientGone) logger.warn({ route: route.name, upstream: upstream.origin, err: error, request_id: state.requestId }, 'upstream body failed mid-response');
        reply.raw.destroy();
      } finally {
        clientSpan?.end();
      }
      return reply;
    }
  }

  /** The client is gone; there is nobody to answer (the access record counts it as 499). */
  function answerGoneClient(reply: FastifyReply): FastifyReply {
    reply.code(CLIENT_CLOSED_REQUEST);
    return reply.send();
  }

  /** The next target whose breaker lets a request through; undefined when every one is open. */
  function pickTarget(variant: VariantRuntime): RouteTarget | undefined {
    for (let tries = 0; tries < variant.targets.items.length; tries++) {
      const candidate = variant.targets.pick();
      if (candidate.breaker === undefined || candidate.breaker.tryAcquire()) return candidate;
    }
    return undefined;
  }

  async function pauseBeforeRetry(route: RouteRuntime, config: RetryConfig, retriesDone: number): Promise<void> {
    metrics.upstreamRetries.inc({ route: route.name });
    const delay = backoffDelayMs(retriesDone, config.backoffBaseMs, config.backoffMaxMs);
    if (delay > 0) await sleep(delay);
  }

  function answerBodyFailure(reply: FastifyReply, state: ExchangeState, failure: BodyFailure, maxBodyBytes: number): FastifyReply {
    if (failure === 'client-gone') return answerGoneClient(reply);
    if (failure === 'upstream-timeout') return sendError(reply, state, 'UAG_ERR_UPSTREAM_TIMEOUT');
    // The rest of the body is still on the connection: it cannot carry another request.
    reply.header('connection', 'close');
    if (failure === 'too-large') return sendError(reply, state, 'UAG_ERR_BODY_TOO_LARGE', `limit is ${maxBodyBytes} bytes`);
    return sendError(reply, state, 'UAG_ERR_BODY_TIMEOUT');
  }

  /** An answer before any route is known carries the gateway's default security headers. */
  function sendUnroutedError(reply: FastifyReply, state: ExchangeState, code: GatewayErrorCode, detail?: string): FastifyReply {
    reply.headers(GATEWAY_SECURITY_HEADERS);
    return sendError(reply, state, code, detail);
  }

  function sendRejection(reply: FastifyReply, state: ExchangeState, rejection: Rejection): FastifyReply {
    if (rejection.headers !== undefined) reply.headers(rejection.headers);
    return sendError(reply, state, rejection.code, rejection.detail);
  }

  function sendError(reply: FastifyReply, state: ExchangeState, code: GatewayErrorCode, detail?: string): FastifyReply {
    return sendGatewayError(reply, state.requestId, code, detail, lifecycle.draining);
  }

  return (_error, request, reply) => {
    beginExchange(request, reply);
    proxy(request, reply).catch((error: unknown) => reply.send(error));
  };
}

function contentLength(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
