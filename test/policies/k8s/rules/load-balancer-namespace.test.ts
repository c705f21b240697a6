import { admit, violationsOf } from '../policy-fixtures';

function service(namespace: string | undefined, type: string | undefined): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'edge', ...(namespace === undefined ? {} : { namespace }) },
    spec: { ...(type === undefined ? {} : { type }), ports: [{ port: 443 }] },
  };
}

describe('load-balancer-only-in-ingress-namespace', () => {
  it('allows LoadBalancer in the ingress namespace, istio-system by default', () => {
    expect(violationsOf(admit('load-balancer-only-in-ingress-namespace', service('istio-system', 'LoadBalancer')))).toEqual([]);
  });

  it('allows other Service types anywhere', () => {
    expect(violationsOf(admit('load-balancer-only-in-ingress-namespace', service('gateway', 'ClusterIP')))).toEqual([]);
    expect(violationsOf(admit('load-balancer-only-in-ingress-namespace', service('gateway', undefined)))).toEqual([]);
  });

  it('rejects LoadBalancer elsewhere, naming the field and the allowed namespace', () => {
    expect(violationsOf(admit('load-balancer-only-in-ingress-namespace', service('gateway', 'LoadBalancer')))).toEqual([
      "Service gateway/edge has spec.type LoadBalancer outside the ingress namespace 'istio-system'",
    ]);
  });

  it('follows the configured ingress namespace', () => {
    const options = { ingressNamespace: 'istio-ingress' };
    expect(violationsOf(admit('load-balancer-only-in-ingress-namespace', service('istio-ingress', 'LoadBalancer'), options))).toEqual([]);
    expect(violationsOf(admit('load-balancer-only-in-ingress-namespace', service('istio-system', 'LoadBalancer'), options))).toHaveLength(1);
  });
});
