import { METRICS } from '../../../../app/src/contract';
import type { SloSpec } from '../../../environments/types';
import { errorRatioQuery } from '../gateway-queries';
import type { AlertContext, AlertDefinition, RecordingDefinition, RuleGroup, Severity } from './alert';

/** The period the objectives hold over; the burn rates below are fractions of its error budget. */
export const SLO_PERIOD_DAYS = 30;

/** One window pair of a multi-window, multi-burn-rate alert. */
export interface BurnRateWindow {
  readonly severity: Severity;
  /** How long the budget must have burnt that fast… */
  readonly long: string;
  /** …and still be burning (a twelfth of `long`), so the alert resets soon after the burn stops. */
  readonly short: string;
  /** Multiple of the sustainable rate (the one that spends the budget exactly over the period). */
  readonly burnRate: number;
}

/**
 * The Google SRE workbook's pairs for a 30-day objective ("Alerting on SLOs", multiwindow,
 * multi-burn-rate): page when 2 % of the budget went in an hour or 5 % in six hours; open a ticket
 * (warning) when 10 % went in a day or in three days.
 */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { severity: 'critical', long: '1h', short: '5m', burnRate: 14.4 },
  { severity: 'critical', long: '6h', short: '30m', burnRate: 6 },
  { severity: 'warning', long: '1d', short: '2h', burnRate: 3 },
  { severity: 'warning', long: '3d', short: '6h', burnRate: 1 },
];

/** The label naming the objective an alert watches; inhibition pairs a page with its ticket by it. */
export const SLO_LABEL = 'slo';

/** Decimal text of a computed number without binary noise (1 - 0.995 is 0.0050000000000000044). */
function decimal(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function percent(ratio: number): string {
  return `${decimal(ratio * 100)}%`;
}

/**
 * `le` matcher for a bucket bound: Prometheus 3 stores integral bounds as `1.0` whatever the scrape
 * format, Prometheus 2 as exposed in the text format (`1`) (docs/migration.md, "`le` and
 * `quantile` label values", in prometheus/prometheus).
 */
function bucketMatcher(bound: number): string {
  return Number.isInteger(bound) ? `le=~"${bound}(\\\\.0)?"` : `le="${bound}"`;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3_600, d: 86_400 };
const seconds = (window: string) => Number(window.slice(0, -1)) * UNIT_SECONDS[window.slice(-1)]!;

/** Every window the pairs use, shortest first. */
function windows(): string[] {
  return [...new Set(BURN_RATE_WINDOWS.flatMap((w) => [w.short, w.long]))].sort((a, b) => seconds(a) - seconds(b));
}

interface Objective {
  /** `availability` or `latency`: the SLO_LABEL value and the alert names' subject. */
  readonly name: 'availability' | 'latency';
  readonly alertPrefix: string;
  /** Share of requests that must be good. */
  readonly target: number;
  /** What a good request is, for the descriptions. */
  readonly good: string;
  /** The recorded series holding the bad share over `window`. */
  readonly badRatio: (window: string) => string;
  readonly records: RecordingDefinition[];
}

const requestRate = (window: string) => `namespace:${METRICS.requestsTotal.name.replace(/_total$/, '')}:rate${window}`;

/** Request rate per namespace for each short window: the traffic floor of the alerts. */
function requestRateRecords(selector: string): RecordingDefinition[] {
  return [...new Set(BURN_RATE_WINDOWS.map((w) => w.short))].map((window) => ({
    record: requestRate(window),
    expr: `sum by (namespace) (rate(${METRICS.requestsTotal.name}{${selector}}[${window}]))`,
  }));
}

function availability({ selector }: AlertContext, slo: SloSpec): Objective {
  const badRatio = (window: string) => `namespace:gateway_request_errors:ratio_rate${window}`;
  return {
    name: 'availability',
    alertPrefix: 'GatewayErrorBudget',
    target: slo.availability,
    good: `${percent(slo.availability)} of requests answered without 5xx`,
    badRatio,
    records: windows().map((window) => ({ record: badRatio(window), expr: errorRatioQuery({ selector, by: ['namespace'], window }) })),
  };
}

function latency({ selector }: AlertContext, slo: SloSpec): Objective {
  const badRatio = (window: string) => `namespace:gateway_request_slow:ratio_rate${window}`;
  const histogram = METRICS.requestDuration.name;
  const { thresholdSeconds, objective } = slo.latency;
  return {
    name: 'latency',
    alertPrefix: 'GatewayLatencyBudget',
    target: objective,
    good: `${percent(objective)} of requests answered within ${thresholdSeconds}s`,
    badRatio,
    records: windows().map((window) => ({
      record: badRatio(window),
      expr: `1 - sum by (namespace) (rate(${histogram}_bucket{${selector},${bucketMatcher(thresholdSeconds)}}[${window}])) / sum by (namespace) (rate(${histogram}_count{${selector}}[${window}]))`,
    })),
  };
}

/**
 * The alerts of one objective and severity: for any of its window pairs, the budget burnt at least
 * `burnRate` times the sustainable rate over the long window and is still burning over the short
 * one, with at least `minRequestsPerSecond` over the short window. The value is the burn rate over
 * the long window of the first pair that holds.
 */
function burnAlert(objective: Objective, severity: Severity, context: AlertContext): AlertDefinition {
  const pairs = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
  const budget = decimal(1 - objective.target);
  const scoped = (series: string) => `${series}{namespace="${context.namespace}"}`;
  const burning = (window: string, burnRate: number) => `${scoped(objective.badRatio(window))} / ${budget} > ${burnRate}`;
  const expr = pairs
    .map(({ long, short, burnRate }) => `(${burning(long, burnRate)} and ${burning(short, burnRate)} and ${scoped(requestRate(short))} >= ${context.slo.minRequestsPerSecond})`)
    .join(' or ');
  const when = pairs.map(({ long, short, burnRate }) => `${burnRate}x over ${long} and ${short}`).join(', or ');
  const fast = severity === 'critical';
  return {
    alert: `${objective.alertPrefix}${fast ? 'FastBurn' : 'SlowBurn'}`,
    expr,
    for: '0m',
    severity,
    labels: { [SLO_LABEL]: objective.name },
    summary: fast ? `The gateway is spending its ${objective.name} error budget fast.` : `The gateway is steadily spending its ${objective.name} error budget.`,
    description:
      `The gateway in {{ $labels.namespace }} spends its ${objective.name} error budget (objective: ${objective.good} over ${SLO_PERIOD_DAYS} days) ` +
      `{{ $value | humanize }} times as fast as the objective allows (alerting from ${when}).`,
  };
}

/**
 * The SLO group: the request rates and each objective's bad shares per window, recorded first, then
 * per objective the page (fast burn) and ticket (slow burn) alerts. One group, because a rule only
 * sees another group's results of an earlier round, which the 5-minute lookback can miss.
 */
export function sloGroup(context: AlertContext): RuleGroup {
  const objectives = [availability(context, context.slo), latency(context, context.slo)];
  return {
    name: 'gateway-slo',
    records: [...requestRateRecords(context.selector), ...objectives.flatMap((objective) => objective.records)],
    alerts: objectives.flatMap((objective) => [burnAlert(objective, 'critical', context), burnAlert(objective, 'warning', context)]),
  };
}
