import { performance } from 'node:perf_hooks';
import { Transform, pipeline, type Readable } from 'node:stream';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS, HTTP_METHODS, UNMATCHED_ROUTE, type GatewayErrorBody, type GatewayErrorCode } from '../contract';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import { Router } from '../routing/router';
import { normalizeTarget } from '../routing/normalize-path';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import { limitBody } from './body-limit';
import { forwardedHeaders, type TrustFunction } from './forwarding';
import { endToEndHeaders } from './hop-by-hop';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';
import { upstreamPath, type RouteRuntime } from './route-runtime';
import { classifyUpstreamError } from './upstream-errors';

export interface ProxyDependencies {
  readonly routes: readonly RouteRuntime[];
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly lifecycle: LifecycleState;
  readonly trust: TrustFunction;
  /** Create spans and inject trace context; when false, `traceparent` passes through untouched. */
  readonly tracingEnabled: boolean;
}

/** Per-request bookkeeping shared by the handler and the response hook. */
interface ExchangeState {
  requestId: string;
  route: string;
  path: string;
  span: Span | undefined;
  spanContext: Context;
  responseBytes: number | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    uag: ExchangeState;
  }
}

const TRACER_NAME = 'unified-access-gateway';
/** Identity or routing hints that must not leak from the client to the upstream as-is. */
const REPLACED_REQUEST_HEADERS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', REQUEST_ID_HEADER]);

