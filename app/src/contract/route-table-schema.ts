import { z } from 'zod';
import {
  AUTH_MODES,
  authSchema,
  circuitBreakerSchema,
  corsSchema,
  headerName,
  portNumber,
  rateLimitSchema,
  retrySchema,
  rolesSchema,
  securityHeadersSchema,
  stickySchema,
  tcpListenerSchema,
  websocketSchema,
  wholeNumber,
  type AuthMode,
} from './edge-schema';

/**
 * The route table file (`UAG_ROUTES_FILE`): its schema, defaults and types. Infra validates the
 * route tables it synthesizes with this very schema, so a table the gateway would reject cannot
 * reach a cluster.
 */

export const ROUTE_DEFAULTS = {
  /** Per-route upstream timeout: time allowed for response headers, and between body chunks. */
  timeoutMs: 30_000,
  /** Per-route request body limit (413 above it). */
  maxBodyBytes: 1024 * 1024,
  stripPrefix: false,
  /** Forward the client's Host header; when false the upstream's host:port is sent. */
  preserveHost: true,
  /**
   * Bodies up to this size are read whole before the upstream request starts, so a slow client
   * holds no upstream connection; larger ones stream and take one of the upstream's upload slots.
   * nginx buffers the same way with two memory pages, 8 KiB on x86-64 (client_body_buffer_size,
   * src/http/ngx_http_core_module.c at release-1.22.1); twice that also covers the few-KiB JSON
   * bodies APIs mostly receive.
   */
  bodyBufferBytes: 16 * 1024,
  /**
   * A client that sends no body bytes for this long gets 408. nginx's client_body_timeout waits
   * 60 s; this matches the 10 s a client has for its headers (UAG_HEADERS_TIMEOUT_MS).
   */
  bodyIdleTimeoutMs: 10_000,
  /** Forward client headers whose name contains "_"; off, they are dropped (nginx's underscores_in_headers). */
  underscoresInHeaders: false,
} as const;

/** Largest `bodyBufferBytes`: every request in flight may hold this much memory. */
const MAX_BODY_BUFFER_BYTES = 1024 * 1024;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const MAX_TIMEOUT_MS = 3_600_000;
const ROUTE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

const pathPrefix = z
  .string({ error: 'must be a string starting with "/"' })
  .refine((p) => p.startsWith('/'), { error: 'must start with "/"' })
  .refine((p) => !/(^|\/)\.{1,2}(\/|$)/.test(p) && !p.includes('//'), {
    error: 'must be a normalised path (no "." or ".." segments, no "//")',
  })
  .refine((p) => !/[%?#\s\\]/.test(p), { error: 'must not contain "%", "?", "#", "\\" or spaces' })
  .transform((p) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p));

const upstreamUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && url.search === '' && url.username === '';
    } catch {
      return false;
    }
  },
  { error: 'must be an absolute http:// or https:// URL without query, fragment or credentials' },
);


const upstreamFields = {
  /** One URL or several, balanced round-robin. */
  url: z.union([upstreamUrl, z.array(upstreamUrl).min(1, { error: 'must list at least one URL' })]).optional(),
  /** Kubernetes Service name, resolved as `<service>.<namespace>.svc.cluster.local`. */
  service: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label (lower-case letters, digits, "-")' }).optional(),
  namespace: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label (lower-case letters, digits, "-")' }).optional(),
  port: portNumber.optional(),
  /** Used instead of the Service address when the gateway runs outside Kubernetes. */
  localUrl: upstreamUrl.optional(),
};

type UpstreamAddress = { url?: unknown; service?: unknown; namespace?: unknown; port?: unknown };

function checkUpstreamAddress(u: UpstreamAddress, ctx: z.RefinementCtx): void {
  if (u.url !== undefined && u.service !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'set either "url" or "service", not both' });
  } else if (u.url === undefined && u.service === undefined) {
    ctx.addIssue({ code: 'custom', message: 'set "url" (static address) or "service" + "namespace" + "port"' });
  }
  if (u.service !== undefined) {
    if (u.namespace === undefined) ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'is required with "service"' });
    if (u.port === undefined) ctx.addIssue({ code: 'custom', path: ['port'], message: 'is required with "service" (1..65535)' });
  } else {
    for (const field of ['namespace', 'port'] as const) {
      if (u[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'only applies with "service"' });
    }
  }
}

/** One arm of a traffic split: an upstream address with a name (a metric label) and a weight. */
const variantSchema = z
  .strictObject({
    name: z.string().regex(ROUTE_NAME, { error: 'must be 1-63 lower-case letters, digits or "-"' }),
    /** Share of traffic relative to the other variants' weights; 0 means "only when forced". */
    weight: z.number().int({ error: 'must be a whole number 0..1000' }).min(0, { error: 'must be 0..1000' }).max(1000, { error: 'must be 0..1000' }),
    ...upstreamFields,
  })
  .superRefine(checkUpstreamAddress);

