import { METRICS } from '../../../../app/src/contract';
import type { AlertContext, AlertDefinition } from './alert';

/** Dependencies: upstream attempts failing, and circuits held open. */
export function upstreamAlerts({ selector, thresholds }: AlertContext): AlertDefinition[] {
  const attempts = `${METRICS.upstreamDuration.name}_count`;
  return [
    {
      alert: 'GatewayUpstreamFailing',
      expr: `sum by (namespace, route) (rate(${attempts}{${selector},outcome!="success"}[5m])) / sum by (namespace, route) (rate(${attempts}{${selector}}[5m])) > ${thresholds.upstreamFailureRatio}`,
      for: '2m',
      severity: 'critical',
      summary: 'An upstream behind the gateway is failing.',
      description: `{{ $value | humanizePercentage }} of upstream attempts for route {{ $labels.route }} failed over 5 minutes (threshold ${thresholds.upstreamFailureRatio * 100}%).`,
    },
    {
      alert: 'GatewayCircuitOpen',
      expr: `max by (namespace, upstream) (${METRICS.circuitState.name}{${selector}}) == 2`,
      for: '5m',
      severity: 'warning',
      summary: 'A circuit breaker has stayed open.',
      description: 'The circuit to upstream {{ $labels.upstream }} has been open for 5 minutes; requests to it fail fast.',
    },
  ];
}
