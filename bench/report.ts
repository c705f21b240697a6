import type { Measurement } from './load';

/** One line of the table: measured, skipped (with why) or failed (with why). */
export type RunOutcome =
  | { readonly name: string; readonly kind: 'measured'; readonly measurement: Measurement; readonly notes: readonly string[] }
  | { readonly name: string; readonly kind: 'skipped'; readonly reason: string }
  | { readonly name: string; readonly kind: 'failed'; readonly reason: string };

/**
 * One run's rounds as one row: each figure is the median over the rounds (so one disturbed round
 * on a shared machine moves nothing), counts are summed, and a run that failed or was skipped in
 * any round is reported as such.
 */
export function combineRounds(rounds: readonly RunOutcome[]): RunOutcome {
  const first = rounds[0];
  if (first === undefined) throw new Error('combineRounds: no rounds to combine');
  const notMeasured = rounds.findIndex((outcome) => outcome.kind !== 'measured');
  if (notMeasured >= 0) {
    const outcome = rounds[notMeasured]!;
    return rounds.length === 1 || outcome.kind !== 'failed' ? outcome : { ...outcome, reason: `round ${notMeasured + 1} of ${rounds.length}: ${outcome.reason}` };
  }
  const measured = rounds as readonly Extract<RunOutcome, { kind: 'measured' }>[];
  if (measured.length === 1) return first;
  const all = measured.map((outcome) => outcome.measurement);
  const median = (pick: (m: Measurement) => number | undefined) => medianOf(all.map(pick));
  const sum = (pick: (m: Measurement) => number) => all.reduce((total, m) => total + pick(m), 0);
  const statusCodes: Record<string, number> = {};
  for (const m of all) for (const [code, count] of Object.entries(m.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  const measurement: Measurement = {
    requestsPerSecond: median((m) => m.requestsPerSecond)!,
    p50Ms: median((m) => m.p50Ms)!,
    p99Ms: median((m) => m.p99Ms)!,
    cpuMicrosPerRequest: median((m) => m.cpuMicrosPerRequest),
    cpuPercent: median((m) => m.cpuPercent),
    clientCoresBusyPercent: median((m) => m.clientCoresBusyPercent),
    completed: sum((m) => m.completed),
    totalRequests: sum((m) => m.totalRequests),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    statusCodes,
  };
  const perRound = (label: string, pick: (m: Measurement) => number | undefined, digits: number) =>
    `${label} ${all.map((m) => fixed(pick(m), digits)).join(', ')}`;
  return {
    name: first.name,
    kind: 'measured',
    measurement,
    notes: [
      `median of ${all.length} rounds; by round: ${perRound('req/s', (m) => m.requestsPerSecond, 0)}; ${perRound('CPU µs/req', (m) => m.cpuMicrosPerRequest, 1)}`,
      ...measured.flatMap((outcome, index) => outcome.notes.map((note) => `round ${index + 1}: ${note}`)),
    ],
  };
}

/** The median, or undefined when any value is (a figure this platform cannot measure). */
export function medianOf(values: readonly (number | undefined)[]): number | undefined {
  if (values.some((value) => value === undefined)) return undefined;
  const sorted = (values as readonly number[]).slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Every round's outcome of each run, by run name. */
export type RoundsByRun = ReadonlyMap<string, readonly RunOutcome[]>;

/** `pick` of one run over `pick` of another, round by round. */
export interface PairedRatios {
  /** Each round's ratio; undefined for a round either run has no figure in. */
  readonly byRound: readonly (number | undefined)[];
  /** The median over the rounds that have a ratio; undefined when none has. */
  readonly median: number | undefined;
}

/**
 * `pick` of run `first` over `pick` of run `second`, round by round. The rows of one round ran
 * back to back, so each of these ratios saw the machine in one state. Their median is what the
 * targets are judged on: a ratio of the two rows' medians can pair a quiet round of one run with
 * a disturbed round of the other.
 */
export function pairedRatios(rounds: RoundsByRun, first: string, second: string, pick: (m: Measurement) => number | undefined): PairedRatios {
  const figure = (outcome: RunOutcome | undefined) => (outcome?.kind === 'measured' ? pick(outcome.measurement) : undefined);
  const secondRounds = rounds.get(second) ?? [];
  const byRound = (rounds.get(first) ?? []).map((outcome, index) => {
    const numerator = figure(outcome);
    const denominator = figure(secondRounds[index]);
    return numerator === undefined || denominator === undefined || denominator === 0 ? undefined : numerator / denominator;
  });
  const present = byRound.filter((ratio): ratio is number => ratio !== undefined);
  return { byRound, median: present.length === 0 ? undefined : medianOf(present) };
}

/** ` (by round: 1.08x, -, 1.12x)`, with `-` for a round without a ratio; empty for a single round. */
export function byRoundText(ratios: PairedRatios, format: (ratio: number) => string): string {
  if (ratios.byRound.length < 2) return '';
  return ` (by round: ${ratios.byRound.map((ratio) => (ratio === undefined ? '-' : format(ratio))).join(', ')})`;
}

/** Rows the ratio columns divide by, by run name. */
export interface Baselines {
  readonly nginx: string;
  readonly fastify: string;
}

const HEADERS = ['target', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'CPU %', 'req/s/core', 'vs nginx', 'vs fastify', 'non-2xx', 'errors', 'client cores %'];

/** The measurement of the run called `name`, when it ran and was measured. */
export function measurementOf(outcomes: readonly RunOutcome[], name: string): Measurement | undefined {
  const outcome = outcomes.find((o) => o.name === name);
  return outcome?.kind === 'measured' ? outcome.measurement : undefined;
}

export function renderTable(outcomes: readonly RunOutcome[], baselines: Baselines): string {
  const rps = (name: string) => measurementOf(outcomes, name)?.requestsPerSecond;
  const nginx = rps(baselines.nginx);
  const fastify = rps(baselines.fastify);
  const rows = outcomes.map((outcome) => {
    if (outcome.kind !== 'measured') return [outcome.name, outcome.kind, ...HEADERS.slice(2).map(() => '')];
    const m = outcome.measurement;
    return [
      outcome.name,
      m.requestsPerSecond.toFixed(0),
      m.p50Ms.toFixed(0),
      m.p99Ms.toFixed(0),
      fixed(m.cpuMicrosPerRequest, 1),
      fixed(m.cpuPercent, 0),
      m.cpuMicrosPerRequest === undefined ? 'n/a' : (1_000_000 / m.cpuMicrosPerRequest).toFixed(0),
      ratio(m.requestsPerSecond, nginx),
      ratio(m.requestsPerSecond, fastify),
      String(m.non2xx),
      String(m.errors),
      fixed(m.clientCoresBusyPercent, 0),
    ];
  });
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Skip and failure reasons, per-run notes, and how to read the columns. */
export function renderNotes(outcomes: readonly RunOutcome[]): string {
  const notes: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind === 'measured') notes.push(...outcome.notes.map((note) => `${outcome.name}: ${note}`));
    else notes.push(`${outcome.name}: ${outcome.kind}: ${outcome.reason}`);
  }
  notes.push(
    'CPU µs/req and CPU % are the process under test only (utime+stime from /proc, all threads); CPU % near 100 means that process was the bottleneck.',
    'req/s/core = 1e6 / CPU µs/req: what the target would serve with one core to itself. On a small or shared machine the client side saturates first (see client cores %), so compare CPU µs/req and req/s/core rather than req/s.',
    'client cores %: how busy the load generator\'s cores were (any process); near 100 means the row is a lower bound set by the client side, not the target.',
    'p50/p99: autocannon latency, whole milliseconds, 2xx responses only.',
  );
  return notes.map((note) => `- ${note}`).join('\n');
}

/** Rows that must fail the bench: a target that errors fast must not look fast. */
export function problems(outcomes: readonly RunOutcome[]): string[] {
  const found: string[] = [];
  for (const outcome of outcomes) {
    // First line only: the notes above carry the whole reason (a child's stderr, say).
    if (outcome.kind === 'failed') found.push(`${outcome.name}: ${outcome.reason.split('\n')[0]}`);
    if (outcome.kind !== 'measured') continue;
    const m = outcome.measurement;
    if (m.non2xx > 0 || m.errors > 0) {
      found.push(`${outcome.name}: ${m.non2xx} non-2xx responses and ${m.errors} errors (status counts ${JSON.stringify(m.statusCodes)})`);
    }
  }
  return found;
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? 'n/a' : value.toFixed(digits);
}

function ratio(value: number, baseline: number | undefined): string {
  return baseline === undefined || baseline === 0 ? '-' : `${(value / baseline).toFixed(2)}x`;
}
