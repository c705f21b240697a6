import autocannon from 'autocannon';
import { openCpuWindow } from './cpu';
import type { StartedTarget } from './targets';

export interface LoadSettings {
  readonly connections: number;
  /**
   * Counted in requests, not seconds: V8 optimises by how often code has run, so a fixed time
   * warms a slow machine less than a fast one, and a target timed while it is still being
   * compiled is charged for the compiler.
   */
  readonly warmupRequests: number;
  readonly durationSeconds: number;
  /** Cores the load generator and the shared upstream run on, to tell when they were the bottleneck. */
  readonly clientCores: readonly number[];
}

export interface Measurement {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU of the process under test per measured request; undefined off Linux. */
  readonly cpuMicrosPerRequest: number | undefined;
  /** CPU of the process under test over wall time; near 100 means it was the bottleneck. */
  readonly cpuPercent: number | undefined;
  readonly clientCoresBusyPercent: number | undefined;
  readonly completed: number;
  /** Requests in warm-up plus measurement, for per-request figures over the target's whole life. */
  readonly totalRequests: number;
  readonly non2xx: number;
  /** Socket errors, timeouts included (autocannon counts a timeout as an error too). */
  readonly errors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

/** Warms `target` up (JIT, connection pools), then measures it with the same load. */
export async function measure(target: StartedTarget, path: string, settings: LoadSettings): Promise<Measurement> {
  const options = { url: `${target.url}${path}`, connections: settings.connections, pipelining: 1, headers: { ...target.requestHeaders } };
  const warmup = await autocannon({ ...options, amount: settings.warmupRequests });
  const closeWindow = openCpuWindow(target.process.pid, settings.clientCores);
  const result = await autocannon({ ...options, duration: settings.durationSeconds });
  const cpu = closeWindow();
  const completed = result.requests.total;
  return {
    requestsPerSecond: completed / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: cpu.processMicros !== undefined && completed > 0 ? cpu.processMicros / completed : undefined,
    cpuPercent: cpu.processMicros !== undefined ? (cpu.processMicros / (result.duration * 1_000_000)) * 100 : undefined,
    clientCoresBusyPercent: cpu.coresBusyPercent,
    completed,
    totalRequests: completed + warmup.requests.total,
    // Warm-up failures count too: a target that errors while warming is broken, not slow.
    non2xx: result.non2xx + warmup.non2xx,
    errors: result.errors + warmup.errors,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count])),
  };
}
