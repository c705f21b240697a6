import type { KubernetesObject } from './platform-contract';
import { INGRESS_SERVER_PORTS } from '../k8s/mesh/ingress-routing';
import { INGRESS_READINESS } from './load-balancer-controller';

/** A port the ingress Gateway opens for one of the gateway's raw TCP listeners. */
export interface IngressTcpPort {
  /** The Gateway server's port name (`tcp-<port>`), reused for the Service port. */
  readonly name: string;
  readonly port: number;
}

/** Node ports pinned for the chart's HTTP and HTTPS ports (the local stack's host mapping). */
export interface PinnedNodePorts {
  readonly http: number;
  readonly https: number;
}

/**
 * The TCP ports of the rendered ingress Gateway (infra/k8s/mesh/ingress-routing.ts: one server per
 * TCP listener of the environment's route table). Read from the objects the platform renders, so
 * the Service cannot disagree with the Gateway it fronts.
 */
export function gatewayTcpPorts(objects: readonly KubernetesObject[]): IngressTcpPort[] {
  const gateways = objects.filter((object) => object.apiVersion.startsWith('networking.istio.io/') && object.kind === 'Gateway');
  if (gateways.length !== 1) throw new Error(`gatewayTcpPorts: the platform renders ${gateways.length} Istio Gateways; the ingress gateway's Service is derived from exactly one`);
  const servers = (gateways[0]!.spec as { servers: { port: { number: number; name: string; protocol: string } }[] }).servers;
  return servers.filter((server) => server.port.protocol === 'TCP').map((server) => ({ name: server.port.name, port: server.port.number }));
}

/**
 * The ingress gateway chart's `service.ports`: the chart's own three (manifests/charts/gateway/values.yaml
 * at 1.29.2: status-port 15021, http2 80, https 443, each to the same target port; templates/service.yaml
 * writes the list as given, so listing them replaces the defaults) and one per TCP listener of the
 * Gateway, which the chart's defaults do not cover: without it a TCP listener's port is open on the
 * Gateway but on no load balancer (Envoy listens on the Gateway server's port, the target port).
 * IngressRouting keeps the listeners off the HTTP, HTTPS and Envoy's own ports.
 */
export function ingressServicePorts(tcp: readonly IngressTcpPort[], nodePorts?: PinnedNodePorts): Record<string, unknown>[] {
  const tcpPort = (name: string, port: number, nodePort?: number) => ({ name, port, protocol: 'TCP', targetPort: port, ...(nodePort === undefined ? {} : { nodePort }) });
  return [
    tcpPort('status-port', INGRESS_READINESS.port),
    tcpPort('http2', INGRESS_SERVER_PORTS.http, nodePorts?.http),
    tcpPort('https', INGRESS_SERVER_PORTS.https, nodePorts?.https),
    ...tcp.map((listener) => tcpPort(listener.name, listener.port)),
  ];
}
