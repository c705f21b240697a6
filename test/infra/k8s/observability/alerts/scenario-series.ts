import type { AlertDefinition } from '../../../../../infra/k8s/observability/alerts';
import { SERIES_MINUTES, type AlertScenario, type InputSeries } from '../../../../helpers/promtool-rule-tests';

/** Building blocks of the promtool scenarios: series in promtool's notation, and thresholds nudged either side. */

/** How far below and past a threshold the scenarios go: close enough that a wrong comparison shows. */
export const MARGIN = 0.02;
/** Events per minute in rate scenarios: large, so ratios land within MARGIN after rounding. */
export const EVENTS_PER_MINUTE = 100_000;
export const LAST = SERIES_MINUTES;

export type Side = 'below' | 'above';
export const nudge = (threshold: number, side: Side) => threshold * (side === 'below' ? 1 - MARGIN : 1 + MARGIN);

export function series(metric: string, labels: Readonly<Record<string, string>>, values: string): InputSeries {
  const matchers = Object.entries(labels).map(([name, value]) => `${name}="${value}"`);
  return { series: `${metric}{${matchers.join(',')}}`, values };
}
export const counter = (perMinute: number) => `0+${perMinute}x${LAST}`;
export const gauge = (value: number) => `${value}x${LAST}`;

export type Labels = Readonly<Record<string, string>>;

/** `name="value",...`: a series' labels as PromQL matchers. */
export const matchers = (labels: Labels) =>
  Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(',');

/** A numerator counter and a denominator counter whose ratio is `ratio`, and that ratio as the rule computes it. */
export function counterPair(numerator: InputSeries['series'], denominator: InputSeries['series'], ratio: number) {
  const part = Math.round(ratio * EVENTS_PER_MINUTE);
  return { series: [{ series: numerator, values: counter(part) }, { series: denominator, values: counter(EVENTS_PER_MINUTE) }], value: part / EVENTS_PER_MINUTE };
}

/** A scenario from series built on either side of the threshold, firing with the value they hold past it. */
export function aroundThreshold(
  around: (side: Side) => { series: readonly InputSeries[]; value: number },
  fired: Pick<AlertScenario, 'holdsFromMinute' | 'alertLabels'>,
): AlertScenario {
  const past = around('above');
  return { justBelow: around('below').series, atThreshold: past.series, value: past.value, ...fired };
}

/** A gauge that holds `quiet`, or `firing` from the first minute, and fires with `alertLabels` (@default the series' own labels). */
export function gaugeScenario(metric: string, labels: Labels, values: { quiet: number; firing: number }, alertLabels: Labels = labels): AlertScenario {
  return {
    justBelow: [series(metric, labels, gauge(values.quiet))],
    atThreshold: [series(metric, labels, gauge(values.firing))],
    holdsFromMinute: 0,
    alertLabels,
    value: values.firing,
  };
}

/** The definition of `alert`, for the alerts tested through cases of their own. */
export function definitionOf(definitions: readonly AlertDefinition[], alert: string): AlertDefinition {
  const found = definitions.find((candidate) => candidate.alert === alert);
  if (found === undefined) throw new Error(`${alert} is not among the alert definitions`);
  return found;
}