const upstreamSchema = z
  .strictObject({
    ...upstreamFields,
    /** Weighted variants (canary, A/B) instead of a single address. */
    variants: z.array(variantSchema).min(2, { error: 'must list at least two variants (use url/service for one)' }).optional(),
  })
  .superRefine((u, ctx) => {
    if (u.variants === undefined) {
      checkUpstreamAddress(u, ctx);
      return;
    }
    for (const field of ['url', 'service', 'namespace', 'port', 'localUrl'] as const) {
      if (u[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'set addresses inside each variant, not next to "variants"' });
    }
    const seen = new Map<string, number>();
    u.variants.forEach((variant, index) => {
      const first = seen.get(variant.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['variants', index, 'name'], message: `duplicates variants[${first}].name "${variant.name}"` });
      else seen.set(variant.name, index);
    });
    if (u.variants.every((v) => v.weight === 0)) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'at least one variant needs a weight above 0' });
  });

const matchSchema = z.strictObject({
  pathPrefix,
  /** Exact host or `*.suffix`; compared case-insensitively without the port. */
  host: z
    .string()
    .transform((h) => h.toLowerCase())
    .refine((h) => HOST_PATTERN.test(h), { error: 'must be a host name such as "api.example.com" or "*.example.com"' })
    .optional(),
  methods: z
    .array(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }))
    .min(1, { error: 'must list at least one method, or be left out to match all' })
    .refine((m) => new Set(m).size === m.length, { error: 'must not repeat a method' })
    .optional(),
});

export const routeSchema = z.strictObject({
  /** Metric label and log field: a short stable identifier, never a path. */
  name: z.string().regex(ROUTE_NAME, { error: 'must be 1-63 lower-case letters, digits or "-", starting and ending with a letter or digit' }),
  match: matchSchema,
  upstream: upstreamSchema,
  stripPrefix: z.boolean().default(ROUTE_DEFAULTS.stripPrefix),
  preserveHost: z.boolean().default(ROUTE_DEFAULTS.preserveHost),
  timeoutMs: z
    .number()
    .int({ error: `must be a whole number of milliseconds 1..${MAX_TIMEOUT_MS}` })
    .min(1, { error: `must be 1..${MAX_TIMEOUT_MS}` })
    .max(MAX_TIMEOUT_MS, { error: `must be 1..${MAX_TIMEOUT_MS}` })
    .default(ROUTE_DEFAULTS.timeoutMs),
  maxBodyBytes: z
    .number()
    .int({ error: 'must be a whole number of bytes' })
    .min(0, { error: 'must be 0 or more bytes' })
    .default(ROUTE_DEFAULTS.maxBodyBytes),
  bodyBufferBytes: wholeNumber('bytes', 0, MAX_BODY_BUFFER_BYTES).default(ROUTE_DEFAULTS.bodyBufferBytes),
  bodyIdleTimeoutMs: wholeNumber('milliseconds', 1, MAX_TIMEOUT_MS).default(ROUTE_DEFAULTS.bodyIdleTimeoutMs),
  underscoresInHeaders: z.boolean().default(ROUTE_DEFAULTS.underscoresInHeaders),
  /** `none` or `jwt`. @default the top-level `auth.default` */
  auth: z.enum(AUTH_MODES, { error: 'must be "none" or "jwt"' }).optional(),
  /** Token must carry every listed role (403 otherwise). Needs `auth: jwt`. */
  requireRoles: rolesSchema.optional(),
  /** Token must carry every listed scope (403 otherwise). Needs `auth: jwt`. */
  requireScopes: rolesSchema.optional(),
  rateLimit: rateLimitSchema.optional(),
  /** Header that forces a variant: a variant name, "always" (the canary) or "never" (the baseline). */
  canaryHeader: headerName.optional(),
  /** Variant that "always" selects. @default the variant with the smallest weight */
  canaryVariant: z.string().optional(),
  sticky: stickySchema.optional(),
  /** Retries for idempotent requests without a body; off when unset. */
  retry: retrySchema.optional(),
  /** Breaker per upstream origin; off when unset. */
  circuitBreaker: circuitBreakerSchema.optional(),
  cors: corsSchema.optional(),
  securityHeaders: securityHeadersSchema.prefault(true),
  /** Accept WebSocket upgrades and proxy them. @default false */
  websocket: websocketSchema.optional(),
});

function methodsOverlap(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((m) => b.includes(m));
}

