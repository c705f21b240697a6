import { isPlainObject, mergeFields } from './merge-fields';
import { composeRouteTable } from './route-overrides';
import type { EnvironmentName, EnvironmentOverrides, EnvironmentSpec } from './types';

/** Where the shared settings below are written, as error messages name it. */
export const DEFAULTS_FILE = 'infra/environments/defaults.ts';

/** An environment's own file, relative to the repository root. */
export function environmentFile(name: EnvironmentName): string {
  return `infra/environments/${name}.ts`;
}

/**
 * What every environment gets unless its file says otherwise: the reference values of the
 * domain brief (sections 2-4). An environment file states only what differs. The route table here
 * is shared: an environment adds, replaces or removes routes by name (RouteTableOverrides).
 */
export const ENVIRONMENT_DEFAULTS: Omit<EnvironmentSpec, 'name' | 'ingress' | 'source'> = {
  gateway: {
    autoscaling: {
      minReplicas: 3,
      maxReplicas: 20,
      cpuUtilizationPercent: 65,
      memoryUtilizationPercent: 80,
      requestsPerSecondPerPod: 200,
    },
    minAvailable: 2,
    resources: {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    },
    drainDelayMs: 5_000,
    shutdownTimeoutMs: 30_000,
    logLevel: 'info',
    // A new environment keeps the canaried path until its owners choose: see each environment's reason.
    routeChanges: 'rollout',
  },
  // Every environment takes clients straight from its load balancer (an AWS NLB on EKS, whatever
  // the cluster offers locally): it passes the client's address at L4, nothing in front of it adds
  // X-Forwarded-For, and an entry a client sends itself must never count.
  clientAddress: { trustedProxyHops: 0, trustedProxyCidrs: [] },
  routes: {
    routes: [
      {
        name: 'users',
        match: { pathPrefix: '/api/users' },
        upstream: { service: 'user-service', namespace: 'users', port: 8080 },
      },
      {
        name: 'orders',
        match: { pathPrefix: '/api/orders' },
        upstream: { service: 'order-service', namespace: 'orders', port: 8080 },
      },
    ],
  },
  // The shared upstreams' Services forward to the port they listen on.
  upstreamTargetPorts: {},
  rollout: {
    strategy: {
      type: 'canary',
      stages: [
        { weightPercent: 20, analysis: true },
        { weightPercent: 50, analysis: true },
      ],
    },
    previewHeaderName: 'x-uag-canary',
    // Closed until an environment declares its testers' networks.
    previewTesterCidrs: [],
    previewReplicas: 1,
    analysis: { interval: '1m', count: 3, failureLimit: 1, window: '2m', maxErrorRatio: 0.05, minRequests: 50, maxLatencyP95Seconds: 0.5 },
  },
  faultInjection: { enabled: false, delayPercent: 0, fixedDelay: '0s' },
  retries: { attempts: 3 },
  upstreamTrafficPolicy: {
    maxConnections: 1000,
    http1MaxPendingRequests: 1000,
    maxRequestsPerConnection: 0,
    consecutiveGatewayErrors: 5,
    interval: '10s',
    baseEjectionTime: '30s',
    maxEjectionPercent: 50,
  },
  alerts: {
    cpuRatio: 0.8,
    memoryRatio: 0.85,
    restartsPerHour: 3,
    upstreamFailureRatio: 0.5,
  },
  slo: {
    availability: 0.995,
    latency: { thresholdSeconds: 0.5, objective: 0.99 },
    minRequestsPerSecond: 0.1,
  },
  observability: {
    prometheusReplicas: 1,
    prometheusAdapterReplicas: 1,
    prometheusRetention: '7d',
    prometheusStorage: { type: 'emptyDir', sizeLimit: '5Gi' },
    alertmanagerReplicas: 1,
    traceSamplingRatio: 1,
    traceStorage: { type: 'memory', maxTraces: 50_000 },
    alertRepeatInterval: '1h',
  },
};

/**
 * Builds an environment's spec: its overrides laid over the defaults, field by field, and its
 * route changes applied to the shared table by name. Never throws: whatever cannot be applied is
 * kept in `source` for validateEnvironment to report with the file and field.
 * @param file the environment's file, for error messages. @default `infra/environments/<name>.ts`
 */
export function defineEnvironment(overrides: EnvironmentOverrides, file = environmentFile(overrides.name)): EnvironmentSpec {
  const { routes: routeOverrides, ...settings } = overrides;
  const composed = composeRouteTable(ENVIRONMENT_DEFAULTS.routes, routeOverrides, { shared: DEFAULTS_FILE, environment: file });
  const merged = mergeFields(ENVIRONMENT_DEFAULTS, settings) as Omit<EnvironmentSpec, 'routes' | 'source'>;
  return {
    ...merged,
    routes: composed.table,
    source: { file, declared: declaredPaths(overrides), routeTable: { routeOrigins: composed.routeOrigins, tcpOrigins: composed.tcpOrigins, problems: composed.problems } },
  };
}

/** Every leaf path an environment's overrides set, e.g. `gateway.autoscaling.maxReplicas`. */
export function declaredPaths(overrides: EnvironmentOverrides): string[] {
  const paths: string[] = [];
  const walk = (value: unknown, prefix: string): void => {
    if (isPlainObject(value) && !('type' in value)) {
      for (const [key, child] of Object.entries(value)) walk(child, prefix === '' ? key : `${prefix}.${key}`);
    } else {
      paths.push(prefix);
    }
  };
  walk(overrides, '');
  return paths;
}
