import { SIDECAR_INBOUND_SOURCE } from '../../infra/k8s/client-address';

/**
 * The hops a request takes from a client to the gateway container in the cluster, each modelled
 * from the pinned source that decides it, so a test can hand the real gateway exactly what it
 * would receive. Only the address and X-Forwarded-For are modelled: nothing else about the
 * request changes the client the gateway sees.
 */

/** A connection as the next hop receives it. */
export interface Arrival {
  /** The source address of the TCP connection. */
  readonly peer: string;
  /** X-Forwarded-For as received, `undefined` when absent. */
  readonly forwardedFor: string | undefined;
}

/** What the ingress gateway Service and its Envoy are configured with, as the Pulumi program installs them. */
export interface IngressSettings {
  /** The Service's `externalTrafficPolicy`; `undefined` is Kubernetes' default, `Cluster`. */
  readonly externalTrafficPolicy: string | undefined;
  /** Envoy's `xff_num_trusted_hops`, from the pods' `gatewayTopology.numTrustedProxies` (0 when unset). */
  readonly numTrustedProxies: number;
}

/** The address a node gives the packets kube-proxy forwards to a pod on another node (SNAT). */
export const NODE_ADDRESS = '10.30.7.21';

/**
 * The load balancer and kube-proxy: an NLB with instance targets keeps the client's address; with
 * `externalTrafficPolicy: Local` the node hands the connection to its own ingress gateway pod
 * unchanged; with `Cluster` kube-proxy may forward it to another node and masquerades it as the
 * node's address (Kubernetes, "Source IP for Services with Type=LoadBalancer").
 */
export function throughLoadBalancer(arrival: Arrival, settings: IngressSettings): Arrival {
  return settings.externalTrafficPolicy === 'Local' ? arrival : { ...arrival, peer: NODE_ADDRESS };
}

function entries(forwardedFor: string | undefined): string[] {
  return (forwardedFor ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}

/**
 * The ingress gateway's Envoy: Istio builds gateway listeners with `use_remote_address: true` and
 * `xff_num_trusted_hops` = numTrustedProxies (1.29.2 pilot/pkg/networking/core/gateway.go). Envoy
 * takes as the trusted client the Nth X-Forwarded-For entry from the right, or the peer when N is 0
 * or the header is shorter, then appends the peer (Envoy docs, "x-forwarded-for").
 */
export function throughIngressGateway(arrival: Arrival, settings: IngressSettings): { readonly trustedClient: string; readonly forwarded: Arrival } {
  const received = entries(arrival.forwardedFor);
  const n = settings.numTrustedProxies;
  const trustedClient = n > 0 && received.length >= n ? received[received.length - n]! : arrival.peer;
  return { trustedClient, forwarded: { peer: INGRESS_GATEWAY_POD, forwardedFor: [...received, arrival.peer].join(', ') } };
}

/** The ingress gateway pod's address, the peer of the gateway's sidecar. */
export const INGRESS_GATEWAY_POD = '10.30.12.4';

/**
 * The gateway pod's sidecar: its inbound listeners run with `use_remote_address: false`
 * (listener_inbound.go), so X-Forwarded-For passes unchanged, and it connects to the app from the
 * inbound passthrough address.
 */
export function throughSidecar(arrival: Arrival): Arrival {
  return { peer: SIDECAR_INBOUND_SOURCE, forwardedFor: arrival.forwardedFor };
}
