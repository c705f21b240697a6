import { PrometheusStack } from '../../../../infra/k8s/observability/prometheus-stack';
import { find, synth } from '../../fixtures';

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
});
