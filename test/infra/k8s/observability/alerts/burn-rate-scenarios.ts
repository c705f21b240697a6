import { METRICS } from '../../../../../app/src/contract';
import type { SloSpec } from '../../../../../infra/environments';
import { BURN_RATE_WINDOWS, SLO_LABEL, type AlertDefinition, type BurnRateWindow, type Severity } from '../../../../../infra/k8s/observability/alerts';
import { expectedAnnotations, type AlertRuleCases, type InputSeries } from '../../../../helpers/promtool-rule-tests';
import { MARGIN } from './scenario-series';

/**
 * promtool cases for the error-budget alerts, at and around each burn rate of each window pair.
 * Traffic is healthy for longer than the alerts' longest window, then a share of it is bad: 5xx
 * answers for the availability objective and, in the same series, answers slower than the
 * threshold for the latency objective, each at the pair's burn rate of its own budget, so one case
 * judges both alerts of a severity. Just above a pair's burn rate an alert is silent while the long
 * window is half full of bad traffic and fires once it is full; just below it stays silent then;
 * and once a burn stops it resets as soon as its short windows clear, while the long window still
 * burns.
 */

/** Requests per minute: 10,000 a second, so even prod's 0.1 % budget at 2 % past 1x is whole requests. */
const REQUESTS_PER_MINUTE = 600_000;
/**
 * Minutes between samples (and rule evaluations) for the cases about one pair: the coarsest that
 * still puts four samples in its short window and divides its windows, since evaluating every rule
 * minute by minute over days of series took promtool minutes.
 */
function stepFor(pair: BurnRateWindow): number {
  const short = minutes(pair.short);
  const long = minutes(pair.long);
  return [90, 60, 30, 15, 10, 5, 1].find((step) => short % step === 0 && short / step >= 4 && long % (2 * step) === 0)!;
}

/** Healthy steps before the bad traffic beyond the longest window, so every window starts out healthy. */
const HISTORY_PAD_STEPS = 10;

const MINUTES: Readonly<Record<string, number>> = { m: 1, h: 60, d: 1_440 };
const minutes = (window: string) => Number(window.slice(0, -1)) * MINUTES[window.slice(-1)]!;

/** A counter sampled every step from 0, rising by `perStep` for each segment's `steps`. */
function counter(segments: readonly { steps: number; perStep: number }[]): string {
  let value = 0;
  const parts = ['0'];
  for (const segment of segments.filter((s) => s.steps > 0)) {
    parts.push(`${value + segment.perStep}+${segment.perStep}x${segment.steps - 1}`);
    value += segment.perStep * segment.steps;
  }
  return parts.join(' ');
}

function series(metric: string, labels: Readonly<Record<string, string>>, values: string): InputSeries {
  return { series: `${metric}{${Object.entries(labels).map(([name, value]) => `${name}="${value}"`).join(',')}}`, values };
}

export type Objective = 'availability' | 'latency';

export interface BurnRateContext {
  /** Labels prometheus-operator gives the gateway's series. */
  readonly target: Readonly<Record<string, string>>;
  readonly slo: SloSpec;
}

/** Which objective an alert watches, from its `slo` label. */
export function objectiveOf(definition: AlertDefinition): Objective | undefined {
  const value = definition.labels?.[SLO_LABEL];
  return value === 'availability' || value === 'latency' ? value : undefined;
}

/** How traffic goes: sampled every `step` minutes, bad shares for `badSteps` from `onsetSteps` on, over `totalSteps`. */
export interface Traffic {
  readonly step: number;
  readonly onsetSteps: number;
  /** Share of requests answered with 5xx, and share answered slower than the latency threshold, while bad. */
  readonly badShare: Readonly<Record<Objective, number>>;
  readonly badSteps: number;
  readonly totalSteps: number;
  /** @default REQUESTS_PER_MINUTE */
  readonly requestsPerMinute?: number;
}

