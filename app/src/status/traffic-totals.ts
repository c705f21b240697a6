import { LATENCY_BUCKETS_SECONDS } from '../contract';
import type { TrafficTotals } from '../telemetry/gateway-metrics';

/**
 * Attempts sent to one upstream origin since start-up: how many, how many failed (no answer, or
 * a 5xx) and their latency per LATENCY_BUCKETS_SECONDS bucket. Shared by every route that sends
 * there, like the origin's pool; recording costs a bucket search and three additions.
 */
export class UpstreamTraffic implements TrafficTotals {
  requests = 0;
  errors = 0;
  readonly buckets = new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0);

  record(failed: boolean, seconds: number): void {
    let index = 0;
    while (index < LATENCY_BUCKETS_SECONDS.length && seconds > LATENCY_BUCKETS_SECONDS[index]!) index++;
    this.buckets[index]! += 1;
    this.requests += 1;
    if (failed) this.errors += 1;
  }
}

/** Copies `totals`, so a sample keeps the values of its moment. */
export function copyTotals(totals: TrafficTotals): TrafficTotals {
  return { requests: totals.requests, errors: totals.errors, buckets: [...totals.buckets] };
}
