import { CLUSTER_SCRAPE_TARGETS } from '../cluster-scrape-targets';
import type { AlertDefinition } from './alert';
import { PLATFORM_ALERT_THRESHOLDS as T, asPercent } from './platform-thresholds';

const { fluentBit, loki, kubeStateMetrics } = CLUSTER_SCRAPE_TARGETS;
const AGENT = `job="${fluentBit.job}"`;
const STORE = `job="${loki.job}"`;
/** Fluent Bit's Loki output ships with `POST /loki/api/v1/push`; dskit names the route after the path (vendor/github.com/grafana/dskit/middleware/route_injector.go, MakeLabelValue, at v3.7.6). */
const PUSHES = `${STORE},route="loki_api_v1_push"`;

/**
 * Logs lost between the nodes and Loki: records Fluent Bit gives up on (`fluentbit_output_dropped_records_total`,
 * counted when a chunk exhausts `Retry_Limit` or meets an unrecoverable error; src/flb_output.c and
 * src/flb_engine.c at v5.1.1), pushes Loki answers with an error (dskit's
 * `loki_request_duration_seconds`, Loki 3.7.6), and Loki's StatefulSet not ready (kube-state-metrics).
 */
export function logPipelineAlerts(): AlertDefinition[] {
  const statefulSet = `job="${kubeStateMetrics.job}",namespace="${loki.namespace}",statefulset="${loki.statefulSet}"`;
  return [
    {
      alert: 'FluentBitDroppingLogs',
      expr: `sum by (namespace, pod, name) (increase(fluentbit_output_dropped_records_total{${AGENT}}[5m])) > 0`,
      for: '5m',
      severity: 'warning',
      summary: 'Fluent Bit is dropping log records.',
      description:
        "Fluent Bit {{ $labels.pod }} dropped {{ $value | humanize }} records at output {{ $labels.name }} in the last 5 minutes, for 5 minutes: those lines are lost for search. See its log for the output's errors and the Loki alerts: Loki refusing or unreachable.",
    },
    {
      alert: 'LokiRejectingPushes',
      expr: `sum by (job) (rate(loki_request_duration_seconds_count{${PUSHES},status_code!~"2.."}[5m])) / sum by (job) (rate(loki_request_duration_seconds_count{${PUSHES}}[5m])) > ${T.lokiPushRejectedRatio}`,
      for: '10m',
      severity: 'warning',
      summary: 'Loki refuses log pushes.',
      description: `Loki answered {{ $value | humanizePercentage }} of the log pushes with an error for 10 minutes (threshold ${asPercent(T.lokiPushRejectedRatio)}): Fluent Bit retries, then drops. See Loki's log: rate limits (429), lines too old or too long (400), or its volume full (500).`,
    },
    {
      alert: 'LokiNotReady',
      expr: `kube_statefulset_status_replicas_ready{${statefulSet}} < kube_statefulset_replicas{${statefulSet}}`,
      for: '10m',
      severity: 'warning',
      summary: 'Loki is not ready.',
      description:
        "Loki has had {{ $value }} ready replicas, fewer than it should, for 10 minutes: pushes fail and Fluent Bit buffers, then drops; Grafana shows no logs. See the pod's events and log (`kubectl -n logging describe pod loki-0`): usually its volume or its memory limit.",
    },
  ];
}
