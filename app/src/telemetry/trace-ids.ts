import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/** Random bytes fetched per refill: 128 trace ids' worth, so the CSPRNG is asked rarely. */
const POOL_BYTES = 4096;
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;

/**
 * W3C trace and span ids for the gateway and for the SDK that records its sampled spans.
 *
 * The gateway decides sampling on a trace id before any span exists (most requests never get
 * one). When the decision is to record a request that starts a trace, `adoptingTraceId` makes
 * the SDK's span carry that very id, so the recorded trace is the one the ratio sampler chose and
 * the one already named in the access log.
 */
export class TraceIds implements IdGenerator {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;
  private adopted: string | undefined;

  newTraceId(): string {
    return this.nonZeroHex(TRACE_ID_BYTES);
  }

  newSpanId(): string {
    return this.nonZeroHex(SPAN_ID_BYTES);
  }

  /** Runs `start` (which starts one root span) with `traceId` as the id the SDK draws. */
  adoptingTraceId<T>(traceId: string, start: () => T): T {
    this.adopted = traceId;
    try {
      return start();
    } finally {
      this.adopted = undefined;
    }
  }

  /** IdGenerator, called by the SDK for root spans. */
  generateTraceId(): string {
    const adopted = this.adopted;
    this.adopted = undefined;
    return adopted ?? this.newTraceId();
  }

  /** IdGenerator, called by the SDK for every span. */
  generateSpanId(): string {
    return this.newSpanId();
  }

  /** All-zero ids are invalid in W3C trace context; redraw in that (2^-64 at worst) case. */
  private nonZeroHex(bytes: number): string {
    for (;;) {
      if (this.offset + bytes > POOL_BYTES) {
        randomFillSync(this.pool);
        this.offset = 0;
      }
      const start = this.offset;
      this.offset += bytes;
      for (let index = start; index < start + bytes; index++) {
        if (this.pool[index] !== 0) return this.pool.toString('hex', start, start + bytes);
      }
    }
  }
}
