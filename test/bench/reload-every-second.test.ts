import { isDeepStrictEqual } from 'node:util';
import type { Measurement } from '../../bench/load';
import { RELOAD_EVERY_SECOND, reloadCounts, reloadRouteTables, reloadTarget } from '../../bench/reload-every-second';
import type { RunOutcome } from '../../bench/report';
import { parseRouteTableText } from '../../app/src/config/route-table-loader';

function outcome(name: string, requestsPerSecond: number, failed = 0): RunOutcome {
  const measurement: Measurement = {
    requestsPerSecond,
    p50Ms: 10,
    p99Ms: 40,
    cpuMicrosPerRequest: 200,
    cpuPercent: 99,
    clientCoresBusyPercent: 60,
    completed: 1000,
    totalRequests: 51_000,
    non2xx: failed,
    errors: 0,
    statusCodes: { '200': 1000 - failed, ...(failed > 0 ? { '502': failed } : {}) },
  };
  return { name, kind: 'measured', measurement, notes: [] };
}

function rounds(gateway: number[], reloading: number[], failed = 0) {
  const byRun = new Map([
    ['gateway', gateway.map((rps) => outcome('gateway', rps))],
    [RELOAD_EVERY_SECOND, reloading.map((rps) => outcome(RELOAD_EVERY_SECOND, rps, failed))],
  ]);
  const outcomes = [outcome('gateway', gateway[0]!), outcome(RELOAD_EVERY_SECOND, reloading[0]!, failed)];
  return reloadTarget(outcomes, 'gateway', byRun);
}

describe('the "gateway reloading every second" bench run', () => {
  it('alternates between two tables the gateway accepts, which differ by one route and leave the bench route as it is', () => {
    const [first, second] = reloadRouteTables({ upstreamUrl: 'http://127.0.0.1:5001' }).map((text) => parseRouteTableText(text, 'bench.yaml'));
    expect(first!.routes.map((route) => route.name)).toEqual(['bench']);
    expect(second!.routes.map((route) => route.name)).toEqual(['bench', 'reload-other']);
    expect(isDeepStrictEqual(first!.routes[0], second!.routes[0])).toBe(true);
  });

  it('can be picked out with BENCH_RUNS, whose names are comma-separated (regression: the name held a comma and no BENCH_RUNS value selected it)', () => {
    expect(RELOAD_EVERY_SECOND.split(',')).toEqual([RELOAD_EVERY_SECOND]);
  });

  it('reads the reload counts from the gateway metrics', () => {
    const exposition = '# TYPE gateway_config_reloads_total counter\ngateway_config_reloads_total{result="applied"} 12\ngateway_config_reloads_total{result="rejected"} 0\n';
    expect(reloadCounts(exposition)).toBe('applied 12, rejected 0');
  });

  it('is met only with no failed request and req/s within 5 % of the gateway run, judged on the rounds\' ratios', () => {
    expect(rounds([10_000, 10_000, 10_000], [9700, 9600, 9800])).toBe(
      'target (gateway reloading every second: 0 failed requests, req/s >= 95 % of gateway): met with 0 failed requests, at 97.0 % of its req/s (by round: 97.0 %, 96.0 %, 98.0 %)',
    );
    expect(rounds([10_000, 10_000, 10_000], [9400, 9400, 9800])).toMatch(/: NOT MET with 0 failed requests, at 94\.0 % /);
    expect(rounds([10_000], [10_000], 3)).toMatch(/: NOT MET with 3 failed requests, at 100\.0 % of its req\/s$/);
  });
});
