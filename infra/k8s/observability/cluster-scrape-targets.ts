import { ARGO_ROLLOUTS, CERT_MANAGER_NAMESPACE, EXTERNAL_SECRETS_NAMESPACE, KARPENTER_NAMESPACE, LOKI, NAMESPACES } from '../platform-names';

/**
 * What the platform's Prometheus scrapes outside its own namespace, as the pinned charts
 * (infra/pulumi/operators.ts) and Istio run it: where each target listens (for the NetworkPolicy
 * that lets the scrape out) and the `job` label its series get (for the alerts that read them).
 * Facts of the pinned versions; each says where it comes from.
 */

/** Where prometheus-operator and the exporters of its chart run (kube-prometheus-stack's release namespace). */
export const PROMETHEUS_OPERATOR_NAMESPACE = 'prometheus-operator';

export const CLUSTER_SCRAPE_TARGETS = {
  /** istio-discovery 1.29.2 templates/service.yaml: port `http-monitoring`. */
  istiod: { namespace: NAMESPACES.istio, pods: { app: 'istiod' }, port: 15014, portName: 'http-monitoring', job: 'istiod' },
  /**
   * kube-state-metrics 6.4.1 (a kube-prometheus-stack 79.5.0 subchart): `service.port`; its
   * ServiceMonitor's `jobLabel` is `app.kubernetes.io/name`.
   */
  kubeStateMetrics: { namespace: PROMETHEUS_OPERATOR_NAMESPACE, port: 8080, job: 'kube-state-metrics' },
  /** kube-prometheus-stack 79.5.0: the operator's TLS web port (`prometheusOperator.tls.internalPort`). */
  prometheusOperator: { namespace: PROMETHEUS_OPERATOR_NAMESPACE, port: 10250 },
  /** argo-rollouts 2.40.9: `controller.containerPorts.metrics`; the ServiceMonitor names the job after the `argo-rollouts-metrics` Service. */
  argoRollouts: { namespace: ARGO_ROLLOUTS.namespace, port: 8090, job: 'argo-rollouts-metrics' },
  /**
   * cert-manager v1.21.1 (AWS stacks): every component serves `http-metrics` on 9402
   * (deploy/charts/cert-manager/templates/service.yaml, deployment.yaml); the chart's ServiceMonitor
   * takes `jobLabel: app.kubernetes.io/name`, `cert-manager` for the controller, whose series
   * describe the certificates (pkg/metrics/certificates.go).
   */
  certManager: { namespace: CERT_MANAGER_NAMESPACE, port: 9402, job: 'cert-manager' },
  /**
   * Karpenter 1.14.1 (AWS stacks): the `karpenter` Service's `http-metrics` port,
   * `controller.metrics.port` (charts/karpenter/values.yaml, templates/service.yaml at v1.14.1);
   * its ServiceMonitor sets no `jobLabel`, so the job is the Service's name.
   */
  karpenter: { namespace: KARPENTER_NAMESPACE, port: 8080, job: 'karpenter' },
  /**
   * External Secrets Operator 2.9.0 (AWS stacks): the controller, webhook and cert controller each
   * serve `metrics` on `*.metrics.listen.port` 8080; the controller's Service is
   * `external-secrets-metrics`, which names its job (deploy/charts/external-secrets/templates/
   * service.yaml at helm-chart-2.9.0).
   */
  externalSecrets: { namespace: EXTERNAL_SECRETS_NAMESPACE, port: 8080, job: 'external-secrets-metrics' },
  /** fluent-bit 0.58.1: `metricsPort`; its ServiceMonitor's `jobLabel` is `app.kubernetes.io/instance`, the release's name. */
  fluentBit: { namespace: LOKI.namespace, port: 2020, job: 'fluent-bit' },
  /** loki 18.11.0: `loki.server.http_listen_port`; its ServiceMonitor prefixes the Service's name with `monitoring.serviceMonitor.jobPrefix`, `<namespace>/`. */
  loki: { namespace: LOKI.namespace, port: LOKI.port, job: `${LOKI.namespace}/${LOKI.name}`, statefulSet: LOKI.name },
  /**
   * prometheus-node-exporter 4.49.1 on the host network: `service.port`; kube-prometheus-stack
   * 79.5.0 gives its Service the label `jobLabel: node-exporter`, which the ServiceMonitor's
   * `jobLabel` names.
   */
  nodeExporter: { port: 9100, job: 'node-exporter' },
  /**
   * kube-prometheus-stack 79.5.0 templates/exporters/kubelet/servicemonitor.yaml: `jobLabel: k8s-app`
   * (`kubelet`), the kubelet's HTTPS port, and a `metrics_path` label telling `/metrics` from
   * `/metrics/cadvisor` and `/metrics/probes`.
   */
  kubelet: { port: 10250, job: 'kubelet' },
  /** Every injected proxy's Envoy (`http-envoy-prom` in Istio 1.29.2's injection templates), outside the mesh's traffic capture. */
  envoy: { port: 15090, portName: 'http-envoy-prom', path: '/stats/prometheus' },
} as const;
