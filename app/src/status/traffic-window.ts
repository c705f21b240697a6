import { LATENCY_BUCKETS_SECONDS } from '../contract';
import type { TrafficTotals } from '../telemetry/gateway-metrics';
import { copyTotals } from './traffic-totals';

/** How often cumulative counts are sampled; rates are over the last minute at this resolution. */
export const TRAFFIC_SAMPLE_INTERVAL_MS = 5000;
export const TRAFFIC_WINDOW_MS = 60_000;

/** One route's or upstream's traffic over the window. */
export interface LiveTraffic {
  readonly requestsPerSecond: number;
  /** Share of requests that failed (5xx, or no upstream answer); null without requests. */
  readonly errorRatio: number | null;
  /** 95th percentile latency, interpolated in its histogram bucket as histogram_quantile does; null without requests. */
  readonly p95Seconds: number | null;
}

/** Cumulative totals by name: routes, or upstream origins. */
export type TrafficReading = ReadonlyMap<string, TrafficTotals>;

interface Sample {
  readonly at: number;
  readonly totals: ReadonlyMap<string, TrafficTotals>;
}

/**
 * Rates over the last minute from cumulative counts that requests already keep: a timer copies
 * them every few seconds, and a reading compares the counts now with the oldest copy inside the
 * window. Nothing is added to a request; names that stop appearing drop out with their samples.
 */
export class TrafficWindow {
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => TrafficReading,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), TRAFFIC_SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Traffic per name since the oldest sample within the window (or since the first, for a younger gateway). */
  live(): { readonly windowSeconds: number; readonly byName: ReadonlyMap<string, LiveTraffic> } {
    const now = this.now();
    const base = this.samples.find((sample) => sample.at >= now - TRAFFIC_WINDOW_MS) ?? this.samples[this.samples.length - 1];
    const seconds = base === undefined ? 0 : (now - base.at) / 1000;
    const byName = new Map<string, LiveTraffic>();
    for (const [name, totals] of this.read()) byName.set(name, liveTraffic(totals, base?.totals.get(name), seconds));
    return { windowSeconds: seconds, byName };
  }

  private sample(): void {
    const now = this.now();
    const totals = new Map<string, TrafficTotals>();
    for (const [name, value] of this.read()) totals.set(name, copyTotals(value));
    this.samples.push({ at: now, totals });
    // Keep one sample at or before the window's start, so a reading always spans the full minute.
    while (this.samples.length > 1 && this.samples[1]!.at <= now - TRAFFIC_WINDOW_MS) this.samples.shift();
  }
}

function liveTraffic(now: TrafficTotals, before: TrafficTotals | undefined, seconds: number): LiveTraffic {
  const requests = now.requests - (before?.requests ?? 0);
  const errors = now.errors - (before?.errors ?? 0);
  const buckets = now.buckets.map((count, index) => count - (before?.buckets[index] ?? 0));
  return {
    requestsPerSecond: seconds > 0 ? requests / seconds : 0,
    errorRatio: requests > 0 ? errors / requests : null,
    p95Seconds: quantile(0.95, buckets),
  };
}

/**
 * The `q` quantile of observations counted per bucket (the last above every bound): linear within
 * the bucket the rank falls in, and the highest bound when it falls above it, as Prometheus'
 * histogram_quantile answers.
 */
export function quantile(q: number, buckets: readonly number[]): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index]!;
    if (seen + count >= rank && count > 0) {
      if (index >= LATENCY_BUCKETS_SECONDS.length) return LATENCY_BUCKETS_SECONDS[LATENCY_BUCKETS_SECONDS.length - 1]!;
      const lower = index === 0 ? 0 : LATENCY_BUCKETS_SECONDS[index - 1]!;
      const upper = LATENCY_BUCKETS_SECONDS[index]!;
      return lower + (upper - lower) * ((rank - seen) / count);
    }
    seen += count;
  }
  return LATENCY_BUCKETS_SECONDS[LATENCY_BUCKETS_SECONDS.length - 1]!;
}
