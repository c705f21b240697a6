import { Construct } from 'constructs';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { ADMIN_PATHS, DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT } from '../../../app/src/contract';
import { addObject } from '../api-object';
import type { GatewayWorkload } from '../gateway-workload';
import { INGRESS_GATEWAY_PRINCIPAL } from '../platform-names';

export interface GatewayAccessPoliciesProps {
  readonly workload: GatewayWorkload;
}

/**
 * The ports clients reach the gateway on: HTTP and every raw TCP listener, from the workload's own
 * listener list, the one its Services, NetworkPolicy, ingress Gateway and TCP VirtualService use.
 */
export function clientPorts(workload: GatewayWorkload): number[] {
  return [DEFAULT_HTTP_PORT, ...workload.tcpListeners.map((listener) => listener.port)];
}

/**
 * Mesh-level access to the gateway pods, on top of the namespace's deny-all: client traffic only
 * from the ingress gateway's identity, on the client ports, and the metrics path reachable in plain
 * text so Prometheus can scrape without mesh certificates.
 *
 * End-user authentication (JWT) is the gateway's, not the mesh's: the route table says which
 * routes need a token, and the gateway verifies it (issuer, audience, algorithms, roles, scopes)
 * with coded 401/403 answers. A mesh RequestAuthentication would only reject invalid tokens and let
 * token-less requests through, and pairing it with an AuthorizationPolicy would restate the route
 * table's matching (prefixes on segment boundaries after the gateway's own path normalisation,
 * hosts, methods) in Istio's terms, where any difference is a bypass or a wrong 401. The mesh
 * instead guarantees that nothing reaches the gateway pods except through the ingress gateway,
 * so nothing skips the gateway's checks.
 */
export class GatewayAccessPolicies extends Construct {
  constructor(scope: Construct, id: string, props: GatewayAccessPoliciesProps) {
    super(scope, id);
    const { workload } = props;
    const metadata = (name: string) => ({ name, namespace: workload.namespace, labels: { ...workload.labels } });
    const selector = { matchLabels: { ...workload.selector } };

    addObject(
      this,
      'allow-ingress-gateway',
      new AuthorizationPolicy({
        metadata: metadata(`${workload.name}-allow-ingress-gateway`),
        spec: {
          selector,
          action: 'ALLOW',
          rules: [{ from: [{ source: { principals: [INGRESS_GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: clientPorts(workload).map(String) } }] }],
        },
      }),
    );
    addObject(
      this,
      'allow-metrics',
      new AuthorizationPolicy({
        metadata: metadata(`${workload.name}-allow-metrics`),
        spec: {
          selector,
          action: 'ALLOW',
          rules: [{ to: [{ operation: { ports: [String(DEFAULT_ADMIN_PORT)], methods: ['GET'], paths: [ADMIN_PATHS.metrics] } }] }],
        },
      }),
    );
    // The namespace is STRICT; only the admin port accepts plain text, for the Prometheus scrape.
    // The NetworkPolicy limits who can reach that port.
    addObject(
      this,
      'admin-port-mtls',
      new PeerAuthentication({
        metadata: metadata(`${workload.name}-admin-port`),
        spec: { selector, mtls: { mode: 'STRICT' }, portLevelMtls: { [String(DEFAULT_ADMIN_PORT)]: { mode: 'PERMISSIVE' } } },
      }),
    );
  }
}
