import { z } from 'zod';

/**
 * Route-table fields for the gateway's edge features: authentication, rate limits, resilience,
 * traffic splitting, browser headers and long-lived connections. Every optional field's default
 * is a named constant in `EDGE_DEFAULTS`, which the docs table quotes.
 */

export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export const AUTH_MODES = ['none', 'jwt'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const RATE_LIMIT_KEYS = ['ip', 'user', 'header'] as const;
export const STICKY_BY = ['user', 'cookie'] as const;

export const EDGE_DEFAULTS = {
  jwt: {
    algorithms: ['RS256'] as JwtAlgorithm[],
    clockSkewSeconds: 30,
    /** A JWKS is re-fetched at most this often, even when tokens keep naming unknown `kid`s. */
    jwksRefreshCooldownMs: 30_000,
    /** Known keys are refreshed in the background after this long. */
    jwksCacheMaxAgeMs: 600_000,
    jwksTimeoutMs: 5000,
    /** Verified tokens remembered (until their expiry) so the hot path skips signature checks. */
    tokenCacheSize: 10_000,
    userIdClaim: 'sub',
    rolesClaim: 'roles',
    /** Space-separated string (RFC 8693 `scope`) or an array. */
    scopesClaim: 'scope',
    userIdHeader: 'x-user-id',
    rolesHeader: 'x-user-roles',
    scopesHeader: 'x-user-scopes',
  },
  rateLimit: { key: 'ip' as const, failOpen: true },
  retry: { attempts: 2, perTryTimeoutMs: 5000, backoffBaseMs: 25, backoffMaxMs: 250, budgetRatio: 0.2, minRetriesPerSecond: 3 },
  circuitBreaker: { consecutiveFailures: 5, windowMs: 10_000, minimumRequests: 20, coolDownMs: 10_000, halfOpenRequests: 1, successesToClose: 2 },
  canary: { alwaysValue: 'always', neverValue: 'never' },
  sticky: { cookie: 'uag-variant' },
  cors: {
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['authorization', 'content-type'],
    exposeHeaders: [] as string[],
    credentials: false,
    maxAgeSeconds: 600,
  },
  securityHeaders: {
    enabled: true,
    contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
    frameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    hstsMaxAgeSeconds: 15_552_000,
  },
  websocket: { idleTimeoutMs: 300_000, maxMessageBytes: 1024 * 1024 },
  tcp: { idleTimeoutMs: 600_000 },
} as const;

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ROLE = /^[\x21-\x7e]{1,128}$/;

export const headerName = z
  .string()
  .transform((h) => h.toLowerCase())
  .refine((h) => HEADER_NAME.test(h), { error: 'must be an HTTP header name (letters, digits, "-")' });

export function wholeNumber(label: string, min: number, max: number) {
  const rule = `must be a whole number of ${label} ${min}..${max}`;
  return z.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
}

function httpUrl(error: string) {
  return z.string().refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '';
    } catch {
      return false;
    }
  }, { error });
}

const jwtSchema = z
  .strictObject({
    /** JWKS endpoint; keys cached and re-fetched on an unknown `kid` (rate limited). */
    jwksUrl: httpUrl('must be an absolute http:// or https:// URL').optional(),
    /** Read the PEM (SPKI) or JWK public key from UAG_JWT_PUBLIC_KEY. */
    publicKeyFromEnv: z.literal(true, { error: 'must be true (or left out)' }).optional(),
    /** Path to a mounted PEM (SPKI) or JWK public key file. */
    publicKeyFile: z.string().min(1).optional(),
    issuer: z.string({ error: 'is required: the exact "iss" tokens must carry' }).min(1),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'is required: the "aud" value (or list) tokens must carry' }),
    algorithms: z
      .array(z.enum(JWT_ALGORITHMS, { error: `must be asymmetric algorithms: ${JWT_ALGORITHMS.join(', ')} ("none" and HMAC are never accepted)` }))
      .min(1, { error: 'must list at least one algorithm' })
      .default(EDGE_DEFAULTS.jwt.algorithms),
    clockSkewSeconds: wholeNumber('seconds', 0, 300).default(EDGE_DEFAULTS.jwt.clockSkewSeconds),
    jwksRefreshCooldownMs: wholeNumber('milliseconds', 0, 3_600_000).default(EDGE_DEFAULTS.jwt.jwksRefreshCooldownMs),
    jwksCacheMaxAgeMs: wholeNumber('milliseconds', 1000, 86_400_000).default(EDGE_DEFAULTS.jwt.jwksCacheMaxAgeMs),
    jwksTimeoutMs: wholeNumber('milliseconds', 100, 60_000).default(EDGE_DEFAULTS.jwt.jwksTimeoutMs),
    tokenCacheSize: wholeNumber('entries', 0, 1_000_000).default(EDGE_DEFAULTS.jwt.tokenCacheSize),
    userIdClaim: z.string().min(1).default(EDGE_DEFAULTS.jwt.userIdClaim),
    rolesClaim: z.string().min(1).default(EDGE_DEFAULTS.jwt.rolesClaim),
    scopesClaim: z.string().min(1).default(EDGE_DEFAULTS.jwt.scopesClaim),
    userIdHeader: headerName.default(EDGE_DEFAULTS.jwt.userIdHeader),
    rolesHeader: headerName.default(EDGE_DEFAULTS.jwt.rolesHeader),
    scopesHeader: headerName.default(EDGE_DEFAULTS.jwt.scopesHeader),
  })
  .superRefine((jwt, ctx) => {
    const sources = [jwt.jwksUrl, jwt.publicKeyFromEnv, jwt.publicKeyFile].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one key source: "jwksUrl", "publicKeyFromEnv: true" (UAG_JWT_PUBLIC_KEY) or "publicKeyFile"' });
    }
  });

