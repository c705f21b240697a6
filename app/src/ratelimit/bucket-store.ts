/** Capacity and refill of one route's buckets. */
export interface BucketSpec {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface BucketDecision {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  readonly resetSeconds: number;
  /** Seconds until one token is available (Retry-After); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/** Where buckets live: this process, or Redis shared by every replica. */
export interface BucketStore {
  /** Takes one token from `key`'s bucket. A promise only when the store is remote. */
  take(key: string, spec: BucketSpec): BucketDecision | Promise<BucketDecision>;
  close(): Promise<void>;
}

/** The decision for a bucket holding `tokens` after the request was counted (or refused). */
export function decision(allowed: boolean, tokens: number, spec: BucketSpec): BucketDecision {
  return {
    allowed,
    remaining: Math.floor(tokens),
    resetSeconds: Math.ceil((spec.burst - tokens) / spec.ratePerSecond),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / spec.ratePerSecond)),
  };
}
