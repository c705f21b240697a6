import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  CIRCUIT_STATES,
  CONFIG_RELOAD_RESULTS,
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
import { ChildCache } from './child-cache';
import { SeriesHistogram, type HistogramSeries } from './series-histogram';

type Labels<K extends keyof typeof METRICS> = (typeof METRICS)[K]['labels'][number];

/**
 * The gateway's Prometheus registry, built from the metric contract. One per gateway instance
 * so tests can run several side by side.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requestsTotal: Counter<Labels<'requestsTotal'>>;
  readonly requestDuration: SeriesHistogram<Labels<'requestDuration'>>;
  readonly activeConnections: Gauge<Labels<'activeConnections'>>;
  readonly upstreamDuration: SeriesHistogram<Labels<'upstreamDuration'>>;
  readonly connectionDuration: Histogram<Labels<'connectionDuration'>>;
  readonly authRejected: Counter<Labels<'authRejected'>>;
  readonly rateLimitRejected: Counter<Labels<'rateLimitRejected'>>;
  readonly rateLimitStoreErrors: Counter<Labels<'rateLimitStoreErrors'>>;
  readonly circuitState: Gauge<Labels<'circuitState'>>;
  readonly circuitTransitions: Counter<Labels<'circuitTransitions'>>;
  readonly upstreamRetries: Counter<Labels<'upstreamRetries'>>;
  readonly retryBudgetExhausted: Counter<Labels<'retryBudgetExhausted'>>;
  readonly loadShed: Counter;
  readonly configReloads: Counter<Labels<'configReloads'>>;
  readonly configInfo: Gauge<Labels<'configInfo'>>;
  readonly configLoadedTimestamp: Gauge;
  readonly configRejectedTimestamp: Gauge;
  private readonly countByRequest: ChildCache<[Protocol, string, string, string, number], PendingCount<Labels<'requestsTotal'>>>;
  private readonly durationByRoute: ChildCache<[Protocol, string, string], HistogramSeries>;
  private readonly upstreamByOutcome: ChildCache<[string, UpstreamOutcome], HistogramSeries>;

  constructor(build: BuildInfo) {
    const registers = [this.registry];
    // Counted per request in a plain number and added to the counter when it is read (a scrape):
    // prom-client would otherwise resolve the label set on every increment.
    this.requestsTotal = new Counter({ ...spec('requestsTotal'), registers, collect: () => this.addPendingRequestCounts() });
    // The two histograms every request records into: series resolved once per label set.
    this.requestDuration = new SeriesHistogram({ ...spec('requestDuration'), buckets: LATENCY_BUCKETS_SECONDS, registers });
    this.activeConnections = new Gauge({ ...spec('activeConnections'), registers });
    this.upstreamDuration = new SeriesHistogram({ ...spec('upstreamDuration'), buckets: LATENCY_BUCKETS_SECONDS, registers });
    this.connectionDuration = new Histogram({ ...spec('connectionDuration'), buckets: [...CONNECTION_DURATION_BUCKETS_SECONDS], registers });
    this.authRejected = new Counter({ ...spec('authRejected'), registers });
    this.rateLimitRejected = new Counter({ ...spec('rateLimitRejected'), registers });
    this.rateLimitStoreErrors = new Counter({ ...spec('rateLimitStoreErrors'), registers });
    this.circuitState = new Gauge({ ...spec('circuitState'), registers });
    this.circuitTransitions = new Counter({ ...spec('circuitTransitions'), registers });
    this.upstreamRetries = new Counter({ ...spec('upstreamRetries'), registers });
    this.retryBudgetExhausted = new Counter({ ...spec('retryBudgetExhausted'), registers });
    this.loadShed = new Counter({ ...spec('loadShed'), registers });
    this.configReloads = new Counter({ ...spec('configReloads'), registers });
    // Both results exported from the start, so rate() and increase() see the first reload.
    for (const result of CONFIG_RELOAD_RESULTS) this.configReloads.inc({ result }, 0);
    this.configInfo = new Gauge({ ...spec('configInfo'), registers });
    this.configLoadedTimestamp = new Gauge({ ...spec('configLoadedTimestamp'), registers });
    this.configRejectedTimestamp = new Gauge({ ...spec('configRejectedTimestamp'), registers });
    new Gauge({ ...spec('buildInfo'), registers }).set({ version: build.version, commit: build.commit }, 1);
    collectDefaultMetrics({ register: this.registry });
    this.countByRequest = new ChildCache((protocol, route, variant, method, code) => ({
      labels: { protocol, route, method, code: String(code), ...variantLabel(variant) },
      route,
      code,
      count: 0,
      added: 0,
    }));
    this.durationByRoute = new ChildCache((protocol, route, variant) => this.requestDuration.series({ protocol, route, ...variantLabel(variant) }));
    this.upstreamByOutcome = new ChildCache((route, outcome) => this.upstreamDuration.series({ route, outcome }));
  }

  /** Records one answered request. */
  observeRequest(protocol: Protocol, route: string, variant: string, method: string, code: number, seconds: number): void {
    this.countByRequest.get(protocol, route, variant, method, code).count += 1;
    this.durationByRoute.get(protocol, route, variant).observe(seconds);
  }

  observeUpstream(route: string, outcome: UpstreamOutcome, seconds: number): void {
    this.upstreamByOutcome.get(route, outcome).observe(seconds);
  }

  private addPendingRequestCounts(): void {
    for (const pending of this.countByRequest.values()) {
      if (pending.count === pending.added) continue;
      this.requestsTotal.inc(pending.labels, pending.count - pending.added);
      pending.added = pending.count;
    }
  }

  /**
   * Requests answered per route since start-up (HTTP and WebSocket handshakes), the 5xx among
   * them, and their latency histogram: what the status page turns into rates over the last minute.
   * Read from the counts every request already updates, so it adds nothing to a request.
   */
  routeTotals(): Map<string, TrafficTotals> {
    const totals = new Map<string, TrafficTotals>();
    const of = (route: string) => {
      let entry = totals.get(route);
      if (entry === undefined) {
        entry = { requests: 0, errors: 0, buckets: new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0) };
        totals.set(route, entry);
      }
      return entry;
    };
    for (const pending of this.countByRequest.values()) {
      const entry = of(pending.route);
      entry.requests += pending.count;
      if (pending.code >= 500) entry.errors += pending.count;
    }
    for (const [key, series] of this.durationByRoute.entries()) series.addBucketCounts(of(key[1]).buckets);
    return totals;
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

/** Requests of one label set: counted here per request, added to the counter when it is read. */
interface PendingCount<L extends string> {
  readonly labels: Partial<Record<L, string>>;
  readonly route: string;
  readonly code: number;
  /** Since start-up. */
  count: number;
  /** How much of `count` the counter has. */
  added: number;
}

/** Cumulative traffic of one route or upstream; `buckets` per LATENCY_BUCKETS_SECONDS bound, then above all. */
export interface TrafficTotals {
  requests: number;
  errors: number;
  readonly buckets: number[];
}

/** Routes without a traffic split leave `variant` out rather than exporting an empty label. */
function variantLabel(variant: string): { variant?: string } {
  return variant === NO_VARIANT ? {} : { variant };
}

function spec<K extends keyof typeof METRICS>(key: K) {
  const { name, help, labels } = METRICS[key];
  return { name, help, labelNames: [...labels] as Labels<K>[] };
}
