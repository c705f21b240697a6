import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  CIRCUIT_STATES,
  CONNECTION_DURATION_BUCKETS_SECONDS,
  LATENCY_BUCKETS_SECONDS,
  METRICS,
  NO_VARIANT,
  type AuthRejectReason,
  type CircuitState,
  type Protocol,
  type UpstreamOutcome,
} from '../contract';
import type { BuildInfo } from '../build-info';

type Labels<K extends keyof typeof METRICS> = (typeof METRICS)[K]['labels'][number];

/**
 * The gateway's Prometheus registry, built from the metric contract. One per gateway instance
 * so tests can run several side by side.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requestsTotal: Counter<Labels<'requestsTotal'>>;
  readonly requestDuration: Histogram<Labels<'requestDuration'>>;
  readonly activeConnections: Gauge<Labels<'activeConnections'>>;
  readonly upstreamDuration: Histogram<Labels<'upstreamDuration'>>;
  readonly connectionDuration: Histogram<Labels<'connectionDuration'>>;
  readonly authRejected: Counter<Labels<'authRejected'>>;
  readonly rateLimitRejected: Counter<Labels<'rateLimitRejected'>>;
  readonly rateLimitStoreErrors: Counter<Labels<'rateLimitStoreErrors'>>;
  readonly circuitState: Gauge<Labels<'circuitState'>>;
  readonly circuitTransitions: Counter<Labels<'circuitTransitions'>>;
  readonly upstreamRetries: Counter<Labels<'upstreamRetries'>>;
  readonly retryBudgetExhausted: Counter<Labels<'retryBudgetExhausted'>>;
  readonly loadShed: Counter;
  private readonly countByRequest = new Map<string, ReturnType<Counter<Labels<'requestsTotal'>>['labels']>>();
  private readonly durationByRoute = new Map<string, ReturnType<Histogram<Labels<'requestDuration'>>['labels']>>();
  private readonly upstreamByOutcome = new Map<string, ReturnType<Histogram<Labels<'upstreamDuration'>>['labels']>>();

  constructor(build: BuildInfo) {
    const registers = [this.registry];
    this.requestsTotal = new Counter({ ...spec('requestsTotal'), registers });
    this.requestDuration = new Histogram({ ...spec('requestDuration'), buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    this.activeConnections = new Gauge({ ...spec('activeConnections'), registers });
    this.upstreamDuration = new Histogram({ ...spec('upstreamDuration'), buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    this.connectionDuration = new Histogram({ ...spec('connectionDuration'), buckets: [...CONNECTION_DURATION_BUCKETS_SECONDS], registers });
    this.authRejected = new Counter({ ...spec('authRejected'), registers });
    this.rateLimitRejected = new Counter({ ...spec('rateLimitRejected'), registers });
    this.rateLimitStoreErrors = new Counter({ ...spec('rateLimitStoreErrors'), registers });
    this.circuitState = new Gauge({ ...spec('circuitState'), registers });
    this.circuitTransitions = new Counter({ ...spec('circuitTransitions'), registers });
    this.upstreamRetries = new Counter({ ...spec('upstreamRetries'), registers });
    this.retryBudgetExhausted = new Counter({ ...spec('retryBudgetExhausted'), registers });
    this.loadShed = new Counter({ ...spec('loadShed'), registers });
    new Gauge({ ...spec('buildInfo'), registers }).set({ version: build.version, commit: build.commit }, 1);
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Records one answered request. Label children are cached: prom-client would otherwise hash a
   * label object on every call. Routes without a traffic split leave `variant` out rather than
   * exporting an empty label.
   */
  observeRequest(protocol: Protocol, route: string, variant: string, method: string, code: number, seconds: number): void {
    const routeKey = `${protocol}\u0000${route}\u0000${variant}`;
    const split = variant === NO_VARIANT ? {} : { variant };
    cached(this.countByRequest, `${routeKey}\u0000${method}\u0000${code}`, () => this.requestsTotal.labels({ protocol, route, method, code: String(code), ...split })).inc();
    cached(this.durationByRoute, routeKey, () => this.requestDuration.labels({ protocol, route, ...split })).observe(seconds);
  }

  observeUpstream(route: string, outcome: UpstreamOutcome, seconds: number): void {
    cached(this.upstreamByOutcome, `${route}\u0000${outcome}`, () => this.upstreamDuration.labels({ route, outcome })).observe(seconds);
  }

  connectionOpened(protocol: Protocol): void {
    this.activeConnections.inc({ protocol });
  }

  connectionClosed(protocol: Protocol, seconds: number): void {
    this.activeConnections.dec({ protocol });
    this.connectionDuration.observe({ protocol }, seconds);
  }

  rejectedAuth(route: string, reason: AuthRejectReason): void {
    this.authRejected.inc({ route, reason });
  }

  circuitEntered(upstream: string, state: CircuitState): void {
    this.circuitState.set({ upstream }, CIRCUIT_STATES[state]);
    this.circuitTransitions.inc({ upstream, state });
  }
}

/** Label sets are bounded (route names, methods, status codes), so the caches are too. */
function cached<T>(cache: Map<string, T>, key: string, create: () => T): T {
  let child = cache.get(key);
  if (child === undefined) {
    child = create();
    cache.set(key, child);
  }
  return child;
}

function spec<K extends keyof typeof METRICS>(key: K) {
  const { name, help, labels } = METRICS[key];
  return { name, help, labelNames: [...labels] as Labels<K>[] };
}
