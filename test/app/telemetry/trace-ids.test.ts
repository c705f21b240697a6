import { TraceIds } from '../../../app/src/telemetry/trace-ids';

describe('TraceIds', () => {
  it('draws distinct, well-formed W3C trace and span ids across pool refills', () => {
    const ids = new TraceIds();
    const traceIds = Array.from({ length: 1000 }, () => ids.newTraceId());
    const spanIds = Array.from({ length: 1000 }, () => ids.newSpanId());
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(traceIds).size).toBe(traceIds.length);
    expect(new Set(spanIds).size).toBe(spanIds.length);
    expect(traceIds).not.toContain('0'.repeat(32));
  });

  it('hands an adopted trace id to the one root span started inside, and only to it', () => {
    const ids = new TraceIds();
    const adopted = '4bf92f3577b34da6a3ce929d0e0e4736';
    const drawn = ids.adoptingTraceId(adopted, () => [ids.generateTraceId(), ids.generateTraceId()]);
    expect(drawn[0]).toBe(adopted);
    expect(drawn[1]).not.toBe(adopted);
    expect(ids.generateTraceId()).not.toBe(adopted);
  });

  it('drops the adoption when the start throws', () => {
    const ids = new TraceIds();
    const adopted = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(() =>
      ids.adoptingTraceId(adopted, () => {
        throw new Error('start failed');
      }),
    ).toThrow('start failed');
    expect(ids.generateTraceId()).not.toBe(adopted);
  });
});
