import type { RouteConfig, RouteTable } from '../contract';
import type { Logger } from '../telemetry/logger';
import { RoundRobin, upstreamUrls, type UpstreamPools, type UpstreamTarget } from './upstreams';

/** A validated route plus what it needs at request time. */
export interface RouteRuntime {
  readonly name: string;
  readonly config: RouteConfig;
  readonly match: RouteConfig['match'];
  readonly targets: RoundRobin<UpstreamTarget>;
}

export function buildRouteRuntimes(table: RouteTable, pools: UpstreamPools, inKubernetes: boolean, logger: Logger): RouteRuntime[] {
  return table.routes.map((config) => {
    const { urls, warning } = upstreamUrls(config.upstream, inKubernetes);
    if (warning !== undefined) logger.warn({ route: config.name }, warning);
    return { name: config.name, config, match: config.match, targets: new RoundRobin(urls.map((url) => pools.target(url))) };
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
