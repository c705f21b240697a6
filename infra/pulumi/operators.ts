import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PLATFORM_NAMES } from './platform-contract';
import { serviceHost } from '../k8s/platform-names';
import { HELM_CHARTS, type HelmChartVersion } from './versions';

export type OperatorKey = 'istioBase' | 'istiod' | 'ingressGateway' | 'prometheusOperatorCrds' | 'prometheusOperator' | 'argoRollouts';

export interface OperatorRelease {
  readonly key: OperatorKey;
  readonly releaseName: string;
  readonly namespace: string;
  readonly chart: HelmChartVersion;
  readonly values: Record<string, unknown>;
  /** Releases installed first: CRDs before the controllers and webhooks that serve them. */
  readonly after: readonly OperatorKey[];
  /** Whether the platform's objects must wait for it (it serves CRDs, webhooks or sidecar injection they use). */
  readonly platformPrerequisite: boolean;
  /** Labels for a namespace created before the release (Helm's own namespace carries none). @default none: Helm creates it */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

export interface OperatorsArgs {
  readonly provider: k8s.Provider;
  /** Run the controllers with two replicas (and the ingress gateway with three) to survive a node loss. */
  readonly highlyAvailable: boolean;
  /** Expose the ingress gateway through an AWS Network Load Balancer (EKS); otherwise a plain LoadBalancer Service. */
  readonly awsLoadBalancer: boolean;
}

/** Every Helm release, with its values and order. */
export function operatorReleases(args: Pick<OperatorsArgs, 'highlyAvailable' | 'awsLoadBalancer'>): OperatorRelease[] {
  const controllerReplicas = args.highlyAvailable ? 2 : 1;
  const { jaeger, meshProviders, namespaces } = PLATFORM_NAMES;
  return [
    { key: 'istioBase', releaseName: 'istio-base', namespace: namespaces.istio, chart: HELM_CHARTS.istioBase, values: {}, after: [], platformPrerequisite: true },
    {
      key: 'istiod',
      releaseName: 'istiod',
      namespace: namespaces.istio,
      chart: HELM_CHARTS.istiod,
      values: {
        pilot: { autoscaleMin: controllerReplicas, replicaCount: controllerReplicas },
        meshConfig: {
          enableTracing: true,
          extensionProviders: [
            { name: meshProviders.tracing, opentelemetry: { service: serviceHost(jaeger.service, namespaces.observability), port: jaeger.otlpGrpcPort } },
            { name: meshProviders.metrics, prometheus: {} },
            { name: meshProviders.accessLog, envoyFileAccessLog: { path: '/dev/stdout' } },
          ],
        },
      },
      after: ['istioBase'],
      platformPrerequisite: true,
    },
    {
      key: 'ingressGateway',
      releaseName: PLATFORM_NAMES.ingressGateway,
      namespace: namespaces.istio,
      chart: HELM_CHARTS.istioIngressGateway,
      values: {
        autoscaling: { minReplicas: args.highlyAvailable ? 3 : 1 },
        service: {
          type: 'LoadBalancer',
          annotations: args.awsLoadBalancer ? { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb', 'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true' } : {},
        },
      },
      after: ['istiod'],
      platformPrerequisite: false,
    },
    { key: 'prometheusOperatorCrds', releaseName: 'prometheus-operator-crds', namespace: 'prometheus-operator', chart: HELM_CHARTS.prometheusOperatorCrds, values: {}, after: [], platformPrerequisite: true },
    {
      key: 'prometheusOperator',
      releaseName: 'prometheus-operator',
      namespace: 'prometheus-operator',
      chart: HELM_CHARTS.prometheusOperator,
      // Only the operator: the platform brings its own Prometheus, Alertmanager, Grafana and rules.
      values: {
        crds: { enabled: false },
        defaultRules: { create: false },
        prometheus: { enabled: false },
        alertmanager: { enabled: false },
        grafana: { enabled: false },
        kubeStateMetrics: { enabled: false },
        nodeExporter: { enabled: false },
        kubeApiServer: { enabled: false },
        kubelet: { enabled: false },
        kubeControllerManager: { enabled: false },
        coreDns: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeProxy: { enabled: false },
        prometheusOperator: { enabled: true },
      },
      after: ['prometheusOperatorCrds'],
      platformPrerequisite: true,
    },
    {
      key: 'argoRollouts',
      releaseName: 'argo-rollouts',
      namespace: 'argo-rollouts',
      chart: HELM_CHARTS.argoRollouts,
      values: { installCRDs: true, controller: { replicas: controllerReplicas } },
      // The controller queries Prometheus for canary analysis, which accepts mesh mTLS only: it needs a sidecar.
      namespaceLabels: { 'istio-injection': 'enabled' },
      after: ['istiod'],
      platformPrerequisite: true,
    },
  ];
}

/**
 * The cluster add-ons the platform's manifests rely on, as pinned Helm releases (versions.ts):
 * Istio (CRDs, istiod with tracing to the platform's Jaeger, the ingress gateway),
 * prometheus-operator (CRDs, then the operator) and Argo Rollouts. prometheus-adapter, which
 * serves the requests-per-second HPA metric, is part of the synthesized platform itself.
 */
export class Operators extends pulumi.ComponentResource {
  readonly releases: Readonly<Record<OperatorKey, k8s.helm.v3.Release>>;
  /** What the platform's objects must be applied after. */
  readonly platformPrerequisites: k8s.helm.v3.Release[];

  constructor(name: string, args: OperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:Operators', name, {}, opts);
    const plans = operatorReleases(args);
    const releases = {} as Record<OperatorKey, k8s.helm.v3.Release>;
    for (const plan of plans) {
      const namespace =
        plan.namespaceLabels === undefined
          ? undefined
          : new k8s.core.v1.Namespace(`${name}-${plan.namespace}-namespace`, { metadata: { name: plan.namespace, labels: { ...plan.namespaceLabels } } }, { parent: this, provider: args.provider });
      releases[plan.key] = new k8s.helm.v3.Release(
        `${name}-${plan.releaseName}`,
        {
          name: plan.releaseName,
          chart: plan.chart.chart,
          version: plan.chart.version,
          repositoryOpts: { repo: plan.chart.repository },
          namespace: plan.namespace,
          createNamespace: namespace === undefined,
          values: plan.values,
          atomic: true,
          timeout: 900,
        },
        { parent: this, provider: args.provider, dependsOn: [...plan.after.map((key) => releases[key]), ...(namespace === undefined ? [] : [namespace])] },
      );
    }
    this.releases = releases;
    this.platformPrerequisites = plans.filter((plan) => plan.platformPrerequisite).map((plan) => releases[plan.key]);
    this.registerOutputs({});
  }
}
