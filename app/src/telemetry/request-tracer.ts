import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, isSpanContextValid, trace, type Attributes, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import { TRACE_PARENT_HEADER, TRACE_STATE_HEADER, TraceState, parseTraceParent } from '@opentelemetry/core';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { TraceIds } from './trace-ids';

export interface RequestTracerOptions {
  /** Chooses the requests that are recorded: the sampler `OTEL_TRACES_SAMPLER` names. */
  readonly sampler: Sampler;
  /**
   * Records the chosen requests. Its provider must draw ids from `ids` and record every span it
   * is asked for (the choice has been made by then).
   */
  readonly tracer: Tracer;
  readonly ids: TraceIds;
}

/** Where one upstream attempt goes, for its client span. */
export interface AttemptTarget {
  readonly method: string;
  readonly hostname: string;
  readonly port: number;
  /** Origin and path, never the query: it may carry secrets the gateway cannot recognise. */
  readonly url: string;
  /** Tries before this one; 0 for the first. */
  readonly retriesDone: number;
}

/** One request's place in a trace. */
export interface RequestTrace {
  readonly traceId: string;
  /** The gateway's span for the request: the server span's id when the request is recorded. */
  readonly spanId: string;
  /** The server span; only recorded requests have one. */
  readonly span: Span | undefined;
}

/**
 * Joins each request to its caller's trace (W3C trace context) or starts one, and samples it
 * before any span exists. Most requests are not sampled, and for those the SDK is never
 * involved: they cost two random ids and a `traceparent` string, where a non-recording SDK span
 * costs a context, id validation and a propagator round trip (about 5 µs of CPU per request under
 * load, measured on the bench). Recorded requests get real SDK spans with the same ids.
 *
 * Everything that touches a span lives here, so that the OpenTelemetry packages are loaded with
 * this module, which `startTracing` imports only when tracing is configured.
 */
export class RequestTracer {
  constructor(private readonly options: RequestTracerOptions) {}

  begin(headers: IncomingHttpHeaders, name: string): RequestTrace {
    const { sampler, tracer, ids } = this.options;
    const parent = remoteParent(headers);
    const parentContext = parent === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, parent);
    const traceId = parent?.traceId ?? ids.newTraceId();
    const { decision } = sampler.shouldSample(parentContext, traceId, name, SpanKind.SERVER, {}, []);
    if (decision === SamplingDecision.NOT_RECORD) return { traceId, spanId: ids.newSpanId(), span: undefined };
    const start = () => tracer.startSpan(name, { kind: SpanKind.SERVER }, parentContext);
    const span = parent === undefined ? ids.adoptingTraceId(traceId, start) : start();
    return { traceId, spanId: span.spanContext().spanId, span };
  }

  /** The client span of one upstream attempt of a recorded request. */
  startAttempt(server: Span, name: string, attributes: Attributes): Span {
    return this.options.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, trace.setSpan(ROOT_CONTEXT, server));
  }

  /** What the server span of a recorded request knows on arrival. */
  arrived(request: RequestTrace, method: string | undefined, clientIp: string, requestId: string): void {
    request.span?.setAttributes({ [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_CLIENT_ADDRESS]: clientIp, 'uag.request_id': requestId });
  }

  /** Names the server span after the route it matched. */
  routed(request: RequestTrace, name: string, pathPrefix: string, path: string): void {
    if (request.span === undefined) return;
    request.span.updateName(name);
    request.span.setAttributes({ [ATTR_HTTP_ROUTE]: pathPrefix, [ATTR_URL_PATH]: path });
  }

  /** The client span of an upstream attempt, for recorded requests only. */
  startUpstreamAttempt(request: RequestTrace, name: string, target: AttemptTarget): Span | undefined {
    if (request.span === undefined) return undefined;
    return this.startAttempt(request.span, name, {
      [ATTR_HTTP_REQUEST_METHOD]: target.method,
      [ATTR_SERVER_ADDRESS]: target.hostname,
      [ATTR_SERVER_PORT]: target.port,
      [ATTR_URL_FULL]: target.url,
      // Semantic conventions: set on resends only.
      ...(target.retriesDone > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: target.retriesDone } : {}),
    });
  }

  attemptFailed(attempt: Span, error: unknown, outcome: string): void {
    attempt.recordException(error as Error);
    attempt.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    attempt.end();
  }

  /** A span (server or attempt) gets the status it answered with; 5xx marks it failed. */
  answered(span: Span, status: number): void {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }

  /**
   * The `traceparent` sent upstream: under the attempt's client span when the request is
   * recorded, under the gateway's span id otherwise, so the upstream joins the trace and follows
   * the decision. The caller's `tracestate` travels on unchanged as an ordinary header.
   */
  traceparentFor(request: RequestTrace, attempt: Span | undefined): string {
    const context = (attempt ?? request.span)?.spanContext();
    const sampled = context !== undefined && (context.traceFlags & TraceFlags.SAMPLED) !== 0;
    return `00-${request.traceId}-${context?.spanId ?? request.spanId}-${sampled ? '01' : '00'}`;
  }
}

/** The caller's span from a valid `traceparent` (and its `tracestate`); anything else starts a new trace. */
function remoteParent(headers: IncomingHttpHeaders): SpanContext | undefined {
  const header = headers[TRACE_PARENT_HEADER];
  if (typeof header !== 'string') return undefined;
  const parsed = parseTraceParent(header);
  if (parsed === null || !isSpanContextValid(parsed)) return undefined;
  const state = headers[TRACE_STATE_HEADER];
  return { ...parsed, isRemote: true, traceState: state === undefined ? undefined : new TraceState(Array.isArray(state) ? state.join(',') : state) };
}
