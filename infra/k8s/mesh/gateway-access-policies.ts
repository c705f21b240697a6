import { Construct } from 'constructs';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { RequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { ADMIN_PATHS, DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT } from '../../../app/src/contract';
import type { JwtSpec } from '../../environments/types';
import { addObject } from '../api-object';
import type { GatewayWorkload } from '../gateway-workload';
import { INGRESS_GATEWAY_PRINCIPAL } from '../platform-names';

export interface GatewayAccessPoliciesProps {
  readonly workload: GatewayWorkload;
  readonly jwt: JwtSpec;
}

/**
 * Mesh-level access to the gateway pods, on top of the namespace's deny-all: client traffic only
 * from the ingress gateway's identity, tokens checked against the issuer, and the metrics path
 * reachable in plain text so Prometheus can scrape without mesh certificates.
 */
export class GatewayAccessPolicies extends Construct {
  constructor(scope: Construct, id: string, props: GatewayAccessPoliciesProps) {
    super(scope, id);
    const { workload, jwt } = props;
    const metadata = (name: string) => ({ name, namespace: workload.namespace, labels: { ...workload.labels } });
    const selector = { matchLabels: { ...workload.selector } };

    addObject(
      this,
      'jwt',
      new RequestAuthentication({
        metadata: metadata(`${workload.name}-jwt`),
        spec: {
          selector,
          jwtRules: [{ issuer: jwt.issuer, jwksUri: jwt.jwksUri, audiences: [...jwt.audiences], forwardOriginalToken: true }],
        },
      }),
    );
    addObject(
      this,
      'allow-ingress-gateway',
      new AuthorizationPolicy({
        metadata: metadata(`${workload.name}-allow-ingress-gateway`),
        spec: {
          selector,
          action: 'ALLOW',
          rules: [{ from: [{ source: { principals: [INGRESS_GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: [String(DEFAULT_HTTP_PORT)] } }] }],
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
