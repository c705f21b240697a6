import type { RateLimitConfig } from '../contract';
import type { GuardContext, Rejection, RequestGuard } from '../edge/request-guard';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import type { BucketDecision, BucketSpec, BucketStore } from './bucket-store';

/** Clients without the keyed header share this bucket, so leaving it out buys nothing. */
const MISSING_HEADER_KEY = '-';

/**
 * A route's token bucket: 429 with `Retry-After` and `RateLimit-*` when empty. With a remote
 * store that fails, the route's `failOpen` decides, and the failure is counted.
 */
export function createRateLimitGuard(
  routeName: string,
  config: RateLimitConfig,
  store: BucketStore,
  metrics: GatewayMetrics,
  logger: Logger,
): RequestGuard {
  const spec: BucketSpec = { ratePerSecond: config.requestsPerSecond, burst: config.burst ?? Math.ceil(config.requestsPerSecond) };
  const keyOf = bucketKey(config);
  const limit = String(spec.burst);
  // The key kind is part of the bucket name, so a user id can never share a bucket with an address.
  const prefix = `${routeName}:${config.key}:`;

  const judge = (result: BucketDecision): Rejection | undefined => {
    if (result.allowed) return undefined;
    metrics.rateLimitRejected.inc({ route: routeName });
    return {
      code: 'UAG_ERR_RATE_LIMITED',
      headers: {
        'retry-after': String(result.retryAfterSeconds),
        'ratelimit-limit': limit,
        'ratelimit-remaining': String(result.remaining),
        'ratelimit-reset': String(result.resetSeconds),
      },
    };
  };

  const storeFailed = (error: unknown): Rejection | undefined => {
    metrics.rateLimitStoreErrors.inc({ route: routeName, decision: config.failOpen ? 'allowed' : 'rejected' });
    logger.debug({ route: routeName, err: error }, 'rate-limit store failed');
    return config.failOpen ? undefined : { code: 'UAG_ERR_RATE_LIMITED', detail: 'limit store unavailable', headers: { 'retry-after': '1' } };
  };

  return (context) => {
    let result: BucketDecision | Promise<BucketDecision>;
    try {
      result = store.take(prefix + keyOf(context), spec);
    } catch (error) {
      return storeFailed(error);
    }
    return result instanceof Promise ? result.then(judge, storeFailed) : judge(result);
  };
}

function bucketKey(config: RateLimitConfig): (context: GuardContext) => string {
  switch (config.key) {
    case 'ip':
      return (context) => context.clientIp;
    case 'user':
      // The schema allows key: user only on jwt routes, where the auth guard ran first.
      return (context) => context.identity!.userId;
    case 'header': {
      const name = config.header!;
      return (context) => {
        const value = context.headers[name];
        return typeof value === 'string' ? value : (value?.join(',') ?? MISSING_HEADER_KEY);
      };
    }
  }
}
