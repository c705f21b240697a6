import { ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { EnvConfig } from '../config/env-config';
import type { BuildInfo } from '../build-info';
import type { Logger } from './logger';
import { RequestTracer } from './request-tracer';
import { TraceIds } from './trace-ids';
import type { Tracing } from './tracing';

const TRACER_NAME = 'unified-access-gateway';

/**
 * The gateway hands every span its parent explicitly, so it needs no ambient context; the SDK's
 * default AsyncLocalStorage manager would tax every callback in the process for nothing.
 */
class ExplicitContextManager implements ContextManager {
  active(): Context {
    return ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(_context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return fn.call(thisArg, ...args);
  }
  bind<T>(_context: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

/** The sampler `OTEL_TRACES_SAMPLER` / `_ARG` name, with the gateway's defaults already applied. */
export function samplerFor(env: Pick<EnvConfig, 'OTEL_TRACES_SAMPLER' | 'OTEL_TRACES_SAMPLER_ARG'>): Sampler {
  const ratio = new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG);
  switch (env.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}

/**
 * Starts the OpenTelemetry SDK. No auto-instrumentation: the gateway creates its own server and
 * client spans, which keeps start-up fast and the span tree exactly what the proxy did. The
 * sampler is built here (the gateway's default differs from the SDK's) and applied by the
 * RequestTracer before a span exists, so the SDK records every span it is asked for. Exporter
 * settings come from the standard `OTEL_EXPORTER_OTLP_*` variables, which the SDK reads itself.
 * Only traces: the gateway's metrics are Prometheus and its logs go to stdout, so the SDK's OTLP
 * metrics and logs pipelines are left out rather than run empty.
 */
export function startTracingSdk(env: EnvConfig, build: BuildInfo, logger: Logger): Tracing {
  const ids = new TraceIds();
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME,
    resource: resourceFromAttributes({ 'service.version': build.version, 'deployment.environment.name': env.UAG_ENV }),
    instrumentations: [],
    sampler: new AlwaysOnSampler(),
    idGenerator: ids,
    contextManager: new ExplicitContextManager(),
    textMapPropagator: new W3CTraceContextPropagator(),
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const requestTracer = new RequestTracer({ sampler: samplerFor(env), tracer: trace.getTracer(TRACER_NAME, build.version), ids });
  logger.info(
    { endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT, sampler: env.OTEL_TRACES_SAMPLER, sample_ratio: env.OTEL_TRACES_SAMPLER_ARG },
    'tracing enabled',
  );
  return {
    requestTracer,
    shutdown: async () => {
      try {
        await sdk.shutdown();
      } catch (error) {
        logger.warn({ err: error }, 'tracing shutdown failed; some spans may be lost');
      }
    },
  };
}
