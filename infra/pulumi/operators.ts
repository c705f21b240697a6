import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClientAddressSpec } from '../environments/types';
import { INGRESS_EXTERNAL_TRAFFIC_POLICY, ingressGatewayProxyConfig } from '../k8s/client-address';
import { PLATFORM_NAMES } from './platform-contract';
import { MESH_ACCESS_LOG_FORMAT } from '../k8s/mesh/mesh-telemetry';
import { ARGO_ROLLOUTS, INGRESS_GATEWAY_POD_LABELS, MONITOR_SELECTOR, serviceHost } from '../k8s/platform-names';
import { PROMETHEUS_OPERATOR_NAMESPACE } from '../k8s/observability/cluster-scrape-targets';
import { CONTROL_PATH_SPREAD, topologySpreadConstraints } from '../k8s/topology-spread';
import type { ControlPlaneSpec } from './cloud-environments';
import { LOAD_BALANCER_CONTROLLER, ingressLoadBalancerAnnotations, loadBalancerControllerValues, type LoadBalancerControllerValuesArgs } from './load-balancer-controller';
import { ingressServicePorts, type IngressTcpPort } from './ingress-service-ports';
import { localIngressServicePorts } from './local-ingress';
import { LOG_PIPELINE, logPipelineReleases, type LogsSpec } from './log-pipeline';
import { RESOURCE_RECOMMENDER, resourceRecommenderRelease } from './resource-recommender';
import { CERT_MANAGER, EXTERNAL_DNS, certManagerValues, externalDnsServiceAnnotations, externalDnsValues, type PublicDns } from './public-dns';
import { HELM_CHARTS, ISTIO_IMAGE_HUB, ISTIO_VERSION, type HelmChartVersion } from './versions';
import { EXTERNAL_SECRETS } from './external-secrets';
import { KARPENTER } from './karpenter';

export type OperatorKey =
  | 'istioBase'
  | 'istioCni'
  | 'istiod'
  | 'awsLoadBalancerController'
  | 'externalDns'
  | 'certManager'
  | 'ingressGateway'
  | 'prometheusOperatorCrds'
  | 'prometheusOperator'
  | 'argoRollouts'
  | 'karpenterCrd'
  | 'karpenter'
  | 'externalSecrets'
  | 'loki'
  | 'fluentBit'
  | 'vpaRecommender';

/** Where the Istio CNI node agent runs: its DaemonSet needs root, host paths and NET_ADMIN, which only kube-system admits. */
export const ISTIO_CNI_NAMESPACE = 'kube-system';

/** Where node-exporter runs, for the same reason: the host's network, PID namespace and root filesystem. */
export const NODE_EXPORTER_NAMESPACE = 'kube-system';

/**
 * The namespaces the Helm releases run in, besides kube-system. The admission policies audit
 * (Warn + Audit) rather than deny in these (policies/exceptions.yaml, `auditedNamespaces`): the
 * charts are upstream code whose pods cannot be checked in CI.
 */
export const OPERATOR_NAMESPACES = [
  PLATFORM_NAMES.namespaces.istio,
  PROMETHEUS_OPERATOR_NAMESPACE,
  ARGO_ROLLOUTS.namespace,
  CERT_MANAGER.namespace,
  EXTERNAL_DNS.namespace,
  KARPENTER.namespace,
  EXTERNAL_SECRETS.namespace,
  LOG_PIPELINE.namespace,
  RESOURCE_RECOMMENDER.namespace,
] as const;

const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' } as const;

/** Labels istiod's pods carry whatever the revision (istio-discovery templates/deployment.yaml). */
const ISTIOD_POD_LABELS = { app: 'istiod' } as const;

/** Images of the Istio charts, explicit so the proxy image injected into every meshed pod is pinned by this file. */
const ISTIO_IMAGES = { hub: ISTIO_IMAGE_HUB, tag: ISTIO_VERSION } as const;

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
  /** The namespace exists in every cluster (kube-system): neither Helm nor the program creates it. @default false */
  readonly namespaceExists?: boolean;
  /** Cloud resources the release needs first and must outlive on destroy (its IAM grants). @default none */
  readonly dependsOn?: readonly pulumi.Resource[];
  /** Leave the chart's crds/ alone: a release of their own installs and upgrades them. @default false */
  readonly skipCrds?: boolean;
}

