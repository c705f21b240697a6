import { performance } from 'node:perf_hooks';

/** Seconds since `mark`, a `performance.now()` reading: the unit of every duration metric. */
export function secondsSince(mark: number): number {
  return (performance.now() - mark) / 1000;
}
