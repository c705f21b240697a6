import proxyAddr from '@fastify/proxy-addr';
import { z } from 'zod';
import { DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT } from './ports';

/**
 * Every environment variable the gateway reads, with its default and meaning. The README table
 * is checked against this list, and infra sets variables by these names.
 */

export const GATEWAY_ENVIRONMENTS = ['local', 'dev', 'staging', 'prod'] as const;
export type GatewayEnvironment = (typeof GATEWAY_ENVIRONMENTS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export const DRAIN_POLICIES = ['close', 'wait'] as const;
export type DrainPolicy = (typeof DRAIN_POLICIES)[number];

/** What a route-table reload does to WebSockets of a route it removed or moved to another upstream. */
export const RELOAD_CONNECTION_POLICIES = ['keep', 'close'] as const;
export type ReloadConnectionPolicy = (typeof RELOAD_CONNECTION_POLICIES)[number];

/** How often the route table file is checked for a change, unless UAG_ROUTES_RELOAD_INTERVAL_MS says otherwise. */
export const DEFAULT_ROUTES_RELOAD_INTERVAL_MS = 2000;

export const DEFAULT_SERVICE_NAME = 'unified-access-gateway';
/** Follow the caller's sampling decision; sample 10 % of the traces the gateway starts itself. */
export const DEFAULT_TRACE_SAMPLER = 'parentbased_traceidratio' satisfies (typeof TRACE_SAMPLERS)[number];
export const DEFAULT_TRACE_SAMPLE_RATIO = 0.1;

interface EnvVarSpec {
  readonly description: string;
  /** Shown in docs; `undefined` means unset by default. */
  readonly default?: string;
  readonly schema: z.ZodType;
}

/** 0 asks the OS for a free port (tests, side-by-side local runs); the bound port is logged. */
function port(fallback: number) {
  const rule = 'must be a port number 0..65535 (0 picks a free port)';
  return z.coerce.number({ error: rule }).int({ error: rule }).min(0, { error: rule }).max(65535, { error: rule }).default(fallback);
}

function milliseconds(fallback: number, min = 0, max = 86_400_000) {
  const rule = `must be a whole number of milliseconds ${min}..${max}`;
  return z.coerce.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule }).default(fallback);
}

function count(unit: string, fallback: number, min: number, max: number) {
  const rule = `must be a whole number of ${unit} ${min}..${max}`;
  return z.coerce.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule }).default(fallback);
}

function bytes(fallback: number, min: number, max: number) {
  return count('bytes', fallback, min, max);
}

const IPV4_OR_CIDR = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/;
const IPV6_OR_CIDR = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(\/\d{1,3})?$/;

/**
 * One trusted-proxy entry, judged by the parser the data plane compiles the list with
 * (@fastify/proxy-addr): the shape check alone let `10.0.0.0/33` through to a TypeError at
 * listen time. proxy-addr also refuses a prefix length of 0, so "trust everyone" cannot be said.
 */
function isTrustedProxyEntry(entry: string): boolean {
  if (!IPV4_OR_CIDR.test(entry) && !IPV6_OR_CIDR.test(entry)) return false;
  try {
    proxyAddr.compile([entry]);
    return true;
  } catch {
    return false;
  }
}

/** Loopback for a run on a workstation; every interface where a Service or a port mapping has to reach it. */
export const LOCAL_HOST = '127.0.0.1';
export const CLUSTER_HOST = '0.0.0.0';