/**
 * How the ingress gateway is reached from outside the cluster.
 * - `aws-nlb`: an NLB with IP targets, provisioned by the AWS Load Balancer Controller the program
 *   installs first (load-balancer-controller.ts).
 * - `node-port`: fixed node ports a local cluster maps to the host (local-ingress.ts); nothing waits
 *   for a load balancer address that a kind cluster never hands out.
 */
export type IngressExposure =
  | {
      readonly kind: 'aws-nlb';
      readonly controller: LoadBalancerControllerValuesArgs;
      readonly controllerGrants: readonly pulumi.Resource[];
      /** The public name ExternalDNS and cert-manager keep for the NLB. */
      readonly publicDns: PublicDns;
    }
  | { readonly kind: 'node-port' };

export interface OperatorsArgs {
  readonly provider: k8s.Provider;
  /** Replicas of istiod, the ingress gateway, the Argo Rollouts controller and cert-manager (cloud-environments.ts). */
  readonly controlPlane: ControlPlaneSpec;
  readonly ingressExposure: IngressExposure;
  /** The environment's `clientAddress`: what the ingress gateway's Service and Envoy need to pass the client's address on. */
  readonly clientAddress: ClientAddressSpec;
  /** The rendered ingress Gateway's TCP listener ports, which the ingress gateway's Service exposes beside HTTP and HTTPS (ingress-service-ports.ts). */
  readonly tcpListenerPorts: readonly IngressTcpPort[];
  /** The environment's log retention and volume (cloud-environments.ts). */
  readonly logs: LogsSpec;
  /** StorageClass of the add-ons' volumes (Loki's); `null`: the cluster's default class. */
  readonly storageClassName: string | null;
  /** Cluster objects the add-ons' volumes need first (the StorageClass on EKS). @default none */
  readonly storagePrerequisites?: readonly pulumi.Resource[];
  /** Releases of the cluster's add-ons installed after the built-in ones (Karpenter, External Secrets on AWS); each `after` names earlier keys. @default none */
  readonly addonReleases?: readonly OperatorRelease[];
}

/** The ingress gateway chart's `service` values (manifests/charts/gateway/templates/service.yaml at 1.29.2). */
function ingressServiceValues(exposure: IngressExposure, tcpListenerPorts: readonly IngressTcpPort[]): Record<string, unknown> {
  // templates/service.yaml writes it when set: no hop through another node, which would replace the
  // client's address with that node's (client-address.ts).
  const externalTrafficPolicy = INGRESS_EXTERNAL_TRAFFIC_POLICY;
  if (exposure.kind === 'node-port') return { type: 'NodePort', ports: localIngressServicePorts(tcpListenerPorts), externalTrafficPolicy };
  // `loadBalancerClass` is written only for type LoadBalancer; it hands the Service to the controller.
  return {
    type: 'LoadBalancer',
    ports: ingressServicePorts(tcpListenerPorts),
    externalTrafficPolicy,
    loadBalancerClass: LOAD_BALANCER_CONTROLLER.loadBalancerClass,
    annotations: { ...ingressLoadBalancerAnnotations(), ...externalDnsServiceAnnotations(exposure.publicDns.domain) },
  };
}

/**
 * The AWS stacks' edge controllers. The AWS Load Balancer Controller, in kube-system, and
 * ExternalDNS come before the ingress
 * gateway: the one owns the NLB through the gateway Service's finalizer, the other the DNS record
 * pointing at it. Destroying the ingress gateway release first (Helm uninstall waits for the
 * Service to be gone, pulumi-kubernetes helm_release.go Delete with `atomic`) lets the controller
 * delete the NLB, and ExternalDNS the record, before either is uninstalled, and before the VPC.
 */
