import type { AlertDefinition } from './alert';

/** Always firing: if it ever stops arriving, the alerting pipeline itself is broken. */
export function watchdogAlerts(): AlertDefinition[] {
  return [
    {
      alert: 'Watchdog',
      expr: 'vector(1)',
      for: '0m',
      severity: 'none',
      summary: 'The alerting pipeline is working.',
      description: 'This alert always fires. Route it to a dead-man switch; its absence means Prometheus or Alertmanager is down.',
    },
  ];
}
