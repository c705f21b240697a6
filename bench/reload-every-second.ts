// The "gateway reloading every second" run of `npm run bench` (issue 23): the production gateway as
// in the "gateway" run while its route table is rewritten and reloaded (SIGHUP) every second,
// alternating between the bench route alone and the bench route plus another one, so every
// reload builds and swaps a new table while the bench route's pool, breaker and budgets carry
// over. Target: no failed request, and req/s within 5 % of the "gateway" run.
import { writeFileSync } from 'node:fs';
import { httpGet } from './probe';
import { byRoundText, measurementOf, pairedRatios, type RoundsByRun, type RunOutcome } from './report';
import { benchRouteTable, routesFileOf, startGatewayWith, type BenchContext, type StartedTarget } from './targets';

export const RELOAD_EVERY_SECOND = 'gateway reloading every second';
export const RELOAD_INTERVAL_MS = 1000;
/** Share of the plain gateway's req/s the reloading one must keep. */
export const RELOAD_MIN_RATIO = 0.95;

/** The two route tables the run alternates between: both valid, differing by one route that gets no traffic. */
export function reloadRouteTables(ctx: Pick<BenchContext, 'upstreamUrl'>): readonly [string, string] {
  const base = benchRouteTable(ctx);
  const other = ['  - name: reload-other', '    match: { pathPrefix: /reload-other }', `    upstream: { url: ${ctx.upstreamUrl} }`, '    timeoutMs: 5000', ''].join('\n');
  return [base, base + other];
}

export async function startReloadingGateway(ctx: BenchContext): Promise<StartedTarget> {
  const tables = reloadRouteTables(ctx);
  // Polling off: SIGHUP after each write makes it exactly one reload per second.
  const target = await startGatewayWith(ctx, tables[0], { UAG_ROUTES_RELOAD_INTERVAL_MS: '0' });
  const routesFile = routesFileOf(ctx);
  let writes = 0;
  const timer = setInterval(() => {
    writes++;
    writeFileSync(routesFile, tables[writes % 2]!);
    process.kill(target.process.pid, 'SIGHUP');
  }, RELOAD_INTERVAL_MS);
  const notes = [...(target.notes ?? [])];
  let stopped: Promise<void> | undefined;
  const stop = async () => {
    clearInterval(timer);
    if (target.process.running) {
      const metrics = await httpGet(`${target.adminUrl}/metrics`);
      notes.push(`${writes} rewrites: reloads ${reloadCounts(metrics.body)}`);
    }
    await target.stop();
  };
  return { ...target, notes, stop: () => (stopped ??= stop()) };
}

/** `applied N, rejected M` from the gateway's metrics text. */
export function reloadCounts(exposition: string): string {
  const count = (result: string) => new RegExp(`^gateway_config_reloads_total\\{result="${result}"\\} (\\d+)`, 'm').exec(exposition)?.[1] ?? '?';
  return `applied ${count('applied')}, rejected ${count('rejected')}`;
}

/** The issue's bar, as a line under the table, judged like the others on the rounds' ratios. */
export function reloadTarget(outcomes: readonly RunOutcome[], coreRun: string, rounds: RoundsByRun): string {
  const reloading = measurementOf(outcomes, RELOAD_EVERY_SECOND);
  const ratio = pairedRatios(rounds, RELOAD_EVERY_SECOND, coreRun, (m) => m.requestsPerSecond);
  const bar = `target (${RELOAD_EVERY_SECOND}: 0 failed requests, req/s >= ${RELOAD_MIN_RATIO * 100} % of ${coreRun})`;
  if (reloading === undefined || measurementOf(outcomes, coreRun) === undefined || ratio.median === undefined) return `${bar}: not evaluated, one of them did not run`;
  const failed = reloading.non2xx + reloading.errors;
  const met = failed === 0 && ratio.median >= RELOAD_MIN_RATIO;
  const percent = (r: number) => `${(r * 100).toFixed(1)} %`;
  return `${bar}: ${met ? 'met' : 'NOT MET'} with ${failed} failed requests, at ${percent(ratio.median)} of its req/s${byRoundText(ratio, percent)}`;
}