function awsEdgeReleases(exposure: IngressExposure, certManagerReplicas: number): OperatorRelease[] {
  if (exposure.kind !== 'aws-nlb') return [];
  return [
    {
      key: 'awsLoadBalancerController',
      releaseName: LOAD_BALANCER_CONTROLLER.releaseName,
      namespace: LOAD_BALANCER_CONTROLLER.namespace,
      chart: HELM_CHARTS.awsLoadBalancerController,
      values: loadBalancerControllerValues(exposure.controller),
      namespaceExists: true,
      after: [],
      // Its webhook mutates Services and pods cluster-wide (failurePolicy Fail): the platform's
      // objects are applied once it answers.
      platformPrerequisite: true,
      dependsOn: exposure.controllerGrants,
    },
    {
      key: 'externalDns',
      releaseName: EXTERNAL_DNS.releaseName,
      namespace: EXTERNAL_DNS.namespace,
      chart: HELM_CHARTS.externalDns,
      values: externalDnsValues(exposure.publicDns),
      after: [],
      platformPrerequisite: false,
      dependsOn: exposure.publicDns.externalDnsGrants,
    },
    // Issues the ingress certificate (public-dns.ts). Its webhook checks cert-manager's own objects
    // only, so nothing waits for it but the issuer and the certificate. Its chart's ServiceMonitor
    // needs the monitoring CRDs.
    {
      key: 'certManager',
      releaseName: CERT_MANAGER.releaseName,
      namespace: CERT_MANAGER.namespace,
      chart: HELM_CHARTS.certManager,
      values: certManagerValues({ replicas: certManagerReplicas }),
      after: ['prometheusOperatorCrds'],
      platformPrerequisite: false,
      dependsOn: exposure.publicDns.certManagerGrants,
    },
  ];
}

