import { Construct } from 'constructs';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { addObject } from '../api-object';
import { PLATFORM_LABELS, type Labels } from '../labels';
import { allowTraffic } from '../network-traffic';
import { ALERTMANAGER, JAEGER, MONITOR_SELECTOR, PROMETHEUS } from '../platform-names';
import { CLUSTER_SCRAPE_TARGETS } from './cluster-scrape-targets';

export interface PlatformMonitoringProps {
  /** The observability namespace, where Prometheus, Alertmanager and Jaeger run. */
  readonly namespace: string;
  readonly jaegerSelector: Labels;
}

/** A metrics endpoint of a pod in the (STRICT mTLS) observability namespace that Prometheus scrapes in plain text. */
interface InNamespaceEndpoint {
  readonly name: string;
  /** Labels of the Service in front of it (the ServiceMonitor selects it by them) and of its pods. */
  readonly pods: Labels;
  readonly portName: string;
  readonly port: number;
}

const METRICS_PATH = '/metrics';

/**
 * How the platform's Prometheus watches the platform itself, beyond the gateway
 * (gateway-monitoring.ts): ServiceMonitors for Prometheus, Alertmanager, Jaeger and istiod, and a
 * PodMonitor for the Envoy of every injected pod. The chart-installed components (kube-state-metrics,
 * node-exporter, the kubelets, prometheus-operator, Argo Rollouts) come with ServiceMonitors of their
 * charts, labelled for this Prometheus (infra/pulumi/operators.ts).
 *
 * Prometheus scrapes without mesh certificates, so the metrics ports of the observability namespace
 * accept plain text, each only for `GET /metrics` (its API keeps requiring a mesh identity), and
 * Envoy's stats port is outside the mesh's traffic capture; NetworkPolicies admit Prometheus alone.
 */
export class PlatformMonitoring extends Construct {
  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    const { namespace } = props;
    const labels = { ...PLATFORM_LABELS, ...MONITOR_SELECTOR };
    const endpoints: InNamespaceEndpoint[] = [
      { name: PROMETHEUS.name, pods: { 'app.kubernetes.io/name': PROMETHEUS.name }, portName: 'web', port: PROMETHEUS.port },
      { name: ALERTMANAGER.name, pods: { 'app.kubernetes.io/name': ALERTMANAGER.name }, portName: 'web', port: ALERTMANAGER.port },
      { name: JAEGER.name, pods: props.jaegerSelector, portName: 'http-metrics', port: JAEGER.metricsPort },
    ];
    for (const endpoint of endpoints) {
      addObject(
        this,
        `${endpoint.name}-monitor`,
        new ServiceMonitor({
          metadata: { name: endpoint.name, namespace, labels },
          spec: { selector: { matchLabels: { ...endpoint.pods } }, endpoints: [{ port: endpoint.portName, path: METRICS_PATH, scheme: 'http' }] },
        }),
      );
      plaintextMetricsPort(this, namespace, endpoint);
    }

    const { istiod, envoy } = CLUSTER_SCRAPE_TARGETS;
    addObject(
      this,
      'istiod-monitor',
      new ServiceMonitor({
        metadata: { name: istiod.job, namespace, labels },
        // istiod runs without a sidecar: its monitoring port is plain HTTP.
        spec: { namespaceSelector: { matchNames: [istiod.namespace] }, selector: { matchLabels: { ...istiod.pods } }, endpoints: [{ port: istiod.portName, scheme: 'http' }] },
      }),
    );
    addObject(
      this,
      'envoy-monitor',
      new PodMonitor({
        metadata: { name: 'istio-proxies', namespace, labels },
        spec: {
          // Both of Istio's injection templates (sidecar and gateway) put this label on the pod.
          selector: { matchExpressions: [{ key: 'service.istio.io/canonical-name', operator: 'Exists' }] },
          namespaceSelector: { any: true },
          podMetricsEndpoints: [{ port: envoy.portName, path: envoy.path, scheme: 'http' }],
        },
      }),
    );
    allowEnvoyMetrics(this, 'envoy-metrics', { namespace, prometheusNamespace: namespace });
  }
}

/**
 * Lets the platform's Prometheus reach the Envoy stats port of every pod in `namespace` past its
 * default deny: each namespace of the platform that runs injected pods needs one (the add-ons'
 * namespaces have no NetworkPolicy of the platform's).
 */
export function allowEnvoyMetrics(scope: Construct, id: string, props: { readonly namespace: string; readonly prometheusNamespace: string }): void {
  allowTraffic(scope, id, {
    namespace: props.namespace,
    name: 'allow-envoy-metrics',
    podSelector: {},
    ingress: [{ peers: [{ namespace: props.prometheusNamespace, pods: { 'app.kubernetes.io/name': PROMETHEUS.name } }], ports: [{ port: CLUSTER_SCRAPE_TARGETS.envoy.port }] }],
  });
}

/**
 * The namespace is STRICT: this one port also accepts plain text, and only `GET /metrics` on it is
 * allowed without a mesh identity. The app's NetworkPolicy admits Prometheus alone to it.
 */
function plaintextMetricsPort(scope: Construct, namespace: string, endpoint: InNamespaceEndpoint): void {
  const metadata = (name: string) => ({ name, namespace, labels: { ...PLATFORM_LABELS } });
  const selector = { matchLabels: { ...endpoint.pods } };
  addObject(
    scope,
    `${endpoint.name}-metrics-port`,
    new PeerAuthentication({
      metadata: metadata(`${endpoint.name}-metrics-port`),
      spec: { selector, mtls: { mode: 'STRICT' }, portLevelMtls: { [String(endpoint.port)]: { mode: 'PERMISSIVE' } } },
    }),
  );
  addObject(
    scope,
    `${endpoint.name}-allow-metrics`,
    new AuthorizationPolicy({
      metadata: metadata(`${endpoint.name}-allow-metrics`),
      spec: { selector, action: 'ALLOW', rules: [{ to: [{ operation: { ports: [String(endpoint.port)], methods: ['GET'], paths: [METRICS_PATH] } }] }] },
    }),
  );
}
