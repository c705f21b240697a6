import { createRateLimitGuard } from '../../../app/src/ratelimit/rate-limit-guard';
import { LocalBucketStore } from '../../../app/src/ratelimit/local-bucket-store';
import type { GuardContext } from '../../../app/src/edge/request-guard';
import { GatewayMetrics } from '../../../app/src/telemetry/gateway-metrics';
import { createLogger } from '../../../app/src/telemetry/logger';
import { metricValue, scrape, startGateway, startUpstream, TEST_BUILD , errorOf } from '../../support/edge-harness';
import { startRedis } from '../../support/redis-server';

const silent = createLogger({ level: 'silent', environment: 'local', build: TEST_BUILD });

describe('in-process token bucket', () => {
  afterEach(() => jest.useRealTimers());

  test('allows a burst, refuses with Retry-After and RateLimit-*, then refills at the configured rate', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const store = new LocalBucketStore();
    const guard = createRateLimitGuard('users', { requestsPerSecond: 2, burst: 3, key: 'ip', failOpen: true }, store, new GatewayMetrics(TEST_BUILD), silent);
    const context = (ip: string): GuardContext => ({ headers: {}, clientIp: ip, identity: undefined });
    expect([guard(context('a')), guard(context('a')), guard(context('a'))]).toEqual([undefined, undefined, undefined]);
    expect(guard(context('a'))).toEqual({
      code: 'UAG_ERR_RATE_LIMITED',
      headers: { 'retry-after': '1', 'ratelimit-limit': '3', 'ratelimit-remaining': '0', 'ratelimit-reset': '2' },
    });
    expect(guard(context('b'))).toBeUndefined();
    jest.advanceTimersByTime(499);
    expect(guard(context('a'))).toBeDefined();
    jest.advanceTimersByTime(1);
    expect(guard(context('a'))).toBeUndefined();
    void store.close();
  });

  test('buckets that refilled completely are swept, so idle clients do not hold memory', () => {
    jest.useFakeTimers({ now: 0 });
    const store = new LocalBucketStore();
    store.take('x', { ratePerSecond: 10, burst: 10 });
    expect(store.size).toBe(1);
    jest.advanceTimersByTime(10_000);
    expect(store.size).toBe(0);
    void store.close();
  });

  test('a gateway route answers 429 past its burst and counts it', async () => {
    const upstream = await startUpstream();
    const started = await startGateway({
      routes: [{ name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: upstream.url }, rateLimit: { requestsPerSecond: 0.01, burst: 2, key: 'header', header: 'x-api-key' } }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${started.base}/api/users`, { headers: { 'x-api-key': 'k1' } })).status);
    statuses.push((await fetch(`${started.base}/api/users`, { headers: { 'x-api-key': 'k2' } })).status);
    expect(statuses).toEqual([200, 200, 429, 200]);
    expect(metricValue(await scrape(started), 'gateway_ratelimit_rejected_total', { route: 'users' })).toBe(1);
  });
});

describe('Redis token bucket shared by two gateways', () => {
  test('two replicas share one budget, and a stopped Redis honours failOpen per route', async () => {
    const redis = await startRedis();
    const upstream = await startUpstream();
    const table = {
      routes: [
        { name: 'open', match: { pathPrefix: '/open' }, upstream: { url: upstream.url }, rateLimit: { requestsPerSecond: 0.01, burst: 4, key: 'header', header: 'x-client', failOpen: true } },
        { name: 'closed', match: { pathPrefix: '/closed' }, upstream: { url: upstream.url }, rateLimit: { requestsPerSecond: 0.01, burst: 4, key: 'header', header: 'x-client', failOpen: false } },
      ],
    };
    const env = { UAG_REDIS_URL: redis.url, UAG_REDIS_TIMEOUT_MS: '200' };
    const [a, b] = await Promise.all([startGateway(table, env), startGateway(table, env)]);
    // Commands fail fast (no offline queue) until a client is connected; the failOpen: false
    // route answers 200 only once its replica reached Redis. Each replica probes its own bucket.
    const reached = (started: typeof a, client: string) => async () => (await fetch(`${started.base}/closed`, { headers: { 'x-client': client } })).status === 200;
    await waitFor(reached(a, 'probe-a'));
    await waitFor(reached(b, 'probe-b'));

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${(i % 2 === 0 ? a : b).base}/open`, { headers: { 'x-client': 'shared' } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);

    const rejectedBefore = metricValue(await scrape(a), 'gateway_ratelimit_store_errors_total', { route: 'closed', decision: 'rejected' }) ?? 0;
    await redis.stop();
    expect((await fetch(`${a.base}/open`, { headers: { 'x-client': 'shared' } })).status).toBe(200);
    const refused = await fetch(`${a.base}/closed`, { headers: { 'x-client': 'other' } });
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).message).toBe('too many requests: limit store unavailable');
    const exposition = await scrape(a);
    expect(metricValue(exposition, 'gateway_ratelimit_store_errors_total', { route: 'open', decision: 'allowed' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(exposition, 'gateway_ratelimit_store_errors_total', { route: 'closed', decision: 'rejected' })).toBe(rejectedBefore + 1);
    expect(a.logs.some((line) => line.msg === 'rate-limit store unreachable; routes apply their failOpen setting')).toBe(true);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
