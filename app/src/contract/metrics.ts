/**
 * The gateway's metric contract. Alert rules, dashboards and autoscaling queries in `infra/`
 * import these names so that a rename breaks the build instead of silently emptying a panel.
 */

/** Upstream attempt outcomes; a closed set keeps the `outcome` label bounded. */
export const UPSTREAM_OUTCOMES = ['success', 'connect_error', 'reset', 'timeout', 'unresolved', 'error'] as const;
export type UpstreamOutcome = (typeof UPSTREAM_OUTCOMES)[number];

export const PROTOCOLS = ['http', 'websocket', 'tcp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Route label used when no route matched, so 404s stay countable without raw paths. */
export const UNMATCHED_ROUTE = '_unmatched';

/** 1 ms to 10 s, roughly doubling: fine resolution where a proxy's latency lives. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

interface MetricSpec<L extends readonly string[]> {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: L;
}

export const METRICS = {
  requestsTotal: {
    name: 'gateway_requests_total',
    help: 'Requests answered by the gateway.',
    type: 'counter',
    labels: ['protocol', 'route', 'method', 'code'],
  },
  requestDuration: {
    name: 'gateway_request_duration_seconds',
    help: 'Time from request received to response finished, as seen by the gateway.',
    type: 'histogram',
    labels: ['protocol', 'route'],
  },
  activeConnections: {
    name: 'gateway_active_connections',
    help: 'Client connections currently open.',
    type: 'gauge',
    labels: ['protocol'],
  },
  upstreamDuration: {
    name: 'gateway_upstream_request_duration_seconds',
    help: 'Time from upstream request sent to upstream response headers or failure.',
    type: 'histogram',
    labels: ['route', 'outcome'],
  },
  buildInfo: {
    name: 'gateway_build_info',
    help: 'Always 1; labels carry the running build.',
    type: 'gauge',
    labels: ['version', 'commit'],
  },
  rateLimitRejected: {
    name: 'gateway_ratelimit_rejected_total',
    help: 'Requests answered 429 by a route rate limit.',
    type: 'counter',
    labels: ['route'],
  },
  circuitState: {
    name: 'gateway_circuit_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
    type: 'gauge',
    labels: ['upstream'],
  },
} as const satisfies Record<string, MetricSpec<readonly string[]>>;

export type MetricKey = keyof typeof METRICS;
export type MetricName = (typeof METRICS)[MetricKey]['name'];
export type MetricLabel<K extends MetricKey> = (typeof METRICS)[K]['labels'][number];

/** Prefix of the default process and Node runtime metrics registered next to ours. */
export const RUNTIME_METRIC_PREFIXES = ['process_', 'nodejs_'] as const;
