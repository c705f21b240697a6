import { parse } from 'yaml';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, type EnvironmentName } from '../../../../infra/environments';
import { PrometheusStack } from '../../../../infra/k8s/observability/prometheus-stack';
import { synthesizePlatform } from '../../../../infra/platform';
import { TEST_IMAGE, find, synth, type SynthObject } from '../../fixtures';

describe('PrometheusStack', () => {
  it('pins the images, selects platform rules and monitors, and sends alerts to the Alertmanager', () => {
    const objects = synth((chart) => new PrometheusStack(chart, 'p', { namespace: 'observability', retention: '15d' }));
    const prometheus = find(objects, 'Prometheus', 'prometheus');
    expect(prometheus.spec.image).toBe('quay.io/prometheus/prometheus:v3.1.0');
    expect(prometheus.spec.retention).toBe('15d');
    expect(prometheus.spec.ruleSelector).toEqual({ matchLabels: { 'app.kubernetes.io/part-of': 'uag-platform' } });
    expect(prometheus.spec.alerting).toEqual({ alertmanagers: [{ namespace: 'observability', name: 'alertmanager-operated', port: 'web' }] });
    expect(find(objects, 'Alertmanager', 'alertmanager').spec.alertmanagerConfigMatcherStrategy).toEqual({ type: 'None' });
  });

  it('adds a disruption budget only for what runs more than one replica', () => {
    const budgets = (props: { prometheusReplicas?: number; alertmanagerReplicas?: number }) =>
      synth((chart) => new PrometheusStack(chart, 'p', { namespace: 'observability', ...props }))
        .filter((o) => o.kind === 'PodDisruptionBudget')
        .map((o) => [o.metadata.name, o.spec]);
    expect(budgets({})).toEqual([]);
    expect(budgets({ prometheusReplicas: 2, alertmanagerReplicas: 3 })).toEqual([
      ['prometheus', { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ['alertmanager', { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'alertmanager' } } }],
    ]);
  });

  it.each(ENVIRONMENT_NAMES)('keeps %s’s TSDB where the environment says, below 80 %% of it, on a volume of the encrypted class in staging and prod (regression: 15 days on an emptyDir)', (environment) => {
    const prometheus = find(synthesizeObservability(environment), 'Prometheus', 'prometheus');
    expect({ storage: prometheus.spec.storage, retentionSize: prometheus.spec.retentionSize }).toEqual(
      {
        dev: { storage: { emptyDir: { sizeLimit: '5Gi' } }, retentionSize: '4096MB' },
        staging: { storage: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'gp3-encrypted' } } }, retentionSize: '16384MB' },
        prod: { storage: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'gp3-encrypted' } } }, retentionSize: '40960MB' },
      }[environment],
    );
  });

  it('leaves the claim’s class to the cluster where the platform names none (the local stack)', () => {
    const objects = synth((chart) => new PrometheusStack(chart, 'p', { namespace: 'observability', storage: { type: 'persistent', volumeSize: '10Gi' } }));
    expect(find(objects, 'Prometheus').spec.storage.volumeClaimTemplate.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
  });

  it('keeps the replicas of Prometheus and of Alertmanager on separate nodes, zones preferred (regression: two replicas could share a node)', () => {
    const objects = synth((chart) => new PrometheusStack(chart, 'p', { namespace: 'observability', prometheusReplicas: 2, alertmanagerReplicas: 3 }));
    const spread = (name: string) => [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } },
    ];
    expect(find(objects, 'Prometheus').spec.topologySpreadConstraints).toEqual(spread('prometheus'));
    expect(find(objects, 'Alertmanager').spec.topologySpreadConstraints).toEqual(spread('alertmanager'));
  });

  it('serves queries through a Service and DestinationRule that keep each caller on one replica, and every reader uses it (regression: readers alternated between replicas)', () => {
    const objects = synthesizeObservability('prod');
    const service = find(objects, 'Service', 'prometheus');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'ClientIP', selector: { 'app.kubernetes.io/name': 'prometheus' }, ports: [{ name: 'web', port: 9090, targetPort: 9090, appProtocol: 'http' }] });
    expect(find(objects, 'DestinationRule', 'prometheus').spec).toEqual({ host: 'prometheus.observability.svc.cluster.local', trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true } } } });
    const address = 'http://prometheus.observability.svc.cluster.local:9090';
    const datasources = parse(find(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources;
    const readers = {
      grafana: datasources.find((d: { type: string }) => d.type === 'prometheus').url,
      adapter: find(objects, 'Deployment', 'prometheus-adapter').spec.template.spec.containers[0].args.find((arg: string) => arg.startsWith('--prometheus-url=')),
      analysis: [...new Set(find(objects, 'AnalysisTemplate').spec.metrics.map((metric: { provider: { prometheus: { address: string } } }) => metric.provider.prometheus.address))],
    };
    expect(readers).toEqual({ grafana: address, adapter: `--prometheus-url=${address}/`, analysis: [address] });
  });
});

/** Every object of an environment's platform, as synthesized for EKS (the encrypted class named). */
function synthesizeObservability(environment: EnvironmentName) {
  return synthesizePlatform({ environment: ENVIRONMENTS[environment], image: TEST_IMAGE }).charts.flatMap((chart) => chart.toJson()) as SynthObject[];
}