export const authSchema = z.strictObject({
  jwt: jwtSchema.optional(),
  /** Mode for routes without `auth`. @default "jwt" when `auth.jwt` is set, else "none" */
  default: z.enum(AUTH_MODES, { error: 'must be "none" or "jwt"' }).optional(),
});

export const rateLimitSchema = z
  .strictObject({
    /** Bucket refill rate. */
    requestsPerSecond: z.number({ error: 'must be a number of requests per second > 0' }).positive({ error: 'must be > 0' }).max(1_000_000, { error: 'must be at most 1000000' }),
    /** Bucket capacity. @default ceil(requestsPerSecond) */
    burst: wholeNumber('requests', 1, 1_000_000).optional(),
    key: z.enum(RATE_LIMIT_KEYS, { error: `must be one of ${RATE_LIMIT_KEYS.join(', ')}` }).default(EDGE_DEFAULTS.rateLimit.key),
    /** Header whose value keys the bucket; required with `key: header`. */
    header: headerName.optional(),
    /** With Redis unreachable: let requests through (true) or answer 429 (false). */
    failOpen: z.boolean().default(EDGE_DEFAULTS.rateLimit.failOpen),
  })
  .superRefine((limit, ctx) => {
    if (limit.key === 'header' && limit.header === undefined) ctx.addIssue({ code: 'custom', path: ['header'], message: 'is required with key: header' });
    if (limit.key !== 'header' && limit.header !== undefined) ctx.addIssue({ code: 'custom', path: ['header'], message: 'only applies with key: header' });
  });

export const retrySchema = z
  .strictObject({
    /** Extra tries after the first (idempotent methods without a body only). */
    attempts: wholeNumber('retries', 1, 5).default(EDGE_DEFAULTS.retry.attempts),
    perTryTimeoutMs: wholeNumber('milliseconds', 1, 3_600_000).default(EDGE_DEFAULTS.retry.perTryTimeoutMs),
    backoffBaseMs: wholeNumber('milliseconds', 0, 60_000).default(EDGE_DEFAULTS.retry.backoffBaseMs),
    backoffMaxMs: wholeNumber('milliseconds', 0, 60_000).default(EDGE_DEFAULTS.retry.backoffMaxMs),
    /** Retries allowed as a share of the route's requests over the last 10 s. */
    budgetRatio: z.number().min(0, { error: 'must be 0..1' }).max(1, { error: 'must be 0..1' }).default(EDGE_DEFAULTS.retry.budgetRatio),
    /** Retries always allowed per second, so a quiet route can still retry. */
    minRetriesPerSecond: wholeNumber('retries', 0, 1000).default(EDGE_DEFAULTS.retry.minRetriesPerSecond),
  })
  .refine((r) => r.backoffMaxMs >= r.backoffBaseMs, { path: ['backoffMaxMs'], error: 'must be at least backoffBaseMs' });

export const circuitBreakerSchema = z.strictObject({
  /** Open after this many failures in a row. */
  consecutiveFailures: wholeNumber('failures', 1, 1000).default(EDGE_DEFAULTS.circuitBreaker.consecutiveFailures),
  /** Also open when this share of requests in `windowMs` failed (at least `minimumRequests`). Off when unset. */
  failureRatio: z.number().gt(0, { error: 'must be > 0 and <= 1' }).max(1, { error: 'must be > 0 and <= 1' }).optional(),
  windowMs: wholeNumber('milliseconds', 1000, 600_000).default(EDGE_DEFAULTS.circuitBreaker.windowMs),
  minimumRequests: wholeNumber('requests', 1, 100_000).default(EDGE_DEFAULTS.circuitBreaker.minimumRequests),
  /** Time open before trial requests are let through. */
  coolDownMs: wholeNumber('milliseconds', 100, 3_600_000).default(EDGE_DEFAULTS.circuitBreaker.coolDownMs),
  /** Trial requests in flight at once while half-open. */
  halfOpenRequests: wholeNumber('requests', 1, 100).default(EDGE_DEFAULTS.circuitBreaker.halfOpenRequests),
  /** Trial successes needed to close again. */
  successesToClose: wholeNumber('successes', 1, 100).default(EDGE_DEFAULTS.circuitBreaker.successesToClose),
});