export const ENV_VARS = {
  UAG_HOST: {
    description: `Address both listeners bind to. Unset: ${CLUSTER_HOST} inside Kubernetes (KUBERNETES_SERVICE_HOST set; the image also sets it), else ${LOCAL_HOST}.`,
    schema: z.string().min(1).optional(),
  },
  UAG_HTTP_PORT: { description: 'Data-plane (proxy) port.', default: String(DEFAULT_HTTP_PORT), schema: port(DEFAULT_HTTP_PORT) },
  UAG_ADMIN_PORT: { description: 'Admin port: health probes, /metrics, /version.', default: String(DEFAULT_ADMIN_PORT), schema: port(DEFAULT_ADMIN_PORT) },
  UAG_ROUTES_FILE: {
    description: 'Path to the route table (YAML or JSON). Required.',
    schema: z.string({ error: 'is required: set it to the path of a route table file, e.g. app/routes.sample.yaml' }).min(1, { error: 'is required: set it to the path of a route table file, e.g. app/routes.sample.yaml' }),
  },
  UAG_ROUTES_RELOAD_INTERVAL_MS: {
    description:
      'How often the route table file is checked for a change (a hash of its content, so a ConfigMap volume whose ..data symlink kubelet swaps is seen); a valid change is applied without a restart. 0 turns polling off (SIGHUP still re-reads).',
    default: String(DEFAULT_ROUTES_RELOAD_INTERVAL_MS),
    schema: milliseconds(DEFAULT_ROUTES_RELOAD_INTERVAL_MS, 0, 3_600_000),
  },
  UAG_RELOAD_REMOVED_CONNECTIONS: {
    description:
      'What a route-table reload does to open WebSockets of a route it removed or whose upstream it changed: `keep` lets them run until they end; `close` sends them 1001 (going away) once UAG_DRAIN_DELAY_MS has passed. TCP listeners cannot change by reload.',
    default: 'keep',
    schema: z.enum(RELOAD_CONNECTION_POLICIES, { error: `must be one of ${RELOAD_CONNECTION_POLICIES.join(', ')}` }).default('keep'),
  },
  UAG_ENV: {
    description: '`local`, `dev`, `staging` or `prod`. Unset: `dev` inside Kubernetes (KUBERNETES_SERVICE_HOST set), else `local`.',
    schema: z.enum(GATEWAY_ENVIRONMENTS, { error: `must be one of ${GATEWAY_ENVIRONMENTS.join(', ')}` }).optional(),
  },
  UAG_DRAIN_DELAY_MS: { description: 'After SIGTERM, how long to keep serving (readiness 503) before the listener closes.', default: '5000', schema: milliseconds(5000) },
  UAG_SHUTDOWN_TIMEOUT_MS: { description: 'After SIGTERM, when to force-close whatever is still open. Counts from the signal.', default: '30000', schema: milliseconds(30_000, 1) },
  UAG_TRUSTED_PROXIES: {
    description: 'Comma-separated IPs/CIDRs whose X-Forwarded-* headers are trusted. Unset: none.',
    schema: z
      .string()
      .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))
      .superRefine((list, context) => {
        const refused = list.filter((entry) => !isTrustedProxyEntry(entry));
        if (refused.length > 0) {
          const named = refused.map((entry) => `"${entry}"`).join(', ');
          context.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of IP addresses or CIDRs (prefix length 1..32 for IPv4, 1..128 for IPv6), e.g. 10.0.0.0/8,127.0.0.1; ${named} ${refused.length > 1 ? 'are' : 'is'} not`,
          });
        }
      })
      .optional(),
  },
  UAG_MAX_HEADER_BYTES: { description: 'Largest request header block accepted; larger gets 431.', default: '16384', schema: bytes(16_384, 1024, 1_048_576) },
  UAG_MAX_HEADER_COUNT: {
    description: 'Most request header lines accepted; more get 431 (the HTTP server would otherwise drop the lines past its own cap).',
    default: '100',
    schema: count('header lines', 100, 1, 10_000),
  },
  UAG_UPSTREAM_UPLOAD_SLOTS: {
    description: "Most request bodies streamed to one upstream origin at once (bodies over the route's bodyBufferBytes); more get 503. Below the 512 connections of an upstream pool, so uploads cannot take all of them.",
    default: '128',
    schema: count('uploads', 128, 1, 511),
  },
  UAG_HEADERS_TIMEOUT_MS: { description: 'Time a client has to send complete request headers (slowloris guard).', default: '10000', schema: milliseconds(10_000, 1) },
  UAG_REQUEST_TIMEOUT_MS: { description: 'Time a client has to send a complete request, body included.', default: '60000', schema: milliseconds(60_000, 1) },
  UAG_KEEPALIVE_TIMEOUT_MS: { description: 'Idle time before a client keep-alive connection is closed; keep above the load balancer idle timeout.', default: '65000', schema: milliseconds(65_000, 1) },
  UAG_CONNECTIONS_CHECK_INTERVAL_MS: { description: 'How often header and request timeouts are enforced.', default: '1000', schema: milliseconds(1000, 10, 60_000) },
  UAG_WEBSOCKET_DRAIN_POLICY: {
    description: 'On shutdown, `close` sends WebSocket clients 1001 (going away) once the drain delay is over; `wait` lets them finish until UAG_SHUTDOWN_TIMEOUT_MS. TCP connections always get the timeout.',
    default: 'close',
    schema: z.enum(DRAIN_POLICIES, { error: `must be one of ${DRAIN_POLICIES.join(', ')}` }).default('close'),
  },
  UAG_REDIS_URL: {
    description: 'redis:// or rediss:// URL of the shared rate-limit store; replicas using the same Redis share one budget. Unset: in-process buckets.',
    schema: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL such as redis://redis.shop:6379' }).optional(),
  },
  UAG_REDIS_TIMEOUT_MS: { description: 'Longest wait for a Redis rate-limit decision before failOpen decides.', default: '50', schema: milliseconds(50, 1, 10_000) },
  UAG_JWT_PUBLIC_KEY: {
    description: 'PEM (SPKI) or JWK public key, used when the route table sets auth.jwt.publicKeyFromEnv: true.',
    schema: z.string().optional(),
  },
  UAG_SHED_EVENT_LOOP_DELAY_MS: { description: 'Shed load (503) while event-loop delay exceeds this; 0 disables.', default: '1000', schema: milliseconds(1000, 0, 60_000) },
  UAG_SHED_HEAP_USED_RATIO: {
    description: 'Shed load (503) while V8 heap use exceeds this share of the heap limit; 0 disables.',
    default: '0.95',
    schema: z.coerce.number({ error: 'must be a number 0..1' }).min(0, { error: 'must be a number 0..1' }).max(1, { error: 'must be a number 0..1' }).default(0.95),
  },
  UAG_SHED_RETRY_AFTER_SECONDS: {
    description: 'Retry-After sent with load-shedding 503s.',
    default: '5',
    schema: z.coerce.number({ error: 'must be a whole number of seconds 1..3600' }).int({ error: 'must be a whole number of seconds 1..3600' }).min(1, { error: 'must be a whole number of seconds 1..3600' }).max(3600, { error: 'must be a whole number of seconds 1..3600' }).default(5),
  },
  LOG_LEVEL: { description: `pino level: ${LOG_LEVELS.join(', ')}.`, default: 'info', schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info') },
  OTEL_SERVICE_NAME: { description: 'Service name on spans.', default: DEFAULT_SERVICE_NAME, schema: z.string().min(1).default(DEFAULT_SERVICE_NAME) },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    description: 'OTLP/HTTP collector base URL (e.g. http://jaeger-collector:4318). Tracing is off when unset.',
    schema: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL such as http://jaeger-collector.observability:4318' }).optional(),
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    description: 'Full traces URL; overrides OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces.',
    schema: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  },
  OTEL_TRACES_SAMPLER: {
    description: `Sampler: ${TRACE_SAMPLERS.join(', ')}. The default differs from the SDK's (parentbased_always_on): a proxy sees every request, so tracing all of them is opt-in.`,
    default: DEFAULT_TRACE_SAMPLER,
    schema: z.enum(TRACE_SAMPLERS, { error: `must be one of ${TRACE_SAMPLERS.join(', ')}` }).default(DEFAULT_TRACE_SAMPLER),
  },
  OTEL_TRACES_SAMPLER_ARG: {
    description: 'Ratio 0..1 for the traceidratio samplers.',
    default: String(DEFAULT_TRACE_SAMPLE_RATIO),
    schema: z.coerce
      .number({ error: 'must be a number 0..1' })
      .min(0, { error: 'must be a number 0..1' })
      .max(1, { error: 'must be a number 0..1' })
      .default(DEFAULT_TRACE_SAMPLE_RATIO),
  },
  OTEL_RESOURCE_ATTRIBUTES: { description: 'Extra resource attributes, `key=value,key=value`.', schema: z.string().optional() },
} as const satisfies Record<string, EnvVarSpec>;

export type EnvVarName = keyof typeof ENV_VARS;
