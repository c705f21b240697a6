import { celString, type AdmissionRule } from '../admission-rule';

/** Only the ingress gateway may ask the cloud for a public load balancer. */
export function loadBalancerNamespaceRule(ingressNamespace: string): AdmissionRule {
  return {
    name: 'load-balancer-only-in-ingress-namespace',
    description: `Services of type LoadBalancer exist only in the ingress namespace (${ingressNamespace}).`,
    fix: `use type ClusterIP and route through the Istio ingress gateway in '${ingressNamespace}'`,
    resources: [{ apiGroups: [''], resources: ['services'] }],
    validations: [
      {
        expression:
          `!has(object.spec.type) || object.spec.type != 'LoadBalancer' || ` +
          `(has(object.metadata.namespace) && object.metadata.namespace == ${celString(ingressNamespace)})`,
        messageExpression:
          `'Service ' + (has(object.metadata.namespace) ? object.metadata.namespace : '') + '/' + object.metadata.name + ` +
          celString(` has spec.type LoadBalancer outside the ingress namespace '${ingressNamespace}'`),
      },
    ],
  };
}
