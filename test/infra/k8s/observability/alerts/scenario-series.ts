import { SERIES_MINUTES, type InputSeries } from '../../../../helpers/promtool-rule-tests';

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
