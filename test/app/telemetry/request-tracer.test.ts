import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TRACE_SAMPLERS } from '../../../app/src/contract';
import { RequestTracer } from '../../../app/src/telemetry/request-tracer';
import { TraceIds } from '../../../app/src/telemetry/trace-ids';
import { samplerFor } from '../../../app/src/telemetry/tracing-sdk';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

function setup(sampler: (typeof TRACE_SAMPLERS)[number], ratio = 1) {
  const exporter = new InMemorySpanExporter();
  const ids = new TraceIds();
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), idGenerator: ids, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = new RequestTracer({ sampler: samplerFor({ OTEL_TRACES_SAMPLER: sampler, OTEL_TRACES_SAMPLER_ARG: ratio }), tracer: provider.getTracer('test'), ids });
  const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
  return { tracer, finished };
}

describe('RequestTracer', () => {
  it('continues a sampled caller: a server span under the caller, tracestate kept, sent on under the attempt', () => {
    const { tracer, finished } = setup('parentbased_traceidratio', 0);
    const request = tracer.begin({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, tracestate: 'vendor=abc' }, 'GET users');
    expect(request.traceId).toBe(CALLER_TRACE);
    const attempt = tracer.startAttempt(request.span!, 'GET users upstream', { 'http.request.method': 'GET' });
    expect(tracer.traceparentFor(request, attempt)).toBe(`00-${CALLER_TRACE}-${attempt.spanContext().spanId}-01`);
    attempt.end();
    request.span!.end();
    const [client, server] = finished();
    expect(server!.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(server!.spanContext()).toMatchObject({ traceId: CALLER_TRACE, spanId: request.spanId });
    expect(server!.spanContext().traceState?.serialize()).toBe('vendor=abc');
    expect(client!.parentSpanContext?.spanId).toBe(request.spanId);
  });

  it('follows an unsampled caller without a span, passing the trace on unsampled under its own span id', () => {
    const { tracer, finished } = setup('parentbased_always_on');
    const request = tracer.begin({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-00` }, 'GET users');
    expect(request.span).toBeUndefined();
    expect(request.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(request.spanId).not.toBe(CALLER_SPAN);
    expect(tracer.traceparentFor(request, undefined)).toBe(`00-${CALLER_TRACE}-${request.spanId}-00`);
    expect(finished()).toHaveLength(0);
  });

  it.each(['00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'garbage', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'])(
    'starts a new trace when traceparent is invalid (%s)',
    (traceparent) => {
      const { tracer, finished } = setup('parentbased_always_on');
      const request = tracer.begin({ traceparent }, 'GET users');
      expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(request.traceId).not.toBe(CALLER_TRACE);
      request.span!.end();
      expect(finished()[0]!.parentSpanContext).toBeUndefined();
    },
  );

  it('samples new traces on their own trace id, and a recorded span carries that id', () => {
    const { tracer, finished } = setup('parentbased_traceidratio', 0.5);
    const ratioSampler = samplerFor({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 0.5 });
    const requests = Array.from({ length: 400 }, () => tracer.begin({}, 'GET users'));
    for (const request of requests) {
      const sampled = ratioSampler.shouldSample(ROOT_CONTEXT, request.traceId, 'GET users', SpanKind.SERVER, {}, []).decision !== SamplingDecision.NOT_RECORD;
      expect([request.traceId, request.span !== undefined]).toEqual([request.traceId, sampled]);
      request.span?.end();
    }
    const recorded = requests.filter((request) => request.span !== undefined);
    expect(recorded.length).toBeGreaterThan(120);
    expect(recorded.length).toBeLessThan(280);
    expect(finished().map((span) => span.spanContext().traceId)).toEqual(recorded.map((request) => request.traceId));
    for (const request of recorded) expect(tracer.traceparentFor(request, undefined)).toBe(`00-${request.traceId}-${request.spanId}-01`);
  });
});
