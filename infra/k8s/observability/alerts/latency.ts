import { METRICS } from '../../../../app/src/contract';
import type { AlertContext, AlertDefinition } from './alert';

/** Latency: p95 request duration per route. */
export function latencyAlerts({ selector, thresholds }: AlertContext): AlertDefinition[] {
  const duration = METRICS.requestDuration.name;
  return [
    {
      alert: 'GatewayHighLatency',
      expr: `histogram_quantile(0.95, sum by (namespace, route, le) (rate(${duration}_bucket{${selector}}[5m]))) > ${thresholds.latencyP95Seconds}`,
      for: '5m',
      severity: 'warning',
      summary: 'Gateway route p95 latency is high.',
      description: `p95 latency of route {{ $labels.route }} is {{ $value | humanizeDuration }} (threshold ${thresholds.latencyP95Seconds}s).`,
    },
  ];
}
