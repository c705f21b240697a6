import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Identity } from '../auth/identity';
import { HTTP_METHODS, NO_VARIANT, UNMATCHED_ROUTE, type GatewayErrorCode, type RetryConfig, type UpstreamOutcome } from '../contract';
import { runGuards, type GuardContext, type Rejection } from '../edge/request-guard';
import { backoffDelayMs } from '../resilience/retry-budget';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import type { ActiveRoutes, CompiledRoutes } from '../routing/active-routes';
import { normalizeTarget } from '../routing/normalize-path';
import { secondsSince } from '../telemetry/elapsed';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import type { RequestTrace, RequestTracer } from '../telemetry/request-tracer';
import { limitBody } from './body-limit';
import { forwardedHeadersFor, type TrustFunction } from './forwarding';
import { addAnswerHeaders, addMissingHeaders, mergeAnswerHeaders } from './answer-headers';
import { endToEndHeaders, type HeaderMap } from './hop-by-hop';
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
/** RFC 9110 9.2.2 idempotent methods: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Failures after which the upstream cannot have acted on the request, or said it did not. */
const RETRYABLE_OUTCOMES: ReadonlySet<UpstreamOutcome> = new Set(['connect_error', 'reset', 'timeout']);
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503]);

/** Registers the catch-all proxy route, its per-request state and its access log on `app`. */
export function createProxyHandler(app: FastifyInstance, deps: ProxyDependencies): void {
  const { metrics, logger, lifecycle, trust, tracer, routes: activeRoutes } = deps;
  const accessLog = accessLogFor(logger);

  app.decorateRequest('uag', null as unknown as ExchangeState);

  app.addHook('onRequest', (request, reply, done) => {
    const startedAt = performance.now();
    const raw = request.raw;
    const requestId = requestIdFrom(raw.headers[REQUEST_ID_HEADER]);
    const clientIp = request.ip;
    const trace = tracer?.begin(raw.headers, `${raw.method} ${UNMATCHED_ROUTE}`);
    if (trace !== undefined) tracer!.arrived(trace, raw.method, clientIp, requestId);
    request.uag = { requestId, route: UNMATCHED_ROUTE, variant: NO_VARIANT, path: raw.url ?? '/', trace, responseBytes: undefined, clientIp, exchange: undefined, clientGone: false, routes: undefined, startedAt };
    reply.header(REQUEST_ID_HEADER, requestId);
    // The response's own close, not Fastify's onResponse: proxied answers are written past Fastify.
    reply.raw.once('close', () => onResponseClosed(request, reply));
    done();
  });

  /** Stops upstream work nobody will receive, then writes the request's metrics, span and access line. */
  function onResponseClosed(request: FastifyRequest, reply: FastifyReply): void {
    const state = request.uag;
    if (state.routes !== undefined) activeRoutes.release(state.routes);
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
    return sendError(reply, request.uag, 'UAG_ERR_METHOD_NOT_ALLOWED');
  });

  async function proxy(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = request.raw;
    const state = request.uag;
    const method = raw.method ?? 'GET';
    if (lifecycle.draining) reply.header('connection', 'close');

    const target = normalizeTarget(raw.url ?? '/');
    if (!target.ok) return sendError(reply, state, 'UAG_ERR_BAD_PATH', target.reason);
    state.path = target.path;
    state.routes = activeRoutes.acquire();
    const found = state.routes.router.lookup(method, target.path, raw.headers.host);
    if (found.kind === 'no-route') return sendError(reply, state, 'UAG_ERR_NO_ROUTE');
    if (found.kind === 'method-not-allowed') {
      reply.header('allow', found.allowed.join(', '));
      return sendError(reply, state, 'UAG_ERR_METHOD_NOT_ALLOWED');
    }
    const route = found.route;
    const config = route.config;
    state.route = route.name;
    // Only sampled requests have a span; the rest skip building attributes nobody would export.
    const serverSpan = state.trace?.span;
    if (serverSpan !== undefined) tracer!.routed(state.trace!, `${method} ${route.name}`, config.match.pathPrefix, target.path);

    const declaredLength = raw.headers['content-length'];
    if (declaredLength !== undefined && Number(declaredLength) > config.maxBodyBytes) {
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

    const forwarded = forwardedHeadersFor(raw, trust);
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

    const headers = endToEndHeaders(raw.headers, route.droppedHeaders);
    Object.assign(headers, forwarded);
    if (identity !== undefined) Object.assign(headers, identity.forwardHeaders);
    headers[REQUEST_ID_HEADER] = state.requestId;

    let bodyTooLarge = false;
    const hasBody = declaredLength !== undefined ? Number(declaredLength) > 0 : raw.headers['transfer-encoding'] !== undefined;
    const body = !hasBody
      ? null
      : declaredLength !== undefined
        ? raw
        : limitBody(raw, config.maxBodyBytes, () => {
            bodyTooLarge = true;
          });

    // Only a request that can be sent again unchanged may be retried: idempotent and bodiless.
    const retry = route.retry !== undefined && !hasBody && IDEMPOTENT_METHODS.has(method) ? route.retry : undefined;
    retry?.budget.recordRequest();
    const tryTimeoutMs = retry === undefined ? config.timeoutMs : Math.min(config.timeoutMs, retry.config.perTryTimeoutMs);

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

      const upstreamPathOnly = upstreamPath(route, upstream, target.path, '');
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
        path: upstreamPathOnly + target.query,
        headers,
        body,
        headersTimeout: tryTimeoutMs,
        bodyTimeout: config.timeoutMs,
      });
      state.exchange = exchange;
      let head: UpstreamResponseHead;
      try {
        head = await exchange.head;
      } catch (error) {
        const failure = classifyUpstreamError(error);
        upstream.breaker?.record(state.clientGone || bodyTooLarge ? 'ignored' : 'failure');
        const attemptSeconds = secondsSince(attemptStartedAt);
        metrics.observeUpstream(route.name, failure.outcome, attemptSeconds);
        // As the breaker judges it: a client that left, or a body over the limit, says nothing of the upstream.
        if (!state.clientGone && !bodyTooLarge) upstream.traffic.record(true, attemptSeconds);
        if (clientSpan !== undefined) tracer!.attemptFailed(clientSpan, error, failure.outcome);
        if (bodyTooLarge) {
          reply.header('connection', 'close');
          return sendError(reply, state, 'UAG_ERR_BODY_TOO_LARGE', `limit is ${config.maxBodyBytes} bytes`);
        }
        if (state.clientGone) return answerGoneClient(reply);
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
      const responseHeaders = endToEndHeaders(head.headers as Record<string, string | string[] | undefined>);
      if (defaultHeaders !== undefined) addMissingHeaders(responseHeaders, defaultHeaders);
      if (answerHeaders !== undefined) mergeAnswerHeaders(responseHeaders, answerHeaders);
      responseHeaders[REQUEST_ID_HEADER] = state.requestId;
      if (lifecycle.draining) responseHeaders.connection = 'close';
      reply.hijack();
      reply.raw.writeHead(status, responseHeaders);
      try {
        state.responseBytes = await exchange.pipeTo(reply.raw);
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

  function sendRejection(reply: FastifyReply, state: ExchangeState, rejection: Rejection): FastifyReply {
    if (rejection.headers !== undefined) reply.headers(rejection.headers);
    return sendError(reply, state, rejection.code, rejection.detail);
  }

  function sendError(reply: FastifyReply, state: ExchangeState, code: GatewayErrorCode, detail?: string): FastifyReply {
    return sendGatewayError(reply, state.requestId, code, detail, lifecycle.draining);
  }
}

function contentLength(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
