/**
 * Every version the Pulumi program installs, in one place so an upgrade is one reviewed diff.
 * EKS add-on builds are not pinned here: they are resolved for KUBERNETES_VERSION at deploy time
 * (cluster-addons.ts), so a Kubernetes upgrade cannot leave an add-on on the previous line.
 */

/** EKS control-plane minor version shared by every environment. */
export const KUBERNETES_VERSION = '1.33';

/**
 * The EKS add-ons the program installs. `metrics-server` serves the resource metrics (CPU, memory)
 * the gateway's HPA scales on; the EKS build listens on 10251 (EKS user guide, "View resource usage
 * with the Kubernetes Metrics Server").
 */
export const EKS_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns', 'aws-ebs-csi-driver', 'eks-pod-identity-agent', 'metrics-server'] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

export interface HelmChartVersion {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

const ISTIO_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';
export const ISTIO_VERSION = '1.29.2';
/** Where Istio publishes its release images (istio-discovery values.yaml: "Releases are published to docker hub under 'istio' project"). */
export const ISTIO_IMAGE_HUB = 'docker.io/istio';
const PROMETHEUS_COMMUNITY_REPOSITORY = 'https://prometheus-community.github.io/helm-charts';
const EKS_CHARTS_REPOSITORY = 'https://aws.github.io/eks-charts';
const KARPENTER_REPOSITORY = 'oci://public.ecr.aws/karpenter';

/**
 * The EKS-optimized AMI release Karpenter's nodes boot (EC2NodeClass `alias`, `family@version`):
 * pinned, so new AMIs reach the nodes through a reviewed change here, which Karpenter then rolls
 * out as drift within the NodePool's disruption budgets, instead of whenever AWS publishes one.
 * Release v20260714 of awslabs/amazon-eks-ami ships AL2023 AMIs for Kubernetes 1.33 (its release
 * notes, CHANGELOG.md at tag v20260724).
 */
export const KARPENTER_AMI_ALIAS = 'al2023@v20260714';

export const HELM_CHARTS = {
  istioBase: { repository: ISTIO_REPOSITORY, chart: 'base', version: ISTIO_VERSION },
  // The CNI node agent (manifests/charts/istio-cni, chart name `cni`): moves traffic redirection out of the pods.
  istioCni: { repository: ISTIO_REPOSITORY, chart: 'cni', version: ISTIO_VERSION },
  istiod: { repository: ISTIO_REPOSITORY, chart: 'istiod', version: ISTIO_VERSION },
  istioIngressGateway: { repository: ISTIO_REPOSITORY, chart: 'gateway', version: ISTIO_VERSION },
  // The CRDs chart and the stack chart move together: 24.x CRDs are the ones kube-prometheus-stack 79.x's operator expects.
  prometheusOperatorCrds: { repository: PROMETHEUS_COMMUNITY_REPOSITORY, chart: 'prometheus-operator-crds', version: '24.0.2' },
  prometheusOperator: { repository: PROMETHEUS_COMMUNITY_REPOSITORY, chart: 'kube-prometheus-stack', version: '79.5.0' },
  argoRollouts: { repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.40.9' },
  // Chart 3.5.0 runs controller v3.5.0 (helm/aws-load-balancer-controller/Chart.yaml at tag v3.5.0).
  awsLoadBalancerController: { repository: EKS_CHARTS_REPOSITORY, chart: 'aws-load-balancer-controller', version: '3.5.0' },
  // Jetstack's chart versions carry the release's `v` (deploy/charts/cert-manager at tag v1.21.1).
  certManager: { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1' },
  // Chart 1.21.1 runs ExternalDNS 0.21.0 (charts/external-dns/Chart.yaml at tag external-dns-helm-chart-1.21.1).
  externalDns: { repository: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns', version: '1.21.1' },
  // Karpenter publishes both charts to its OCI registry only; chart 1.14.1 runs controller 1.14.1
  // (charts/karpenter at tag v1.14.1; the release commit sets Chart.yaml's version and the image digest).
  karpenterCrd: { repository: KARPENTER_REPOSITORY, chart: 'karpenter-crd', version: '1.14.1' },
  karpenter: { repository: KARPENTER_REPOSITORY, chart: 'karpenter', version: '1.14.1' },
  // Chart 2.9.0 runs External Secrets Operator v2.9.0 (deploy/charts/external-secrets/Chart.yaml at tag helm-chart-2.9.0).
  externalSecrets: { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0' },
  // The log pipeline (log-pipeline.ts). Loki's OSS chart moved to grafana-community/helm-charts
  // (forked from grafana/loki at chart 6.55.0); 18.11.0 runs Loki 3.7.6 (charts/loki/Chart.yaml at tag loki-18.11.0).
  loki: { repository: 'https://grafana-community.github.io/helm-charts', chart: 'loki', version: '18.11.0' },
  // Chart 0.58.1 runs Fluent Bit 5.1.1 (charts/fluent-bit/Chart.yaml at tag fluent-bit-0.58.1).
  fluentBit: { repository: 'https://fluent.github.io/helm-charts', chart: 'fluent-bit', version: '0.58.1' },
  // Chart 0.11.0 runs VPA 1.7.1 (vertical-pod-autoscaler/charts/vertical-pod-autoscaler/Chart.yaml at tag vertical-pod-autoscaler-chart-0.11.0).
  verticalPodAutoscaler: { repository: 'https://kubernetes.github.io/autoscaler', chart: 'vertical-pod-autoscaler', version: '0.11.0' },
} as const satisfies Record<string, HelmChartVersion>;

/** ElastiCache engine for the shared rate-limit store. */
export const REDIS_ENGINE = { engine: 'redis', version: '7.1' } as const;
