import { join } from 'node:path';
import { ENVIRONMENT_DEFAULTS } from '../../../infra/environments';
import { ISTIO_CNI_NAMESPACE, OPERATOR_NAMESPACES, operatorReleases } from '../../../infra/pulumi/operators';
import { repositoryPolicyOptions } from '../../../policies/k8s';
import { HELM_CHARTS } from '../../../infra/pulumi/versions';

describe('operatorReleases', () => {
  const releases = operatorReleases({ highlyAvailable: true, awsLoadBalancer: true, clientAddress: ENVIRONMENT_DEFAULTS.clientAddress });
  const byKey = new Map(releases.map((release) => [release.key, release]));

  it('installs every release only after the releases it names, which come earlier in the list', () => {
    releases.forEach((release, index) => {
      for (const key of release.after) expect(releases.findIndex((other) => other.key === key)).toBeLessThan(index);
    });
    expect(byKey.get('istiod')?.after).toEqual(['istioBase', 'istioCni']);
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

  it('installs the Istio CNI node agent at the pinned Istio version into kube-system, and istiod injects for it (regression: istio-init ran as root with NET_ADMIN)', () => {
    const cni = byKey.get('istioCni');
    expect(cni).toMatchObject({ namespace: 'kube-system', namespaceExists: true, chart: { chart: 'cni', version: '1.29.2' }, platformPrerequisite: true });
    expect(cni?.values).toEqual({ global: { hub: 'docker.io/istio', tag: '1.29.2' }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(byKey.get('istiod')?.values).toMatchObject({ cni: { enabled: true }, global: { hub: 'docker.io/istio', tag: '1.29.2', proxy: { seccompProfile: { type: 'RuntimeDefault' } } } });
  });

  it('sets the values the admission policies need wherever the chart has one (regression: the operators were denied on their next pod)', () => {
    const memoryLimit = (resources: unknown) => (resources as { limits?: { memory?: string } }).limits?.memory;
    const istiod = byKey.get('istiod')?.values as { resources: unknown; seccompProfile: unknown };
    expect([memoryLimit(istiod.resources), istiod.seccompProfile]).toEqual(['4096Mi', { type: 'RuntimeDefault' }]);
    const gateway = byKey.get('ingressGateway')?.values as { containerSecurityContext: Record<string, unknown> };
    expect(gateway.containerSecurityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    const operator = (byKey.get('prometheusOperator')?.values as { prometheusOperator: Record<string, any> }).prometheusOperator;
    expect(memoryLimit(operator.resources)).toBe('256Mi');
    expect(operator.prometheusConfigReloader.enableProbe).toBe(true);
    expect(memoryLimit(operator.prometheusConfigReloader.resources)).toBe('64Mi');
    expect(memoryLimit(operator.admissionWebhooks.patch.resources)).toBe('64Mi');
    expect(memoryLimit((byKey.get('argoRollouts')?.values as { controller: { resources: unknown } }).controller.resources)).toBe('512Mi');
  });

  it('runs every release in kube-system or in a namespace the admission policies audit (policies/exceptions.yaml)', () => {
    const audited = repositoryPolicyOptions(join(__dirname, '..', '..', '..')).auditedNamespaces ?? [];
    expect([...new Set(releases.filter((release) => release.namespace !== ISTIO_CNI_NAMESPACE).map((release) => release.namespace))].sort()).toEqual([...OPERATOR_NAMESPACES].sort());
    expect([...audited].sort()).toEqual([...OPERATOR_NAMESPACES].sort());
  });
});
