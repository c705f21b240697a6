import { Construct } from 'constructs';
import { DEFAULT_ADMIN_PORT } from '../../../app/src/contract';
import type { Labels } from '../labels';
import { DNS_EGRESS, ISTIOD_EGRESS, allowTraffic, type TrafficRule } from '../network-traffic';
import { CLUSTER_SCRAPE_TARGETS } from './cluster-scrape-targets';
import { PROMETHEUS_ADAPTER_NAME } from './prometheus-adapter';
import { ALERTMANAGER, ARGO_ROLLOUTS, GRAFANA, JAEGER, LOKI, NAMESPACES, PROMETHEUS } from '../platform-names';

export interface ObservabilityNetworkPoliciesProps {
  readonly namespace: string;
  readonly grafanaSelector: Labels;
  readonly jaegerSelector: Labels;
  /** Pod labels of the gateway, whose admin port Prometheus scrapes and whose traces Jaeger receives. */
  readonly gatewaySelector: Labels;
}

const ANYWHERE = { cidr: '0.0.0.0/0' } as const;

/**
 * Prometheus's scrapes outside its namespace (cluster-scrape-targets.ts). The node exporters and
 * kubelets listen on the nodes' addresses and every injected pod's Envoy on its own, none of which
 * is known here, hence any address on those ports.
 */
function clusterScrapes(): TrafficRule[] {
  const { istiod, kubeStateMetrics, prometheusOperator, argoRollouts, certManager, karpenter, externalSecrets, fluentBit, loki, nodeExporter, kubelet, envoy } = CLUSTER_SCRAPE_TARGETS;
  return [
    { peers: [{ namespace: istiod.namespace, pods: istiod.pods }], ports: [{ port: istiod.port }] },
    { peers: [{ namespace: kubeStateMetrics.namespace }], ports: [{ port: kubeStateMetrics.port }, { port: prometheusOperator.port }] },
    { peers: [{ namespace: argoRollouts.namespace }], ports: [{ port: argoRollouts.port }] },
    // Only on the AWS stacks, where these add-ons are installed; elsewhere the rules match no pod.
    { peers: [{ namespace: certManager.namespace }], ports: [{ port: certManager.port }] },
    { peers: [{ namespace: karpenter.namespace }], ports: [{ port: karpenter.port }] },
    { peers: [{ namespace: externalSecrets.namespace }], ports: [{ port: externalSecrets.port }] },
    // The log pipeline, on every stack.
    { peers: [{ namespace: fluentBit.namespace }], ports: [{ port: fluentBit.port }, { port: loki.port }] },
    { peers: [ANYWHERE], ports: [{ port: nodeExporter.port }, { port: kubelet.port }, { port: envoy.port }] },
  ];
}

/**
 * Traffic the observability stack needs past the namespace's default deny. Prometheus reaches the
 * API server for discovery and Alertmanager reaches receivers outside the cluster, both on 443
 * (6443 for API servers that listen there), since neither has a fixed address to name; Prometheus
 * also scrapes the platform's components, in and outside the namespace.
 */
export class ObservabilityNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: ObservabilityNetworkPoliciesProps) {
    super(scope, id);
    const { namespace } = props;
    const prometheusPods = { 'app.kubernetes.io/name': PROMETHEUS.name };
    const alertmanagerPods = { 'app.kubernetes.io/name': ALERTMANAGER.name };
    const local = (pods: Labels) => ({ namespace, pods });

    allowTraffic(this, 'prometheus', {
      namespace,
      name: `${PROMETHEUS.name}-allow`,
      podSelector: prometheusPods,
      ingress: [
        {
          // The Argo Rollouts controller runs the rollout analyses' queries; each replica scrapes the other.
          peers: [local(props.grafanaSelector), local({ 'app.kubernetes.io/name': PROMETHEUS_ADAPTER_NAME }), { namespace: ARGO_ROLLOUTS.namespace }, local(prometheusPods)],
          ports: [{ port: PROMETHEUS.port }],
        },
      ],
      egress: [
        DNS_EGRESS,
        ISTIOD_EGRESS,
        { peers: [{ namespace: NAMESPACES.gateway, pods: props.gatewaySelector }], ports: [{ port: DEFAULT_ADMIN_PORT }] },
        { peers: [local(alertmanagerPods)], ports: [{ port: ALERTMANAGER.port }] },
        { peers: [local(prometheusPods)], ports: [{ port: PROMETHEUS.port }] },
        { peers: [local(props.jaegerSelector)], ports: [{ port: JAEGER.metricsPort }] },
        ...clusterScrapes(),
        { peers: [ANYWHERE], ports: [{ port: 443 }, { port: 6443 }] },
      ],
    });
    allowTraffic(this, 'alertmanager', {
      namespace,
      name: `${ALERTMANAGER.name}-allow`,
      podSelector: alertmanagerPods,
      ingress: [
        { peers: [local(prometheusPods)], ports: [{ port: ALERTMANAGER.port }] },
        { peers: [local(alertmanagerPods)], ports: [{ port: ALERTMANAGER.clusterPort }, { port: ALERTMANAGER.clusterPort, protocol: 'UDP' }] },
      ],
      egress: [
        DNS_EGRESS,
        ISTIOD_EGRESS,
        { peers: [local(alertmanagerPods)], ports: [{ port: ALERTMANAGER.clusterPort }, { port: ALERTMANAGER.clusterPort, protocol: 'UDP' }] },
        { peers: [ANYWHERE], ports: [{ port: 443 }] },
      ],
    });
    allowTraffic(this, 'grafana', {
      namespace,
      name: `${GRAFANA.name}-allow`,
      podSelector: props.grafanaSelector,
      egress: [
        DNS_EGRESS,
        ISTIOD_EGRESS,
        { peers: [local(prometheusPods)], ports: [{ port: PROMETHEUS.port }] },
        { peers: [local(props.jaegerSelector)], ports: [{ port: JAEGER.queryPort }] },
        // The log store (a cluster add-on outside the mesh, infra/pulumi/log-pipeline.ts).
        { peers: [{ namespace: LOKI.namespace }], ports: [{ port: LOKI.port }] },
      ],
    });
    allowTraffic(this, 'jaeger', {
      namespace,
      name: `${JAEGER.name}-allow`,
      podSelector: props.jaegerSelector,
      ingress: [
        { peers: [{ namespace: NAMESPACES.gateway, pods: props.gatewaySelector }], ports: [{ port: JAEGER.otlpHttpPort }] },
        // Sidecars and the ingress gateway report their spans over OTLP/gRPC.
        { peers: [{ namespace: NAMESPACES.gateway }, { namespace: NAMESPACES.istio }], ports: [{ port: JAEGER.otlpGrpcPort }] },
        { peers: [local(props.grafanaSelector)], ports: [{ port: JAEGER.queryPort }] },
        { peers: [local(prometheusPods)], ports: [{ port: JAEGER.metricsPort }] },
      ],
      egress: [DNS_EGRESS, ISTIOD_EGRESS],
    });
  }
}
