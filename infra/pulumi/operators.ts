import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PLATFORM_NAMES } from './platform-contract';
import { ARGO_ROLLOUTS, serviceHost } from '../k8s/platform-names';
import { LOAD_BALANCER_CONTROLLER, ingressLoadBalancerAnnotations, loadBalancerControllerValues, type LoadBalancerControllerValuesArgs } from './load-balancer-controller';
import { localIngressServicePorts } from './local-ingress';
import { CERT_MANAGER, EXTERNAL_DNS, certManagerValues, externalDnsServiceAnnotations, externalDnsValues, type PublicDns } from './public-dns';
import { HELM_CHARTS, ISTIO_IMAGE_HUB, ISTIO_VERSION, type HelmChartVersion } from './versions';

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
  | 'argoRollouts';

/** Where the Istio CNI node agent runs: its DaemonSet needs root, host paths and NET_ADMIN, which only kube-system admits. */
export const ISTIO_CNI_NAMESPACE = 'kube-system';

/**
 * The namespaces the Helm releases run in, besides kube-system. The admission policies audit
 * (Warn + Audit) rather than deny in these (policies/exceptions.yaml, `auditedNamespaces`): the
 * charts are upstream code whose pods cannot be checked in CI.
 */
export const OPERATOR_NAMESPACES = [PLATFORM_NAMES.namespaces.istio, 'prometheus-operator', ARGO_ROLLOUTS.namespace, CERT_MANAGER.namespace, EXTERNAL_DNS.namespace] as const;

const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' } as const;

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
  /** Run the controllers with two replicas (and the ingress gateway with three) to survive a node loss. */
  readonly highlyAvailable: boolean;
  readonly ingressExposure: IngressExposure;
}

/** The ingress gateway chart's `service` values (manifests/charts/gateway/templates/service.yaml at 1.29.2). */
function ingressServiceValues(exposure: IngressExposure): Record<string, unknown> {
  if (exposure.kind === 'node-port') return { type: 'NodePort', ports: localIngressServicePorts() };
  // `loadBalancerClass` is written only for type LoadBalancer; it hands the Service to the controller.
  return {
    type: 'LoadBalancer',
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
function awsEdgeReleases(exposure: IngressExposure, highlyAvailable: boolean): OperatorRelease[] {
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
    // only, so nothing waits for it but the issuer and the certificate.
    {
      key: 'certManager',
      releaseName: CERT_MANAGER.releaseName,
      namespace: CERT_MANAGER.namespace,
      chart: HELM_CHARTS.certManager,
      values: certManagerValues({ highlyAvailable }),
      after: [],
      platformPrerequisite: false,
      dependsOn: exposure.publicDns.certManagerGrants,
    },
  ];
}

/** Every Helm release, with its values and order. */
export function operatorReleases(args: Pick<OperatorsArgs, 'highlyAvailable' | 'ingressExposure'>): OperatorRelease[] {
  const controllerReplicas = args.highlyAvailable ? 2 : 1;
  const { jaeger, meshProviders, namespaces } = PLATFORM_NAMES;
  return [
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
        autoscaleMin: controllerReplicas,
        replicaCount: controllerReplicas,
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
          extensionProviders: [
            { name: meshProviders.tracing, opentelemetry: { service: serviceHost(jaeger.service, namespaces.observability), port: jaeger.otlpGrpcPort } },
            { name: meshProviders.metrics, prometheus: {} },
            { name: meshProviders.accessLog, envoyFileAccessLog: { path: '/dev/stdout' } },
          ],
        },
      },
      after: ['istioBase', 'istioCni'],
      platformPrerequisite: true,
    },
    ...awsEdgeReleases(args.ingressExposure, args.highlyAvailable),
    {
      key: 'ingressGateway',
      releaseName: PLATFORM_NAMES.ingressGateway,
      namespace: namespaces.istio,
      chart: HELM_CHARTS.istioIngressGateway,
      values: {
        autoscaling: { minReplicas: args.highlyAvailable ? 3 : 1 },
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
        service: ingressServiceValues(args.ingressExposure),
      },
      after: args.ingressExposure.kind === 'aws-nlb' ? ['istiod', 'awsLoadBalancerController', 'externalDns'] : ['istiod'],
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
      values: { installCRDs: true, controller: { replicas: controllerReplicas, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } } } },
      // The controller queries Prometheus for canary analysis, which accepts mesh mTLS only: it needs a sidecar.
      namespaceLabels: { 'istio-injection': 'enabled' },
      after: ['istiod'],
      platformPrerequisite: true,
    },
  ];
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
          chart: plan.chart.chart,
          version: plan.chart.version,
          repositoryOpts: { repo: plan.chart.repository },
          namespace: plan.namespace,
          createNamespace: namespace === undefined && plan.namespaceExists !== true,
          values: plan.values,
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
