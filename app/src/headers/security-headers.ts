import { securityHeadersSchema, type SecurityHeadersConfig } from '../contract';

export interface SecurityHeaderSets {
  readonly http: Readonly<Record<string, string>>;
  /** Adds HSTS: only meaningful, and only safe, when the client reached us over TLS. */
  readonly https: Readonly<Record<string, string>>;
}

/**
 * The browser-hardening headers of one route, built once. They are set before the upstream's
 * headers, so an upstream that sends its own (say, a page-specific CSP) wins.
 *
 * Written here rather than with @fastify/helmet: helmet computes its headers per request in a
 * hook for every route, while routes here differ and the values never change after start-up.
 */
export function securityHeaderSets(config: SecurityHeadersConfig): SecurityHeaderSets | undefined {
  if (!config.enabled) return undefined;
  const http: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': config.frameOptions,
    'referrer-policy': config.referrerPolicy,
  };
  if (config.contentSecurityPolicy !== false) http['content-security-policy'] = config.contentSecurityPolicy;
  const https = config.hstsMaxAgeSeconds > 0 ? { ...http, 'strict-transport-security': `max-age=${config.hstsMaxAgeSeconds}; includeSubDomains` } : http;
  return { http, https };
}

/**
 * The default set (without HSTS, which needs a trusted proxy's word that the client used TLS),
 * for the answers the gateway gives before any route, and so any route's own set, applies.
 */
export const GATEWAY_SECURITY_HEADERS: Readonly<Record<string, string>> = securityHeaderSets(securityHeadersSchema.parse(true))!.http;
