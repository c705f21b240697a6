import type { z } from 'zod';
import { CLUSTER_HOST, ENV_VARS, LOCAL_HOST, type EnvVarName, type GatewayEnvironment } from '../contract';
import { ConfigError } from './config-error';

type ParsedEnv = { [K in EnvVarName]: z.output<(typeof ENV_VARS)[K]['schema']> };

/** Process-level settings, validated and frozen; the route table is loaded separately. */
export interface EnvConfig extends Readonly<Omit<ParsedEnv, 'UAG_ENV' | 'UAG_HOST'>> {
  readonly UAG_ENV: GatewayEnvironment;
  /** Where both listeners bind: `UAG_HOST`, else detected (see `ENV_VARS.UAG_HOST`). */
  readonly UAG_HOST: string;
  /** True when `KUBERNETES_SERVICE_HOST` is set: Service upstreams resolve through cluster DNS. */
  readonly inKubernetes: boolean;
}

const SECRET_LIKE = /token|secret|password|key/i;

function shown(name: string, value: string | undefined): string {
  if (value === undefined) return 'unset';
  return SECRET_LIKE.test(name) ? 'a value' : `"${value}"`;
}

/**
 * Rules between variables. Each runs when the variables it compares are valid on their own, so
 * its problem is reported in the same run as every other one instead of after they are fixed.
 */
function crossFieldProblems(env: Partial<ParsedEnv>): string[] {
  const problems: string[] = [];
  const { UAG_HTTP_PORT, UAG_ADMIN_PORT, UAG_DRAIN_DELAY_MS, UAG_SHUTDOWN_TIMEOUT_MS, UAG_HEADERS_TIMEOUT_MS, UAG_REQUEST_TIMEOUT_MS } = env;
  if (UAG_HTTP_PORT !== undefined && UAG_HTTP_PORT === UAG_ADMIN_PORT && UAG_HTTP_PORT !== 0) {
    problems.push(`UAG_ADMIN_PORT: must differ from UAG_HTTP_PORT (both ${UAG_HTTP_PORT})`);
  }
  if (UAG_DRAIN_DELAY_MS !== undefined && UAG_SHUTDOWN_TIMEOUT_MS !== undefined && UAG_DRAIN_DELAY_MS >= UAG_SHUTDOWN_TIMEOUT_MS) {
    problems.push(
      `UAG_DRAIN_DELAY_MS: must be less than UAG_SHUTDOWN_TIMEOUT_MS (${UAG_DRAIN_DELAY_MS} >= ${UAG_SHUTDOWN_TIMEOUT_MS}); in-flight requests need time after the drain delay`,
    );
  }
  if (UAG_HEADERS_TIMEOUT_MS !== undefined && UAG_REQUEST_TIMEOUT_MS !== undefined && UAG_HEADERS_TIMEOUT_MS > UAG_REQUEST_TIMEOUT_MS) {
    problems.push(`UAG_HEADERS_TIMEOUT_MS: must not exceed UAG_REQUEST_TIMEOUT_MS (${UAG_HEADERS_TIMEOUT_MS} > ${UAG_REQUEST_TIMEOUT_MS})`);
  }
  return problems;
}

/**
 * Reads and validates the gateway's environment variables, every variable on its own and then
 * the rules between them, and reports all problems at once. Empty strings count as unset so
 * that `FOO=` in a manifest means "use the default" rather than "invalid".
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv): EnvConfig {
  const parsed: Partial<Record<EnvVarName, unknown>> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(ENV_VARS) as [EnvVarName, (typeof ENV_VARS)[EnvVarName]][]) {
    const raw = env[name]?.trim();
    const value = raw === '' ? undefined : raw;
    const result = spec.schema.safeParse(value);
    if (result.success) parsed[name] = result.data;
    else problems.push(...result.error.issues.map((issue) => `${name}: ${issue.message} (got ${shown(name, value)})`));
  }
  problems.push(...crossFieldProblems(parsed as Partial<ParsedEnv>));
  if (problems.length > 0) throw new ConfigError(problems);
  const valid = parsed as ParsedEnv;
  const inKubernetes = Boolean(env.KUBERNETES_SERVICE_HOST);
  return Object.freeze({
    ...valid,
    UAG_ENV: valid.UAG_ENV ?? (inKubernetes ? 'dev' : 'local'),
    UAG_HOST: valid.UAG_HOST ?? (inKubernetes ? CLUSTER_HOST : LOCAL_HOST),
    inKubernetes,
  });
}
