import type { ClientAddressSpec } from '../environments/types';

/**
 * How the client's address travels from the load balancer to the gateway, one hop at a time, and
 * the settings each hop needs (an environment's `clientAddress`). The synthesized gateway and the
 * Pulumi-installed ingress gateway both take their part from here, so the two cannot disagree.
 *
 * 1. Load balancer -> ingress gateway: the ingress Service's `externalTrafficPolicy: Local`.
 * 2. Ingress gateway: Envoy with `use_remote_address` (Istio 1.29.2, pilot/pkg/networking/core/
 *    gateway.go) takes the client `numTrustedProxies` X-Forwarded-For entries from the right, or the
 *    peer when 0, and appends the peer to X-Forwarded-For.
 * 3. The gateway's sidecar: its inbound listener leaves X-Forwarded-For alone (`use_remote_address`
 *    false, listener_inbound.go) and connects to the app from SIDECAR_INBOUND_SOURCE.
 * 4. The gateway trusts the sidecar and the proxies in front of the load balancer, and takes the
 *    rightmost X-Forwarded-For entry it does not trust (`UAG_TRUSTED_PROXIES`).
 */

/**
 * The address every request an injected sidecar hands to its app comes from: Istio's inbound
 * passthrough bind address on IPv4 (1.29.2 pilot/pkg/networking/core/listener_address.go; `::6`
 * on IPv6-only pods, which these IPv4 clusters do not run). Only the pod's own sidecar can connect
 * from it.
 */
export const SIDECAR_INBOUND_SOURCE = '127.0.0.6';

/**
 * The ingress gateway Service's `externalTrafficPolicy`. On EKS the AWS Load Balancer Controller's
 * NLB sends to the ingress gateway pods' own addresses (IP targets, client IP preservation on), so
 * no node port is in the path and the pods see the client. Where traffic does enter through a node
 * port (a local cluster's NodePort, or an NLB switched to instance targets), `Local` delivers it
 * without SNAT to an ingress gateway pod on that node, and nodes without one fail the load
 * balancer's health check (`healthCheckNodePort`); `Cluster` (the Kubernetes default) would forward
 * it to any node's pod with that node's address as the source.
 */
export const INGRESS_EXTERNAL_TRAFFIC_POLICY = 'Local';

/**
 * UAG_TRUSTED_PROXIES: the sidecar, and the proxies in front of the load balancer. The last of those
 * is the peer the ingress gateway appends to X-Forwarded-For, which the gateway must look past.
 */
export function gatewayTrustedProxies(clientAddress: ClientAddressSpec): string[] {
  return [SIDECAR_INBOUND_SOURCE, ...clientAddress.trustedProxyCidrs];
}

/** The ingress gateway pods' `proxy.istio.io/config` annotation: how many X-Forwarded-For hops Envoy trusts. */
export function ingressGatewayProxyConfig(clientAddress: ClientAddressSpec): { gatewayTopology: { numTrustedProxies: number } } {
  return { gatewayTopology: { numTrustedProxies: clientAddress.trustedProxyHops } };
}
