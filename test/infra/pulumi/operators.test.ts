import { operatorReleases } from '../../../infra/pulumi/operators';
import { HELM_CHARTS } from '../../../infra/pulumi/versions';

describe('operatorReleases', () => {
  const releases = operatorReleases({ highlyAvailable: true, awsLoadBalancer: true });
  const byKey = new Map(releases.map((release) => [release.key, release]));

  it('installs every release only after the releases it names, which come earlier in the list', () => {
    releases.forEach((release, index) => {
      for (const key of release.after) expect(releases.findIndex((other) => other.key === key)).toBeLessThan(index);
    });
    expect(byKey.get('istiod')?.after).toEqual(['istioBase']);
    expect(byKey.get('prometheusOperator')?.after).toEqual(['prometheusOperatorCrds']);
  });

  it('points the mesh tracing provider at the platform Jaeger OTLP gRPC endpoint', () => {
    const values = byKey.get('istiod')?.values as { meshConfig: { extensionProviders: { name: string }[] } };
    expect(values.meshConfig.extensionProviders).toContainEqual({ name: 'jaeger', opentelemetry: { service: 'jaeger.observability.svc.cluster.local', port: 4317 } });
  });

  it('installs only the operator from kube-prometheus-stack, its CRDs coming from their own chart', () => {
    const values = byKey.get('prometheusOperator')?.values as Record<string, { enabled?: boolean }>;
    expect(values.crds?.enabled).toBe(false);
    expect(values.prometheusOperator?.enabled).toBe(true);
    for (const component of ['prometheus', 'alertmanager', 'grafana', 'kubeStateMetrics', 'nodeExporter']) expect(values[component]?.enabled).toBe(false);
    expect(byKey.get('prometheusOperatorCrds')?.chart).toBe(HELM_CHARTS.prometheusOperatorCrds);
  });

  it('pins every chart to an exact version', () => {
    for (const release of releases) expect(release.chart.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('names the ingress gateway release so its pods carry istio=ingressgateway, behind an NLB on AWS', () => {
    const ingress = byKey.get('ingressGateway');
    expect(ingress?.releaseName).toBe('istio-ingressgateway');
    expect((ingress?.values as { service: { annotations: Record<string, string> } }).service.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
  });

  it('gives the Argo Rollouts controller a sidecar so its analysis can reach Prometheus over mesh mTLS', () => {
    const argo = byKey.get('argoRollouts');
    expect(argo?.namespaceLabels).toEqual({ 'istio-injection': 'enabled' });
    expect(argo?.after).toEqual(['istiod']);
  });
});
