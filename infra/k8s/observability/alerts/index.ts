import type { AlertContext, AlertDefinition } from './alert';
import { availabilityAlerts } from './availability';
import { errorAlerts } from './errors';
import { latencyAlerts } from './latency';
import { platformAlertGroups } from './platform';
import { restartAlerts } from './restarts';
import { saturationAlerts } from './saturation';
import { upstreamAlerts } from './upstreams';
import { watchdogAlerts } from './watchdog';

export * from './alert';

/** Alert groups, one per domain, in the order they appear in the PrometheusRule. */
export function alertGroups(context: AlertContext): { name: string; alerts: AlertDefinition[] }[] {
  return [
    { name: 'gateway-availability', alerts: availabilityAlerts(context) },
    { name: 'gateway-errors', alerts: errorAlerts(context) },
    { name: 'gateway-latency', alerts: latencyAlerts(context) },
    { name: 'gateway-saturation', alerts: saturationAlerts(context) },
    { name: 'gateway-restarts', alerts: restartAlerts(context) },
    { name: 'gateway-upstreams', alerts: upstreamAlerts(context) },
    { name: 'watchdog', alerts: watchdogAlerts() },
    ...platformAlertGroups(context),
  ];
}