/** Registers the catch-all proxy route, its per-request state and its access log on `app`. */
export function createProxyHandler(app: FastifyInstance, deps: ProxyDependencies): void {
  const { metrics, logger, lifecycle, trust, tracingEnabled } = deps;
  const router = new Router(deps.routes);
  const tracer = trace.getTracer(TRACER_NAME);

  app.decorateRequest('uag', null as unknown as ExchangeState);

  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    const requestId = requestIdFrom(raw.headers[REQUEST_ID_HEADER]);
    let span: Span | undefined;
    let spanContext = ROOT_CONTEXT;
    if (tracingEnabled) {
      const parent = propagation.extract(ROOT_CONTEXT, raw.headers);
      span = tracer.startSpan(
        `${raw.method} ${UNMATCHED_ROUTE}`,
        { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: raw.method, [ATTR_CLIENT_ADDRESS]: request.ip, 'uag.request_id': requestId } },
        parent,
      );
      spanContext = trace.setSpan(parent, span);
    }
    request.uag = { requestId, route: UNMATCHED_ROUTE, path: raw.url ?? '/', span, spanContext, responseBytes: undefined };
    reply.header(REQUEST_ID_HEADER, requestId);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const state = request.uag;
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest('http', state.route, request.raw.method ?? 'GET', status, seconds);
    const spanFields: Record<string, string> = {};
    if (state.span !== undefined) {
      state.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) state.span.setStatus({ code: SpanStatusCode.ERROR });
      const ctx = state.span.spanContext();
      spanFields.trace_id = ctx.traceId;
      spanFields.span_id = ctx.spanId;
      state.span.end();
    }
    if (!reply.raw.writableFinished) spanFields.aborted = 'client closed before the response finished';
    logger.info(
      {
        msg: 'access',
        method: request.raw.method,
        route: state.route,
        path: state.path,
        status,
        duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
        bytes: state.responseBytes ?? contentLength(reply.getHeader('content-length')),
        client_ip: request.ip,
        request_id: state.requestId,
        ...spanFields,
      },
    );
    done();
  });

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
    const found = router.lookup(method, target.path, raw.headers.host);
    if (found.kind === 'no-route') return sendError(reply, state, 'UAG_ERR_NO_ROUTE');
    if (found.kind === 'method-not-allowed') {
      reply.header('allow', found.allowed.join(', '));
      return sendError(reply, state, 'UAG_ERR_METHOD_NOT_ALLOWED');
    }
    const route = found.route;
    const config = route.config;
    state.route = route.name;
    state.span?.updateName(`${method} ${route.name}`);
    state.span?.setAttributes({ [ATTR_HTTP_ROUTE]: config.match.pathPrefix, [ATTR_URL_PATH]: target.path, 'uag.route': route.name });

    const declaredLength = raw.headers['content-length'];
    if (declaredLength !== undefined && Number(declaredLength) > config.maxBodyBytes) {
      reply.header('connection', 'close');
      return sendError(reply, state, 'UAG_ERR_BODY_TOO_LARGE', `limit is ${config.maxBodyBytes} bytes`);
    }

    const upstream = route.targets.pick();
    const headers = endToEndHeaders(raw.headers, REPLACED_REQUEST_HEADERS);
    Object.assign(
      headers,
      forwardedHeaders(
        {
          peerAddress: raw.socket.remoteAddress ?? '',
          host: raw.headers.host,
          incomingFor: raw.headers['x-forwarded-for'],
          incomingProto: raw.headers['x-forwarded-proto'],
          incomingHost: raw.headers['x-forwarded-host'],
        },
        trust,
      ),
    );
    headers[REQUEST_ID_HEADER] = state.requestId;
    if (!config.preserveHost) delete headers.host;

    let bodyTooLarge = false;
    const hasBody = declaredLength !== undefined ? Number(declaredLength) > 0 : raw.headers['transfer-encoding'] !== undefined;
    const body = !hasBody
      ? null
      : declaredLength !== undefined
        ? raw
        : limitBody(raw, config.maxBodyBytes, () => {
            bodyTooLarge = true;
          });

    let clientSpan: Span | undefined;
    if (state.span !== undefined) {
      clientSpan = tracer.startSpan(
        `${method} ${route.name} upstream`,
        { kind: SpanKind.CLIENT, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_SERVER_ADDRESS]: upstream.origin, [ATTR_URL_FULL]: upstream.origin + target.path } },
        state.spanContext,
      );
      propagation.inject(trace.setSpan(state.spanContext, clientSpan), headers);
    }

    const abort = new AbortController();
    const onClientGone = () => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.once('close', onClientGone);

    const startedAt = performance.now();
    try {
      const response = await upstream.pool.request({
        method: method as 'GET',
        path: upstreamPath(route, upstream, target.path, target.query),
        headers,
        body,
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
        signal: abort.signal,
      });
      metrics.observeUpstream(route.name, 'success', (performance.now() - startedAt) / 1000);
      if (clientSpan !== undefined) {
        clientSpan.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
        if (response.statusCode >= 500) clientSpan.setStatus({ code: SpanStatusCode.ERROR });
        const span = clientSpan;
        response.body.once('close', () => span.end());
      }
      const responseHeaders = endToEndHeaders(response.headers as Record<string, string | string[] | undefined>);
      const payload = responseHeaders['content-length'] === undefined ? countingStream(response.body, state) : response.body;
      if (lifecycle.draining) responseHeaders.connection = 'close';
      reply.code(response.statusCode);
      reply.headers(responseHeaders);
      return reply.send(payload);
    } catch (error) {
      if (bodyTooLarge) {
        clientSpan?.end();
        reply.header('connection', 'close');
        return sendError(reply, state, 'UAG_ERR_BODY_TOO_LARGE', `limit is ${config.maxBodyBytes} bytes`);
      }
      const failure = classifyUpstreamError(error);
      metrics.observeUpstream(route.name, failure.outcome, (performance.now() - startedAt) / 1000);
      if (clientSpan !== undefined) {
        clientSpan.recordException(error as Error);
        clientSpan.setStatus({ code: SpanStatusCode.ERROR, message: failure.outcome });
        clientSpan.end();
      }
      if (abort.signal.aborted) {
        // The client is gone; there is nobody to answer. 499 in the log, as nginx does.
        reply.code(499);
        return reply.send();
      }
      logger.warn({ route: route.name, upstream: upstream.origin, outcome: failure.outcome, err: error, request_id: state.requestId }, 'upstream request failed');
      return sendError(reply, state, failure.code);
    } finally {
      reply.raw.removeListener('close', onClientGone);
    }
  }

  function sendError(reply: FastifyReply, state: ExchangeState, code: GatewayErrorCode, detail?: string): FastifyReply {
    const { status, message } = GATEWAY_ERRORS[code];
    const body: GatewayErrorBody = { error: { code, message: detail === undefined ? message : `${message}: ${detail}`, requestId: state.requestId } };
    if (lifecycle.draining) reply.header('connection', 'close');
    return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }
}

/** For responses of unknown length, so the access log can still report bytes sent. */
function countingStream(source: Readable, state: ExchangeState): Readable {
  state.responseBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      state.responseBytes! += chunk.length;
      callback(null, chunk);
    },
  });
  // pipeline, not pipe: a client that goes away must also tear down the upstream body.
  pipeline(source, counter, () => undefined);
  return counter;
}

function contentLength(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
