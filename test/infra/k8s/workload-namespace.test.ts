import { WorkloadNamespace } from '../../../infra/k8s/workload-namespace';
import { find, synth } from '../fixtures';

describe('WorkloadNamespace', () => {
  const objects = synth((chart) => new WorkloadNamespace(chart, 'ns', { name: 'shop' }));

  it('enforces Pod Security restricted and enables sidecar injection', () => {
    expect(find(objects, 'Namespace', 'shop').metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'uag-platform',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'istio-injection': 'enabled',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  it('denies all traffic by default at both layers and requires mTLS', () => {
    expect(find(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Egress', 'Ingress'] });
    expect(find(objects, 'AuthorizationPolicy', 'default-deny').spec).toEqual({});
    const peerAuthentication = find(objects, 'PeerAuthentication', 'default');
    expect([peerAuthentication.metadata.namespace, peerAuthentication.spec]).toEqual(['shop', { mtls: { mode: 'STRICT' } }]);
  });
});