export const stickySchema = z
  .strictObject({
    /** `user`: hash of the verified user id; `cookie`: hash of the named cookie's value. */
    by: z.enum(STICKY_BY, { error: `must be one of ${STICKY_BY.join(', ')}` }),
    cookie: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'must be a cookie name' }).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.by !== 'cookie' && s.cookie !== undefined) ctx.addIssue({ code: 'custom', path: ['cookie'], message: 'only applies with by: cookie' });
  });

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

export const corsSchema = z.strictObject({
  /** Exact origins allowed (scheme://host[:port]); no wildcard. */
  origins: z
    .array(z.string().transform((o) => o.toLowerCase()).refine((o) => ORIGIN.test(o), { error: 'must be an origin such as "https://app.example.com" (no path, no "*")' }))
    .min(1, { error: 'must list at least one origin' }),
  methods: z.array(z.string().regex(/^[A-Z]+$/, { error: 'must be an upper-case method' })).min(1).default(EDGE_DEFAULTS.cors.methods as unknown as string[]),
  allowHeaders: z.array(headerName).default(EDGE_DEFAULTS.cors.allowHeaders as unknown as string[]),
  exposeHeaders: z.array(headerName).default(EDGE_DEFAULTS.cors.exposeHeaders),
  credentials: z.boolean().default(EDGE_DEFAULTS.cors.credentials),
  maxAgeSeconds: wholeNumber('seconds', 0, 86_400).default(EDGE_DEFAULTS.cors.maxAgeSeconds),
});

const securityHeadersObject = z.strictObject({
  enabled: z.boolean().default(EDGE_DEFAULTS.securityHeaders.enabled),
  /** `false` leaves CSP to the upstream. */
  contentSecurityPolicy: z.union([z.string().min(1), z.literal(false)]).default(EDGE_DEFAULTS.securityHeaders.contentSecurityPolicy),
  frameOptions: z.enum(['DENY', 'SAMEORIGIN'], { error: 'must be DENY or SAMEORIGIN' }).default(EDGE_DEFAULTS.securityHeaders.frameOptions),
  referrerPolicy: z.string().min(1).default(EDGE_DEFAULTS.securityHeaders.referrerPolicy),
  /** Sent only on HTTPS requests (X-Forwarded-Proto from a trusted proxy); 0 disables. */
  hstsMaxAgeSeconds: wholeNumber('seconds', 0, 63_072_000).default(EDGE_DEFAULTS.securityHeaders.hstsMaxAgeSeconds),
});

/** `true`/`false` or the object; always normalised to the object. */
export const securityHeadersSchema = z
  .union([z.boolean(), securityHeadersObject], { error: 'must be true, false or an object' })
  .transform((v) => (typeof v === 'boolean' ? securityHeadersObject.parse({ enabled: v }) : v));

const websocketObject = z.strictObject({
  idleTimeoutMs: wholeNumber('milliseconds', 1000, 86_400_000).default(EDGE_DEFAULTS.websocket.idleTimeoutMs),
  maxMessageBytes: wholeNumber('bytes', 1, 1024 * 1024 * 1024).default(EDGE_DEFAULTS.websocket.maxMessageBytes),
});

/** `true` (defaults), `false` (no upgrades) or settings; normalised to settings or `undefined`. */
export const websocketSchema = z
  .union([z.boolean(), websocketObject], { error: 'must be true, false or an object' })
  .transform((v) => (v === true ? websocketObject.parse({}) : v === false ? undefined : v));

const tcpUpstreamUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'tcp:' && url.port !== '' && (url.pathname === '' || url.pathname === '/');
  } catch {
    return false;
  }
}, { error: 'must be tcp://host:port' });

export const portNumber = z
  .number({ error: 'must be 1..65535' })
  .int({ error: 'must be 1..65535' })
  .min(1, { error: 'must be 1..65535' })
  .max(65535, { error: 'must be 1..65535' });

export const tcpListenerSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, { error: 'must be 1-63 lower-case letters, digits or "-"' }),
  port: portNumber,
  upstream: z
    .strictObject({
      url: tcpUpstreamUrl.optional(),
      service: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label' }).optional(),
      namespace: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label' }).optional(),
      port: portNumber.optional(),
      localUrl: tcpUpstreamUrl.optional(),
    })
    .superRefine((u, ctx) => {
      if ((u.url === undefined) === (u.service === undefined)) ctx.addIssue({ code: 'custom', message: 'set either "url" (tcp://host:port) or "service" + "namespace" + "port"' });
      if (u.service !== undefined && (u.namespace === undefined || u.port === undefined)) {
        ctx.addIssue({ code: 'custom', message: '"service" needs "namespace" and "port"' });
      }
    }),
  idleTimeoutMs: wholeNumber('milliseconds', 1000, 86_400_000).default(EDGE_DEFAULTS.tcp.idleTimeoutMs),
});

export const rolesSchema = z.array(z.string().regex(ROLE, { error: 'must be 1-128 printable characters without spaces' })).min(1, { error: 'must list at least one entry' });
