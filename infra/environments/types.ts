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

/** One traffic stage of a canary rollout. */
export interface CanaryStageSpec {
  /** Share of traffic the canary receives at this stage, 1..100. */
  readonly weightPercent: number;
  /** Run the canary analysis at this weight before going on; a failed analysis aborts the rollout. @default false */
  readonly analysis?: boolean;
  /** Hold this weight afterwards: a duration (`30s`, `5m`, `1h`) or `manual` to wait for `kubectl argo rollouts promote`. @default no pause */
  readonly pause?: string;
}

/**
 * How a new gateway version replaces the running one. `canary` moves traffic through the stages
 * via the mesh's VirtualService; `blueGreen` starts a full preview set, analyses it, then switches
 * the `gateway` Service over at once.
 */
export type RolloutStrategySpec =
  | {
      readonly type: 'canary';
      readonly stages: readonly CanaryStageSpec[];
      /** Time the canary pods serve only header-selected requests before the first stage: a duration or `manual`. @default no pause */
      readonly previewPause?: string;
    }
  | {
      readonly type: 'blueGreen';
      /** `auto` switches traffic once the preview is ready and its analysis passed; `manual` waits for `kubectl argo rollouts promote`. */
      readonly promotion: 'auto' | 'manual';
    };

/** Thresholds and pacing of the Prometheus analysis that gates a rollout. */
export interface RolloutAnalysisSpec {
  /** Time between measurements, e.g. `1m`. */
  readonly interval: string;
  /** Measurements per analysis run. */
  readonly count: number;
  /** Failed measurements tolerated; one more fails the analysis, which aborts the rollout. */
  readonly failureLimit: number;
  /** PromQL rate window, e.g. `2m`; the first measurement waits this long so the window holds canary traffic. */
  readonly window: string;
  /** Lowest share of non-5xx responses the canary may answer with, 0..1. */
  readonly minSuccessRatio: number;
  /** Highest p95 request latency of the canary, in seconds. */
  readonly maxLatencyP95Seconds: number;
}

export interface RolloutSpec {
  readonly strategy: RolloutStrategySpec;
  /** Requests carrying this header with value `true` reach the new version (canary or blue-green preview) at any stage. */
  readonly previewHeaderName: string;
  /** Pods of the new version started before any traffic weight moves (canary), or the preview set's size (blue-green). */
  readonly previewReplicas: number;
  readonly analysis: RolloutAnalysisSpec;
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
  readonly rollout: RolloutSpec;
  readonly faultInjection: FaultInjectionSpec;
  readonly retries: RetrySpec;
  readonly upstreamTrafficPolicy: UpstreamTrafficPolicySpec;
  readonly alerts: AlertThresholds;
  readonly observability: ObservabilitySpec;
}

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What an environment file states: its name, its hosts, and whatever differs from the defaults. */
export type EnvironmentOverrides = DeepPartial<Omit<EnvironmentSpec, 'name' | 'ingress'>> & Pick<EnvironmentSpec, 'name' | 'ingress'>;
