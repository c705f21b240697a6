import { METRICS } from '../../../../app/src/contract';
import type { AlertContext, AlertDefinition } from './alert';

/** How long a rejected route table may wait for a fix before someone is told. */
export const ROUTE_TABLE_REJECTED_FOR = '10m';

/**
 * Configuration: a route table file the gateway rejected is still what the file holds, so the
 * table in force is older than the one someone meant to ship. The gateway keeps serving and stays
 * ready (nothing else would notice); the rejected timestamp goes back to 0 once the file is fixed
 * or reverted.
 */
export function configurationAlerts({ selector }: AlertContext): AlertDefinition[] {
  const rejected = `${METRICS.configRejectedTimestamp.name}{${selector}}`;
  const loaded = `${METRICS.configLoadedTimestamp.name}{${selector}}`;
  return [
    {
      alert: 'GatewayRouteTableRejected',
      expr: `${rejected} - ${loaded} > 0`,
      for: ROUTE_TABLE_REJECTED_FOR,
      severity: 'warning',
      summary: 'The gateway rejected its route table and serves an older one.',
      description: `Pod {{ $labels.pod }} rejected the route table file it was given ${ROUTE_TABLE_REJECTED_FOR} ago or more and still serves the table it had; its log lines 'route table rejected; the active one keeps serving' name each problem by line or field.`,
    },
  ];
}
