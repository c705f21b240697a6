import { METRICS, type Protocol } from '../../../app/src/contract';
import { GatewayMetrics } from '../../../app/src/telemetry/gateway-metrics';

const BUILD = { version: '1.2.3', commit: 'abc', buildTime: '2026-01-01T00:00:00.000Z' };

type Observation = [protocol: Protocol, route: string, variant: string, method: string, code: number];

function observeAll(metrics: GatewayMetrics, observations: readonly Observation[]): void {
  for (const [protocol, route, variant, method, code] of observations) metrics.observeRequest(protocol, route, variant, method, code, 0.01);
}

/** `gateway_requests_total` from one scrape, by the label text between the braces. */
async function scrapeRequestCounts(metrics: GatewayMetrics): Promise<Record<string, number>> {
  const prefix = `${METRICS.requestsTotal.name}{`;
  const counts: Record<string, number> = {};
  for (const line of (await metrics.registry.metrics()).split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('} ');
    counts[line.slice(prefix.length, close)] = Number(line.slice(close + 2));
  }
  return counts;
}

const USERS_GET_200 = 'protocol="http",route="users",method="GET",code="200"';
const USERS_POST_503 = 'protocol="http",route="users",method="POST",code="503"';

describe('GatewayMetrics', () => {
  it('shows every request counted so far at each scrape, without counting any twice', async () => {
    const metrics = new GatewayMetrics(BUILD);
    observeAll(metrics, [
      ['http', 'users', '', 'GET', 200],
      ['http', 'users', '', 'GET', 200],
      ['http', 'users', '', 'POST', 503],
    ]);
    expect(await scrapeRequestCounts(metrics)).toEqual({ [USERS_GET_200]: 2, [USERS_POST_503]: 1 });
    expect(await scrapeRequestCounts(metrics)).toEqual({ [USERS_GET_200]: 2, [USERS_POST_503]: 1 });

    observeAll(metrics, [['http', 'users', '', 'GET', 200]]);
    expect(await scrapeRequestCounts(metrics)).toEqual({ [USERS_GET_200]: 3, [USERS_POST_503]: 1 });
    expect(await metrics.registry.metrics()).toContain(`${METRICS.requestDuration.name}_count{protocol="http",route="users"} 4`);
  });

  it('labels split routes with their variant and leaves the label out otherwise', async () => {
    const metrics = new GatewayMetrics(BUILD);
    observeAll(metrics, [
      ['http', 'shop', 'canary', 'GET', 200],
      ['http', 'shop', '', 'GET', 200],
      ['websocket', 'shop', 'canary', 'GET', 101],
    ]);
    expect(await scrapeRequestCounts(metrics)).toEqual({
      'protocol="http",route="shop",method="GET",code="200",variant="canary"': 1,
      'protocol="http",route="shop",method="GET",code="200"': 1,
      'protocol="websocket",route="shop",method="GET",code="101",variant="canary"': 1,
    });
    expect(await metrics.registry.metrics()).toContain(`${METRICS.requestDuration.name}_count{protocol="http",route="shop",variant="canary"} 1`);
  });

  it('reads pending counts through the counter itself as well as through the registry', async () => {
    const metrics = new GatewayMetrics(BUILD);
    observeAll(metrics, [['tcp', 'db', '', 'GET', 200]]);
    const { values } = await metrics.requestsTotal.get();
    expect(values).toEqual([{ value: 1, labels: { protocol: 'tcp', route: 'db', method: 'GET', code: '200' } }]);
  });
});
