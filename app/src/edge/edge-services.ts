import { createAuthGuard } from '../auth/auth-guard';
import { JwtVerifier } from '../auth/jwt-verifier';
import { loadVerificationKey } from '../auth/key-source';
import type { EnvConfig } from '../config/env-config';
import { EDGE_DEFAULTS, type RouteConfig, type RouteTable } from '../contract';
import { createRateLimitGuard } from '../ratelimit/rate-limit-guard';
import type { BucketStore } from '../ratelimit/bucket-store';
import { LocalBucketStore } from '../ratelimit/local-bucket-store';
import { RedisBucketStore } from '../ratelimit/redis-bucket-store';
import { BreakerRegistry } from '../resilience/breaker-registry';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Logger } from '../telemetry/logger';
import type { RequestGuard } from './request-guard';

/** Gateway-wide state behind the per-route edge features, built once at start-up. */
export class EdgeServices {
  readonly breakers: BreakerRegistry;
  /** Header names only the gateway may set upstream; the client's copies are always dropped. */
  readonly identityHeaders: readonly string[];
  private readonly verifier: JwtVerifier | undefined;
  /** Only when some route has a rate limit: an unused Redis connection would still be made and watched. */
  private readonly bucketStore: BucketStore | undefined;

  constructor(
    table: RouteTable,
    env: Pick<EnvConfig, 'UAG_REDIS_URL' | 'UAG_REDIS_TIMEOUT_MS' | 'UAG_JWT_PUBLIC_KEY'>,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    const jwt = table.auth?.jwt;
    this.verifier = jwt === undefined ? undefined : new JwtVerifier(jwt, loadVerificationKey(jwt, env));
    const names = jwt ?? EDGE_DEFAULTS.jwt;
    this.identityHeaders = [names.userIdHeader, names.rolesHeader, names.scopesHeader];
    const limited = table.routes.some((route) => route.rateLimit !== undefined);
    this.bucketStore = !limited ? undefined : env.UAG_REDIS_URL !== undefined ? new RedisBucketStore(env.UAG_REDIS_URL, env.UAG_REDIS_TIMEOUT_MS, logger) : new LocalBucketStore();
    this.breakers = new BreakerRegistry(metrics, logger);
  }

  /** Auth first (the limiter and the variant picker may key on the user), then the rate limit. */
  guardsFor(route: RouteConfig): RequestGuard[] {
    const guards: RequestGuard[] = [];
    // The schema rejects auth: jwt without auth.jwt, so the verifier exists here.
    if (route.auth === 'jwt') guards.push(createAuthGuard(route, this.verifier!, this.metrics));
    if (route.rateLimit !== undefined) guards.push(createRateLimitGuard(route.name, route.rateLimit, this.bucketStore!, this.metrics, this.logger));
    return guards;
  }

  async close(): Promise<void> {
    await this.bucketStore?.close();
  }
}
