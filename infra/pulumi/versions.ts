/**
 * Every version the Pulumi program installs, in one place so an upgrade is one reviewed diff.
 * EKS add-on builds are per Kubernetes minor: after changing KUBERNETES_VERSION, list the
 * compatible builds with `aws eks describe-addon-versions --kubernetes-version <minor>
 * --addon-name <name>` and update EKS_ADDON_VERSIONS in the same commit.
 */

/** EKS control-plane minor version shared by every environment. */
export const KUBERNETES_VERSION = '1.33';

export const EKS_ADDON_VERSIONS = {
  'vpc-cni': 'v1.20.1-eksbuild.3',
  'kube-proxy': 'v1.33.0-eksbuild.1',
  coredns: 'v1.11.4-eksbuild.22',
  'aws-ebs-csi-driver': 'v1.48.0-eksbuild.2',
  'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
} as const;
export type EksAddonName = keyof typeof EKS_ADDON_VERSIONS;

export interface HelmChartVersion {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

const ISTIO_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';
const ISTIO_VERSION = '1.29.2';
const PROMETHEUS_COMMUNITY_REPOSITORY = 'https://prometheus-community.github.io/helm-charts';

export const HELM_CHARTS = {
  istioBase: { repository: ISTIO_REPOSITORY, chart: 'base', version: ISTIO_VERSION },
  istiod: { repository: ISTIO_REPOSITORY, chart: 'istiod', version: ISTIO_VERSION },
  istioIngressGateway: { repository: ISTIO_REPOSITORY, chart: 'gateway', version: ISTIO_VERSION },
  // The CRDs chart and the stack chart move together: 24.x CRDs are the ones kube-prometheus-stack 79.x's operator expects.
  prometheusOperatorCrds: { repository: PROMETHEUS_COMMUNITY_REPOSITORY, chart: 'prometheus-operator-crds', version: '24.0.2' },
  prometheusOperator: { repository: PROMETHEUS_COMMUNITY_REPOSITORY, chart: 'kube-prometheus-stack', version: '79.5.0' },
  argoRollouts: { repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.40.9' },
} as const satisfies Record<string, HelmChartVersion>;

/** ElastiCache engine for the shared rate-limit store. */
export const REDIS_ENGINE = { engine: 'redis', version: '7.1' } as const;
