import { errorRatioQuery } from '../gateway-queries';
import type { AlertContext, AlertDefinition } from './alert';

/** Errors: share of requests the gateway answered with 5xx. */
export function errorAlerts({ selector, thresholds }: AlertContext): AlertDefinition[] {
  return [
    {
      alert: 'GatewayHighErrorRate',
      expr: `${errorRatioQuery({ selector, by: ['namespace', 'route'], window: '5m' })} > ${thresholds.errorRatio}`,
      for: '5m',
      severity: 'critical',
      summary: 'Gateway route answers too many 5xx.',
      description: `Route {{ $labels.route }} answered {{ $value | humanizePercentage }} of requests with 5xx over 5 minutes (threshold ${thresholds.errorRatio * 100}%).`,
    },
  ];
}
