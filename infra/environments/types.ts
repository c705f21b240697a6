import { z } from 'zod';
import { LOG_LEVELS, type RouteTableInput } from '../../app/src/contract';

/**
 * What an environment may declare, as a schema: the types below are inferred from it, and
 * `validateEnvironment` checks every spec against it before anything is synthesized. The synth
 * transpiles without type checking (that is `npm run typecheck`), so a misspelt setting in an
 * environment file is caught here, by name, instead of being merged in and ignored.
 */

/** The environments the platform is synthesized for; each has one file in this folder. */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const portNumber = z.int().min(1, { error: 'must be a port number 1..65535' }).max(65_535, { error: 'must be a port number 1..65535' });
const DNS_LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
/** An upstream Service port as the routes name it: `<service>.<namespace>:<port>`. */
const upstreamServicePort = z.string().regex(new RegExp(`^${DNS_LABEL}\\.${DNS_LABEL}:[0-9]{1,5}$`), { error: 'must name a Service port as <service>.<namespace>:<port>, e.g. billing.billing:80' });
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, { error: 'must be a Kubernetes quantity like 250m, 1, 512Mi or 2Gi' });
const duration = z.string();
const ratio = z.number();

const computeResourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity }),
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
});

const autoscalingSchema = z.strictObject({
  minReplicas: z.int(),
  maxReplicas: z.int(),
  /** Average CPU utilisation (percent of requests) the HPA aims for. */
  cpuUtilizationPercent: z.number(),
  /** Average memory utilisation (percent of requests) the HPA aims for. */
  memoryUtilizationPercent: z.number(),
  /** Average requests per second per pod the HPA aims for (from `gateway_requests_total`). */
  requestsPerSecondPerPod: z.number().positive(),
});

/**
 * How a change to the route table reaches running gateway pods:
 * - `reload`: the ConfigMap is updated in place and no checksum of it is in the pod template, so
 *   nothing restarts. Each pod sees the new file once kubelet syncs the volume (up to about a
 *   minute) and applies it within UAG_ROUTES_RELOAD_INTERVAL_MS; WebSockets and TCP connections
 *   stay up. Not canaried: every pod takes the table as soon as it sees it, and for that minute pods
 *   may serve different tables. The synth still validates the table with the gateway's own schema,
 *   and a pod rejects a table it cannot apply (keeping its own, with GatewayRouteTableRejected).
 * - `rollout`: the table's checksum is in the pod template, so a change starts a rollout through
 *   `rollout.strategy` with its analysis, and every long-lived connection of the old pods ends with
 *   them. The pods do not poll the file, so old pods keep their table while the canary runs.
 */
export const ROUTE_CHANGE_MODES = ['reload', 'rollout'] as const;
export type RouteChangeMode = (typeof ROUTE_CHANGE_MODES)[number];

const gatewaySchema = z.strictObject({
  autoscaling: autoscalingSchema,
  /** PodDisruptionBudget minAvailable; below `autoscaling.minReplicas` so node drains can proceed. */
  minAvailable: z.int().nonnegative(),
  resources: computeResourcesSchema,
  /** UAG_DRAIN_DELAY_MS: how long readiness answers 503 before the listener closes. */
  drainDelayMs: z.int().nonnegative(),
  /** UAG_SHUTDOWN_TIMEOUT_MS: when open connections are force-closed, counted from SIGTERM. */
  shutdownTimeoutMs: z.int().positive(),
  logLevel: z.enum(LOG_LEVELS),
  /** How route-table changes reach running pods (see ROUTE_CHANGE_MODES). */
  routeChanges: z.enum(ROUTE_CHANGE_MODES),
});

const ingressSchema = z.strictObject({
  /** Public host names served by the Istio ingress Gateway. */
  hosts: z.array(z.string()).readonly(),
  /** TLS Secret (in the ingress gateway's namespace) holding the certificate for `hosts`. */
  tlsCredentialName: z.string().min(1),
});

/**
 * How the client's address reaches the gateway. The ingress gateway (Envoy with
 * `use_remote_address`) appends the address it received the connection from to X-Forwarded-For;
 * the gateway's sidecar passes the header on unchanged; the gateway trusts the sidecar and takes
 * the rightmost entry it does not trust as the client. The load balancer keeps the client's own
 * address at L4 (the ingress Service's `externalTrafficPolicy: Local`), so with no proxy in front
 * of it the entry the ingress gateway appends is the client.
 */
