import { LOAD_SAMPLE_INTERVAL_MS } from '../../../app/src/resilience/load-shedding';
import { metricValue, scrape, startGateway, startUpstream , errorOf } from '../../support/edge-harness';

describe('load shedding', () => {
  test('over the heap threshold the gateway answers 503 with Retry-After and readiness reports overloaded', async () => {
    const upstream = await startUpstream();
    const started = await startGateway(
      { routes: [{ name: 'api', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] },
      { UAG_SHED_HEAP_USED_RATIO: '0.000001', UAG_SHED_RETRY_AFTER_SECONDS: '7' },
    );
    await new Promise((resolve) => setTimeout(resolve, LOAD_SAMPLE_INTERVAL_MS * 2));
    const shed = await fetch(`${started.base}/x`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('7');
    expect(shed.headers.get('x-request-id')).toBeTruthy();
    expect((await errorOf(shed)).code).toBe('UAG_ERR_OVERLOADED');
    expect(upstream.seen).toHaveLength(0);
    const ready = await fetch(`${started.admin}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'overloaded' });
    expect(metricValue(await scrape(started), 'gateway_load_shed_total', {})).toBe(1);
  });
});
