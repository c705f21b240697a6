import { PLATFORM_ALERT_THRESHOLDS as T } from '../../../../../infra/k8s/observability/alerts/platform-thresholds';
import { CLUSTER_SCRAPE_TARGETS } from '../../../../../infra/k8s/observability/cluster-scrape-targets';
import { ALERTMANAGER, NAMESPACES, PROMETHEUS } from '../../../../../infra/k8s/platform-names';
import type { AlertDefinition } from '../../../../../infra/k8s/observability/alerts';
import { expectedAnnotations, type AlertRuleCases, type AlertScenario } from '../../../../helpers/promtool-rule-tests';
import { aroundThreshold, counter, counterPair, definitionOf, gauge, gaugeScenario, matchers, nudge, series, type Labels, type Side } from './scenario-series';

export interface PlatformScenarioContext {
  /** Labels of the gateway's series: TargetDown must leave the gateway's targets to the gateway alerts. */
  readonly gatewayTarget: Readonly<Record<string, string>>;
  /** The alert definitions, for the alerts tested through cases of their own. */
  readonly definitions: readonly AlertDefinition[];
}

/**
 * Series labels as each source gives them. kube-state-metrics and the kubelet are scraped with
 * `honorLabels` (kube-prometheus-stack 79.5.0), so their series keep the namespace, pod and
 * container of the object they describe; the platform's ServiceMonitors label Prometheus's and
 * Alertmanager's series with their job, namespace, service, endpoint and pod.
 */