/** The request counter and request-duration histogram series of `traffic`, healthy before and after the bad period. */
export function trafficSeries({ target, slo }: BurnRateContext, traffic: Traffic): InputSeries[] {
  const requestsPerStep = (traffic.requestsPerMinute ?? REQUESTS_PER_MINUTE) * traffic.step;
  const timeline = (during: number, otherwise: number) =>
    counter([
      { steps: traffic.onsetSteps, perStep: otherwise },
      { steps: traffic.badSteps, perStep: during },
      { steps: traffic.totalSteps - traffic.onsetSteps - traffic.badSteps, perStep: otherwise },
    ]);
  const failed = traffic.badShare.availability * requestsPerStep;
  const slow = traffic.badShare.latency * requestsPerStep;
  const request = { ...target, protocol: 'http', route: 'users' };
  const requests = METRICS.requestsTotal.name;
  const histogram = METRICS.requestDuration.name;
  return [
    series(requests, { ...request, method: 'GET', code: '503' }, timeline(failed, 0)),
    series(requests, { ...request, method: 'GET', code: '200' }, timeline(requestsPerStep - failed, requestsPerStep)),
    series(`${histogram}_bucket`, { ...request, le: String(slo.latency.thresholdSeconds) }, timeline(requestsPerStep - slow, requestsPerStep)),
    series(`${histogram}_count`, request, timeline(requestsPerStep, requestsPerStep)),
  ];
}

function budgetOf(objective: Objective, slo: SloSpec): number {
  return 1 - (objective === 'availability' ? slo.availability : slo.latency.objective);
}

/** The recorded bad-share series of an objective over `window`, as the rules name them. */
function badRatioRecord(objective: Objective, window: string): string {
  return `namespace:${objective === 'availability' ? 'gateway_request_errors' : 'gateway_request_slow'}:ratio_rate${window}`;
}

/**
 * The cases for the burn-rate alerts of one severity (one per objective): every window pair of
 * that severity, at and around its burn rate. The first alert carries them; the others are
 * `coveredBy` it.
 */
