import Redis from 'ioredis';
import type { Logger } from '../telemetry/logger';
import { decision, type BucketDecision, type BucketSpec, type BucketStore } from './bucket-store';

/**
 * Refill, take and store in one atomic step, timed by the Redis clock so replicas with skewed
 * clocks still share one budget. Returns {allowed, tokens*1000} (integers survive the reply).
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - ts) / 1000 * rate)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, math.floor(tokens * 1000)}
`;

const KEY_PREFIX = 'uag:rl:';

interface RedisWithTake extends Redis {
  uagTake(key: string, rate: number, burst: number): Promise<[number, number]>;
}

/**
 * Token buckets in Redis, shared by every gateway replica that points at the same server.
 * Commands fail fast (no offline queue, a short timeout) so an unreachable Redis costs a
 * request no more than `UAG_REDIS_TIMEOUT_MS`; the caller applies the route's failOpen.
 */
export class RedisBucketStore implements BucketStore {
  private readonly redis: RedisWithTake;
  private reachable = true;

  constructor(url: string, timeoutMs: number, private readonly logger: Logger) {
    this.redis = new Redis(url, {
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(timeoutMs, 1000),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    }) as RedisWithTake;
    this.redis.defineCommand('uagTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    // Failures surface through take(); without a listener ioredis prints every reconnect error.
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => {
      if (this.reachable) return;
      this.reachable = true;
      this.logger.info('rate-limit store reachable again');
    });
  }

  async take(key: string, spec: BucketSpec): Promise<BucketDecision> {
    try {
      const [allowed, milliTokens] = await this.redis.uagTake(KEY_PREFIX + key, spec.ratePerSecond, spec.burst);
      return decision(allowed === 1, milliTokens / 1000, spec);
    } catch (error) {
      // Logged on the change of state only: an outage must not write one line per request.
      if (this.reachable) {
        this.reachable = false;
        this.logger.warn({ err: error }, 'rate-limit store unreachable; routes apply their failOpen setting');
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
