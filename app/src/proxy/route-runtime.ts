import type { RouteTableEdge } from '../edge/edge-services';
import type { RequestGuard } from '../edge/request-guard';
import { NO_VARIANT, type RetryConfig, type RouteConfig, type RouteTable, type VariantConfig } from '../contract';
import { CorsPolicy } from '../headers/cors';
import { securityHeaderSets, type SecurityHeaderSets } from '../headers/security-headers';
import type { CircuitBreaker } from '../resilience/circuit-breaker';
import type { RetryBudget } from '../resilience/retry-budget';
import { VariantPicker } from '../splitting/variant-picker';
import type { Logger } from '../telemetry/logger';
import { ClientHeaderPolicy } from './client-headers';
import { RoundRobin, upstreamUrls, type UpstreamPools, type UpstreamTarget } from './upstreams';

/** An upstream address as a route uses it: with the origin's breaker when the route has one. */
export interface RouteTarget extends UpstreamTarget {
  readonly breaker: CircuitBreaker | undefined;
}

/** One arm of a traffic split; a route without `variants` has exactly one, named "". */
export interface VariantRuntime {
  readonly name: string;
  readonly weight: number;
  readonly targets: RoundRobin<RouteTarget>;
}

/** A validated route plus what it needs at request time; features a route lacks are `undefined`. */
export interface RouteRuntime {
  readonly name: string;
  readonly config: RouteConfig;
  readonly match: RouteConfig['match'];
  readonly variants: readonly VariantRuntime[];
  readonly picker: VariantPicker<VariantRuntime> | undefined;
  readonly guards: readonly RequestGuard[];
  /** Which client request headers reach the upstream. */
  readonly clientHeaders: ClientHeaderPolicy;
  readonly cors: CorsPolicy | undefined;
  readonly securityHeaders: SecurityHeaderSets | undefined;
  readonly retry: { readonly config: RetryConfig; readonly budget: RetryBudget } | undefined;
}

export function buildRouteRuntimes(table: RouteTable, pools: UpstreamPools, edge: RouteTableEdge, inKubernetes: boolean, logger: Logger): RouteRuntime[] {
  return table.routes.map((config, index) => {
    const targetsOf = (address: RouteConfig['upstream'] | VariantConfig): RoundRobin<RouteTarget> => {
      const { urls, warning } = upstreamUrls(address, inKubernetes);
      if (warning !== undefined) logger.warn({ route: config.name }, warning);
      return new RoundRobin(
        urls.map((url) => {
          const target = pools.target(url);
          const breaker = config.circuitBreaker === undefined ? undefined : edge.breakers.forOrigin(target.origin, config.circuitBreaker, `routes[${index}].circuitBreaker`);
          return { ...target, breaker };
        }),
      );
    };
    const declared = config.upstream.variants;
    const variants: VariantRuntime[] =
      declared === undefined
        ? [{ name: NO_VARIANT, weight: 1, targets: targetsOf(config.upstream) }]
        : declared.map((variant) => ({ name: variant.name, weight: variant.weight, targets: targetsOf(variant) }));
    return {
      name: config.name,
      config,
      match: config.match,
      variants,
      picker: declared === undefined ? undefined : new VariantPicker(variants, config),
      guards: edge.guardsFor(config),
      clientHeaders: new ClientHeaderPolicy(edge.identityHeaders, config.underscoresInHeaders),
      cors: config.cors === undefined ? undefined : new CorsPolicy(config.cors),
      securityHeaders: securityHeaderSets(config.securityHeaders),
      retry: config.retry === undefined ? undefined : { config: config.retry, budget: edge.retryBudget(config.name, config.retry) },
    };
  });
}

/** Path sent upstream: the target's base path, then the request path (minus the route prefix when stripping). */
export function upstreamPath(route: RouteRuntime, target: UpstreamTarget, path: string, query: string): string {
  let rest = path;
  if (route.config.stripPrefix && route.match.pathPrefix !== '/') {
    rest = path.slice(route.match.pathPrefix.length);
    if (rest === '' || rest[0] !== '/') rest = `/${rest}`;
  }
  return `${target.basePath}${rest}${query}`;
}
