import { Construct } from 'constructs';
import { DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT, type RouteTable } from '../../app/src/contract';
import type { GatewayWorkload } from './gateway-workload';
import { DNS_EGRESS, ISTIOD_EGRESS, allowTraffic, type TrafficRule } from './network-traffic';
import { INGRESS_GATEWAY_POD_LABELS, JAEGER, NAMESPACES, PROMETHEUS } from './platform-names';
import { upstreamServices, upstreamTargetPort, type UpstreamTargetPorts } from './upstream-services';

export interface GatewayNetworkPoliciesProps {
  readonly workload: GatewayWorkload;
  /** Egress opens exactly the upstream namespaces these routes name, on their pods' ports. */
  readonly routes: RouteTable;
  /**
   * The pod port behind each upstream Service port whose `targetPort` differs from it, keyed
   * `<service>.<namespace>:<port>` (NetworkPolicy matches the port the destination pod listens on).
   * @default none: every Service forwards to the same port number
   */
  readonly upstreamTargetPorts?: UpstreamTargetPorts;
  /**
   * Destinations outside the cluster that only the deploying program knows, such as the
   * account's ElastiCache subnets for UAG_REDIS_URL. @default none
   */
  readonly externalEgress?: readonly TrafficRule[];
}

/**
 * What the gateway pods may talk to past the namespace's default deny: client traffic only from
 * the Istio ingress gateway, scrapes only from Prometheus; out to DNS, istiod, the declared
 * upstreams and the trace collector (the gateway's own exporter and its sidecar's).
 */
export class GatewayNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: GatewayNetworkPoliciesProps) {
    super(scope, id);
    const { workload } = props;
    allowTraffic(this, 'ingress', {
      namespace: workload.namespace,
      name: `${workload.name}-allow-ingress`,
      podSelector: workload.selector,
      ingress: [
        {
          peers: [{ namespace: NAMESPACES.istio, pods: INGRESS_GATEWAY_POD_LABELS }],
          ports: [{ port: DEFAULT_HTTP_PORT }, ...workload.tcpListeners.map((listener) => ({ port: listener.port }))],
        },
        { peers: [{ namespace: NAMESPACES.observability, pods: { 'app.kubernetes.io/name': PROMETHEUS.name } }], ports: [{ port: DEFAULT_ADMIN_PORT }] },
      ],
    });
    allowTraffic(this, 'egress', {
      namespace: workload.namespace,
      name: `${workload.name}-allow-egress`,
      podSelector: workload.selector,
      egress: [
        DNS_EGRESS,
        ISTIOD_EGRESS,
        ...upstreamEgress(props.routes, props.upstreamTargetPorts ?? {}),
        ...(props.externalEgress ?? []),
        // OTLP/HTTP from the gateway itself, OTLP/gRPC from its sidecar's mesh tracing.
        { peers: [{ namespace: NAMESPACES.observability, pods: { 'app.kubernetes.io/name': JAEGER.name } }], ports: [{ port: JAEGER.otlpGrpcPort }, { port: JAEGER.otlpHttpPort }] },
      ],
    });
  }
}

/** One rule per upstream namespace, with the ports its Services' pods listen on. */
function upstreamEgress(routes: RouteTable, targetPorts: UpstreamTargetPorts): TrafficRule[] {
  const portsByNamespace = new Map<string, number[]>();
  for (const upstream of upstreamServices(routes)) {
    const { namespace } = upstream;
    const port = upstreamTargetPort(upstream, targetPorts);
    const ports = portsByNamespace.get(namespace) ?? [];
    if (!ports.includes(port)) ports.push(port);
    portsByNamespace.set(namespace, ports);
  }
  return [...portsByNamespace].map(([namespace, ports]) => ({ peers: [{ namespace }], ports: ports.sort((a, b) => a - b).map((port) => ({ port })) }));
}
