import { latencyQuantileQuery } from '../gateway-queries';
import type { AlertContext, AlertDefinition } from './alert';

/** Latency: p95 request duration per route. */
export function latencyAlerts({ selector, thresholds }: AlertContext): AlertDefinition[] {
  return [
    {
      alert: 'GatewayHighLatency',
      expr: `${latencyQuantileQuery(0.95, { selector, by: ['namespace', 'route'], window: '5m' })} > ${thresholds.latencyP95Seconds}`,
      for: '5m',
      severity: 'warning',
      summary: 'Gateway route p95 latency is high.',
      description: `p95 latency of route {{ $labels.route }} is {{ $value | humanizeDuration }} (threshold ${thresholds.latencyP95Seconds}s).`,
    },
  ];
}
