import { join } from 'node:path';
import { CLOUD_ENVIRONMENTS, CLOUD_ENVIRONMENT_NAMES } from '../../../infra/pulumi/cloud-environments';
import { ISTIO_CNI_NAMESPACE, OPERATOR_NAMESPACES, operatorReleases } from '../../../infra/pulumi/operators';
import { AWS_ADDON_RELEASES, environmentReleases } from './ingress-exposures';
import { repositoryPolicyOptions } from '../../../policies/k8s';
import { resolvePolicyOptions } from '../../../policies/k8s/policy-options';
import { HELM_CHARTS } from '../../../infra/pulumi/versions';


describe('operatorReleases', () => {
  const releases = environmentReleases('prod', { storageClassName: 'gp3-encrypted', addonReleases: AWS_ADDON_RELEASES });
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

  it('has the mesh write its access lines as JSON with the request’s traceparent, so the log pipeline decodes them and they link to traces (regression: Envoy’s text lines were neither)', () => {
    const values = byKey.get('istiod')?.values as { meshConfig: { extensionProviders: { name: string }[] } };
    const accessLog = values.meshConfig.extensionProviders.find((provider) => provider.name === 'envoy');
    expect(accessLog).toEqual({ name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: expect.objectContaining({ traceparent: '%REQ(TRACEPARENT)%', response_code: '%RESPONSE_CODE%' }) }, omitEmptyValues: true } });
  });

  it('installs the operator and the cluster exporters from kube-prometheus-stack, not its Prometheus, Alertmanager or Grafana, its CRDs coming from their own chart', () => {
    const values = byKey.get('prometheusOperator')?.values as Record<string, { enabled?: boolean }>;
    expect(values.crds?.enabled).toBe(false);
    expect(values.prometheusOperator?.enabled).toBe(true);
    for (const component of ['prometheus', 'alertmanager', 'grafana', 'kubeApiServer']) expect(values[component]?.enabled).toBe(false);
    for (const component of ['kubeStateMetrics', 'nodeExporter', 'kubelet']) expect(values[component]?.enabled).toBe(true);
    expect(byKey.get('prometheusOperatorCrds')?.chart).toBe(HELM_CHARTS.prometheusOperatorCrds);
  });

  it('labels every ServiceMonitor the charts create for the platform’s Prometheus, and puts node-exporter where host access is allowed (regression: nothing watched the cluster, the operator or Argo Rollouts)', () => {
    const stack = byKey.get('prometheusOperator')?.values as Record<string, any>;
    const argo = byKey.get('argoRollouts')?.values as { controller: Record<string, any> };
    const monitorLabels = {
      kubeStateMetrics: stack['kube-state-metrics']?.prometheus?.monitor?.additionalLabels,
      nodeExporter: stack['prometheus-node-exporter']?.prometheus?.monitor?.additionalLabels,
      kubelet: stack.kubelet?.serviceMonitor?.additionalLabels,
      prometheusOperator: stack.prometheusOperator?.serviceMonitor?.additionalLabels,
      argoRollouts: argo.controller.metrics?.enabled && argo.controller.metrics?.serviceMonitor?.enabled ? argo.controller.metrics.serviceMonitor.additionalLabels : undefined,
    };
    const selector = { 'monitoring.uag.example.com/prometheus': 'platform' };
    expect(monitorLabels).toEqual({ kubeStateMetrics: selector, nodeExporter: selector, kubelet: selector, prometheusOperator: selector, argoRollouts: selector });
    expect(stack['prometheus-node-exporter']?.namespaceOverride).toBe('kube-system');
    expect(resolvePolicyOptions(repositoryPolicyOptions(join(__dirname, '..', '..', '..'))).unenforcedNamespaces).toContain('kube-system');
  });

  it('installs the VerticalPodAutoscaler recommender alone, one replica without a budget, before the platform’s objects that need its CRDs (regression: nothing recommended resources)', () => {
    const vpa = byKey.get('vpaRecommender');
    expect(vpa).toMatchObject({ namespace: 'vpa', chart: { chart: 'vertical-pod-autoscaler', version: '0.11.0' }, after: [], platformPrerequisite: true });
    expect(vpa?.values).toMatchObject({ admissionController: { enabled: false }, updater: { enabled: false }, recommender: { replicas: 1, podDisruptionBudget: { enabled: false } } });
  });

  it('pins every chart to an exact version', () => {
    for (const release of releases) expect(release.chart.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  it('names the ingress gateway release so its pods carry istio=ingressgateway, behind an NLB on AWS', () => {
    const ingress = byKey.get('ingressGateway');
    expect(ingress?.releaseName).toBe('istio-ingressgateway');
    expect((ingress?.values as { service: unknown }).service).toMatchObject({ type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb' });
  });

  it('hands the ingress NLB to the AWS Load Balancer Controller with IP targets, installed before it (regression: the in-tree provider made an instance-target NLB nothing removed before the VPC)', () => {
    const ingress = byKey.get('ingressGateway');
    expect(ingress?.after).toEqual(['istiod', 'awsLoadBalancerController', 'externalDns']);
    const annotations = (ingress?.values as { service: { annotations: Record<string, string> } }).service.annotations;
    expect(annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
      'service.beta.kubernetes.io/aws-load-balancer-attributes': 'load_balancing.cross_zone.enabled=true',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '15021',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/healthz/ready',
    });
    // The in-tree provider's annotation would make it the in-tree provider's Service again.
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBeUndefined();
    const controller = byKey.get('awsLoadBalancerController');
    expect(controller).toMatchObject({ namespace: 'kube-system', namespaceExists: true, chart: { chart: 'aws-load-balancer-controller', version: '3.5.0' }, platformPrerequisite: true });
    expect(controller?.values).toMatchObject({ clusterName: 'uag-prod', region: 'eu-west-1', vpcId: 'vpc-0123', serviceAccount: { create: true, name: 'aws-load-balancer-controller' } });
  });

  it('points uag:domain at the NLB through ExternalDNS, limited to the stack\'s zone and records, removing the record with the Service', () => {
    const externalDns = byKey.get('externalDns');
    expect(externalDns).toMatchObject({ namespace: 'external-dns', chart: { chart: 'external-dns', version: '1.21.1' } });
    expect(externalDns?.values).toMatchObject({ sources: ['service'], domainFilters: ['api.example.org'], policy: 'sync', txtOwnerId: 'uag-prod', extraArgs: ['--zone-id-filter=Z0123456789ABCDEFGHIJ'] });
    const annotations = (byKey.get('ingressGateway')?.values as { service: { annotations: Record<string, string> } }).service.annotations;
    expect(annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('api.example.org');
  });

  it('installs cert-manager with its CRDs and, at the environment’s control-plane replicas (two in prod), controller and webhook replicas with budgets', () => {
    const certManager = byKey.get('certManager');
    expect(certManager).toMatchObject({ namespace: 'cert-manager', chart: { chart: 'cert-manager', version: 'v1.21.1' } });
    expect(certManager?.values).toMatchObject({ crds: { enabled: true }, replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 }, webhook: { replicaCount: 2 } });
  });

  it('has cert-manager’s chart create a ServiceMonitor the platform’s Prometheus selects, keeping the certificates’ own namespace label (regression: its certificate metrics were never scraped)', () => {
    expect((byKey.get('certManager')?.values as { prometheus?: unknown }).prometheus).toEqual({
      servicemonitor: { enabled: true, labels: { 'monitoring.uag.example.com/prometheus': 'platform' }, honorLabels: true },
    });
    // A ServiceMonitor is a kind the monitoring CRDs' release brings.
    expect(byKey.get('certManager')?.after).toEqual(['prometheusOperatorCrds']);
  });

  it('gives a local cluster fixed node ports instead of a LoadBalancer no one provisions, and installs no load balancer controller (regression: the release waited 900 s for an address on kind, then rolled back)', () => {
    const local = environmentReleases('dev', { ingressExposure: { kind: 'node-port' } });
    for (const key of ['awsLoadBalancerController', 'externalDns', 'certManager']) expect(local.map((release) => release.key)).not.toContain(key);
    const ingress = local.find((release) => release.key === 'ingressGateway');
    expect(ingress?.after).toEqual(['istiod']);
    const service = (ingress?.values as { service: { type: string; ports: { name: string; port: number; nodePort?: number }[] } }).service;
    expect(service.type).toBe('NodePort');
    expect(service.ports.map(({ name, port, nodePort }) => ({ name, port, nodePort }))).toEqual([
      { name: 'status-port', port: 15021, nodePort: undefined },
      { name: 'http2', port: 80, nodePort: 30080 },
      { name: 'https', port: 443, nodePort: 30443 },
    ]);
  });

  it('gives the Argo Rollouts controller a sidecar so its analysis can reach Prometheus over mesh mTLS', () => {
    const argo = byKey.get('argoRollouts');
    expect(argo?.namespaceLabels).toEqual({ 'istio-injection': 'enabled' });
    // After the monitoring CRDs too: the chart creates a ServiceMonitor (regression: the release could install before its kind existed).
    expect(argo?.after).toEqual(['istiod', 'prometheusOperatorCrds']);
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

/**
 * Whether each chart renders a PodDisruptionBudget for the values given, by the conditions in its
 * template: istio-discovery and gateway templates/poddisruptionbudget.yaml at 1.29.2 (the budget
 * only exists above one autoscaled replica; istiod's is on by default through
 * global.defaultPodDisruptionBudget.enabled), argo-rollouts 2.40.9
 * templates/controller/poddisruptionbudget.yaml (controller.pdb.enabled).
 */
function chartDisruptionBudgets(byKey: Map<string, { values: Record<string, any> }>): Record<string, boolean> {
  const istiod = byKey.get('istiod')!.values;
  const gateway = byKey.get('ingressGateway')!.values;
  const argo = byKey.get('argoRollouts')!.values;
  return {
    istiod: (istiod.global?.defaultPodDisruptionBudget?.enabled ?? true) && (istiod.autoscaleMin ?? 1) > 1,
    ingressGateway: Object.keys(gateway.podDisruptionBudget ?? {}).length > 0 && (gateway.autoscaling?.minReplicas ?? 1) > 1,
    argoRollouts: argo.controller?.pdb?.enabled === true,
  };
}

describe.each(CLOUD_ENVIRONMENT_NAMES)('control-plane availability in %s', (environment) => {
  const { controlPlane } = CLOUD_ENVIRONMENTS[environment];
  const byKey = new Map(environmentReleases(environment, { controlPlane }).map((release) => [release.key as string, release as { values: Record<string, any> }]));
  const values = (key: string) => byKey.get(key)!.values;
  const spread = (labelSelector?: Record<string, string>) => [
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', ...(labelSelector === undefined ? {} : { labelSelector: { matchLabels: labelSelector } }) },
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', ...(labelSelector === undefined ? {} : { labelSelector: { matchLabels: labelSelector } }) },
  ];

  it('runs istiod, the ingress gateway and the Argo Rollouts controller at the environment’s replicas, through keys the charts read, spread across nodes (regression: no PDB or spread, and an ignored replicaCount)', () => {
    expect({
      istiod: { autoscaleMin: values('istiod').autoscaleMin, replicaCount: values('istiod').replicaCount, spread: values('istiod').topologySpreadConstraints },
      ingressGateway: { minReplicas: values('ingressGateway').autoscaling.minReplicas, spread: values('ingressGateway').topologySpreadConstraints },
      argoRollouts: { replicas: values('argoRollouts').controller.replicas, spread: values('argoRollouts').controller.topologySpreadConstraints },
    }).toEqual({
      // `replicaCount` is only read with the autoscaler off (templates/deployment.yaml): set, it would be ignored.
      istiod: { autoscaleMin: controlPlane.istiodReplicas, replicaCount: undefined, spread: spread({ app: 'istiod' }) },
      ingressGateway: { minReplicas: controlPlane.ingressGatewayReplicas, spread: spread({ istio: 'ingressgateway' }) },
      // The chart fills in the controller's own pod selector.
      argoRollouts: { replicas: controlPlane.argoRolloutsReplicas, spread: spread() },
    });
  });

  it('gets a disruption budget from each chart exactly where more than one replica runs', () => {
    expect(chartDisruptionBudgets(byKey)).toEqual({
      istiod: controlPlane.istiodReplicas > 1,
      ingressGateway: controlPlane.ingressGatewayReplicas > 1,
      argoRollouts: controlPlane.argoRolloutsReplicas > 1,
    });
  });
});

it('runs the control plane replicated in staging and prod, and singly on dev’s spot nodes', () => {
  expect(Object.fromEntries(CLOUD_ENVIRONMENT_NAMES.map((environment) => [environment, CLOUD_ENVIRONMENTS[environment].controlPlane]))).toEqual({
    dev: { istiodReplicas: 1, ingressGatewayReplicas: 1, argoRolloutsReplicas: 1, certManagerReplicas: 1, externalSecretsReplicas: 1 },
    staging: { istiodReplicas: 2, ingressGatewayReplicas: 2, argoRolloutsReplicas: 2, certManagerReplicas: 2, externalSecretsReplicas: 2 },
    prod: { istiodReplicas: 2, ingressGatewayReplicas: 3, argoRolloutsReplicas: 2, certManagerReplicas: 2, externalSecretsReplicas: 2 },
  });
});
