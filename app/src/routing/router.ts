import type { RouteConfig } from '../contract';

export type RouteLookup<R> =
  | { readonly kind: 'matched'; readonly route: R }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'no-route' };

interface Entry<R> {
  readonly route: R;
  readonly prefix: string;
  readonly host?: string;
  readonly wildcardSuffix?: string;
  readonly methods?: ReadonlySet<string>;
}

/**
 * Longest-prefix routing on segment boundaries (`/api/users` matches `/api/users/1`, never
 * `/api/usersx`), then host-specific before host-agnostic, then method-specific first. A route
 * whose path and host match but whose methods do not is skipped; when every path match was
 * skipped that way the answer is 405 with the union of their methods. Expects a path already
 * passed through `normalizeTarget` and a host through `hostName`.
 */
export class Router<R extends Pick<RouteConfig, 'match'>> {
  private readonly entries: readonly Entry<R>[];

  constructor(routes: readonly R[]) {
    const entries = routes.map((route): Entry<R> => {
      const host = route.match.host;
      return {
        route,
        prefix: route.match.pathPrefix,
        host: host !== undefined && !host.startsWith('*.') ? host : undefined,
        wildcardSuffix: host?.startsWith('*.') ? host.slice(1) : undefined,
        methods: route.match.methods ? new Set(route.match.methods) : undefined,
      };
    });
    const specificity = (e: Entry<R>) => (e.host ? 2 : e.wildcardSuffix ? 1 : 0);
    this.entries = entries.sort(
      (a, b) =>
        b.prefix.length - a.prefix.length ||
        specificity(b) - specificity(a) ||
        Number(b.methods !== undefined) - Number(a.methods !== undefined),
    );
  }

  /** `host` as `hostName` gives it: lower case, no port, no trailing dot. */
  lookup(method: string, path: string, host: string | undefined): RouteLookup<R> {
    let allowed: Set<string> | undefined;
    for (const entry of this.entries) {
      if (!prefixMatches(entry.prefix, path) || !hostMatches(entry, host)) continue;
      if (entry.methods === undefined || entry.methods.has(method)) return { kind: 'matched', route: entry.route };
      allowed ??= new Set();
      for (const m of entry.methods) allowed.add(m);
    }
    return allowed ? { kind: 'method-not-allowed', allowed: [...allowed].sort() } : { kind: 'no-route' };
  }
}

function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47 /* "/" */);
}

function hostMatches(entry: Entry<unknown>, host: string | undefined): boolean {
  if (entry.host !== undefined) return host === entry.host;
  if (entry.wildcardSuffix !== undefined) return host !== undefined && host.endsWith(entry.wildcardSuffix) && host.length > entry.wildcardSuffix.length;
  return true;
}
