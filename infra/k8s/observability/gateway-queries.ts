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

/** Share of requests whose status code matches `codeMatcher` (e.g. `=~"5.."`), from the contract's request counter. */
export function requestShareQuery(codeMatcher: string, { selector, by = [], window }: QueryScope): string {
  const requests = METRICS.requestsTotal.name;
  return `${sum(by)}(rate(${requests}{${selector},code${codeMatcher}}[${window}])) / ${sum(by)}(rate(${requests}{${selector}}[${window}]))`;
}

/** A quantile (0..1) of request duration, from the contract's request histogram. */
export function latencyQuantileQuery(quantile: number, { selector, by = [], window }: QueryScope): string {
  return `histogram_quantile(${quantile}, ${sum([...by, 'le'])}(rate(${METRICS.requestDuration.name}_bucket{${selector}}[${window}])))`;
}
