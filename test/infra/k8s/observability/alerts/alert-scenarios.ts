import { METRICS } from '../../../../../app/src/contract';
import type { AlertThresholds, ComputeResources, SloSpec } from '../../../../../infra/environments';
import type { AlertDefinition } from '../../../../../infra/k8s/observability/alerts';
import { quantityToBytes, quantityToCores } from '../../../../../infra/k8s/quantity';
import { type AlertTesting, type InputSeries } from '../../../../helpers/promtool-rule-tests';
import { burnRateCases } from './burn-rate-scenarios';
import { addonAlertScenarios } from './addon-alert-scenarios';
import { platformAlertScenarios } from './platform-alert-scenarios';
import { EVENTS_PER_MINUTE, LAST, counter, gauge, nudge, series, type Side } from './scenario-series';

export interface ScenarioContext {
  /** Labels prometheus-operator gives the gateway's series (job, namespace, pod, ...). */
  readonly target: Readonly<Record<string, string>>;
  readonly thresholds: AlertThresholds;
  readonly slo: SloSpec;
  readonly resources: ComputeResources;
  /** The alert definitions, for those tested through their own cases (burn rates). */
  readonly definitions: readonly AlertDefinition[];
}


/** Two counters whose ratio bad / (bad + good) is `ratio`, rounded to whole events per minute. */
function ratioSeries(metric: string, labels: Readonly<Record<string, string>>, badLabels: Record<string, string>, goodLabels: Record<string, string>, ratio: number) {
  const bad = Math.round(ratio * EVENTS_PER_MINUTE);
  return {
    series: [series(metric, { ...labels, ...badLabels }, counter(bad)), series(metric, { ...labels, ...goodLabels }, counter(EVENTS_PER_MINUTE - bad))],
    value: bad / EVENTS_PER_MINUTE,
  };
}

/** Start times that change `restarts` times, one a minute, then stay put. */
function restartSeries(labels: Readonly<Record<string, string>>, restarts: number): InputSeries {
  return series('process_start_time_seconds', labels, `0+60x${restarts} ${restarts * 60}x${LAST - restarts}`);
}

/**
 * For every alert the platform defines, series that hold its quantity just below and just past
 * the environment's threshold. A new alert without an entry here fails the promtool test.
 */
export function alertScenarios({ target, thresholds, slo, resources, definitions }: ScenarioContext): Record<string, AlertTesting> {
  const route = 'users';
  const perRoute = { namespace: target.namespace!, route };
  const cpuLimit = quantityToCores(resources.limits.cpu);
  const memoryLimit = quantityToBytes(resources.limits.memory);
  const upstreams = (side: Side) =>
    ratioSeries(`${METRICS.upstreamDuration.name}_count`, { ...target, route }, { outcome: 'connect_error' }, { outcome: 'success' }, nudge(thresholds.upstreamFailureRatio, side));
  const cpuPerMinute = (side: Side) => nudge(thresholds.cpuRatio, side) * cpuLimit * 60;
  const memory = (side: Side) => Math.round(nudge(thresholds.memoryRatio, side) * memoryLimit);
  const circuit = (state: number) => [series(METRICS.circuitState.name, { ...target, upstream: 'user-service' }, gauge(state))];
  const up = (value: number) => [series('up', target, gauge(value))];
  return {
    ...burnRateCases('critical', definitions, { target, slo }),
    ...burnRateCases('warning', definitions, { target, slo }),
    GatewayDown: { justBelow: up(1), atThreshold: up(0), holdsFromMinute: 0, alertLabels: target, value: 0 },
    GatewayAbsent: { justBelow: up(1), atThreshold: up(0), holdsFromMinute: 0, alertLabels: {}, value: 1 },
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
    GatewayRouteTableRejected: {
      // Loaded at 1000 s; no rejection pending (0), then a rejection a minute after the load.
      justBelow: [series(METRICS.configLoadedTimestamp.name, target, gauge(1000)), series(METRICS.configRejectedTimestamp.name, target, gauge(0))],
      atThreshold: [series(METRICS.configLoadedTimestamp.name, target, gauge(1000)), series(METRICS.configRejectedTimestamp.name, target, gauge(1060))],
      holdsFromMinute: 0,
      alertLabels: target,
      value: 60,
    },
    Watchdog: { atThreshold: [], holdsFromMinute: 0, alertLabels: {}, value: 1 },
    ...platformAlertScenarios({ gatewayTarget: target, definitions }),
    ...addonAlertScenarios({ definitions }),
  };
}
