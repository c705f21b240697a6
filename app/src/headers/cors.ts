import type { IncomingHttpHeaders } from 'node:http';
import type { CorsConfig } from '../contract';
import type { Rejection } from '../edge/request-guard';

export type CorsVerdict =
  | { readonly kind: 'not-cors' }
  /** A preflight the gateway answers itself with 204 and these headers. */
  | { readonly kind: 'preflight'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'rejected'; readonly rejection: Rejection }
  /** A cross-origin request to proxy; these headers go on the response. */
  | { readonly kind: 'actual'; readonly headers: Readonly<Record<string, string>> };

const NOT_CORS: CorsVerdict = { kind: 'not-cors' };

/**
 * CORS with an explicit origin allow-list. Written here rather than with @fastify/cors because
 * the proxy is one catch-all route: the policy depends on the route the router picked, and the
 * answers per origin can be computed once at start-up.
 */
export class CorsPolicy {
  private readonly preflightByOrigin = new Map<string, CorsVerdict>();
  private readonly actualByOrigin = new Map<string, CorsVerdict>();
  private readonly methods: ReadonlySet<string>;
  private readonly allowHeaders: ReadonlySet<string>;

  constructor(config: CorsConfig) {
    this.methods = new Set(config.methods);
    this.allowHeaders = new Set(config.allowHeaders);
    for (const origin of config.origins) {
      const common: Record<string, string> = { 'access-control-allow-origin': origin, vary: 'origin' };
      if (config.credentials) common['access-control-allow-credentials'] = 'true';
      this.preflightByOrigin.set(origin, {
        kind: 'preflight',
        headers: {
          ...common,
          'access-control-allow-methods': config.methods.join(', '),
          'access-control-allow-headers': config.allowHeaders.join(', '),
          'access-control-max-age': String(config.maxAgeSeconds),
        },
      });
      const actual = config.exposeHeaders.length > 0 ? { ...common, 'access-control-expose-headers': config.exposeHeaders.join(', ') } : common;
      this.actualByOrigin.set(origin, { kind: 'actual', headers: actual });
    }
  }

  evaluate(method: string, headers: IncomingHttpHeaders): CorsVerdict {
    const origin = headers.origin;
    if (origin === undefined) return NOT_CORS;
    const requestedMethod = headers['access-control-request-method'];
    if (method === 'OPTIONS' && typeof requestedMethod === 'string') return this.preflight(origin.toLowerCase(), requestedMethod, headers['access-control-request-headers']);
    // A disallowed origin on a simple request is proxied without CORS headers: the browser hides the answer.
    return this.actualByOrigin.get(origin.toLowerCase()) ?? NOT_CORS;
  }

  private preflight(origin: string, method: string, requestedHeaders: string | string[] | undefined): CorsVerdict {
    const answer = this.preflightByOrigin.get(origin);
    if (answer === undefined) return rejected('origin not allowed');
    if (!this.methods.has(method)) return rejected('method not allowed');
    const names = typeof requestedHeaders === 'string' ? requestedHeaders.split(',') : [];
    for (const name of names) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed !== '' && !this.allowHeaders.has(trimmed)) return rejected('header not allowed');
    }
    return answer;
  }
}

function rejected(detail: string): CorsVerdict {
  return { kind: 'rejected', rejection: { code: 'UAG_ERR_CORS_REJECTED', detail } };
}
