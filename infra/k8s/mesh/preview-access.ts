import { Construct } from 'constructs';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { addObject } from '../api-object';
import type { Labels } from '../labels';
import { INGRESS_GATEWAY_POD_LABELS, NAMESPACES } from '../platform-names';
import { INGRESS_SERVER_PORTS } from './ingress-routing';

export interface PreviewAccessProps {
  readonly labels: Labels;
  /** Header whose value `true` sends a request to the new version (IngressRouting's preview routes). */
  readonly previewHeaderName: string;
  /** Client networks allowed to send it; `[]` refuses it from everyone. */
  readonly testerCidrs: readonly string[];
  /** Name of the policy, unique in the ingress gateway's namespace. */
  readonly name: string;
}

/**
 * Who may choose the new version by header: a DENY AuthorizationPolicy on the Istio ingress
 * gateway refusing (403) any request that carries the preview header from an address outside the
 * tester networks, before the VirtualService routes it. The preview route matches the header
 * itself and a VirtualService cannot match a client address, so refusing is done here.
 *
 * `remoteIpBlocks` is the client's address as the ingress gateway determines it (from the
 * connection, the PROXY protocol or the trusted `X-Forwarded-For` hops; istio/api
 * security/v1beta1/authorization_policy.proto at 1.29.2). Where the load balancer does not preserve
 * it, every client looks like a node address and testers are refused too: the policy fails closed.
 * The rule is scoped to the HTTP server ports: for a DENY rule Istio treats attributes a TCP
 * connection lacks (headers) as matched, which would refuse every raw TCP listener.
 */
export class PreviewAccess extends Construct {
  constructor(scope: Construct, id: string, props: PreviewAccessProps) {
    super(scope, id);
    const testers = props.testerCidrs.length === 0 ? {} : { from: [{ source: { notRemoteIpBlocks: [...props.testerCidrs] } }] };
    addObject(
      this,
      'policy',
      new AuthorizationPolicy({
        metadata: { name: props.name, namespace: NAMESPACES.istio, labels: { ...props.labels } },
        spec: {
          selector: { matchLabels: { ...INGRESS_GATEWAY_POD_LABELS } },
          action: 'DENY',
          rules: [
            {
              ...testers,
              to: [{ operation: { ports: [INGRESS_SERVER_PORTS.http, INGRESS_SERVER_PORTS.https].map(String) } }],
              when: [{ key: `request.headers[${props.previewHeaderName}]`, values: ['*'] }],
            },
          ],
        },
      }),
    );
  }
}
