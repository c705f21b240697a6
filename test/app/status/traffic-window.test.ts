import { LATENCY_BUCKETS_SECONDS } from '../../../app/src/contract';
import type { TrafficTotals } from '../../../app/src/telemetry/gateway-metrics';
import { TRAFFIC_SAMPLE_INTERVAL_MS, TRAFFIC_WINDOW_MS, TrafficWindow, quantile } from '../../../app/src/status/traffic-window';

/** Bucket counts with `count` observations in the bucket whose upper bound is `bound` (Infinity: above all). */
function buckets(entries: readonly [bound: number, count: number][]): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0);
  for (const [bound, count] of entries) {
    const index = bound === Infinity ? LATENCY_BUCKETS_SECONDS.length : LATENCY_BUCKETS_SECONDS.indexOf(bound as never);
    counts[index]! += count;
  }
  return counts;
}

describe('quantile', () => {
  it('interpolates within the bucket the rank falls in, as histogram_quantile does', () => {
    // 100 observations: 90 up to 10 ms, 10 in (10 ms, 25 ms]; rank 95 is half-way through the second bucket.
    expect(quantile(0.95, buckets([[0.01, 90], [0.025, 10]]))).toBeCloseTo(0.0175, 10);
    // All in the first bucket: from 0 to its bound.
    expect(quantile(0.5, buckets([[0.001, 4]]))).toBeCloseTo(0.0005, 10);
  });

  it('answers the highest bound when the rank is above every bound, and null without observations', () => {
    expect(quantile(0.95, buckets([[0.01, 1], [Infinity, 99]]))).toBe(10);
    expect(quantile(0.95, buckets([]))).toBeNull();
  });
});

describe('TrafficWindow', () => {
  test('rates, error shares and p95 span the last minute, and a name that appears later counts from zero', () => {
    let now = 1_000_000;
    const totals = new Map<string, TrafficTotals>([['users', { requests: 0, errors: 0, buckets: buckets([]) }]]);
    const window = new TrafficWindow(() => totals, () => now);
    jest.useFakeTimers({ now });
    try {
      window.start();
      // Two minutes of 10 requests/s to users, 1 in 10 failing; a route added after the first minute.
      for (let tick = 1; tick <= 24; tick++) {
        now += TRAFFIC_SAMPLE_INTERVAL_MS;
        const users = totals.get('users')!;
        users.requests += 50;
        users.errors += 5;
        users.buckets[LATENCY_BUCKETS_SECONDS.indexOf(0.005 as never)]! += 50;
        if (tick === 15) totals.set('orders', { requests: 0, errors: 0, buckets: buckets([]) });
        if (tick > 15) totals.get('orders')!.requests += 5;
        jest.advanceTimersByTime(TRAFFIC_SAMPLE_INTERVAL_MS);
      }
      const live = window.live();
      expect(live.windowSeconds).toBe(TRAFFIC_WINDOW_MS / 1000);
      expect(live.byName.get('users')!.requestsPerSecond).toBeCloseTo(10, 10);
      expect(live.byName.get('users')!.errorRatio).toBeCloseTo(0.1, 10);
      expect(live.byName.get('users')!.p95Seconds).toBeGreaterThan(0.0025);
      expect(live.byName.get('users')!.p95Seconds).toBeLessThanOrEqual(0.005);
      expect(live.byName.get('orders')!.requestsPerSecond).toBeCloseTo(45 / 60, 10);
    } finally {
      window.stop();
      jest.useRealTimers();
    }
  });
});
