import { ALERTMANAGER, PROMETHEUS } from '../../platform-names';
import type { AlertContext, AlertDefinition } from './alert';
import { PLATFORM_ALERT_THRESHOLDS as T, asPercent } from './platform-thresholds';

const PROMETHEUS_JOB = `job="${PROMETHEUS.name}"`;
const ALERTMANAGER_JOB = `job="${ALERTMANAGER.name}"`;

/**
 * The monitoring pipeline itself: rules that fail to evaluate, alerts that do not reach
 * Alertmanager or leave it, and scrape targets that are down. (Watchdog, in watchdog.ts, covers a
 * pipeline that is down altogether.) Prometheus's and Alertmanager's series carry the jobs of the
 * platform's ServiceMonitors, named after their Services.
 */
export function monitoringPipelineAlerts({ selector }: AlertContext): AlertDefinition[] {
  const byAlertmanager = 'sum by (namespace, pod, integration)';
  return [
    {
      alert: 'PrometheusRuleFailures',
      expr: `increase(prometheus_rule_evaluation_failures_total{${PROMETHEUS_JOB}}[5m]) > 0`,
      for: '15m',
      severity: 'critical',
      summary: 'Prometheus fails to evaluate rules.',
      description: 'Prometheus {{ $labels.pod }} failed {{ $value }} evaluations of rule group {{ $labels.rule_group }} in the last 5 minutes: its alerts may not fire.',
    },
    {
      alert: 'PrometheusNotificationsFailing',
      expr: `rate(prometheus_notifications_errors_total{${PROMETHEUS_JOB}}[5m]) / rate(prometheus_notifications_sent_total{${PROMETHEUS_JOB}}[5m]) > ${T.notificationFailureRatio}`,
      for: '15m',
      severity: 'critical',
      summary: 'Prometheus cannot send alerts to an Alertmanager.',
      description: `Prometheus {{ $labels.pod }} failed to send {{ $value | humanizePercentage }} of its alerts to Alertmanager {{ $labels.alertmanager }} (threshold ${asPercent(T.notificationFailureRatio)}).`,
    },
    {
      alert: 'PrometheusNotConnectedToAlertmanagers',
      expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${PROMETHEUS_JOB}}[5m]) < 1`,
      for: '10m',
      severity: 'critical',
      summary: 'Prometheus knows no Alertmanager.',
      description: 'Prometheus {{ $labels.pod }} has discovered no Alertmanager for 10 minutes: no alert leaves it.',
    },
    {
      alert: 'AlertmanagerNotificationsFailing',
      expr: `${byAlertmanager} (rate(alertmanager_notifications_failed_total{${ALERTMANAGER_JOB}}[5m])) / ${byAlertmanager} (rate(alertmanager_notifications_total{${ALERTMANAGER_JOB}}[5m])) > ${T.notificationFailureRatio}`,
      for: '5m',
      severity: 'critical',
      summary: 'Alertmanager cannot deliver notifications.',
      description: `Alertmanager {{ $labels.pod }} failed to deliver {{ $value | humanizePercentage }} of its {{ $labels.integration }} notifications (threshold ${asPercent(T.notificationFailureRatio)}).`,
    },
    {
      alert: 'TargetDown',
      // The gateway's own targets have GatewayDown and GatewayAbsent.
      expr: `1 - avg by (job, namespace) (up unless on (job, namespace) up{${selector}}) > ${T.targetsDownRatio}`,
      for: '10m',
      severity: 'warning',
      summary: 'Scrape targets of a platform component are down.',
      description: `{{ $value | humanizePercentage }} of the {{ $labels.job }} targets in {{ $labels.namespace }} have been down for 10 minutes (threshold ${asPercent(T.targetsDownRatio)}).`,
    },
  ];
}
