import { allowTraffic, type AllowTrafficProps } from '../../../infra/k8s/network-traffic';
import { find, synth, type SynthObject } from '../fixtures';

function policy(rules: Pick<AllowTrafficProps, 'ingress' | 'egress'>): SynthObject {
  const objects = synth((chart) => {
    allowTraffic(chart, 'p', { namespace: 'shop', name: 'shop-allow', podSelector: { app: 'shop' }, ...rules });
  });
  return find(objects, 'NetworkPolicy');
}

describe('allowTraffic', () => {
  it('opens each peer of a rule on the rule’s ports, one cdk8s-plus rule per peer', () => {
    const { metadata, spec } = policy({
      ingress: [{ peers: [{ namespace: 'shop', pods: { app: 'web' } }, { namespace: 'ops' }], ports: [{ port: 8080 }, { port: 53, protocol: 'UDP' }] }],
    });
    const ports = [{ port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }];
    expect(metadata.namespace).toBe('shop');
    expect(spec).toEqual({
      podSelector: { matchLabels: { app: 'shop' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'web' } } }], ports },
        // All pods of the namespace: an empty pod selector, as Kubernetes reads a missing one.
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } }, podSelector: {} }], ports },
      ],
    });
  });

  it('takes IPv4 and IPv6 ranges', () => {
    expect(policy({ egress: [{ peers: [{ cidr: '10.0.0.0/8' }, { cidr: 'fd00::/8' }], ports: [{ port: 443 }] }] }).spec.egress.map((r: { to: unknown[] }) => r.to)).toEqual([
      [{ ipBlock: { cidr: '10.0.0.0/8' } }],
      [{ ipBlock: { cidr: 'fd00::/8' } }],
    ]);
  });

  it('states a direction given an empty list, so the pods get none of that traffic', () => {
    expect(policy({ ingress: [], egress: [{ peers: [{ namespace: 'kube-system' }], ports: [{ port: 53, protocol: 'UDP' }] }] }).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy({ ingress: [] }).spec).toEqual({ podSelector: { matchLabels: { app: 'shop' } }, policyTypes: ['Ingress'] });
  });
});
