import type { BuildInfo } from '../build-info';
import type { EnvConfig } from '../config/env-config';
import type { Logger } from './logger';
import type { RequestTracer } from './request-tracer';

export interface Tracing {
  /** Traces requests; undefined when tracing is off. */
  readonly requestTracer: RequestTracer | undefined;
  /** Exports buffered spans and stops the SDK; safe to call when disabled. */
  shutdown(): Promise<void>;
}

const DISABLED: Tracing = { requestTracer: undefined, shutdown: async () => undefined };

/**
 * Tracing as the environment configures it: off unless an OTLP endpoint is set. Everything that
 * touches OpenTelemetry (API, SDK, exporter, semantic conventions) is in `tracing-sdk` and
 * `request-tracer`, loaded here only when tracing is on; loading them cost a gateway without
 * tracing about a sixth of its start-up. The request path never loads a module.
 */
export async function startTracing(env: EnvConfig, build: BuildInfo, logger: Logger): Promise<Tracing> {
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined && env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined) return DISABLED;
  const { startTracingSdk } = await import('./tracing-sdk');
  return startTracingSdk(env, build, logger);
}
