import { DEFAULT_DENY_RULE, MTLS_OVERRIDE_RULE, STRICT_MTLS_RULE, isDefaultDeny } from '../../../../policies/k8s/cross-object/namespace-isolation';
import type { KubernetesObject } from '../../../../policies/k8s/manifest-object';

const workload = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: {} } as KubernetesObject;

function networkPolicy(spec: Record<string, unknown>): KubernetesObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec };
}

function peerAuthentication(name: string, spec: Record<string, unknown>): KubernetesObject {
  return { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name, namespace: 'shop' }, spec };
}

describe('isDefaultDeny', () => {
  it('accepts an empty pod selector with both policy types and no rules', () => {
    expect(isDefaultDeny(networkPolicy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }))).toBe(true);
    expect(isDefaultDeny(networkPolicy({ podSelector: { matchLabels: {} }, policyTypes: ['Egress', 'Ingress'], ingress: [], egress: [] }))).toBe(true);
  });

  it.each([
    ['a pod selector that picks some pods', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress', 'Egress'] }],
    ['only Ingress', { podSelector: {}, policyTypes: ['Ingress'] }],
    ['no policyTypes', { podSelector: {} }],
    ['an allow-all ingress rule', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}] }],
    ['an egress rule', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [] }] }],
  ])('rejects %s', (_, spec) => {
    expect(isDefaultDeny(networkPolicy(spec))).toBe(false);
  });
});

describe('namespace-default-deny', () => {
  it('checks only namespaces that run workloads', () => {
    expect(DEFAULT_DENY_RULE.check([networkPolicy({ podSelector: {} })])).toEqual([]);
  });

  it('passes and fails per namespace', () => {
    expect(DEFAULT_DENY_RULE.check([workload, networkPolicy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })])).toEqual([
      { subject: 'Namespace/shop', violations: [] },
    ]);
    expect(DEFAULT_DENY_RULE.check([workload])).toEqual([
      { subject: 'Namespace/shop', violations: ['Namespace/shop: no NetworkPolicy with empty spec.podSelector, spec.policyTypes [Ingress, Egress] and no rules'] },
    ]);
  });
});

describe('namespace-mtls-strict', () => {
  it('passes with a namespace-wide STRICT policy', () => {
    expect(STRICT_MTLS_RULE.check([workload, peerAuthentication('default', { mtls: { mode: 'STRICT' } })])[0]?.violations).toEqual([]);
  });

  it('does not count a STRICT policy that selects some workloads only', () => {
    const scoped = peerAuthentication('api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' } });
    expect(STRICT_MTLS_RULE.check([workload, scoped])[0]?.violations).toEqual([
      'Namespace/shop: no PeerAuthentication without spec.selector has spec.mtls.mode STRICT',
    ]);
  });
});

describe('mtls-no-plaintext-override', () => {
  it('passes STRICT and UNSET modes', () => {
    const inheriting = peerAuthentication('api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { '8080': { mode: 'STRICT' } } });
    expect(MTLS_OVERRIDE_RULE.check([peerAuthentication('default', { mtls: { mode: 'STRICT' } }), inheriting]).map((check) => check.violations)).toEqual([[], []]);
  });

  it('names the PeerAuthentication and the field for a workload or port override', () => {
    const override = peerAuthentication('metrics', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'DISABLE' }, portLevelMtls: { '9090': { mode: 'PERMISSIVE' } } });
    expect(MTLS_OVERRIDE_RULE.check([override])).toEqual([
      {
        subject: 'PeerAuthentication/shop/metrics',
        violations: ['PeerAuthentication/shop/metrics: spec.mtls.mode is DISABLE', 'PeerAuthentication/shop/metrics: spec.portLevelMtls[9090].mode is PERMISSIVE'],
      },
    ]);
  });
});