const KSM: Labels = { job: CLUSTER_SCRAPE_TARGETS.kubeStateMetrics.job, instance: '10.30.1.5:8080', service: 'prometheus-operator-kube-state-metrics', endpoint: 'http' };
const CADVISOR: Labels = { job: CLUSTER_SCRAPE_TARGETS.kubelet.job, metrics_path: '/metrics/cadvisor', instance: '10.30.1.5:10250', node: 'ip-10-30-1-5' };
const KUBELET: Labels = { ...CADVISOR, metrics_path: '/metrics' };
const NODE: Labels = { job: CLUSTER_SCRAPE_TARGETS.nodeExporter.job, instance: '10.30.1.5:9100', device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/' };
const PROMETHEUS_TARGET: Labels = { job: PROMETHEUS.name, namespace: NAMESPACES.observability, service: PROMETHEUS.name, endpoint: 'web', pod: 'prometheus-prometheus-0' };
/** cert-manager's controller, scraped with `honorLabels` (public-dns.ts): its certificate series keep the Certificate's namespace. */
const CERTIFICATE: Labels = {
  job: CLUSTER_SCRAPE_TARGETS.certManager.job,
  instance: '10.30.1.9:9402',
  service: 'cert-manager',
  endpoint: 'http-metrics',
  pod: 'cert-manager-6d5b8c4f7-k2j9x',
  namespace: NAMESPACES.istio,
  name: 'uag-prod-tls',
  issuer_name: 'letsencrypt-route53',
  issuer_kind: 'ClusterIssuer',
  issuer_group: 'cert-manager.io',
};
const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_HOUR = 3_600;
const ALERTMANAGER_TARGET: Labels = { job: ALERTMANAGER.name, namespace: NAMESPACES.observability, service: ALERTMANAGER.name, endpoint: 'web', pod: 'alertmanager-alertmanager-0' };

/** Bytes of the volumes and filesystems in the scenarios: large enough that free shares land within the margin. */
const CAPACITY = 1e10;

/** Free and total bytes whose share is `ratio`. */
function freeSpace(free: string, total: string, labels: Labels, ratio: number) {
  const available = Math.round(ratio * CAPACITY);
  return { series: [series(free, labels, gauge(available)), series(total, labels, gauge(CAPACITY))], value: available / CAPACITY };
}

/** A `for` of whole minutes, as the certificate alerts have. */
function minutesOf(definition: AlertDefinition): number {
  const minutes = /^(\d+)m$/.exec(definition.for)?.[1];
  if (minutes === undefined) throw new Error(`${definition.alert}: 'for' ${definition.for} is not in whole minutes`);
  return Number(minutes);
}

/**
 * A certificate's expiry `days` ahead of the start of the series, either side of the threshold:
 * just short of it the certificate still has more left at the last evaluation; past it, the alert
 * holds from the first minute and fires with the days left at that moment.
 */
function expiryScenario(days: number, definition: AlertDefinition): AlertScenario {
  const forMinutes = minutesOf(definition);
  const expiry = (side: Side) => series('certmanager_certificate_expiration_timestamp_seconds', CERTIFICATE, gauge(Math.round(nudge(days, quieter(side)) * SECONDS_PER_DAY)));
  const firing = expiry('above');
  const expiresAt = Math.round(nudge(days, 'below') * SECONDS_PER_DAY);
  return { justBelow: [expiry('below')], atThreshold: [firing], holdsFromMinute: 0, alertLabels: CERTIFICATE, value: (expiresAt - forMinutes * 60) / SECONDS_PER_DAY };
}

/**
 * The renewal alert compares a timestamp with `time()`, which starts at 0 in promtool: a renewal
 * time past 0 is more than the threshold behind only after an hour of evaluation, beyond the
 * scenarios' 30 minutes, so its cases are written out here. The overdue time grows by itself, so
 * just short means 2 % short of the threshold at the minute the alert would fire, and past it means
 * crossing the threshold half a minute before `onset`: pending one minute before `for` has
 * elapsed, firing with the hours overdue once it has.
 */
function renewalOverdueCases(definition: AlertDefinition): AlertRuleCases {
  const thresholdSeconds = T.certificateRenewalOverdueHours * SECONDS_PER_HOUR;
  const onset = 80;
  const firesAt = onset + minutesOf(definition);
  const input = (renewal: number) => [series('certmanager_certificate_renewal_timestamp_seconds', CERTIFICATE, `${renewal}x${firesAt}`)];
  const check = (minute: number, expAlerts: object[]) => ({ eval_time: `${minute}m`, alertname: definition.alert, exp_alerts: expAlerts });
  const shortRenewal = Math.round(firesAt * 60 - nudge(thresholdSeconds, 'below'));
  const pastRenewal = onset * 60 - 30 - thresholdSeconds;
  const firing = { exp_labels: { ...CERTIFICATE, severity: definition.severity }, exp_annotations: expectedAnnotations(definition, CERTIFICATE, (firesAt * 60 - pastRenewal) / SECONDS_PER_HOUR) };
  const test = (name: string, renewal: number, checks: object[]) => ({ evaluationInterval: '1m', test: { name: `${definition.alert} ${name}`, interval: '1m', input_series: input(renewal), alert_rule_test: checks } });
  return {
    cases: [
      test('stays silent just below its threshold', shortRenewal, [check(firesAt, [])]),
      test(`fires at its threshold once 'for' (${definition.for}) has elapsed`, pastRenewal, [check(onset - 1, []), check(firesAt - 1, []), check(firesAt, [firing])]),
    ],
  };
}

/** Alerts on a free share fire below their threshold: "just below" the alert is just above it. */
const quieter = (side: Side): Side => (side === 'below' ? 'above' : 'below');

/**
 * For every alert on the platform itself (kubernetes.ts, monitoring-pipeline.ts), series that hold
 * its quantity just short of the threshold and just past it, as alert-scenarios.ts does for the
 * gateway's.
 */
export function platformAlertScenarios({ gatewayTarget, definitions }: PlatformScenarioContext): Record<string, AlertScenario | AlertRuleCases> {
  const crashing = { ...KSM, namespace: NAMESPACES.gateway, pod: 'gateway-7d9c4-x2x5q', container: 'gateway', reason: 'CrashLoopBackOff' };
  const hpa = { ...KSM, namespace: NAMESPACES.gateway, horizontalpodautoscaler: 'gateway' };
  const hpaReplicas = (current: number) => [
    series('kube_horizontalpodautoscaler_status_current_replicas', hpa, gauge(current)),
    series('kube_horizontalpodautoscaler_spec_max_replicas', hpa, gauge(20)),
  ];
  const pdb = { ...KSM, namespace: NAMESPACES.gateway, poddisruptionbudget: 'gateway' };
  const pdbHealthy = (current: number) => [
    series('kube_poddisruptionbudget_status_current_healthy', pdb, gauge(current)),
    series('kube_poddisruptionbudget_status_desired_healthy', pdb, gauge(2)),
  ];
  const container = { namespace: NAMESPACES.gateway, pod: 'gateway-7d9c4-x2x5q', container: 'gateway' };
  const throttling = (side: Side) =>
    counterPair(
      `container_cpu_cfs_throttled_periods_total{${matchers({ ...CADVISOR, ...container })}}`,
      `container_cpu_cfs_periods_total{${matchers({ ...CADVISOR, ...container })}}`,
      nudge(T.cpuThrottledRatio, side),
    );
  const claim = { ...KUBELET, namespace: NAMESPACES.observability, persistentvolumeclaim: 'prometheus-prometheus-db-prometheus-prometheus-0' };
  const volume = (threshold: number, side: Side) => freeSpace('kubelet_volume_stats_available_bytes', 'kubelet_volume_stats_capacity_bytes', claim, nudge(threshold, quieter(side)));
  const filesystem = (side: Side) => freeSpace('node_filesystem_avail_bytes', 'node_filesystem_size_bytes', NODE, nudge(T.nodeFilesystemFreeRatio, quieter(side)));

  const ruleFailures = { ...PROMETHEUS_TARGET, rule_group: '/etc/prometheus/rules/prometheus-prometheus-rulefiles-0/gateway-gateway-alerts.yaml;gateway-availability' };
  const notifications = { ...PROMETHEUS_TARGET, alertmanager: 'http://10.30.2.7:9093/api/v2/alerts' };
  const sendErrors = (side: Side) =>
    counterPair(`prometheus_notifications_errors_total{${matchers(notifications)}}`, `prometheus_notifications_sent_total{${matchers(notifications)}}`, nudge(T.notificationFailureRatio, side));
  const integration = { ...ALERTMANAGER_TARGET, integration: 'webhook' };
  const deliveryFailures = (side: Side) =>
    counterPair(`alertmanager_notifications_failed_total{${matchers(integration)}}`, `alertmanager_notifications_total{${matchers(integration)}}`, nudge(T.notificationFailureRatio, side));
  // Whole targets, one of them down: one in eleven is below the share, one in nine past it.
  const istiodTargets = (count: number) =>
    Array.from({ length: count }, (_, index) => series('up', { job: CLUSTER_SCRAPE_TARGETS.istiod.job, namespace: NAMESPACES.istio, pod: `istiod-${index}` }, gauge(index === 0 ? 0 : 1)));
  const definition = (alert: string): AlertDefinition => definitionOf(definitions, alert);
  // cert-manager writes one series per condition status, the current one at 1 (pkg/metrics/certificates.go).
  const readiness = (current: 'True' | 'False') =>
    (['True', 'False', 'Unknown'] as const).map((condition) => series('certmanager_certificate_ready_status', { ...CERTIFICATE, condition }, gauge(condition === current ? 1 : 0)));
  // A gateway target down as well: it belongs to GatewayDown, not to TargetDown.
  const gatewayDown = series('up', gatewayTarget, gauge(0));

  return {
    KubePodCrashLooping: gaugeScenario('kube_pod_container_status_waiting_reason', crashing, { quiet: 0, firing: 1 }),
    KubeHpaMaxedOut: { justBelow: hpaReplicas(19), atThreshold: hpaReplicas(20), holdsFromMinute: 0, alertLabels: hpa, value: 20 },
    KubePdbViolated: { justBelow: pdbHealthy(2), atThreshold: pdbHealthy(1), holdsFromMinute: 0, alertLabels: pdb, value: 1 },
    CPUThrottlingHigh: aroundThreshold(throttling, { holdsFromMinute: 1, alertLabels: container }),
    KubePersistentVolumeFillingUp: aroundThreshold((side) => volume(T.volumeFreeWarningRatio, side), { holdsFromMinute: 0, alertLabels: claim }),
    KubePersistentVolumeFull: aroundThreshold((side) => volume(T.volumeFreeCriticalRatio, side), { holdsFromMinute: 0, alertLabels: claim }),
    NodeFilesystemAlmostFull: aroundThreshold(filesystem, { holdsFromMinute: 0, alertLabels: NODE }),
    PrometheusRuleFailures: {
      justBelow: [series('prometheus_rule_evaluation_failures_total', ruleFailures, gauge(0))],
      // One failed evaluation a minute: five within the 5m window.
      atThreshold: [series('prometheus_rule_evaluation_failures_total', ruleFailures, counter(1))],
      holdsFromMinute: 1,
      alertLabels: ruleFailures,
      value: 5,
    },
    PrometheusNotificationsFailing: aroundThreshold(sendErrors, { holdsFromMinute: 1, alertLabels: notifications }),
    PrometheusNotConnectedToAlertmanagers: gaugeScenario('prometheus_notifications_alertmanagers_discovered', PROMETHEUS_TARGET, { quiet: 1, firing: 0 }),
    AlertmanagerNotificationsFailing: aroundThreshold(deliveryFailures, {
      holdsFromMinute: 1,
      alertLabels: { namespace: ALERTMANAGER_TARGET.namespace!, pod: ALERTMANAGER_TARGET.pod!, integration: integration.integration },
    }),
    CertificateNotReady: {
      justBelow: readiness('True'),
      atThreshold: readiness('False'),
      holdsFromMinute: 0,
      alertLabels: { namespace: CERTIFICATE.namespace!, name: CERTIFICATE.name! },
      value: 1,
    },
    CertificateRenewalOverdue: renewalOverdueCases(definition('CertificateRenewalOverdue')),
    CertificateExpiringSoon: expiryScenario(T.certificateExpiryWarningDays, definition('CertificateExpiringSoon')),
    CertificateExpiryImminent: expiryScenario(T.certificateExpiryCriticalDays, definition('CertificateExpiryImminent')),
    TargetDown: {
      justBelow: [...istiodTargets(11), gatewayDown],
      atThreshold: [...istiodTargets(9), gatewayDown],
      holdsFromMinute: 0,
      alertLabels: { job: CLUSTER_SCRAPE_TARGETS.istiod.job, namespace: NAMESPACES.istio },
      value: 1 - 8 / 9,
    },
  };
}
