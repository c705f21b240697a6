import type { RouteTableInput } from '../../app/src/contract';
import type { LOG_LEVELS } from '../../app/src/contract';

/** The environments the platform is synthesized for; each has one file in this folder. */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface ComputeResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface AutoscalingSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU utilisation (percent of requests) the HPA aims for. */
  readonly cpuUtilizationPercent: number;
  /** Average memory utilisation (percent of requests) the HPA aims for. */
  readonly memoryUtilizationPercent: number;
  /** Average requests per second per pod the HPA aims for (from `gateway_requests_total`). */
  readonly requestsPerSecondPerPod: number;
}

export interface GatewaySpec {
  /** Replicas before the HPA takes over; must lie within the autoscaling bounds. */
  readonly replicas: number;
  readonly autoscaling: AutoscalingSpec;
  /** PodDisruptionBudget minAvailable; below `autoscaling.minReplicas` so node drains can proceed. */
  readonly minAvailable: number;
  readonly resources: ComputeResources;
  /** UAG_DRAIN_DELAY_MS: how long readiness answers 503 before the listener closes. */
  readonly drainDelayMs: number;
  /** UAG_SHUTDOWN_TIMEOUT_MS: when open connections are force-closed, counted from SIGTERM. */
  readonly shutdownTimeoutMs: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

export interface IngressSpec {
  /** Public host names served by the Istio ingress Gateway. */
  readonly hosts: readonly string[];
  /** TLS Secret (in the ingress gateway's namespace) holding the certificate for `hosts`. */
  readonly tlsCredentialName: string;
}

export interface JwtSpec {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audiences: readonly string[];
}

export interface CanarySpec {
  /** Share of traffic sent to the `canary` subset; 0 sends everything to `stable`. */
  readonly weightPercent: number;
  /** Requests carrying this header with value `true` always go to the canary. */
  readonly headerName: string;
  /** Pods of the `gateway-canary` Deployment, synthesized while `weightPercent` is above 0. */
  readonly replicas: number;
}

export interface FaultInjectionSpec {
  readonly enabled: boolean;
  /** Percentage of requests delayed when enabled. */
  readonly delayPercent: number;
  /** Istio duration, e.g. `2s`. */
  readonly fixedDelay: string;
}

export interface RetrySpec {
  readonly attempts: number;
  /** Istio duration, e.g. `2s`. */
  readonly perTryTimeout: string;
  readonly retryOn: string;
}

export interface UpstreamTrafficPolicySpec {
  readonly maxConnections: number;
  readonly http1MaxPendingRequests: number;
  readonly maxRequestsPerConnection: number;
  readonly consecutiveGatewayErrors: number;
  readonly interval: string;
  readonly baseEjectionTime: string;
  readonly maxEjectionPercent: number;
}

export interface AlertThresholds {
  /** 5xx share of requests above which GatewayHighErrorRate fires. */
  readonly errorRatio: number;
  /** p95 request latency in seconds above which GatewayHighLatency fires. */
  readonly latencyP95Seconds: number;
  /** CPU use as a share of the limit above which GatewayHighCpu fires. */
  readonly cpuRatio: number;
  /** Memory working set as a share of the limit above which GatewayHighMemory fires. */
  readonly memoryRatio: number;
  /** Container restarts within 1 h above which GatewayPodRestarting fires. */
  readonly restartsPerHour: number;
  /** Upstream failure share above which GatewayUpstreamFailing fires. */
  readonly upstreamFailureRatio: number;
}

export type TraceStorageSpec =
  | { readonly type: 'memory'; readonly maxTraces: number }
  | { readonly type: 'badger'; readonly volumeSize: string; readonly retention: string };

export interface ObservabilitySpec {
  readonly prometheusReplicas: number;
  /** Prometheus TSDB retention, e.g. `15d`. */
  readonly prometheusRetention: string;
  readonly alertmanagerReplicas: number;
  /** OTEL_TRACES_SAMPLER_ARG for the parent-based ratio sampler, 0..1. */
  readonly traceSamplingRatio: number;
  readonly traceStorage: TraceStorageSpec;
  /** Alertmanager repeat interval, e.g. `1h`. */
  readonly alertRepeatInterval: string;
}

/** Everything that may differ between environments. Anything not here is the same everywhere. */
export interface EnvironmentSpec {
  readonly name: EnvironmentName;
  readonly gateway: GatewaySpec;
  readonly ingress: IngressSpec;
  readonly jwt: JwtSpec;
  /** The gateway's route table, as the gateway reads it from UAG_ROUTES_FILE. */
  readonly routes: RouteTableInput;
  readonly canary: CanarySpec;
  readonly faultInjection: FaultInjectionSpec;
  readonly retries: RetrySpec;
  readonly upstreamTrafficPolicy: UpstreamTrafficPolicySpec;
  readonly alerts: AlertThresholds;
  readonly observability: ObservabilitySpec;
}

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What an environment file states: its name, its hosts, and whatever differs from the defaults. */
export type EnvironmentOverrides = DeepPartial<Omit<EnvironmentSpec, 'name' | 'ingress'>> & Pick<EnvironmentSpec, 'name' | 'ingress'>;