/** Every Helm release, with its values and order. */
export function operatorReleases(args: Pick<OperatorsArgs, 'controlPlane' | 'ingressExposure' | 'clientAddress' | 'tcpListenerPorts' | 'logs' | 'storageClassName' | 'storagePrerequisites' | 'addonReleases'>): OperatorRelease[] {
  const { istiodReplicas, ingressGatewayReplicas, argoRolloutsReplicas, certManagerReplicas } = args.controlPlane;
  const { jaeger, meshProviders, namespaces } = PLATFORM_NAMES;
  return [
    // First: the charts of cert-manager and Argo Rollouts create ServiceMonitors, a kind this release brings.
    { key: 'prometheusOperatorCrds', releaseName: 'prometheus-operator-crds', namespace: PROMETHEUS_OPERATOR_NAMESPACE, chart: HELM_CHARTS.prometheusOperatorCrds, values: {}, after: [], platformPrerequisite: true },
    { key: 'istioBase', releaseName: 'istio-base', namespace: namespaces.istio, chart: HELM_CHARTS.istioBase, values: {}, after: [], platformPrerequisite: true },
    {
      key: 'istioCni',
      releaseName: 'istio-cni',
      namespace: ISTIO_CNI_NAMESPACE,
      chart: HELM_CHARTS.istioCni,
      // istio-cni values.yaml at 1.29.2: `global.hub`/`global.tag` name the install-cni image, `seccompProfile` its container's profile.
      values: { global: ISTIO_IMAGES, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
      namespaceExists: true,
      after: ['istioBase'],
      // Injected pods are only admitted under Pod Security `restricted` when the node agent, not an
      // init container running as root with NET_ADMIN, sets up their traffic redirection.
      platformPrerequisite: true,
    },
    {
      key: 'istiod',
      releaseName: 'istiod',
      namespace: namespaces.istio,
      chart: HELM_CHARTS.istiod,
      // istio-discovery values.yaml at 1.29.2 (top-level keys; the `pilot.` prefix is only a legacy alias, templates/zzy_descope_legacy.yaml).
      values: {
        // The HPA (autoscaleEnabled, on by default) owns the count, so templates/deployment.yaml
        // ignores `replicaCount`. With autoscaleMin above 1 the chart's own PodDisruptionBudget
        // exists (global.defaultPodDisruptionBudget.enabled, pdb.minAvailable 1, templates/poddisruptionbudget.yaml).
        autoscaleMin: istiodReplicas,
        topologySpreadConstraints: topologySpreadConstraints(CONTROL_PATH_SPREAD, ISTIOD_POD_LABELS),
        // Injection template: with cni.enabled the init container is `istio-validation` (uid 1337, no
        // capabilities, read-only root) instead of `istio-init` (root, NET_ADMIN, NET_RAW).
        cni: { enabled: true },
        // deployment.yaml sets only a readiness probe and no memory limit by default.
        resources: { requests: { cpu: '500m', memory: '2048Mi' }, limits: { memory: '4096Mi' } },
        seccompProfile: RUNTIME_DEFAULT_SECCOMP,
        global: {
          ...ISTIO_IMAGES,
          // Copied into every injected container's securityContext (injection-template.yaml).
          proxy: { seccompProfile: RUNTIME_DEFAULT_SECCOMP },
        },
        meshConfig: {
          enableTracing: true,
          // Sidecars refuse destinations outside the service registry (Kubernetes Services and
          // ServiceEntries) instead of passing them through; the platform's Sidecars
          // (infra/k8s/mesh/sidecar-scopes.ts) import what each workload talks to. mesh/v1alpha1/config.proto
          // at 1.29.2; templates/configmap.yaml merges `meshConfig` over the chart's mesh.
          outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
          extensionProviders: [
            { name: meshProviders.tracing, opentelemetry: { service: serviceHost(jaeger.service, namespaces.observability), port: jaeger.otlpGrpcPort } },
            { name: meshProviders.metrics, prometheus: {} },
            // JSON lines (MESH_ACCESS_LOG_FORMAT), without the operators that have no value for a request.
            { name: meshProviders.accessLog, envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: { ...MESH_ACCESS_LOG_FORMAT } }, omitEmptyValues: true } },
          ],
        },
      },
      after: ['istioBase', 'istioCni'],
      platformPrerequisite: true,
    },
    ...awsEdgeReleases(args.ingressExposure, certManagerReplicas),
    {
      key: 'ingressGateway',
      releaseName: PLATFORM_NAMES.ingressGateway,
      namespace: namespaces.istio,
      chart: HELM_CHARTS.istioIngressGateway,
      // gateway values.yaml (and values.schema.json) at 1.29.2.
      values: {
        autoscaling: { minReplicas: ingressGatewayReplicas },
        // templates/poddisruptionbudget.yaml renders it only with autoscaling.minReplicas above 1.
        ...(ingressGatewayReplicas > 1 ? { podDisruptionBudget: { maxUnavailable: 1 } } : {}),
        // Also what keeps the NLB's per-node share even with externalTrafficPolicy Local (client-address.ts).
        topologySpreadConstraints: topologySpreadConstraints(CONTROL_PATH_SPREAD, INGRESS_GATEWAY_POD_LABELS),
        // gateway values.yaml at 1.29.2: a non-empty containerSecurityContext replaces the chart's
        // default one (templates/deployment.yaml), so it repeats it and adds the seccomp profile.
        containerSecurityContext: {
          capabilities: { drop: ['ALL'] },
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsUser: 1337,
          runAsGroup: 1337,
          runAsNonRoot: true,
          seccompProfile: RUNTIME_DEFAULT_SECCOMP,
        },
        service: ingressServiceValues(args.ingressExposure, args.tcpListenerPorts),
        // Merged over the chart's own pod annotations (the `gateway` injection template, the scrape
        // annotations: templates/zzz_profile.yaml merges user values over the defaults), and read by
        // the injector and istio-agent as the pods' ProxyConfig (pkg/kube/inject/webhook.go).
        podAnnotations: { 'proxy.istio.io/config': JSON.stringify(ingressGatewayProxyConfig(args.clientAddress)) },
      },
      after: args.ingressExposure.kind === 'aws-nlb' ? ['istiod', 'awsLoadBalancerController', 'externalDns'] : ['istiod'],
      platformPrerequisite: false,
    },
    {
      key: 'prometheusOperator',
      releaseName: 'prometheus-operator',
      namespace: PROMETHEUS_OPERATOR_NAMESPACE,
      chart: HELM_CHARTS.prometheusOperator,
      // The operator and the cluster's exporters: the platform brings its own Prometheus,
      // Alertmanager, Grafana and rules (infra/k8s/observability/). kube-prometheus-stack 79.5.0
      // values.yaml and Chart.yaml (subcharts kube-state-metrics 6.4.1, prometheus-node-exporter 4.49.1).
      values: {
        crds: { enabled: false },
        defaultRules: { create: false },
        prometheus: { enabled: false },
        alertmanager: { enabled: false },
        grafana: { enabled: false },
        // Objects' states (pods waiting in CrashLoopBackOff, HPAs, PodDisruptionBudgets); its
        // ServiceMonitor (`prometheus.monitor`, enabled by kube-prometheus-stack) labelled for the platform's Prometheus.
        kubeStateMetrics: { enabled: true },
        'kube-state-metrics': {
          prometheus: { monitor: { additionalLabels: { ...MONITOR_SELECTOR } } },
          // kube-state-metrics values.yaml at 6.4.1: `resources: {}`; probes and a restricted security context by default.
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        },
        // Nodes' filesystems, CPU and memory, in NODE_EXPORTER_NAMESPACE, where the admission
        // policies do not apply (like the Istio CNI agent), rather than this release's audited namespace.
        nodeExporter: { enabled: true },
        'prometheus-node-exporter': {
          namespaceOverride: NODE_EXPORTER_NAMESPACE,
          prometheus: { monitor: { additionalLabels: { ...MONITOR_SELECTOR } } },
          // prometheus-node-exporter values.yaml at 4.49.1: `resources: {}`.
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        },
        kubeApiServer: { enabled: false },
        // The kubelets' /metrics (volume usage), /metrics/cadvisor (containers' CPU throttling) and
        // /metrics/probes, through the kube-system Service the operator keeps
        // (`prometheusOperator.kubeletService`, on by default), over HTTPS with the scraper's token.
        kubelet: { enabled: true, serviceMonitor: { additionalLabels: { ...MONITOR_SELECTOR } } },
        kubeControllerManager: { enabled: false },
        coreDns: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeProxy: { enabled: false },
        // kube-prometheus-stack values.yaml at 79.5.0 leaves every `resources` empty.
        prometheusOperator: {
          enabled: true,
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          // Becomes the operator's --config-reloader-* and --enable-config-reloader-probes flags
          // (templates/prometheus-operator/deployment.yaml): the config-reloader container of the
          // platform's Prometheus and Alertmanager pods gets /healthz probes and resources
          // (prometheus-operator v0.86.2 pkg/operator/config_reloader.go), which the admission
          // policies require of pods in `observability`.
          prometheusConfigReloader: { enableProbe: true, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } },
          // The operator's own ServiceMonitor (`selfMonitor`, on by default), labelled for the platform's Prometheus.
          serviceMonitor: { additionalLabels: { ...MONITOR_SELECTOR } },
          // The certificate Jobs of the admission webhook (admission-webhooks/job-patch/*.yaml).
          admissionWebhooks: { patch: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } } },
        },
      },
      after: ['prometheusOperatorCrds'],
      platformPrerequisite: true,
    },
    {
      key: 'argoRollouts',
      releaseName: 'argo-rollouts',
      namespace: ARGO_ROLLOUTS.namespace,
      chart: HELM_CHARTS.argoRollouts,
      // argo-rollouts values.yaml at 2.40.9: probes and a restricted security context by default, `controller.resources: {}`.
      values: {
        installCRDs: true,
        controller: {
          replicas: argoRolloutsReplicas,
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
          // templates/controller/deployment.yaml adds the Deployment's own pod selector to a constraint without one.
          topologySpreadConstraints: topologySpreadConstraints(CONTROL_PATH_SPREAD),
          // templates/controller/poddisruptionbudget.yaml; off by default.
          ...(argoRolloutsReplicas > 1 ? { pdb: { enabled: true, minAvailable: 1 } } : {}),
          // The `argo-rollouts-metrics` Service and its ServiceMonitor (templates/controller/metrics-service.yaml, servicemonitor.yaml), both off by default.
          metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { ...MONITOR_SELECTOR } } },
        },
      },
      // The controller queries Prometheus for canary analysis, which accepts mesh mTLS only: it needs a sidecar.
      namespaceLabels: { 'istio-injection': 'enabled' },
      // Its ServiceMonitor needs the monitoring CRDs, which their own release installs.
      after: ['istiod', 'prometheusOperatorCrds'],
      platformPrerequisite: true,
    },
    ...logPipelineReleases({ logs: args.logs, storageClassName: args.storageClassName, storagePrerequisites: args.storagePrerequisites }),
    resourceRecommenderRelease(),
    ...(args.addonReleases ?? []),
  ];
}

