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

/** Pod labels of the Istio ingress gateway installed with Istio. */
export const INGRESS_GATEWAY_POD_LABELS = { istio: 'ingressgateway' } as const;
/** SPIFFE principal of the Istio ingress gateway's service account. */
export const INGRESS_GATEWAY_PRINCIPAL = `cluster.local/ns/${NAMESPACES.istio}/sa/istio-ingressgateway`;

export function principalOf(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

export const JAEGER = {
  name: 'jaeger',
  otlpGrpcPort: 4317,
  otlpHttpPort: 4318,
  queryPort: 16686,
  healthPort: 13133,
} as const;

/** OTLP/HTTP base URL the gateway exports traces to (OTEL_EXPORTER_OTLP_ENDPOINT). */
export const OTLP_ENDPOINT = `http://${JAEGER.name}.${NAMESPACES.observability}.svc.cluster.local:${JAEGER.otlpHttpPort}`;

export const PROMETHEUS = { name: 'prometheus', port: 9090 } as const;

/** Prometheus's in-cluster address: the Service prometheus-operator puts in front of every instance it runs. */
export function prometheusUrl(namespace: string): string {
  return `http://${PROMETHEUS.name}-operated.${namespace}.svc.cluster.local:${PROMETHEUS.port}`;
}

/** The Argo Rollouts controller (installed with its CRDs as a cluster add-on), which queries Prometheus during an analysis. */
export const ARGO_ROLLOUTS = { namespace: 'argo-rollouts', serviceAccount: 'argo-rollouts' } as const;
/** `clusterPort`: replicas gossip there to share silences and deduplicate notifications. */
export const ALERTMANAGER = { name: 'alertmanager', port: 9093, clusterPort: 9094 } as const;
export const GRAFANA = { name: 'grafana', port: 3000 } as const;
