import { isDeepStrictEqual } from 'node:util';
import { createAuthGuard } from '../auth/auth-guard';
import type { JwtVerifier } from '../auth/jwt-verifier';
import type { EnvConfig } from '../config/env-config';
import { EDGE_DEFAULTS, type JwtConfig, type RateLimitConfig, type RetryConfig, type RouteConfig, type RouteTable } from '../contract';
import { createRateLimitGuard } from '../ratelimit/rate-limit-guard';
import type { BucketStore } from '../ratelimit/bucket-store';
import { LocalBucketStore } from '../ratelimit/local-bucket-store';
import { BreakerRegistry, type TableBreakers } from '../resilience/breaker-registry';
import { RetryBudget } from '../resilience/retry-budget';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import { chargeFailuresTo, type RequestGuard } from './request-guard';

type EdgeEnv = Pick<EnvConfig, 'UAG_REDIS_URL' | 'UAG_REDIS_TIMEOUT_MS' | 'UAG_JWT_PUBLIC_KEY'>;

interface VerifierEntry {
  readonly config: JwtConfig;
  readonly verifier: JwtVerifier;
}

interface BudgetEntry {
  readonly config: RetryConfig;
  readonly budget: RetryBudget;
}

/**
 * What building one route table's runtimes draws from the gateway-wide edge state: its guards,
 * breakers and retry budgets, carried over from the active table where the settings are the same.
 * Nothing of it becomes active until `EdgeServices.adopt`, so a table that fails to build leaves
 * the running one untouched.
 */
export class RouteTableEdge {
  /** Header names only the gateway may set upstream; the client's copies are always dropped. */
  readonly identityHeaders: readonly string[];
  readonly breakers: TableBreakers;
  /** @internal */
  readonly budgets = new Map<string, BudgetEntry>();

  constructor(
    table: RouteTable,
    private readonly services: EdgeServices,
    /** @internal */
    readonly verifier: VerifierEntry | undefined,
  ) {
    const names = table.auth?.jwt ?? EDGE_DEFAULTS.jwt;
    this.identityHeaders = [names.userIdHeader, names.rolesHeader, names.scopesHeader];
    this.breakers = services.breakers.forTable();
  }

  /**
   * The rate limit before authentication, so a flood of bad tokens is limited instead of each
   * costing a verification and a 401. A limit keyed by user can only count verified users: it
   * runs after authentication, and requests that fail authentication are charged to their
   * client address instead (with the same rate), so they meet a limit too.
   */
  guardsFor(route: RouteConfig): RequestGuard[] {
    // The schema rejects auth: jwt without auth.jwt, so the verifier exists here.
    const auth = route.auth === 'jwt' ? createAuthGuard(route, this.verifier!.verifier, this.services.metrics) : undefined;
    const limit = route.rateLimit;
    if (limit === undefined) return auth === undefined ? [] : [auth];
    const limiter = (config: RateLimitConfig) => this.services.rateLimitGuard(route.name, config);
    if (auth === undefined) return [limiter(limit)];
    if (limit.key !== 'user') return [limiter(limit), auth];
    return [chargeFailuresTo(auth, limiter({ ...limit, key: 'ip' })), limiter(limit)];
  }

  /** The route's retry budget: the active one (its window's counts) while the route's retry settings stay the same. */
  retryBudget(route: string, config: RetryConfig): RetryBudget {
    const entry = this.services.carriedBudget(route, config) ?? { config, budget: new RetryBudget(config) };
    this.budgets.set(route, entry);
    return entry.budget;
  }
}

/**
 * Gateway-wide state behind the per-route edge features, kept across route-table reloads: the
 * JWT verifier (and its JWKS and token caches) while `auth.jwt` is unchanged, the rate-limit
 * buckets (keyed by route name, so a route keeps its clients' budgets through a reload and a
 * changed limit applies to the tokens they have left), breakers per upstream origin and retry
 * budgets per route.
 */
export class EdgeServices {
  readonly breakers: BreakerRegistry;
  private verifier: VerifierEntry | undefined;
  /** Made for the first table with a rate limit: an unused Redis connection would still be made and watched. */
  private bucketStore: BucketStore | undefined;
  private budgets = new Map<string, BudgetEntry>();

  constructor(
    private readonly env: EdgeEnv,
    readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    this.breakers = new BreakerRegistry(metrics, logger);
  }

  /**
   * Builds what `table` uses and loads nothing else: the JWT machinery (jose) only with
   * `auth.jwt`, the Redis client (ioredis) only for rate limits with `UAG_REDIS_URL` set. Both are
   * loaded here, at start-up or while a reload is prepared, so no request waits for a module;
   * together they were about a sixth of the gateway's start-up time. A key that cannot be loaded
   * is a ConfigError.
   */
  async forTable(table: RouteTable): Promise<RouteTableEdge> {
    const jwt = table.auth?.jwt;
    let verifier = this.verifier;
    if (jwt === undefined) verifier = undefined;
    else if (verifier === undefined || !isDeepStrictEqual(verifier.config, jwt)) {
      const [{ JwtVerifier }, { loadVerificationKey }] = await Promise.all([import('../auth/jwt-verifier'), import('../auth/key-source')]);
      verifier = { config: jwt, verifier: new JwtVerifier(jwt, loadVerificationKey(jwt, this.env)) };
    }
    if (this.bucketStore === undefined && table.routes.some((route) => route.rateLimit !== undefined)) {
      if (this.env.UAG_REDIS_URL === undefined) this.bucketStore = new LocalBucketStore();
      else {
        const { RedisBucketStore } = await import('../ratelimit/redis-bucket-store');
        this.bucketStore = new RedisBucketStore(this.env.UAG_REDIS_URL, this.env.UAG_REDIS_TIMEOUT_MS, this.logger);
      }
    }
    return new RouteTableEdge(table, this, verifier);
  }

  /** Makes `edge` the active table's: from now on its verifier, breakers and budgets are the ones carried over. */
  adopt(edge: RouteTableEdge): void {
    this.verifier = edge.verifier;
    this.breakers.adopt(edge.breakers);
    this.budgets = new Map(edge.budgets);
  }

  /** @internal */
  rateLimitGuard(route: string, config: RateLimitConfig): RequestGuard {
    return createRateLimitGuard(route, config, this.bucketStore!, this.metrics, this.logger);
  }

  /** @internal */
  carriedBudget(route: string, config: RetryConfig): BudgetEntry | undefined {
    const known = this.budgets.get(route);
    return known !== undefined && isDeepStrictEqual(known.config, config) ? known : undefined;
  }

  async close(): Promise<void> {
    await this.bucketStore?.close();
  }
}