const clientAddressSchema = z.strictObject({
  /**
   * Proxies in front of the load balancer that append the client to X-Forwarded-For (a CDN, an L7
   * load balancer): the ingress gateway takes the client from that many entries, counted from the
   * right (Istio `gatewayTopology.numTrustedProxies`). 0 when clients connect to the load balancer
   * directly: client-supplied X-Forwarded-For entries are then never believed.
   */
  trustedProxyHops: z.int().nonnegative(),
  /**
   * The addresses those proxies connect from, as IPs or CIDRs. The gateway trusts them too, to
   * look past the entry the ingress gateway appends (the last proxy's address) to the client. Empty
   * exactly when `trustedProxyHops` is 0.
   */
  trustedProxyCidrs: z.array(z.string()).readonly(),
});

/** One traffic stage of a canary rollout. */
const canaryStageSchema = z.strictObject({
  /** Share of traffic the canary receives at this stage, 1..100. */
  weightPercent: z.number(),
  /** Run the canary analysis at this weight before going on; a failed analysis aborts the rollout. @default false */
  analysis: z.boolean().optional(),
  /** Hold this weight afterwards: a duration (`30s`, `5m`, `1h`) or `manual` to wait for `kubectl argo rollouts promote`. @default no pause */
  pause: duration.optional(),
});

/**
 * How a new gateway version replaces the running one. `canary` moves traffic through the stages
 * via the mesh's VirtualService; `blueGreen` starts a full preview set, analyses it, then switches
 * the `gateway` Service over at once.
 */
const rolloutStrategySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('canary'),
    stages: z.array(canaryStageSchema).readonly(),
    /** Time the canary pods serve only header-selected requests before the first stage: a duration or `manual`. @default no pause */
    previewPause: duration.optional(),
  }),
  z.strictObject({
    type: z.literal('blueGreen'),
    /** `auto` switches traffic once the preview is ready and its analysis passed; `manual` waits for `kubectl argo rollouts promote`. */
    promotion: z.enum(['auto', 'manual']),
  }),
]);

/** Thresholds and pacing of the Prometheus analysis that gates a rollout. */
const rolloutAnalysisSchema = z.strictObject({
  /** Time between measurements, e.g. `1m`. */
  interval: duration,
  /** Measurements per analysis run. */
  count: z.number(),
  /** Failed measurements tolerated; one more fails the analysis, which aborts the rollout. */
  failureLimit: z.number(),
  /** PromQL rate window, e.g. `2m`; the first measurement waits this long so the window holds canary traffic. */
  window: duration,
  /** Highest share of 5xx responses the canary may answer with, 0..1; above it a measurement fails. */
  maxErrorRatio: ratio,
  /**
   * Fewest canary requests in the window for a measurement to count; below it the measurement is
   * inconclusive (the rollout pauses), so a handful of requests neither passes nor fails a version.
   */
  minRequests: z.int().positive(),
  /** Highest p95 request latency of the canary, in seconds. */
  maxLatencyP95Seconds: z.number(),
});

const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be an IPv4 or IPv6 CIDR like 203.0.113.0/24 or 2001:db8::/32' });

const rolloutSchema = z.strictObject({
  strategy: rolloutStrategySchema,
  /** Requests carrying this header with value `true` reach the new version (canary or blue-green preview) at any stage. */
  previewHeaderName: z.string(),
  /**
   * Client networks allowed to send the preview header through the ingress; a request carrying it
   * from any other address is refused (403) before routing, so the internet cannot choose the
   * untested version. The address is the client's as the ingress gateway sees it (the load
   * balancer must preserve it). `0.0.0.0/0` and `::/0` open it to everyone; empty closes it.
   */
  previewTesterCidrs: z.array(cidr).readonly(),
  /** Pods of the new version started before any traffic weight moves (canary), or the preview set's size (blue-green). */
  previewReplicas: z.number(),
  analysis: rolloutAnalysisSchema,
});

const faultInjectionSchema = z.strictObject({
  enabled: z.boolean(),
  /** Percentage of requests delayed when enabled. */
  delayPercent: z.number(),
  /** Istio duration, e.g. `2s`. */
  fixedDelay: duration,
});

/**
 * The mesh's retries at the ingress. Only requests that never reached a gateway pod are retried
 * (`connect-failure,refused-stream`), without a per-try timeout: the gateway retries idempotent
 * requests itself, within a budget (the route table's `retry`), so the conditions are fixed here.
 */