/** The chart reference and repository options of a Helm release: an OCI registry's chart is named by its URL, with no repository to search. */
function chartSource(chart: HelmChartVersion): Pick<k8s.helm.v3.ReleaseArgs, 'chart' | 'repositoryOpts'> {
  return chart.repository.startsWith('oci://') ? { chart: `${chart.repository}/${chart.chart}` } : { chart: chart.chart, repositoryOpts: { repo: chart.repository } };
}

/**
 * The cluster add-ons the platform's manifests rely on, as pinned Helm releases (versions.ts):
 * Istio (CRDs, the CNI node agent, istiod with tracing to the platform's Jaeger, the ingress gateway),
 * prometheus-operator (CRDs, then the operator) and Argo Rollouts. prometheus-adapter, which
 * serves the requests-per-second HPA metric, is part of the synthesized platform itself.
 */
export class Operators extends pulumi.ComponentResource {
  /** The releases this cluster gets (the load balancer controller on AWS only). */
  readonly releases: Readonly<Partial<Record<OperatorKey, k8s.helm.v3.Release>>>;
  /** What the platform's objects must be applied after. */
  readonly platformPrerequisites: k8s.helm.v3.Release[];
  /** The release of `key`; fails when this cluster does not get it. */
  readonly release: (key: OperatorKey) => k8s.helm.v3.Release;
  /** The release whose Service receives the cluster's inbound traffic. */
  readonly ingressGateway: k8s.helm.v3.Release;

