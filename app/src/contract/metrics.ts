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

/** Circuit states as `gateway_circuit_state` reports them. */
export const CIRCUIT_STATES = { closed: 0, 'half-open': 1, open: 2 } as const;
export type CircuitState = keyof typeof CIRCUIT_STATES;

/** Why an authenticated route refused a request; a closed set for the `reason` label. */
export const AUTH_REJECT_REASONS = ['missing', 'invalid', 'expired', 'forbidden'] as const;
export type AuthRejectReason = (typeof AUTH_REJECT_REASONS)[number];

/** Variant of routes without a traffic split; the `variant` label is then left out. */
export const NO_VARIANT = '';

/** Long-lived connections last from seconds to an hour. */
export const CONNECTION_DURATION_BUCKETS_SECONDS = [1, 5, 30, 60, 300, 900, 1800, 3600, 7200] as const;

/** 1 ms to 10 s, roughly doubling: fine resolution where a proxy's latency lives. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** How a route-table reload ended: `applied` swapped the new table in, `rejected` kept the old one serving. */
export const CONFIG_RELOAD_RESULTS = ['applied', 'rejected'] as const;
export type ConfigReloadResult = (typeof CONFIG_RELOAD_RESULTS)[number];

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
    labels: ['protocol', 'route', 'method', 'code', 'variant'],
  },
  requestDuration: {
    name: 'gateway_request_duration_seconds',
    help: 'Time from request received to response finished, as seen by the gateway.',
    type: 'histogram',
    labels: ['protocol', 'route', 'variant'],
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
  connectionDuration: {
    name: 'gateway_connection_duration_seconds',
    help: 'Lifetime of closed WebSocket and TCP connections.',
    type: 'histogram',
    labels: ['protocol'],
  },
  authRejected: {
    name: 'gateway_auth_rejected_total',
    help: 'Requests refused with 401 or 403, by reason.',
    type: 'counter',
    labels: ['route', 'reason'],
  },
  rateLimitRejected: {
    name: 'gateway_ratelimit_rejected_total',
    help: 'Requests answered 429 by a route rate limit.',
    type: 'counter',
    labels: ['route'],
  },
  rateLimitStoreErrors: {
    name: 'gateway_ratelimit_store_errors_total',
    help: 'Rate-limit decisions made without the shared store (Redis unreachable), by what failOpen decided.',
    type: 'counter',
    labels: ['route', 'decision'],
  },
  circuitState: {
    name: 'gateway_circuit_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
    type: 'gauge',
    labels: ['upstream'],
  },
  circuitTransitions: {
    name: 'gateway_circuit_transitions_total',
    help: 'Circuit breaker state changes per upstream, by the state entered.',
    type: 'counter',
    labels: ['upstream', 'state'],
  },
  upstreamRetries: {
    name: 'gateway_upstream_retries_total',
    help: 'Upstream attempts beyond the first.',
    type: 'counter',
    labels: ['route'],
  },
  retryBudgetExhausted: {
    name: 'gateway_retry_budget_exhausted_total',
    help: 'Retries skipped because the route retry budget was spent.',
    type: 'counter',
    labels: ['route'],
  },
  loadShed: {
    name: 'gateway_load_shed_total',
    help: 'Requests answered 503 because the gateway was under pressure.',
    type: 'counter',
    labels: [],
  },
  configReloads: {
    name: 'gateway_config_reloads_total',
    help: 'Route-table reloads after start-up, by result: applied, or rejected with the old table still serving.',
    type: 'counter',
    labels: ['result'],
  },
  configInfo: {
    name: 'gateway_config_info',
    help: 'Always 1; the checksum label is the sha256 of the active route table file.',
    type: 'gauge',
    labels: ['checksum'],
  },
  configLoadedTimestamp: {
    name: 'gateway_config_loaded_timestamp_seconds',
    help: 'Unix time the active route table was loaded (start-up or the last applied reload).',
    type: 'gauge',
    labels: [],
  },
  configRejectedTimestamp: {
    name: 'gateway_config_rejected_timestamp_seconds',
    help: 'Unix time of the last rejected route table that is still on disk; 0 when none is pending.',
    type: 'gauge',
    labels: [],
  },
  buildInfo: {
    name: 'gateway_build_info',
    help: 'Always 1; labels carry the running build.',
    type: 'gauge',
    labels: ['version', 'commit'],
  },
} as const satisfies Record<string, MetricSpec<readonly string[]>>;

export type MetricKey = keyof typeof METRICS;
export type MetricName = (typeof METRICS)[MetricKey]['name'];
export type MetricLabel<K extends MetricKey> = (typeof METRICS)[K]['labels'][number];

/** Prefix of the default process and Node runtime metrics registered next to ours. */
export const RUNTIME_METRIC_PREFIXES = ['process_', 'nodejs_'] as const;
