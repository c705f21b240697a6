import { performance } from 'node:perf_hooks';
import { medianOf } from './report';
import { benchRouteTable, gatewayEnv, spawnGatewayBundle, withTimeout, type BenchContext } from './targets';

/** Issue 18: a new pod (an HPA scale-up, a rollout) takes traffic this soon after it is started. */
export const STARTUP_TARGET_MS = 300;
/** What the gateway logs once both listeners are bound; readiness answers 200 from then on. */
const SERVING_MESSAGE = 'gateway serving';
const START_TIMEOUT_MS = 15_000;

/** Start-up times in ms: without tracing (what the target is about) and as the `gateway` row runs, tracing on. */
export interface StartupSamples {
  readonly tracingOff: readonly number[];
  readonly tracingOn: readonly number[];
}

/**
 * Times the built bundle from spawn to its "gateway serving" line with the bench's route table,
 * pinned like the `gateway` row: `runs` times with tracing off, whose modules (the OpenTelemetry
 * SDK and OTLP exporter) a gateway without an endpoint never loads, and `runs` times with the
 * row's tracing on. Runs alternate, so a slow spell of a shared machine falls on both alike. Ports
 * are 0, so no run waits for the previous one's port.
 */
export async function measureStartup(ctx: BenchContext, runs: number): Promise<StartupSamples> {
  const tracingOn = gatewayEnv(ctx, benchRouteTable(ctx), { http: 0, admin: 0 });
  // Empty counts as unset for the gateway.
  const tracingOff = { ...tracingOn, OTEL_EXPORTER_OTLP_ENDPOINT: '' };
  const samples = { tracingOff: [] as number[], tracingOn: [] as number[] };
  for (let run = 1; run <= runs; run++) {
    samples.tracingOff.push(await timeOneStart(ctx, tracingOff, run));
    samples.tracingOn.push(await timeOneStart(ctx, tracingOn, run));
  }
  return samples;
}

async function timeOneStart(ctx: BenchContext, env: NodeJS.ProcessEnv, run: number): Promise<number> {
  const spawnedAt = performance.now();
  const child = spawnGatewayBundle(ctx, env, { stdout: 'pipe' });
  try {
    await withTimeout(child.jsonLine<{ msg?: string }>((line) => line.msg === SERVING_MESSAGE), START_TIMEOUT_MS, `start-up run ${run}: no "${SERVING_MESSAGE}" line`);
    return performance.now() - spawnedAt;
  } finally {
    await child.stop();
  }
}

/** The line printed under the table: medians, spreads and the verdict against the target. */
export function startupLine(samples: StartupSamples, pinnedCpus: string | undefined): string {
  const off = summary(samples.tracingOff);
  const on = summary(samples.tracingOn);
  if (off === undefined || on === undefined) return 'start-up: not measured';
  const where = pinnedCpus === undefined ? 'not pinned' : `pinned to CPU ${pinnedCpus}`;
  return (
    `start-up (spawn -> "${SERVING_MESSAGE}", built bundle, bench route table, ${where}): ${off.text}; ` +
    `target <= ${STARTUP_TARGET_MS} ms: ${off.median <= STARTUP_TARGET_MS ? 'met' : 'NOT MET'}; ` +
    `with tracing on as in the gateway row (OpenTelemetry SDK loaded): ${on.text}`
  );
}

function summary(samples: readonly number[]): { median: number; text: string } | undefined {
  const median = medianOf(samples);
  if (median === undefined || samples.length === 0) return undefined;
  const ms = (value: number) => Math.round(value);
  return { median, text: `median ${ms(median)} ms of ${samples.length} runs (min ${ms(Math.min(...samples))}, max ${ms(Math.max(...samples))})` };
}
