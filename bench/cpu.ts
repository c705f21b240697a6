import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU accounting from /proc (Linux only). Process time covers every thread, so the gateway's
 * libuv pool and OTLP export work count against it, as they would in production.
 */

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(ticks) && ticks > 0) return ticks;
  } catch {
    // getconf missing: fall through to the Linux default
  }
  return 100;
}

const MICROS_PER_TICK = 1_000_000 / clockTicksPerSecond();

/** utime + stime of `pid` in microseconds, or undefined where /proc is not available. */
export function processCpuMicros(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5); the slice starts at field 3.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) * MICROS_PER_TICK;
}

/** Busy and total jiffies of each CPU in `cpus`, from /proc/stat; undefined off Linux. */
function cpuJiffies(cpus: readonly number[]): { busy: number; total: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  let busy = 0;
  let total = 0;
  for (const cpu of cpus) {
    const line = text.split('\n').find((l) => l.startsWith(`cpu${cpu} `));
    if (line === undefined) return undefined;
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const sum = values.reduce((a, b) => a + b, 0);
    // idle + iowait
    busy += sum - (values[3] ?? 0) - (values[4] ?? 0);
    total += sum;
  }
  return { busy, total };
}

export interface CpuWindow {
  /** CPU time `pid` used since the window opened, in microseconds. */
  readonly processMicros: number | undefined;
  /** Share of the given cores that was busy (any process), 0..100. */
  readonly coresBusyPercent: number | undefined;
}

/** Opens a measurement window; call the returned function to close it. */
export function openCpuWindow(pid: number, cores: readonly number[]): () => CpuWindow {
  const processBefore = processCpuMicros(pid);
  const coresBefore = cpuJiffies(cores);
  return () => {
    const processAfter = processCpuMicros(pid);
    const coresAfter = cpuJiffies(cores);
    const coreTotal = coresAfter !== undefined && coresBefore !== undefined ? coresAfter.total - coresBefore.total : 0;
    return {
      processMicros: processBefore !== undefined && processAfter !== undefined ? processAfter - processBefore : undefined,
      coresBusyPercent: coreTotal > 0 ? ((coresAfter!.busy - coresBefore!.busy) / coreTotal) * 100 : undefined,
    };
  };
}
