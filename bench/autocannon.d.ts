// autocannon ships no types and @types/autocannon is not a dependency; this declares only the
// part of the programmatic API the bench uses.
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Requests to send, instead of running for `duration`. */
      amount?: number;
      pipelining?: number;
      method?: string;
      headers?: Record<string, string>;
      /** Seconds before a request counts as a timeout. */
      timeout?: number;
    }

    interface Histogram {
      average: number;
      p50: number;
      p99: number;
      max: number;
      total: number;
    }

    interface Result {
      /** Seconds actually spent. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds, whole-millisecond resolution, 2xx responses only. */
      latency: Histogram;
      /** Per-second samples; `total` is every completed request. */
      requests: Histogram & { sent: number };
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
