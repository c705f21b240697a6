import { ENVIRONMENT_DEFAULTS } from '../../../../infra/environments';
import { GatewayWorkload } from '../../../../infra/k8s/gateway-workload';
import { SEVERITIES, alertGroups, runbookUrl, toRule } from '../../../../infra/k8s/observability/alerts';
import { GatewayMonitoring } from '../../../../infra/k8s/observability/gateway-monitoring';
import { TEST_IMAGE, TEST_ROUTES, find, synth } from '../../fixtures';

const context = {
  selector: 'job="gateway-admin",namespace="gateway"',
  namespace: 'gateway',
  thresholds: ENVIRONMENT_DEFAULTS.alerts,
  slo: { availability: 0.999, latency: { thresholdSeconds: 1, objective: 0.98 }, minRequestsPerSecond: 0.5 },
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
};
const alerts = alertGroups(context).flatMap((group) => group.alerts);

describe('gateway alerts', () => {
  it('covers the reference alert set, with errors and latency watched through their objectives, plus the Watchdog, and the platform itself: Kubernetes workloads and storage, the monitoring pipeline, the certificates cert-manager keeps, and the add-ons: secrets sync, node autoscaling and the log pipeline (regression: nothing watched the platform, then nothing watched the add-ons)', () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      'GatewayDown',
      'GatewayAbsent',
      'GatewayErrorBudgetFastBurn',
      'GatewayErrorBudgetSlowBurn',
      'GatewayLatencyBudgetFastBurn',
      'GatewayLatencyBudgetSlowBurn',
      'GatewayHighCpu',
      'GatewayHighMemory',
      'GatewayPodRestarting',
      'GatewayUpstreamFailing',
      'GatewayCircuitOpen',
      'GatewayRouteTableRejected',
      'Watchdog',
      'KubePodCrashLooping',
      'KubeHpaMaxedOut',
      'KubePdbViolated',
      'CPUThrottlingHigh',
      'KubePersistentVolumeFillingUp',
      'KubePersistentVolumeFull',
      'NodeFilesystemAlmostFull',
      'PrometheusRuleFailures',
      'PrometheusNotificationsFailing',
      'PrometheusNotConnectedToAlertmanagers',
      'AlertmanagerNotificationsFailing',
      'TargetDown',
      'CertificateNotReady',
      'CertificateRenewalOverdue',
      'CertificateExpiringSoon',
      'CertificateExpiryImminent',
      'ExternalSecretNotSynced',
      'ClusterSecretStoreNotReady',
      'KarpenterPodsUnschedulable',
      'KarpenterNodeRegistrationUnhealthy',
      'KarpenterNodePoolNearLimit',
      'KarpenterInterruptionQueueStalled',
      'FluentBitDroppingLogs',
      'LokiRejectingPushes',
      'LokiNotReady',
    ]);
  });

  it('alerts on the add-ons from their own series, each read from its job, and never on their absence, since Karpenter and ESO run on the AWS stacks only (regression: a Secret stopped syncing, Karpenter stopped adding nodes or logs were lost, and nothing said so)', () => {
    const addonAlerts = alerts.filter((a) => /^(ExternalSecret|ClusterSecretStore|Karpenter|FluentBit|Loki)/.test(a.alert));
    expect(Object.fromEntries(addonAlerts.map((a) => [a.alert, a.expr]))).toEqual({
      ExternalSecretNotSynced: 'max by (namespace, name) (externalsecret_status_condition{job="external-secrets-metrics",condition="Ready",status="False"}) == 1',
      ClusterSecretStoreNotReady: 'max by (name) (clustersecretstore_status_condition{job="external-secrets-metrics",condition="Ready",status="False"}) == 1',
      KarpenterPodsUnschedulable:
        'max by (job) (karpenter_scheduler_unschedulable_pods_count{job="karpenter",controller="provisioner"}) > 0 and on () count(kube_pod_status_unschedulable{job="kube-state-metrics"}) > 0',
      KarpenterNodeRegistrationUnhealthy: 'max by (name) (operator_nodepool_status_condition_count{job="karpenter",type="NodeRegistrationHealthy",status="False"}) > 0',
      KarpenterNodePoolNearLimit: 'max by (nodepool, resource_type) (karpenter_nodepools_usage{job="karpenter"} / karpenter_nodepools_limit{job="karpenter"}) > 0.9',
      KarpenterInterruptionQueueStalled: 'sum by (job) (increase(controller_runtime_reconcile_total{job="karpenter",controller="interruption",result!="error"}[10m])) == 0',
      FluentBitDroppingLogs: 'sum by (namespace, pod, name) (increase(fluentbit_output_dropped_records_total{job="fluent-bit"}[5m])) > 0',
      LokiRejectingPushes:
        'sum by (job) (rate(loki_request_duration_seconds_count{job="logging/loki",route="loki_api_v1_push",status_code!~"2.."}[5m])) / sum by (job) (rate(loki_request_duration_seconds_count{job="logging/loki",route="loki_api_v1_push"}[5m])) > 0.05',
      LokiNotReady: 'kube_statefulset_status_replicas_ready{job="kube-state-metrics",namespace="logging",statefulset="loki"} < kube_statefulset_replicas{job="kube-state-metrics",namespace="logging",statefulset="loki"}',
    });
    expect(addonAlerts.filter((a) => /\babsent(_over_time)?\(/.test(a.expr)).map((a) => a.alert)).toEqual([]);
  });

  it('warns of certificates failing to renew and nearing expiry from cert-manager’s controller series, skipping timestamps it does not know yet (regression: nothing warned before the ingress certificate expired)', () => {
    const expr = (name: string) => alerts.find((a) => a.alert === name)?.expr;
    expect({
      notReady: expr('CertificateNotReady'),
      overdue: expr('CertificateRenewalOverdue'),
      warning: expr('CertificateExpiringSoon'),
      critical: expr('CertificateExpiryImminent'),
    }).toEqual({
      notReady: 'max by (namespace, name) (certmanager_certificate_ready_status{job="cert-manager",condition!="True"}) == 1',
      overdue: '(time() - (certmanager_certificate_renewal_timestamp_seconds{job="cert-manager"} > 0)) / 3600 > 1',
      warning: '((certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"} > 0) - time()) / 86400 < 21',
      critical: '((certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"} > 0) - time()) / 86400 < 7',
    });
  });

  it('leaves the gateway’s own targets out of TargetDown, which GatewayDown and GatewayAbsent cover', () => {
    const targetDown = alerts.find((a) => a.alert === 'TargetDown');
    expect(targetDown?.expr).toBe('1 - avg by (job, namespace) (up unless on (job, namespace) up{job="gateway-admin",namespace="gateway"}) > 0.1');
  });

  it('gives every alert a known severity, a summary, a description and a runbook from the one pattern', () => {
    for (const rule of alerts.map(toRule)) {
      expect(SEVERITIES).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toMatch(/\S/);
      expect(rule.annotations?.description).toMatch(/\S/);
      expect(rule.annotations?.runbook_url).toBe(`https://runbooks.uag.example.com/alerts/${rule.alert!.toLowerCase()}`);
    }
  });

  it('takes thresholds from the environment and limits from the container resources', () => {
    const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
    expect(byName.GatewayDown!.expr).toBe('up{job="gateway-admin",namespace="gateway"} == 0');
    expect(byName.GatewayDown!.for).toBe('1m');
    expect(byName.GatewayErrorBudgetFastBurn!.expr).toBe(
      '(namespace:gateway_request_errors:ratio_rate1h{namespace="gateway"} / 0.001 > 14.4 and namespace:gateway_request_errors:ratio_rate5m{namespace="gateway"} / 0.001 > 14.4 and namespace:gateway_requests:rate5m{namespace="gateway"} >= 0.5)' +
        ' or (namespace:gateway_request_errors:ratio_rate6h{namespace="gateway"} / 0.001 > 6 and namespace:gateway_request_errors:ratio_rate30m{namespace="gateway"} / 0.001 > 6 and namespace:gateway_requests:rate30m{namespace="gateway"} >= 0.5)',
    );
    expect(byName.GatewayLatencyBudgetSlowBurn!.expr).toMatch(/^\(namespace:gateway_request_slow:ratio_rate1d\{namespace="gateway"\} \/ 0\.02 > 3 and .* or \(namespace:gateway_request_slow:ratio_rate3d/);
    expect(byName.GatewayHighCpu!.expr).toBe('rate(process_cpu_seconds_total{job="gateway-admin",namespace="gateway"}[5m]) / 0.5 > 0.8');
    expect(byName.GatewayHighMemory!.expr).toBe('process_resident_memory_bytes{job="gateway-admin",namespace="gateway"} / 536870912 > 0.85');
  });

  it('records each objective’s bad share per window (an explicit zero for errors; the latency threshold’s bucket, either spelling of an integral bound) and the request rate of each short window', () => {
    const records = alertGroups(context).flatMap((group) => group.records ?? []);
    const byName = Object.fromEntries(records.map((r) => [r.record, r.expr]));
    expect(Object.keys(byName)).toEqual([
      ...['5m', '30m', '2h', '6h'].map((w) => `namespace:gateway_requests:rate${w}`),
      ...['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `namespace:gateway_request_errors:ratio_rate${w}`),
      ...['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `namespace:gateway_request_slow:ratio_rate${w}`),
    ]);
    const sel = 'job="gateway-admin",namespace="gateway"';
    expect(byName['namespace:gateway_request_errors:ratio_rate1h']).toBe(
      `(sum by (namespace) (increase(gateway_requests_total{${sel},code=~"5.."}[1h])) or 0 * sum by (namespace) (increase(gateway_requests_total{${sel}}[1h]))) / sum by (namespace) (increase(gateway_requests_total{${sel}}[1h]))`,
    );
    expect(byName['namespace:gateway_request_slow:ratio_rate5m']).toBe(
      `1 - sum by (namespace) (rate(gateway_request_duration_seconds_bucket{${sel},le=~"1(\\\\.0)?"}[5m])) / sum by (namespace) (rate(gateway_request_duration_seconds_count{${sel}}[5m]))`,
    );
  });

  it('rejects an alert name that is not CamelCase', () => {
    expect(() => toRule({ ...alerts[0]!, alert: 'gateway_down' })).toThrow(`alert 'gateway_down' must be CamelCase (letters and digits, starting upper-case)`);
  });

  it('points runbook URLs at the lower-cased alert name', () => {
    expect(runbookUrl('GatewayDown')).toBe('https://runbooks.uag.example.com/alerts/gatewaydown');
  });
});

describe('GatewayMonitoring', () => {
  it('scrapes the admin port metrics path and ships the rules as one PrometheusRule', () => {
    const objects = synth((chart) => {
      const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes: TEST_ROUTES });
      new GatewayMonitoring(chart, 'mon', { workload, adminServiceName: 'gateway-admin', thresholds: context.thresholds, slo: context.slo, resources: context.resources });
    });
    expect(find(objects, 'ServiceMonitor').spec.endpoints).toEqual([
      {
        port: 'admin',
        path: '/metrics',
        interval: '15s',
        scheme: 'http',
        // The rollout analysis tells the canary's series apart by the pod label Argo Rollouts sets.
        relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: 'rollouts_pod_template_hash' }],
      },
    ]);
    const groups = find(objects, 'PrometheusRule', 'gateway-alerts').spec.groups;
    expect(groups.map((g: { name: string }) => g.name)).toEqual([
      'gateway-availability',
      'gateway-slo',
      'gateway-saturation',
      'gateway-restarts',
      'gateway-upstreams',
      'gateway-configuration',
      'watchdog',
      'kubernetes-workloads',
      'kubernetes-storage',
      'monitoring-pipeline',
      'certificates',
      'secrets-sync',
      'node-autoscaling',
      'log-pipeline',
    ]);
  });
});
