import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { samplerFor } from '../../../app/src/telemetry/tracing-sdk';

/** Fixed, well-spread ids: the ratio sampler decides from the bits of the trace id. */
const TRACE_IDS = Array.from({ length: 2000 }, (_, i) => createHash('sha256').update(String(i)).digest('hex').slice(0, 32));

function withParent(sampled: boolean): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

function sampledShare(sampler: ReturnType<typeof samplerFor>): number {
  const kept = TRACE_IDS.filter(
    (traceId) => sampler.shouldSample(ROOT_CONTEXT, traceId, 'GET users', SpanKind.SERVER, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED,
  );
  return kept.length / TRACE_IDS.length;
}

describe('samplerFor', () => {
  it('by default follows a sampled or unsampled caller and samples about the ratio of new traces', () => {
    const sampler = samplerFor({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: 0.1 });
    const decide = (ctx: Context) => sampler.shouldSample(ctx, '0af7651916cd43dd8448eb211c80319c', 'GET', SpanKind.SERVER, {}, []).decision;
    expect(decide(withParent(true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(withParent(false))).toBe(SamplingDecision.NOT_RECORD);
    const share = sampledShare(sampler);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.15);
  });

  it.each([
    ['always_on', 1],
    ['always_off', 0],
    ['parentbased_always_on', 1],
    ['parentbased_always_off', 0],
  ] as const)('%s samples a share of %d of new traces', (name, share) => {
    expect(sampledShare(samplerFor({ OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: 0.5 }))).toBe(share);
  });

  it('traceidratio ignores the caller and applies the ratio', () => {
    const share = sampledShare(samplerFor({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 0.5 }));
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });
});
