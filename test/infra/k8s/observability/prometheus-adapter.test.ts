import { ENVIRONMENTS, ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { PrometheusAdapter } from '../../../../infra/k8s/observability/prometheus-adapter';
import { find, synth } from '../../fixtures';

describe('PrometheusAdapter', () => {
  const objects = synth((chart) => new PrometheusAdapter(chart, 'a', { namespace: 'observability', rulesConfigMapName: 'prometheus-adapter-rules' }));

  it('registers custom.metrics.k8s.io with the aggregator, served by the adapter Service', () => {
    const apiService = find(objects, 'APIService', 'v1beta1.custom.metrics.k8s.io');
    expect(apiService.spec.service).toEqual({ name: 'prometheus-adapter', namespace: 'observability', port: 6443 });
    expect(find(objects, 'Service', 'prometheus-adapter').spec.ports).toEqual([{ name: 'https', port: 6443, targetPort: 6443, protocol: 'TCP' }]);
  });

  it('queries the in-cluster Prometheus with the mounted rules, and can reach the API', () => {
    const deployment = find(objects, 'Deployment', 'prometheus-adapter');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.args).toContain('--prometheus-url=http://prometheus.observability.svc.cluster.local:9090/');
    expect(container.args).toContain('--config=/etc/adapter/config.yaml');
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'prometheus-adapter-rules' } });
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 6443, scheme: 'HTTPS' });
  });

  it('lets the HPA controller read custom metrics', () => {
    const binding = find(objects, 'ClusterRoleBinding', 'uag-hpa-custom-metrics');
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' }]);
    expect(find(objects, 'ClusterRole', binding.roleRef.name).rules).toEqual([{ apiGroups: ['custom.metrics.k8s.io'], resources: ['*'], resourceNames: [], verbs: ['get', 'list', 'watch'] }]);
  });

  it.each(ENVIRONMENT_NAMES)('runs as many adapter pods as %s declares, replicated ones spread across nodes with a disruption budget and an autoscaler (regression: one pod, so a node drain stopped the HPA’s request-rate metric)', (environment) => {
    const rendered = synth((chart) => new PrometheusAdapter(chart, 'a', { namespace: 'observability', rulesConfigMapName: 'rules', replicas: ENVIRONMENTS[environment].observability.prometheusAdapterReplicas }));
    const deployment = find(rendered, 'Deployment', 'prometheus-adapter');
    const selector = { matchLabels: deployment.spec.selector.matchLabels };
    const availability = {
      replicas: deployment.spec.replicas,
      spread: deployment.spec.template.spec.topologySpreadConstraints,
      budget: rendered.find((o) => o.kind === 'PodDisruptionBudget')?.spec,
      autoscaler: rendered.find((o) => o.kind === 'HorizontalPodAutoscaler')?.spec,
    };
    if (environment === 'dev') {
      expect(availability).toEqual({ replicas: 1, spread: undefined, budget: undefined, autoscaler: undefined });
      return;
    }
    expect(availability).toEqual({
      // The autoscaler owns the count.
      replicas: undefined,
      spread: [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector },
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      ],
      budget: { maxUnavailable: 1, selector },
      // cdk8s-plus also states Kubernetes' default scaling behaviour.
      autoscaler: expect.objectContaining({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'prometheus-adapter' },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'prometheus-adapter', target: { type: 'Utilization', averageUtilization: 80 } } }],
      }),
    });
  });
});