const retrySchema = z.strictObject({
  /** Retries after a failed connection or a refused HTTP/2 stream; 0 turns the mesh's retries off. */
  attempts: z.int().nonnegative(),
});

const upstreamTrafficPolicySchema = z.strictObject({
  maxConnections: z.int().positive(),
  http1MaxPendingRequests: z.int().positive(),
  maxRequestsPerConnection: z.int().nonnegative(),
  consecutiveGatewayErrors: z.int().positive(),
  interval: duration,
  baseEjectionTime: duration,
  maxEjectionPercent: z.number().min(0).max(100),
});

const alertThresholdsSchema = z.strictObject({
  /** CPU use as a share of the limit above which GatewayHighCpu fires. */
  cpuRatio: ratio,
  /** Memory working set as a share of the limit above which GatewayHighMemory fires. */
  memoryRatio: ratio,
  /** Container restarts within 1 h above which GatewayPodRestarting fires. */
  restartsPerHour: z.number().positive(),
  /** Upstream failure share above which GatewayUpstreamFailing fires. */
  upstreamFailureRatio: ratio,
});

/**
 * The gateway's service level objectives over a rolling 30 days, which its error-budget alerts
 * watch (multi-window, multi-burn-rate: infra/k8s/observability/alerts/slo.ts).
 */
const sloSchema = z.strictObject({
  /** Share of requests answered without 5xx, e.g. 0.999. */
  availability: ratio,
  latency: z.strictObject({
    /** A request is fast when answered within this many seconds: one of the request histogram's bucket bounds. */
    thresholdSeconds: z.number().positive(),
    /** Share of requests that must be fast, e.g. 0.99. */
    objective: ratio,
  }),
  /**
   * Request rate (per second, over an alert's short window) below which the budget alerts stay
   * silent: one failed request out of two is not an outage worth a page.
   */
  minRequestsPerSecond: z.number().positive(),
});

const traceStorageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('memory'), maxTraces: z.int().positive() }),
  z.strictObject({ type: z.literal('badger'), volumeSize: quantity, retention: duration }),
]);

/**
 * Where Prometheus keeps its TSDB. `emptyDir` lives and dies with the pod (a restart starts from
 * nothing); `persistent` is a ReadWriteOnce volume per replica that outlives pods and rollouts.
 * Either way Prometheus deletes the oldest blocks before the data reaches 80 % of the size
 * (`retentionSize`), leaving room for compaction.
 */
const prometheusStorageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('emptyDir'), sizeLimit: quantity }),
  z.strictObject({ type: z.literal('persistent'), volumeSize: quantity }),
]);

const observabilitySchema = z.strictObject({
  prometheusReplicas: z.int().positive(),
  /** prometheus-adapter pods, which serve the HPA's requests-per-second metric; above one they spread across nodes with a disruption budget. */
  prometheusAdapterReplicas: z.int().positive(),
  /** Prometheus TSDB retention, e.g. `15d`; the size bound of `prometheusStorage` may cut it shorter. */
  prometheusRetention: duration,
  prometheusStorage: prometheusStorageSchema,
  alertmanagerReplicas: z.int().positive(),
  /** OTEL_TRACES_SAMPLER_ARG for the parent-based ratio sampler, 0..1. */
  traceSamplingRatio: ratio,
  traceStorage: traceStorageSchema,
  /** Alertmanager repeat interval, e.g. `1h`. */
  alertRepeatInterval: duration,
});

/**
 * Where an environment spec came from, for error messages that name the file and the field as the
 * user wrote them. Filled by `defineEnvironment`.
 */
export interface EnvironmentSource {
  /** The environment's own file, relative to the repository root, e.g. `infra/environments/dev.ts`. */
  readonly file: string;
  /** Every leaf path the file declares (see `declaredPaths`); anything else comes from the defaults. */
  readonly declared: readonly string[];
  /** Where each route and TCP listener was written, and the route overrides that could not be applied. */
  readonly routeTable: RouteTableProvenance;
}

/** Where each entry of a composed route table was written, and what could not be applied. */
export interface RouteTableProvenance {
  /** Per route of the composed table, in table order. */
  readonly routeOrigins: readonly DeclarationSite[];
  /** Per TCP listener of the composed table, in table order. */
  readonly tcpOrigins: readonly DeclarationSite[];
  /** Route overrides that could not be applied (unknown names, duplicates), each worded with file, override and fix. */
  readonly problems: readonly string[];
}

/** A place in an environment file: `infra/environments/dev.ts` at `routes.add[0]`. */
export interface DeclarationSite {
  readonly file: string;
  readonly path: string;
}

