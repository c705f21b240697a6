import { freePort, metricValue, scrape, startGateway, startUpstream , errorOf } from '../../support/edge-harness';

const fastRetry = { attempts: 2, backoffBaseMs: 1, backoffMaxMs: 2, minRetriesPerSecond: 1, budgetRatio: 1 };

describe('circuit breaking and retries through the gateway', () => {
  test('an upstream that fails then recovers: breaker opens (503 + Retry-After), half-opens, closes; metrics follow', async () => {
    const upstream = await startUpstream();
    upstream.status = 503;
    const started = await startGateway({
      routes: [{ name: 'flaky', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, circuitBreaker: { consecutiveFailures: 2, coolDownMs: 300, successesToClose: 1 } }],
    });
    const state = async () => metricValue(await scrape(started), 'gateway_circuit_state', { upstream: upstream.url });
    expect(await state()).toBe(0);
    expect((await fetch(started.base)).status).toBe(503);
    expect((await fetch(started.base)).status).toBe(503);
    const shortCircuited = await fetch(started.base);
    expect(shortCircuited.status).toBe(503);
    expect(shortCircuited.headers.get('retry-after')).toBe('1');
    expect((await errorOf(shortCircuited)).code).toBe('UAG_ERR_CIRCUIT_OPEN');
    expect(upstream.seen).toHaveLength(2);
    expect(await state()).toBe(2);

    upstream.status = 200;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await fetch(started.base)).status).toBe(200);
    expect(await state()).toBe(0);
    const exposition = await scrape(started);
    for (const entered of ['open', 'half-open', 'closed']) {
      expect(metricValue(exposition, 'gateway_circuit_transitions_total', { upstream: upstream.url, state: entered })).toBe(1);
    }
    expect(started.logs.filter((line) => typeof line.msg === 'string' && line.msg.startsWith('circuit ')).map((line) => line.msg)).toEqual(['circuit open', 'circuit half-open', 'circuit closed']);
  });

  test('GET is retried on 503 and connect errors; POST never is', async () => {
    const upstream = await startUpstream();
    upstream.status = 503;
    const started = await startGateway({ routes: [{ name: 'api', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, retry: fastRetry }] });
    expect((await fetch(started.base, { method: 'POST', body: 'x' })).status).toBe(503);
    expect(upstream.seen).toHaveLength(1);
    expect((await fetch(started.base)).status).toBe(503);
    expect(upstream.seen).toHaveLength(1 + 3);
    expect(metricValue(await scrape(started), 'gateway_upstream_retries_total', { route: 'api' })).toBe(2);
  });

  test('a connect error on one target is retried on the next', async () => {
    const upstream = await startUpstream();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const started = await startGateway({ routes: [{ name: 'api', match: { pathPrefix: '/' }, upstream: { url: [dead, upstream.url] }, retry: fastRetry }] });
    expect((await fetch(started.base)).status).toBe(200);
    expect(metricValue(await scrape(started), 'gateway_upstream_retries_total', { route: 'api' })).toBe(1);
  });

  test('the retry budget caps extra load while an upstream fails wholesale', async () => {
    const upstream = await startUpstream();
    upstream.status = 503;
    const started = await startGateway({
      routes: [{ name: 'api', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, retry: { ...fastRetry, budgetRatio: 0.2, minRetriesPerSecond: 0 } }],
    });
    for (let i = 0; i < 20; i++) expect((await fetch(started.base)).status).toBe(503);
    // 20 requests at 20 % allow 4 retries in the window, however many each request wanted.
    expect(upstream.seen).toHaveLength(24);
    const exposition = await scrape(started);
    expect(metricValue(exposition, 'gateway_upstream_retries_total', { route: 'api' })).toBe(4);
    expect(metricValue(exposition, 'gateway_retry_budget_exhausted_total', { route: 'api' })).toBeGreaterThan(0);
  });
});
