import { Construct } from 'constructs';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { addObject } from '../api-object';
import { PLATFORM_LABELS, type Labels } from '../labels';
import { PROMETHEUS_ADAPTER_NAME } from './prometheus-adapter';
import { ALERTMANAGER, ARGO_ROLLOUTS, GATEWAY_NAME, GRAFANA, INGRESS_GATEWAY_PRINCIPAL, JAEGER, NAMESPACES, PROMETHEUS, principalOf } from '../platform-names';

export interface ObservabilityAccessPoliciesProps {
  readonly namespace: string;
  readonly grafanaSelector: Labels;
  readonly jaegerSelector: Labels;
}

interface Allow {
  readonly name: string;
  readonly pods: Labels;
  readonly principals: readonly string[];
  readonly ports: readonly number[];
}

/** Mesh-level allows in the observability namespace, by caller service account, on top of its deny-all. */
export class ObservabilityAccessPolicies extends Construct {
  constructor(scope: Construct, id: string, props: ObservabilityAccessPoliciesProps) {
    super(scope, id);
    const { namespace } = props;
    const local = (serviceAccount: string) => principalOf(namespace, serviceAccount);
    const allows: Allow[] = [
      {
        name: `${PROMETHEUS.name}-allow-readers`,
        pods: { 'app.kubernetes.io/name': PROMETHEUS.name },
        principals: [local(GRAFANA.name), local(PROMETHEUS_ADAPTER_NAME), principalOf(ARGO_ROLLOUTS.namespace, ARGO_ROLLOUTS.serviceAccount)],
        ports: [PROMETHEUS.port],
      },
      {
        name: `${ALERTMANAGER.name}-allow-prometheus`,
        pods: { 'app.kubernetes.io/name': ALERTMANAGER.name },
        principals: [local(PROMETHEUS.name), local(ALERTMANAGER.name)],
        ports: [ALERTMANAGER.port, ALERTMANAGER.clusterPort],
      },
      {
        name: `${JAEGER.name}-allow-otlp`,
        pods: props.jaegerSelector,
        principals: [principalOf(NAMESPACES.gateway, GATEWAY_NAME), INGRESS_GATEWAY_PRINCIPAL],
        ports: [JAEGER.otlpGrpcPort, JAEGER.otlpHttpPort],
      },
      { name: `${JAEGER.name}-allow-query`, pods: props.jaegerSelector, principals: [local(GRAFANA.name)], ports: [JAEGER.queryPort] },
    ];
    for (const allow of allows) {
      addObject(
        this,
        allow.name,
        new AuthorizationPolicy({
          metadata: { name: allow.name, namespace, labels: { ...PLATFORM_LABELS } },
          spec: {
            selector: { matchLabels: { ...allow.pods } },
            action: 'ALLOW',
            rules: [{ from: [{ source: { principals: [...allow.principals] } }], to: [{ operation: { ports: allow.ports.map(String) } }] }],
          },
        }),
      );
    }
  }
}
