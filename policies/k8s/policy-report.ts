/**
 * - `pass`: the object complies.
 * - `fail`: it does not, or an exception has expired. Any fail makes the run fail.
 * - `excepted`: it does not, but a reviewed exception that has not expired covers it.
 * - `unused`: an exception that hides no violation anywhere; reported so it gets deleted.
 * - `warn`: it does not, in a namespace the rules only audit; the cluster admits it with a warning.
 */
export type Verdict = 'pass' | 'fail' | 'excepted' | 'unused' | 'warn';

export interface PolicyResult {
  /** First directory level under the tree's root; `*` for findings about the exceptions file. */
  readonly environment: string;
  /** `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
  readonly object: string;
  readonly rule: string;
  readonly verdict: Verdict;
  /** Empty on pass. */
  readonly message: string;
  readonly fix: string;
}

export interface PolicyReport {
  readonly results: readonly PolicyResult[];
  /** Number of objects read from the tree. */
  readonly objectCount: number;
  readonly failed: boolean;
}

export function countByVerdict(results: readonly PolicyResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, excepted: 0, unused: 0, warn: 0 };
  for (const result of results) counts[result.verdict] += 1;
  return counts;
}