/** Everything that may differ between environments. Anything not here is the same everywhere. */
export const environmentSpecSchema = z.strictObject({
  name: z.enum(ENVIRONMENT_NAMES),
  gateway: gatewaySchema,
  ingress: ingressSchema,
  clientAddress: clientAddressSchema,
  /** The gateway's route table, as the gateway reads it from UAG_ROUTES_FILE; checked by the gateway's own schema. */
  routes: z.custom<RouteTableInput>((value) => typeof value === 'object' && value !== null, { error: 'must be a route table object' }),
  /**
   * The port the pods behind an upstream Service listen on, for each Service port the routes use
   * whose `targetPort` differs from it: `{ 'billing.billing:80': 8080 }`. The gateway dials the
   * Service port, but NetworkPolicy matches the destination pod's port, so the gateway's egress
   * opens these. Service ports not listed forward to the same number (a Service without `targetPort`).
   */
  upstreamTargetPorts: z.record(upstreamServicePort, portNumber),
  rollout: rolloutSchema,
  faultInjection: faultInjectionSchema,
  retries: retrySchema,
  upstreamTrafficPolicy: upstreamTrafficPolicySchema,
  alerts: alertThresholdsSchema,
  slo: sloSchema,
  observability: observabilitySchema,
  source: z.custom<EnvironmentSource>(),
});

export type ComputeResources = z.output<typeof computeResourcesSchema>;
export type AutoscalingSpec = z.output<typeof autoscalingSchema>;
export type GatewaySpec = z.output<typeof gatewaySchema>;
export type IngressSpec = z.output<typeof ingressSchema>;
export type ClientAddressSpec = z.output<typeof clientAddressSchema>;
export type CanaryStageSpec = z.output<typeof canaryStageSchema>;
export type RolloutStrategySpec = z.output<typeof rolloutStrategySchema>;
export type RolloutAnalysisSpec = z.output<typeof rolloutAnalysisSchema>;
export type RolloutSpec = z.output<typeof rolloutSchema>;
export type FaultInjectionSpec = z.output<typeof faultInjectionSchema>;
export type RetrySpec = z.output<typeof retrySchema>;
export type UpstreamTrafficPolicySpec = z.output<typeof upstreamTrafficPolicySchema>;
export type AlertThresholds = z.output<typeof alertThresholdsSchema>;
export type SloSpec = z.output<typeof sloSchema>;
export type TraceStorageSpec = z.output<typeof traceStorageSchema>;
export type PrometheusStorageSpec = z.output<typeof prometheusStorageSchema>;
export type ObservabilitySpec = z.output<typeof observabilitySchema>;
export type EnvironmentSpec = z.output<typeof environmentSpecSchema>;

type RouteInput = RouteTableInput['routes'][number];
type TcpListenerInput = NonNullable<RouteTableInput['tcp']>[number];
type AuthInput = NonNullable<RouteTableInput['auth']>;

/**
 * Changes to a list of named entries (routes, TCP listeners) shared by every environment. The
 * shared entries are kept unless named here, so adding a route in one environment never drops the
 * others. Applied in this order: `remove`, then `replace` (in place), then `add` (at the end).
 */
export interface NamedListOverrides<Entry extends { readonly name: string }> {
  /** Entries appended after the shared ones; a name the shared list already has is an error (use `replace`). */
  readonly add?: readonly Entry[];
  /** Each takes the place of the shared entry with the same name, whole: fields are not merged. */
  readonly replace?: readonly Entry[];
  /** Names of shared entries this environment leaves out. */
  readonly remove?: readonly string[];
}

/** How an environment changes the shared route table (`routes` in `defaults.ts`). */
export interface RouteTableOverrides extends NamedListOverrides<RouteInput> {
  /** Merged over the shared `auth` settings, field by field. */
  readonly auth?: DeepPartial<AuthInput>;
  readonly tcp?: NamedListOverrides<TcpListenerInput>;
}

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * What an environment file states: its name, its hosts, and whatever differs from the defaults.
 * Objects are merged field by field; arrays and objects with a `type` are replaced whole; the
 * route table changes by route name (RouteTableOverrides).
 */
export type EnvironmentOverrides = DeepPartial<Omit<EnvironmentSpec, 'name' | 'ingress' | 'routes' | 'source'>> &
  Pick<EnvironmentSpec, 'name' | 'ingress'> & { readonly routes?: RouteTableOverrides };
