import { decision, type BucketDecision, type BucketSpec, type BucketStore } from './bucket-store';

/** How often buckets that have refilled completely are forgotten (a full bucket equals none). */
export const LOCAL_BUCKET_SWEEP_INTERVAL_MS = 10_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
  fullAt: number;
}

/** Token buckets in this process: exact and free of I/O, but each replica has its own budget. */
export class LocalBucketStore implements BucketStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), LOCAL_BUCKET_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  take(key: string, spec: BucketSpec): BucketDecision {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: spec.burst, updatedAt: now, fullAt: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * spec.ratePerSecond);
      bucket.updatedAt = now;
    }
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    bucket.fullAt = now + ((spec.burst - bucket.tokens) / spec.ratePerSecond) * 1000;
    return decision(allowed, bucket.tokens, spec);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) if (bucket.fullAt <= now) this.buckets.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
