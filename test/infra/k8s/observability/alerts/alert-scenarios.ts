import { LATENCY_BUCKETS_SECONDS, METRICS } from '../../../../../app/src/contract';
import type { AlertThresholds, ComputeResources } from '../../../../../infra/environments';
import { quantityToBytes, quantityToCores } from '../../../../../infra/k8s/quantity';
import type { AlertScenario, InputSeries } from '../../../../helpers/promtool-rule-tests';
import { platformAlertScenarios } from './platform-alert-scenarios';
import { EVENTS_PER_MINUTE, LAST, counter, gauge, nudge, series, type Side } from './scenario-series';

export interface ScenarioContext {
  /** Labels prometheus-operator gives the gateway's series (job, namespace, pod, ...). */
  readonly target: Readonly<Record<string, string>>;
  readonly thresholds: AlertThresholds;
  readonly resources: ComputeResources;
}


/** Two counters whose ratio bad / (bad + good) is `ratio`, rounded to whole events per minute. */
function ratioSeries(metric: string, labels: Readonly<Record<string, string>>, badLabels: Record<string, string>, goodLabels: Record<string, string>, ratio: number) {
  const bad = Math.round(ratio * EVENTS_PER_MINUTE);
  return {
    series: [series(metric, { ...labels, ...badLabels }, counter(bad)), series(metric, { ...labels, ...goodLabels }, counter(EVENTS_PER_MINUTE - bad))],
    value: bad / EVENTS_PER_MINUTE,
  };
}

/**
 * Histogram bucket counters per minute whose 95th percentile, as histogram_quantile interpolates
 * it, is `seconds`: some mass inside the bucket holding `seconds`, the rest just below or above.
 */
function latencySeries(labels: Readonly<Record<string, string>>, seconds: number) {
  const quantile = 0.95;
  const bounds = [...LATENCY_BUCKETS_SECONDS];
  const index = bounds.findIndex((upper) => seconds <= upper);
  if (index <= 0) throw new Error(`latency threshold ${seconds}s must lie above the first bucket and within the buckets`);
  const lower = bounds[index - 1]!;
  const upper = bounds[index]!;
  const position = (seconds - lower) / (upper - lower);
  const total = EVENTS_PER_MINUTE;
  // As much inside the bucket as leaves a non-negative count below it and above it.
  const inside = Math.floor(Math.min((quantile * total) / position, position === 1 ? total : ((1 - quantile) * total) / (1 - position)));
  const below = Math.round(quantile * total - position * inside);
  const cumulativeAt = (bound: number) => (bound < lower ? 0 : bound === lower ? below : bound === upper ? below + inside : total);
  const metric = `${METRICS.requestDuration.name}_bucket`;
  const bucketSeries = [...bounds.map(String), '+Inf'].map((le) => series(metric, { ...labels, le }, counter(le === '+Inf' ? total : cumulativeAt(Number(le)))));
  return { series: bucketSeries, value: lower + ((upper - lower) * (quantile * total - below)) / inside };
}

/** Start times that change `restarts` times, one a minute, then stay put. */
function restartSeries(labels: Readonly<Record<string, string>>, restarts: number): InputSeries {
  return series('process_start_time_seconds', labels, `0+60x${restarts} ${restarts * 60}x${LAST - restarts}`);
}

/**
 * For every alert the platform defines, series that hold its quantity just below and just past
 * the environment's threshold. A new alert without an entry here fails the promtool test.
 */
export function alertScenarios({ target, thresholds, resources }: ScenarioContext): Record<string, AlertScenario> {
  const route = 'users';
  const request = { ...target, protocol: 'http', route, method: 'GET' };
  const perRoute = { namespace: target.namespace!, route };
  const cpuLimit = quantityToCores(resources.limits.cpu);
  const memoryLimit = quantityToBytes(resources.limits.memory);
  const errors = (side: Side) => ratioSeries(METRICS.requestsTotal.name, request, { code: '503' }, { code: '200' }, nudge(thresholds.errorRatio, side));
  const latency = (side: Side) => latencySeries({ ...target, protocol: 'http', route }, nudge(thresholds.latencyP95Seconds, side));
  const upstreams = (side: Side) =>
    ratioSeries(`${METRICS.upstreamDuration.name}_count`, { ...target, route }, { outcome: 'connect_error' }, { outcome: 'success' }, nudge(thresholds.upstreamFailureRatio, side));
  const cpuPerMinute = (side: Side) => nudge(thresholds.cpuRatio, side) * cpuLimit * 60;
  const memory = (side: Side) => Math.round(nudge(thresholds.memoryRatio, side) * memoryLimit);
  const circuit = (state: number) => [series(METRICS.circuitState.name, { ...target, upstream: 'user-service' }, gauge(state))];
  const up = (value: number) => [series('up', target, gauge(value))];
  return {
    GatewayDown: { justBelow: up(1), atThreshold: up(0), holdsFromMinute: 0, alertLabels: target, value: 0 },
    GatewayAbsent: { justBelow: up(1), atThreshold: up(0), holdsFromMinute: 0, alertLabels: {}, value: 1 },
    GatewayHighErrorRate: { justBelow: errors('below').series, atThreshold: errors('above').series, holdsFromMinute: 1, alertLabels: perRoute, value: errors('above').value },
    GatewayHighLatency: { justBelow: latency('below').series, atThreshold: latency('above').series, holdsFromMinute: 1, alertLabels: perRoute, value: latency('above').value },
    GatewayHighCpu: {
      justBelow: [series('process_cpu_seconds_total', target, counter(cpuPerMinute('below')))],
      atThreshold: [series('process_cpu_seconds_total', target, counter(cpuPerMinute('above')))],
      // A lone rate reads low until its 5m window is full of samples; ratios of rates cancel that out.
      holdsFromMinute: 5,
      alertLabels: target,
      value: cpuPerMinute('above') / 60 / cpuLimit,
    },
    GatewayHighMemory: {
      justBelow: [series('process_resident_memory_bytes', target, gauge(memory('below')))],
      atThreshold: [series('process_resident_memory_bytes', target, gauge(memory('above')))],
      holdsFromMinute: 0,
      alertLabels: target,
      value: memory('above') / memoryLimit,
    },
    GatewayPodRestarting: {
      justBelow: [restartSeries(target, thresholds.restartsPerHour)],
      atThreshold: [restartSeries(target, thresholds.restartsPerHour + 1)],
      holdsFromMinute: thresholds.restartsPerHour + 1,
      alertLabels: target,
      value: thresholds.restartsPerHour + 1,
    },
    GatewayUpstreamFailing: {
      justBelow: upstreams('below').series,
      atThreshold: upstreams('above').series,
      holdsFromMinute: 1,
      alertLabels: perRoute,
      value: upstreams('above').value,
    },
    GatewayCircuitOpen: { justBelow: circuit(1), atThreshold: circuit(2), holdsFromMinute: 0, alertLabels: { namespace: target.namespace!, upstream: 'user-service' }, value: 2 },
    Watchdog: { atThreshold: [], holdsFromMinute: 0, alertLabels: {}, value: 1 },
    ...platformAlertScenarios({ gatewayTarget: target }),
  };
}
