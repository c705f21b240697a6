import { Chart, Testing } from 'cdk8s';
import { PolicyBundle } from '../../../policies/k8s/policy-bundle';

describe('PolicyBundle', () => {
  it('adds every policy and its binding to the chart', () => {
    const chart = new Chart(Testing.app(), 'policies');
    const bundle = new PolicyBundle(chart, 'guardrails', { ingressNamespace: 'istio-ingress' });
    const manifests = Testing.synth(chart);

    expect(manifests).toHaveLength(bundle.policyNames.length * 2);
    expect(manifests.filter((manifest) => manifest.kind === 'ValidatingAdmissionPolicy').map((manifest) => manifest.metadata.name)).toEqual(bundle.policyNames);
    expect(manifests.filter((manifest) => manifest.kind === 'ValidatingAdmissionPolicyBinding').map((manifest) => manifest.spec.policyName)).toEqual(bundle.policyNames);
  });

  it('keeps stable names without cdk8s hash suffixes', () => {
    const chart = new Chart(Testing.app(), 'policies');
    new PolicyBundle(chart, 'guardrails');
    expect(Testing.synth(chart).map((manifest) => manifest.metadata.name)).toContain('uag-run-as-non-root');
  });

  it('labels every object when asked, e.g. with the platform labels', () => {
    const chart = new Chart(Testing.app(), 'policies');
    new PolicyBundle(chart, 'guardrails', { labels: { 'app.kubernetes.io/part-of': 'uag-platform' } });
    expect(Testing.synth(chart).every((manifest) => manifest.metadata.labels['app.kubernetes.io/part-of'] === 'uag-platform')).toBe(true);
  });

  it('passes its options through, e.g. the ingress namespace', () => {
    const chart = new Chart(Testing.app(), 'policies');
    new PolicyBundle(chart, 'guardrails', { ingressNamespace: 'istio-ingress' });
    const policy = Testing.synth(chart).find((manifest) => manifest.metadata.name === 'uag-load-balancer-only-in-ingress-namespace');
    expect(policy?.spec.validations[0].expression).toContain("object.metadata.namespace == 'istio-ingress'");
  });
});