  constructor(name: string, args: OperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:Operators', name, {}, opts);
    const plans = operatorReleases(args);
    const releases: Partial<Record<OperatorKey, k8s.helm.v3.Release>> = {};
    const installed = (key: OperatorKey): k8s.helm.v3.Release => {
      const release = releases[key];
      if (release === undefined) throw new Error(`Operators: a release waits for '${key}', which is not installed before it; list it earlier in operatorReleases`);
      return release;
    };
    for (const plan of plans) {
      const namespace =
        plan.namespaceLabels === undefined
          ? undefined
          : new k8s.core.v1.Namespace(`${name}-${plan.namespace}-namespace`, { metadata: { name: plan.namespace, labels: { ...plan.namespaceLabels } } }, { parent: this, provider: args.provider });
      releases[plan.key] = new k8s.helm.v3.Release(
        `${name}-${plan.releaseName}`,
        {
          name: plan.releaseName,
          ...chartSource(plan.chart),
          version: plan.chart.version,
          namespace: plan.namespace,
          createNamespace: namespace === undefined && plan.namespaceExists !== true,
          values: plan.values,
          ...(plan.skipCrds === true ? { skipCrds: true } : {}),
          atomic: true,
          timeout: 900,
        },
        {
          parent: this,
          provider: args.provider,
          dependsOn: [...plan.after.map(installed), ...(namespace === undefined ? [] : [namespace]), ...(plan.dependsOn ?? [])],
        },
      );
    }
    this.releases = releases;
    this.release = installed;
    this.ingressGateway = installed('ingressGateway');
    this.platformPrerequisites = plans.filter((plan) => plan.platformPrerequisite).map((plan) => installed(plan.key));
    this.registerOutputs({});
  }
}
