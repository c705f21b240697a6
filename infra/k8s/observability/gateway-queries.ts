import { METRICS } from '../../../app/src/contract';

/** Where and over what a gateway query aggregates. */
export interface QueryScope {
  /** PromQL label matchers, e.g. `job="gateway-admin",namespace="gateway"`. */
  readonly selector: string;
  /** Labels kept by the aggregation. @default [] (one series) */
  readonly by?: readonly string[];
  /** Rate window, e.g. `5m`. */
  readonly window: string;
}

function sum(by: readonly string[]): string {
  return by.length === 0 ? 'sum' : `sum by (${by.join(', ')}) `;
}

/** Requests in the window, from the contract's request counter. */
export function requestCountQuery({ selector, by = [], window }: QueryScope, extraMatchers = ''): string {
  return `${sum(by)}(increase(${METRICS.requestsTotal.name}{${selector}${extraMatchers}}[${window}]))`;
}

/**
 * Share of requests answered with 5xx. The error side has an explicit zero (`or vector(0)`, or per
 * group `or 0 * <requests>`): a counter has no series for a code never answered, and without it a
 * group without errors would have no ratio instead of 0, while one answering only 5xx still gets 1.
 * With `minRequests` the ratio exists only where the window holds at least that many requests, so
 * a handful of requests reads as no data rather than as 0 % or 100 %.
 */
export function errorRatioQuery(scope: QueryScope, minRequests?: number): string {
  const requests = requestCountQuery(scope);
  const errors = requestCountQuery(scope, ',code=~"5.."');
  const zero = (scope.by ?? []).length === 0 ? 'vector(0)' : `0 * ${requests}`;
  const denominator = minRequests === undefined ? requests : `(${requests} >= ${minRequests})`;
  return `(${errors} or ${zero}) / ${denominator}`;
}

/** A quantile (0..1) of request duration, from the contract's request histogram. */
export function latencyQuantileQuery(quantile: number, { selector, by = [], window }: QueryScope): string {
  return `histogram_quantile(${quantile}, ${sum([...by, 'le'])}(rate(${METRICS.requestDuration.name}_bucket{${selector}}[${window}])))`;
}
