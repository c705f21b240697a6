import type { AlertContext, AlertDefinition } from './alert';

/** Restarts, seen as changes of the process start time the gateway reports itself. */
export function restartAlerts({ selector, thresholds }: AlertContext): AlertDefinition[] {
  return [
    {
      alert: 'GatewayPodRestarting',
      expr: `changes(process_start_time_seconds{${selector}}[1h]) > ${thresholds.restartsPerHour}`,
      for: '0m',
      severity: 'warning',
      summary: 'Gateway pod keeps restarting.',
      description: `Pod {{ $labels.pod }} restarted {{ $value }} times in the last hour (threshold ${thresholds.restartsPerHour}).`,
    },
  ];
}
