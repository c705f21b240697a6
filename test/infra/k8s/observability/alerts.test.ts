import { ENVIRONMENT_DEFAULTS } from '../../../../infra/environments';
import { GatewayWorkload } from '../../../../infra/k8s/gateway-workload';
import { SEVERITIES, alertGroups, runbookUrl, toRule } from '../../../../infra/k8s/observability/alerts';
import { GatewayMonitoring } from '../../../../infra/k8s/observability/gateway-monitoring';
import { TEST_IMAGE, TEST_ROUTES, find, synth } from '../../fixtures';

const context = {
  selector: 'job="gateway-admin",namespace="gateway"',
  thresholds: { ...ENVIRONMENT_DEFAULTS.alerts, errorRatio: 0.02, latencyP95Seconds: 0.75 },
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
};
const alerts = alertGroups(context).flatMap((group) => group.alerts);

describe('gateway alerts', () => {
  it('covers the reference alert set plus the Watchdog, and the platform itself: Kubernetes workloads and storage, and the monitoring pipeline (regression: nothing watched the platform)', () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      'GatewayDown',
      'GatewayAbsent',
      'GatewayHighErrorRate',
      'GatewayHighLatency',
      'GatewayHighCpu',
      'GatewayHighMemory',
      'GatewayPodRestarting',
      'GatewayUpstreamFailing',
      'GatewayCircuitOpen',
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
    ]);
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
    expect(byName.GatewayHighErrorRate!.expr).toMatch(/ > 0\.02$/);
    expect(byName.GatewayHighLatency!.expr).toBe(
      'histogram_quantile(0.95, sum by (namespace, route, le) (rate(gateway_request_duration_seconds_bucket{job="gateway-admin",namespace="gateway"}[5m]))) > 0.75',
    );
    expect(byName.GatewayHighCpu!.expr).toBe('rate(process_cpu_seconds_total{job="gateway-admin",namespace="gateway"}[5m]) / 0.5 > 0.8');
    expect(byName.GatewayHighMemory!.expr).toBe('process_resident_memory_bytes{job="gateway-admin",namespace="gateway"} / 536870912 > 0.85');
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
      new GatewayMonitoring(chart, 'mon', { workload, adminServiceName: 'gateway-admin', thresholds: context.thresholds, resources: context.resources });
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
      'gateway-errors',
      'gateway-latency',
      'gateway-saturation',
      'gateway-restarts',
      'gateway-upstreams',
      'watchdog',
      'kubernetes-workloads',
      'kubernetes-storage',
      'monitoring-pipeline',
    ]);
  });
});
