/**
 * The order of the runs in round `round` (1-based): as listed in odd rounds, reversed in even
 * ones. A shared machine drifts over minutes; with one fixed order the run listed first would
 * always meet the drift before its neighbour, and a ratio of two neighbours would carry that
 * bias in every round. Alternating the order turns it into noise that the median removes.
 */
export function runsInRound<T>(runs: readonly T[], round: number): readonly T[] {
  if (!Number.isInteger(round) || round < 1) throw new RangeError(`round must be a whole number from 1, got ${round}`);
  return round % 2 === 1 ? runs : [...runs].reverse();
}
