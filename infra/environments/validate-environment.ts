import { ConfigError } from '../../app/src/config/config-error';
import { parseRouteTable } from '../../app/src/config/route-table-loader';
import type { RouteTable } from '../../app/src/contract';
import type { EnvironmentSpec } from './types';

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

  const { gateway, canary, faultInjection, observability } = spec;
  const { minReplicas, maxReplicas } = gateway.autoscaling;
  if (minReplicas < 1) fail(`gateway.autoscaling.minReplicas (${minReplicas}) must be at least 1`);
  if (minReplicas > maxReplicas) {
    fail(`gateway.autoscaling.minReplicas (${minReplicas}) must not exceed gateway.autoscaling.maxReplicas (${maxReplicas})`);
  }
  if (gateway.replicas < minReplicas || gateway.replicas > maxReplicas) {
    fail(`gateway.replicas (${gateway.replicas}) must lie within gateway.autoscaling.minReplicas..maxReplicas (${minReplicas}..${maxReplicas})`);
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
  if (!(canary.weightPercent >= 0 && canary.weightPercent <= 100)) fail(`canary.weightPercent (${canary.weightPercent}) must be 0..100`);
  if (canary.weightPercent > 0 && canary.replicas < 1) fail(`canary.replicas (${canary.replicas}) must be at least 1 while canary.weightPercent (${canary.weightPercent}) sends traffic to it`);
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
