import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS, METRICS, type Protocol, type UpstreamOutcome } from '../contract';
import type { BuildInfo } from '../build-info';

/**
 * The gateway's Prometheus registry, built from the metric contract. One per gateway instance
 * so tests can run several side by side.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requestsTotal: Counter<'protocol' | 'route' | 'method' | 'code'>;
  readonly requestDuration: Histogram<'protocol' | 'route'>;
  readonly activeConnections: Gauge<'protocol'>;
  readonly upstreamDuration: Histogram<'route' | 'outcome'>;
  private readonly durationByRoute = new Map<string, ReturnType<Histogram<'protocol' | 'route'>['labels']>>();

  constructor(build: BuildInfo) {
    const registers = [this.registry];
    this.requestsTotal = new Counter({ ...spec('requestsTotal'), registers });
    this.requestDuration = new Histogram({ ...spec('requestDuration'), buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    this.activeConnections = new Gauge({ ...spec('activeConnections'), registers });
    this.upstreamDuration = new Histogram({ ...spec('upstreamDuration'), buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    new Gauge({ ...spec('buildInfo'), registers }).set({ version: build.version, commit: build.commit }, 1);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records one answered request; children are cached so the hot path skips label hashing. */
  observeRequest(protocol: Protocol, route: string, method: string, code: number, seconds: number): void {
    this.requestsTotal.inc({ protocol, route, method, code: String(code) });
    const key = `${protocol}\u0000${route}`;
    let child = this.durationByRoute.get(key);
    if (child === undefined) {
      child = this.requestDuration.labels({ protocol, route });
      this.durationByRoute.set(key, child);
    }
    child.observe(seconds);
  }

  observeUpstream(route: string, outcome: UpstreamOutcome, seconds: number): void {
    this.upstreamDuration.observe({ route, outcome }, seconds);
  }
}

function spec<K extends keyof typeof METRICS>(key: K) {
  const { name, help, labels } = METRICS[key];
  return { name, help, labelNames: [...labels] as (typeof METRICS)[K]['labels'][number][] };
}
