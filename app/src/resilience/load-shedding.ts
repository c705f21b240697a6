import { getHeapStatistics } from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { EnvConfig } from '../config/env-config';
import type { LifecycleState } from '../lifecycle/lifecycle-state';
import { sendGatewayError } from '../proxy/gateway-error';
import { requestIdFrom, REQUEST_ID_HEADER } from '../proxy/request-id';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';

/** How often event-loop delay and heap use are sampled. */
export const LOAD_SAMPLE_INTERVAL_MS = 500;

export type ShedSettings = Pick<EnvConfig, 'UAG_SHED_EVENT_LOOP_DELAY_MS' | 'UAG_SHED_HEAP_USED_RATIO' | 'UAG_SHED_RETRY_AFTER_SECONDS'>;

/**
 * Answers 503 with `Retry-After` while the event loop lags or the heap nears its limit, so an
 * overloaded replica sheds work (and fails readiness) instead of timing out everything it holds.
 */
export function registerLoadShedding(app: FastifyInstance, settings: ShedSettings, metrics: GatewayMetrics, lifecycle: LifecycleState): void {
  const retryAfter = String(settings.UAG_SHED_RETRY_AFTER_SECONDS);
  void app.register(underPressure, {
    sampleInterval: LOAD_SAMPLE_INTERVAL_MS,
    // 0 disables a check in under-pressure, as it does in our settings.
    maxEventLoopDelay: settings.UAG_SHED_EVENT_LOOP_DELAY_MS,
    maxHeapUsedBytes: Math.floor(settings.UAG_SHED_HEAP_USED_RATIO * getHeapStatistics().heap_size_limit),
    exposeStatusRoute: false,
    pressureHandler: (request, reply, type) => {
      metrics.loadShed.inc();
      reply.header('retry-after', retryAfter);
      const requestId = request.uag?.requestId ?? requestIdFrom(request.headers[REQUEST_ID_HEADER]);
      sendGatewayError(reply, requestId, 'UAG_ERR_OVERLOADED', type === 'heapUsedBytes' ? 'memory' : 'event loop delay', lifecycle.draining);
    },
  });
}
