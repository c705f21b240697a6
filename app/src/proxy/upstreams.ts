import type { LookupFunction } from 'node:net';
import type { Pool as UndiciPool } from 'undici';

type Pool = UndiciPool;
/**
 * undici's Pool class, required on its own: undici's entry point also loads fetch, WebSocket,
 * EventSource, cookies, caches and the mock agent, and its `globalThis.Headers` check makes Node
 * load its own internal copy of undici as well; the gateway uses none of them, and they were
 * about a tenth of its start-up. undici has no exports map, and the version is pinned.
 */
const Pool = require('undici/lib/dispatcher/pool') as typeof UndiciPool;
import type { UpstreamConfig } from '../contract';
import { UpstreamTraffic } from '../status/traffic-totals';

/** Settings shared by every upstream connection pool. */
export interface PoolOptions {
  /** @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Idle upstream sockets are kept this long for reuse. @default 30000 */
  readonly keepAliveTimeoutMs?: number;
  /** Most sockets per upstream origin; further requests queue. @default 512 */
  readonly maxConnectionsPerOrigin?: number;
  /** Resolves upstream host names, e.g. for custom discovery. @default the system resolver (dns.lookup) */
  readonly lookup?: LookupFunction;
}

export const POOL_DEFAULTS = { connectTimeoutMs: 5000, keepAliveTimeoutMs: 30_000, maxConnectionsPerOrigin: 512 } as const;

/** One upstream address: a keep-alive pool and the path every request is prefixed with. */
export interface UpstreamTarget {
  readonly origin: string;
  /** The origin's host and port, parsed once for the client spans' `server.*` attributes. */
  readonly hostname: string;
  readonly port: number;
  readonly basePath: string;
  readonly pool: Pool;
  /** Attempts to the origin, for the status page; shared like the pool. */
  readonly traffic: UpstreamTraffic;
  /** Streamed request bodies in flight to the origin; shared like the pool. */
  readonly uploads: UploadSlots;
}

/**
 * Request bodies streaming to one origin at once. A streamed upload holds a pooled connection
 * for as long as its client takes to send it, so slow clients could otherwise hold every
 * connection of the pool and leave other requests queued behind them.
 */
export class UploadSlots {
  private inUse = 0;

  constructor(readonly capacity: number) {}

  tryAcquire(): boolean {
    if (this.inUse >= this.capacity) return false;
    this.inUse++;
    return true;
  }

  release(): void {
    this.inUse--;
  }

  get used(): number {
    return this.inUse;
  }
}

/** An upstream as the route table names it: static URLs, or a Service with a local stand-in. */
type UpstreamAddress = Pick<UpstreamConfig, 'service' | 'namespace' | 'port' | 'localUrl'> & { readonly url?: string | readonly string[] };

/**
 * Where an upstream's connections go, given where the gateway runs: its URLs, else the Service
 * through cluster DNS in Kubernetes, else its `localUrl`. `scheme` is `http` for routes, `tcp`
 * for TCP listeners.
 */
export function upstreamUrls(upstream: UpstreamAddress, inKubernetes: boolean, scheme = 'http'): { urls: string[]; warning?: string } {
  if (upstream.url !== undefined) return { urls: typeof upstream.url === 'string' ? [upstream.url] : [...upstream.url] };
  const clusterUrl = `${scheme}://${upstream.service}.${upstream.namespace}.svc.cluster.local:${upstream.port}`;
  if (inKubernetes) return { urls: [clusterUrl] };
  if (upstream.localUrl !== undefined) return { urls: [upstream.localUrl] };
  return {
    urls: [clusterUrl],
    warning: `service upstream "${upstream.service}.${upstream.namespace}" has no localUrl; outside Kubernetes it resolves only if cluster DNS is reachable`,
  };
}

/** Owns one pool per origin so routes that share an upstream share its connections. */
export class UpstreamPools {
  private readonly pools = new Map<string, { readonly pool: Pool; readonly uploads: UploadSlots; readonly traffic: UpstreamTraffic }>();
  private readonly options: Required<Omit<PoolOptions, 'lookup'>> & Pick<PoolOptions, 'lookup'>;

  /** @param uploadSlotsPerOrigin UAG_UPSTREAM_UPLOAD_SLOTS: streamed uploads per origin, below its connections */
  constructor(
    private readonly uploadSlotsPerOrigin: number,
    options: PoolOptions = {},
  ) {
    this.options = { ...POOL_DEFAULTS, ...options };
    if (uploadSlotsPerOrigin >= this.options.maxConnectionsPerOrigin) {
      throw new Error(
        `UAG_UPSTREAM_UPLOAD_SLOTS (${uploadSlotsPerOrigin}) must be below the ${this.options.maxConnectionsPerOrigin} connections of an upstream pool, or uploads could take all of them`,
      );
    }
  }

  target(url: string): UpstreamTarget {
    const parsed = new URL(url);
    let shared = this.pools.get(parsed.origin);
    if (shared === undefined) {
      const pool = new Pool(parsed.origin, {
        connections: this.options.maxConnectionsPerOrigin,
        connectTimeout: this.options.connectTimeoutMs,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        ...(this.options.lookup !== undefined ? { connect: { lookup: this.options.lookup } } : {}),
      });
      shared = { pool, uploads: new UploadSlots(this.uploadSlotsPerOrigin), traffic: new UpstreamTraffic() };
      this.pools.set(parsed.origin, shared);
    }
    // The route table admits http and https URLs only; URL leaves their default ports out.
    const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    const basePath = parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/$/, '');
    return { origin: parsed.origin, hostname: parsed.hostname, port, basePath, pool: shared.pool, uploads: shared.uploads, traffic: shared.traffic };
  }

  /**
   * Closes the pools of origins not in `origins` (a reload removed their last route and no
   * request of an older table still uses them); their in-flight requests finish first.
   */
  retainOnly(origins: ReadonlySet<string>): void {
    for (const [origin, { pool }] of this.pools) {
      if (origins.has(origin)) continue;
      this.pools.delete(origin);
      void pool.close();
    }
  }

  /** Each origin's connections and request counts (undici's pool stats) and traffic, for the status page. */
  describe(): { readonly origin: string; readonly connected: number; readonly running: number; readonly pending: number; readonly traffic: UpstreamTraffic }[] {
    return [...this.pools].map(([origin, { pool, traffic }]) => ({ origin, connected: pool.stats.connected, running: pool.stats.running, pending: pool.stats.pending, traffic }));
  }

  /** Waits for queued upstream requests, then closes idle sockets. */
  async close(): Promise<void> {
    await Promise.all(this.open().map((pool) => pool.close()));
  }

  /** Aborts in-flight upstream requests; used when shutdown runs out of time. */
  async destroy(): Promise<void> {
    await Promise.all(this.open().map((pool) => pool.destroy()));
  }

  private open(): Pool[] {
    return [...this.pools.values()].map((shared) => shared.pool).filter((pool) => !pool.destroyed && !pool.closed);
  }
}

/** Round-robin over a route's targets. */
export class RoundRobin<T> {
  private next = 0;
  constructor(readonly items: readonly T[]) {
    if (items.length === 0) throw new Error('RoundRobin needs at least one item');
  }
  pick(): T {
    const item = this.items[this.next]!;
    this.next = (this.next + 1) % this.items.length;
    return item;
  }
}
