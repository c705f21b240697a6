import { ConfigError } from '../../app/src/config/config-error';
import { parseRouteTable } from '../../app/src/config/route-table-loader';
import type { RouteTable } from '../../app/src/contract';
import type { EnvironmentSpec, RolloutSpec } from './types';

/** A spec that cannot be synthesized; every problem names the environment, the field and the rule. */
export class EnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'EnvironmentError';
  }
}

/**
 * Checks an environment spec before anything is synthesized from it and returns its route table
 * as the gateway will read it. The route table goes through the gateway's own schema.
 */
export function validateEnvironment(spec: EnvironmentSpec): RouteTable {
  const where = `environment '${spec.name}'`;
  const problems: string[] = [];
  let routes: RouteTable | undefined;
  try {
    routes = parseRouteTable(spec.routes, `${where}: routes`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const fail = (rule: string): void => {
    problems.push(`${where}: ${rule}`);
  };

  const { gateway, faultInjection, observability } = spec;
  const { minReplicas, maxReplicas } = gateway.autoscaling;
  if (minReplicas < 1) fail(`gateway.autoscaling.minReplicas (${minReplicas}) must be at least 1`);
  if (minReplicas > maxReplicas) {
    fail(`gateway.autoscaling.minReplicas (${minReplicas}) must not exceed gateway.autoscaling.maxReplicas (${maxReplicas})`);
  }
  if (minReplicas > 1 && gateway.minAvailable >= minReplicas) {
    fail(`gateway.minAvailable (${gateway.minAvailable}) must be below gateway.autoscaling.minReplicas (${minReplicas}) or node drains block`);
  }
  for (const key of ['cpuUtilizationPercent', 'memoryUtilizationPercent'] as const) {
    const value = gateway.autoscaling[key];
    if (!(value >= 1 && value <= 100)) fail(`gateway.autoscaling.${key} (${value}) must be 1..100`);
  }
  if (gateway.drainDelayMs >= gateway.shutdownTimeoutMs) {
    fail(`gateway.drainDelayMs (${gateway.drainDelayMs}) must be below gateway.shutdownTimeoutMs (${gateway.shutdownTimeoutMs}): the shutdown timeout counts from SIGTERM`);
  }
  rolloutProblems(spec.rollout).forEach(fail);
  if (faultInjection.enabled && !(faultInjection.delayPercent > 0 && faultInjection.delayPercent <= 100)) {
    fail(`faultInjection.delayPercent (${faultInjection.delayPercent}) must be above 0 and at most 100 when faultInjection.enabled`);
  }
  if (!(observability.traceSamplingRatio >= 0 && observability.traceSamplingRatio <= 1)) {
    fail(`observability.traceSamplingRatio (${observability.traceSamplingRatio}) must be 0..1`);
  }
  if (spec.ingress.hosts.length === 0) fail('ingress.hosts must list at least one host name');
  spec.routes.routes?.forEach((route, index) => {
    if (route.upstream?.service === undefined) {
      fail(`routes.routes[${index}].upstream must name a Kubernetes Service (service, namespace, port): the egress NetworkPolicy only opens declared upstream namespaces`);
    }
  });

  if (problems.length > 0 || routes === undefined) throw new EnvironmentError(problems);
  return routes;
}

/** Argo Rollouts and Prometheus durations this platform writes: a whole number of s, m or h. */
const DURATION = /^[1-9][0-9]*[smh]$/;

function rolloutProblems(rollout: RolloutSpec): string[] {
  const problems: string[] = [];
  const { strategy, analysis } = rollout;
  const duration = (field: string, value: string, manualAllowed: boolean) => {
    if (!DURATION.test(value) && !(manualAllowed && value === 'manual')) {
      problems.push(`rollout.${field} (${value}) must be a duration like 30s, 5m or 1h${manualAllowed ? ", or 'manual'" : ''}`);
    }
  };
  if (strategy.type === 'canary') {
    if (strategy.stages.length === 0) problems.push('rollout.strategy.stages must list at least one stage');
    strategy.stages.forEach((stage, index) => {
      const previous = index === 0 ? 0 : strategy.stages[index - 1]!.weightPercent;
      if (!(stage.weightPercent > previous && stage.weightPercent <= 100)) {
        problems.push(`rollout.strategy.stages[${index}].weightPercent (${stage.weightPercent}) must be above the previous stage's (${previous}) and at most 100`);
      }
      if (stage.pause !== undefined) duration(`strategy.stages[${index}].pause`, stage.pause, true);
    });
    if (strategy.previewPause !== undefined) duration('strategy.previewPause', strategy.previewPause, true);
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(rollout.previewHeaderName)) problems.push(`rollout.previewHeaderName (${rollout.previewHeaderName}) must be a lower-case header name`);
  if (!(Number.isInteger(rollout.previewReplicas) && rollout.previewReplicas >= 1)) problems.push(`rollout.previewReplicas (${rollout.previewReplicas}) must be a whole number of at least 1`);
  duration('analysis.interval', analysis.interval, false);
  duration('analysis.window', analysis.window, false);
  if (!(Number.isInteger(analysis.count) && analysis.count >= 1)) problems.push(`rollout.analysis.count (${analysis.count}) must be a whole number of at least 1`);
  if (!(Number.isInteger(analysis.failureLimit) && analysis.failureLimit >= 0 && analysis.failureLimit < analysis.count)) {
    problems.push(`rollout.analysis.failureLimit (${analysis.failureLimit}) must be a whole number from 0 to below rollout.analysis.count (${analysis.count})`);
  }
  if (!(analysis.minSuccessRatio > 0 && analysis.minSuccessRatio <= 1)) problems.push(`rollout.analysis.minSuccessRatio (${analysis.minSuccessRatio}) must be above 0 and at most 1`);
  if (!(analysis.maxLatencyP95Seconds > 0)) problems.push(`rollout.analysis.maxLatencyP95Seconds (${analysis.maxLatencyP95Seconds}) must be above 0`);
  return problems;
}
