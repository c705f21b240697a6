/** Names that constructs in different charts must agree on. */

export const NAMESPACES = {
  gateway: 'gateway',
  observability: 'observability',
  /** Where Istio and its ingress gateway run (installed with Istio, not synthesized here). */
  istio: 'istio-system',
  /** Where cluster DNS runs. */
  dns: 'kube-system',
} as const;

export const GATEWAY_NAME = 'gateway';

/** The cluster DNS Service (CoreDNS on EKS, kind and k3d keeps the kube-dns name), in NAMESPACES.dns. */
export const CLUSTER_DNS_SERVICE = 'kube-dns';
/** The Kubernetes API server's Service, in the `default` namespace. */
export const API_SERVER_SERVICE = { name: 'kubernetes', namespace: 'default' } as const;

/** Pod labels of the Istio ingress gateway installed with Istio. */
export const INGRESS_GATEWAY_POD_LABELS = { istio: 'ingressgateway' } as const;
/** Service account (and Helm release name, from which the chart derives it) of the Istio ingress gateway. */
export const INGRESS_GATEWAY_SERVICE_ACCOUNT = 'istio-ingressgateway';

export function principalOf(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/** SPIFFE principal of the Istio ingress gateway's service account. */
export const INGRESS_GATEWAY_PRINCIPAL = principalOf(NAMESPACES.istio, INGRESS_GATEWAY_SERVICE_ACCOUNT);

/** A Service's cluster DNS name. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

export const JAEGER = {
  name: 'jaeger',
  otlpGrpcPort: 4317,
  otlpHttpPort: 4318,
  queryPort: 16686,
  healthPort: 13133,
  /** The collector's own metrics (its internal telemetry's Prometheus reader). */
  metricsPort: 8888,
} as const;

/** OTLP/HTTP base URL the gateway exports traces to (OTEL_EXPORTER_OTLP_ENDPOINT). */
export const OTLP_ENDPOINT = `http://${serviceHost(JAEGER.name, NAMESPACES.observability)}:${JAEGER.otlpHttpPort}`;

export const PROMETHEUS = { name: 'prometheus', port: 9090 } as const;

/**
 * Label that ServiceMonitors and PodMonitors carry to be scraped by the platform's Prometheus: the
 * platform's own, and those the charts of its cluster add-ons create (infra/pulumi/operators.ts).
 * The charts label their objects `app.kubernetes.io/part-of: <chart>` themselves, so the
 * platform's `part-of` label, which rules and Alertmanager configurations are selected by, could
 * not be given to them.
 */
export const MONITOR_SELECTOR = { 'monitoring.uag.example.com/prometheus': 'platform' } as const;

/**
 * Where readers (Grafana, prometheus-adapter, Argo Rollouts' analyses) query Prometheus: the
 * platform's `prometheus` Service, which keeps each caller on one replica (prometheus-stack.ts).
 */
export function prometheusUrl(namespace: string): string {
  return `http://${serviceHost(PROMETHEUS.name, namespace)}:${PROMETHEUS.port}`;
}

/**
 * Loki, the log store (a cluster add-on, infra/pulumi/log-pipeline.ts), in the `logging` namespace
 * with Fluent Bit: the chart's monolithic Service is named after the release, port `http-metrics`.
 */
export const LOKI = { name: 'loki', namespace: 'logging', port: 3100 } as const;

/** Where cert-manager (installed as a cluster add-on on the AWS stacks) runs; its controller's metrics carry the certificates' expiry and readiness. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** Where Karpenter (AWS stacks) runs; its controller's metrics tell whether it can add nodes. */
export const KARPENTER_NAMESPACE = 'karpenter';
/** Where External Secrets Operator (AWS stacks) runs; its controller's metrics tell whether the Secrets it keeps are in sync. */
export const EXTERNAL_SECRETS_NAMESPACE = 'external-secrets';

/** The Argo Rollouts controller (installed with its CRDs as a cluster add-on), which queries Prometheus during an analysis. */
export const ARGO_ROLLOUTS = { namespace: 'argo-rollouts', serviceAccount: 'argo-rollouts' } as const;
/** `clusterPort`: replicas gossip there to share silences and deduplicate notifications. */
export const ALERTMANAGER = { name: 'alertmanager', port: 9093, clusterPort: 9094 } as const;
export const GRAFANA = { name: 'grafana', port: 3000 } as const;
/**
 * StorageClass every PersistentVolumeClaim of the platform names: encrypted gp3 EBS volumes through
 * the EBS CSI driver, created (and made the cluster default) by the Pulumi program, since EKS
 * clusters created at 1.30 or later have no default class.
 */
export const ENCRYPTED_STORAGE_CLASS = 'gp3-encrypted';