export const routeTableSchema = z
  .strictObject({
    auth: authSchema.optional(),
    routes: z.array(routeSchema).min(1, { error: 'must list at least one route' }),
    /** Raw TCP listeners (game clients): bytes piped both ways. */
    tcp: z.array(tcpListenerSchema).default([]),
  })
  .superRefine((table, ctx) => {
    const seenNames = new Map<string, number>();
    table.routes.forEach((route, index) => {
      const first = seenNames.get(route.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['routes', index, 'name'], message: `duplicates routes[${first}].name "${route.name}"` });
      } else {
        seenNames.set(route.name, index);
      }
      for (let other = 0; other < index; other++) {
        const o = table.routes[other]!;
        if (o.match.pathPrefix === route.match.pathPrefix && o.match.host === route.match.host && methodsOverlap(o.match.methods, route.match.methods)) {
          ctx.addIssue({
            code: 'custom',
            path: ['routes', index, 'match'],
            message: `matches the same requests as routes[${other}] ("${o.name}"); give it a different pathPrefix, host or methods`,
          });
        }
      }
      checkRouteEdge(route, effectiveAuth(table, route), table.auth?.jwt !== undefined, (path, message) =>
        ctx.addIssue({ code: 'custom', path: ['routes', index, ...path], message }),
      );
    });
    if (table.auth?.default === 'jwt' && table.auth.jwt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'default'], message: 'is "jwt" but auth.jwt is not configured' });
    }
    checkTcpListeners(table.tcp, (path, message) => ctx.addIssue({ code: 'custom', path: ['tcp', ...path], message }));
  })
  .transform((table) => ({ ...table, routes: table.routes.map((route) => ({ ...route, auth: effectiveAuth(table, route) })) }));

function effectiveAuth(table: { auth?: { jwt?: unknown; default?: AuthMode } | undefined }, route: { auth?: AuthMode | undefined }): AuthMode {
  return route.auth ?? table.auth?.default ?? (table.auth?.jwt !== undefined ? 'jwt' : 'none');
}

type Report = (path: PropertyKey[], message: string) => void;

/** Rules between a route's edge fields and the table's auth settings. */
function checkRouteEdge(route: z.output<typeof routeSchema>, auth: AuthMode, jwtConfigured: boolean, report: Report): void {
  if (auth === 'jwt' && !jwtConfigured) report(['auth'], 'is "jwt" but auth.jwt is not configured at the top level');
  const needsJwt = (path: PropertyKey[], what: string) => {
    if (auth !== 'jwt') report(path, `${what} needs auth: jwt on this route`);
  };
  if (route.requireRoles !== undefined) needsJwt(['requireRoles'], 'requireRoles');
  if (route.requireScopes !== undefined) needsJwt(['requireScopes'], 'requireScopes');
  if (route.rateLimit?.key === 'user') needsJwt(['rateLimit', 'key'], 'key: user');
  if (route.sticky?.by === 'user') needsJwt(['sticky', 'by'], 'by: user');
  const variants = route.upstream.variants;
  for (const field of ['canaryHeader', 'canaryVariant', 'sticky'] as const) {
    if (route[field] !== undefined && variants === undefined) report([field], 'only applies with upstream.variants');
  }
  if (route.canaryVariant !== undefined && variants !== undefined && !variants.some((v) => v.name === route.canaryVariant)) {
    report(['canaryVariant'], `must name one of the variants (${variants.map((v) => v.name).join(', ')})`);
  }
  if (route.websocket !== undefined && route.match.methods !== undefined && !route.match.methods.includes('GET')) {
    report(['websocket'], 'needs GET in match.methods (upgrades are GET requests)');
  }
}

function checkTcpListeners(listeners: readonly z.output<typeof tcpListenerSchema>[], report: Report): void {
  const names = new Map<string, number>();
  const ports = new Map<number, number>();
  listeners.forEach((listener, index) => {
    const sameName = names.get(listener.name);
    if (sameName !== undefined) report([index, 'name'], `duplicates tcp[${sameName}].name "${listener.name}"`);
    else names.set(listener.name, index);
    const samePort = ports.get(listener.port);
    if (samePort !== undefined) report([index, 'port'], `duplicates tcp[${samePort}].port ${listener.port}`);
    else ports.set(listener.port, index);
  });
}

/** A route table as written in the file (defaults optional). */
export type RouteTableInput = z.input<typeof routeTableSchema>;
/** A route table after validation, with every default filled in. */
export type RouteTable = z.output<typeof routeTableSchema>;
export type RouteConfig = RouteTable['routes'][number];
export type UpstreamConfig = RouteConfig['upstream'];
export type VariantConfig = NonNullable<UpstreamConfig['variants']>[number];
export type JwtConfig = NonNullable<NonNullable<RouteTable['auth']>['jwt']>;
export type RateLimitConfig = NonNullable<RouteConfig['rateLimit']>;
export type RetryConfig = NonNullable<RouteConfig['retry']>;
export type CircuitBreakerConfig = NonNullable<RouteConfig['circuitBreaker']>;
export type CorsConfig = NonNullable<RouteConfig['cors']>;
export type SecurityHeadersConfig = RouteConfig['securityHeaders'];
export type WebSocketConfig = NonNullable<RouteConfig['websocket']>;
export type TcpListenerConfig = RouteTable['tcp'][number];
