import { z } from 'zod';
import { ENV_VARS, type EnvVarName, type GatewayEnvironment } from '../contract';
import { ConfigError } from './config-error';

type EnvShape = { [K in EnvVarName]: (typeof ENV_VARS)[K]['schema'] };
const envSchema = z.object(
  Object.fromEntries(Object.entries(ENV_VARS).map(([name, spec]) => [name, spec.schema])) as EnvShape,
);

type ParsedEnv = z.output<typeof envSchema>;

/** Process-level settings, validated and frozen; the route table is loaded separately. */
export interface EnvConfig extends Readonly<Omit<ParsedEnv, 'UAG_ENV'>> {
  readonly UAG_ENV: GatewayEnvironment;
  /** True when `KUBERNETES_SERVICE_HOST` is set: Service upstreams resolve through cluster DNS. */
  readonly inKubernetes: boolean;
}

const SECRET_LIKE = /token|secret|password|key/i;

function shown(name: string, value: string | undefined): string {
  if (value === undefined) return 'unset';
  return SECRET_LIKE.test(name) ? 'a value' : `"${value}"`;
}

/**
 * Reads and validates the gateway's environment variables. Empty strings count as unset so
 * that `FOO=` in a manifest means "use the default" rather than "invalid".
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv): EnvConfig {
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(ENV_VARS)) {
    const value = env[name];
    input[name] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const result = envSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}: ${issue.message} (got ${shown(name, input[name])})`;
    });
    throw new ConfigError(problems);
  }
  const inKubernetes = Boolean(env.KUBERNETES_SERVICE_HOST);
  const parsed = result.data;
  if (parsed.UAG_HTTP_PORT === parsed.UAG_ADMIN_PORT && parsed.UAG_HTTP_PORT !== 0) {
    throw new ConfigError([`UAG_ADMIN_PORT: must differ from UAG_HTTP_PORT (both ${parsed.UAG_HTTP_PORT})`]);
  }
  if (parsed.UAG_DRAIN_DELAY_MS >= parsed.UAG_SHUTDOWN_TIMEOUT_MS) {
    throw new ConfigError([
      `UAG_DRAIN_DELAY_MS: must be less than UAG_SHUTDOWN_TIMEOUT_MS (${parsed.UAG_DRAIN_DELAY_MS} >= ${parsed.UAG_SHUTDOWN_TIMEOUT_MS}); in-flight requests need time after the drain delay`,
    ]);
  }
  if (parsed.UAG_HEADERS_TIMEOUT_MS > parsed.UAG_REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      `UAG_HEADERS_TIMEOUT_MS: must not exceed UAG_REQUEST_TIMEOUT_MS (${parsed.UAG_HEADERS_TIMEOUT_MS} > ${parsed.UAG_REQUEST_TIMEOUT_MS})`,
    ]);
  }
  return Object.freeze({
    ...parsed,
    UAG_ENV: parsed.UAG_ENV ?? (inKubernetes ? 'dev' : 'local'),
    inKubernetes,
  });
}