export function burnRateCases(severity: Severity, definitions: readonly AlertDefinition[], context: BurnRateContext): Record<string, AlertRuleCases | { coveredBy: string }> {
  const alerts = definitions.filter((definition) => definition.severity === severity && objectiveOf(definition) !== undefined);
  if (alerts.length === 0) return {};
  const namespace = context.target.namespace!;
  const budget = (definition: AlertDefinition) => budgetOf(objectiveOf(definition)!, context.slo);
  const pairs = BURN_RATE_WINDOWS.filter((pair) => pair.severity === severity);
  const longest = Math.max(...pairs.map((pair) => minutes(pair.long)));
  /** Bad shares burning each objective's budget at `burnRate` (rounded to whole requests a minute). */
  const shares = (burnRate: number): Record<Objective, number> => {
    const share = (objective: Objective) => Math.round(burnRate * budgetOf(objective, context.slo) * REQUESTS_PER_MINUTE) / REQUESTS_PER_MINUTE;
    return { availability: share('availability'), latency: share('latency') };
  };

  /** Builders for the cases about `pair`, sampled at its own step. */
  const about = (pair: BurnRateWindow) => {
    const step = stepFor(pair);
    const steps = (window: string) => Math.ceil(minutes(window) / step);
    const onset = Math.ceil(longest / step) + HISTORY_PAD_STEPS;
    /** Every alert of the severity at `atStep`: firing at the burn rate `badShare` gives its objective, or silent. */
    const checks = (atStep: number, badShare: Readonly<Record<Objective, number>> | undefined) =>
      alerts.map((definition) => ({
        eval_time: `${atStep * step}m`,
        alertname: definition.alert,
        exp_alerts:
          badShare === undefined
            ? []
            : [{ exp_labels: { namespace, ...definition.labels, severity }, exp_annotations: expectedAnnotations(definition, { namespace }, badShare[objectiveOf(definition)!] / budget(definition)) }],
      }));
    const testCase = (name: string, traffic: Omit<Traffic, 'step' | 'onsetSteps'>, rest: object) => ({
      evaluationInterval: `${step}m`,
      test: { name, interval: `${step}m`, input_series: trafficSeries(context, { ...traffic, step, onsetSteps: onset }), ...rest },
    });
    return { step, steps, onset, checks, testCase };
  };

  const cases = pairs.flatMap((pair) => {
    const { long, short, burnRate } = pair;
    const { steps, onset, checks, testCase } = about(pair);
    // The long window then holds exactly the bad traffic; longer pairs' windows hold part of it, short of their rates.
    const judged = onset + steps(long);
    const name = `${burnRate}x over ${long} and ${short}`;
    const above = shares(burnRate * (1 + MARGIN));
    return [
      testCase(`${severity} budget alerts fire just above ${name} once the ${long} window is full, not while it is half full`, { badShare: above, badSteps: steps(long), totalSteps: judged + 1 }, {
        alert_rule_test: [...checks(onset + steps(long) / 2, undefined), ...checks(judged, above)],
      }),
      testCase(`${severity} budget alerts stay silent just below ${name}`, { badShare: shares(burnRate * (1 - MARGIN)), badSteps: steps(long), totalSteps: judged + 1 }, {
        alert_rule_test: checks(judged, undefined),
      }),
    ];
  });

  // Reset: twice the slowest pair's burn rate for its long window, then healthy. Once every short
  // window holds only healthy traffic the alerts are silent, though that long window still burns.
  const slowest = pairs[pairs.length - 1]!;
  const { step, steps, onset, checks, testCase } = about(slowest);
  const burnSteps = steps(slowest.long);
  const resetAt = onset + burnSteps + Math.max(...pairs.map((pair) => steps(pair.short))) + 2;
  const doubled = shares(2 * slowest.burnRate);
  cases.push(
    testCase(`${severity} budget alerts reset once their short windows are healthy again, while the ${slowest.long} window still burns`, { badShare: doubled, badSteps: burnSteps, totalSteps: resetAt + 1 }, {
      alert_rule_test: [...checks(onset + burnSteps, doubled), ...checks(resetAt, undefined)],
      promql_expr_test: alerts.map((definition) => ({
        expr: `${badRatioRecord(objectiveOf(definition)!, slowest.long)}{namespace="${namespace}"} / ${budget(definition)} > bool ${slowest.burnRate}`,
        eval_time: `${resetAt * step}m`,
        exp_samples: [{ labels: `{namespace="${namespace}"}`, value: 1 }],
      })),
    }),
  );
  const [first, ...others] = alerts;
  return {
    [first!.alert]: { cases },
    ...Object.fromEntries(others.map((definition) => [definition.alert, { coveredBy: first!.alert }])),
  };
}

/**
 * The traffic-floor regression: one request in two failing (and slow), two requests every five
 * minutes. Every alert but the Watchdog must stay silent; GatewayHighErrorRate paged on this.
 */
export function lowTrafficCase(definitions: readonly AlertDefinition[], context: BurnRateContext): object {
  const totalSteps = 60;
  const traffic = { step: 1, onsetSteps: 10, badShare: { availability: 0.5, latency: 0.5 }, badSteps: 50, totalSteps, requestsPerMinute: 2 / 5 };
  return {
    name: 'no alert pages on one failed request out of two at two requests in five minutes (traffic floor)',
    interval: '1m',
    input_series: [series('up', context.target, `1x${totalSteps}`), ...trafficSeries(context, traffic)],
    alert_rule_test: definitions
      .filter((definition) => definition.alert !== 'Watchdog')
      .flatMap((definition) => [15, 30, totalSteps].map((minute) => ({ eval_time: `${minute}m`, alertname: definition.alert, exp_alerts: [] }))),
  };
}
