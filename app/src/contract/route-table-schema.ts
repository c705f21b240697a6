import { z } from 'zod';

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
} as const;

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

const portNumber = z
  .number({ error: 'must be 1..65535' })
  .int({ error: 'must be 1..65535' })
  .min(1, { error: 'must be 1..65535' })
  .max(65535, { error: 'must be 1..65535' });

const upstreamSchema = z
  .strictObject({
    /** One URL or several, balanced round-robin. */
    url: z.union([upstreamUrl, z.array(upstreamUrl).min(1, { error: 'must list at least one URL' })]).optional(),
    /** Kubernetes Service name, resolved as `<service>.<namespace>.svc.cluster.local`. */
    service: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label (lower-case letters, digits, "-")' }).optional(),
    namespace: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label (lower-case letters, digits, "-")' }).optional(),
    port: portNumber.optional(),
    /** Used instead of the Service address when the gateway runs outside Kubernetes. */
    localUrl: upstreamUrl.optional(),
  })
  .superRefine((u, ctx) => {
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
});

function methodsOverlap(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((m) => b.includes(m));
}

export const routeTableSchema = z
  .strictObject({
    routes: z.array(routeSchema).min(1, { error: 'must list at least one route' }),
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
    });
  });

/** A route table as written in the file (defaults optional). */
export type RouteTableInput = z.input<typeof routeTableSchema>;
/** A route table after validation, with every default filled in. */
export type RouteTable = z.output<typeof routeTableSchema>;
export type RouteConfig = RouteTable['routes'][number];
export type UpstreamConfig = RouteConfig['upstream'];
