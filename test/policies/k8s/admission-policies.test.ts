import { parse } from '@bufbuild/cel';
import { buildAdmissionPolicies, FIX_ANNOTATION, NOT_EXCEPTED_CONDITION, RULE_ANNOTATION } from '../../../policies/k8s/admission-policies';
import type { PolicyException } from '../../../policies/k8s/exceptions';
import { admit, compliantObject, policyFor } from './policy-fixtures';

const AS_OF = new Date('2026-06-01T00:00:00Z');

const EXCEPTION: PolicyException = {
  object: 'Deployment/gateway/gateway',
  rule: 'read-only-root-filesystem',
  reason: 'writes its cache to /var/cache until UAG-77 lands',
  expiry: '2026-06-30',
};

describe('buildAdmissionPolicies', () => {
  const pairs = buildAdmissionPolicies({ asOf: AS_OF });

  it('pairs each policy with a Deny binding of the same name', () => {
    for (const { policy, binding } of pairs) {
      expect(binding.spec).toMatchObject({ policyName: policy.metadata?.name, validationActions: ['Deny'] });
      expect(binding.metadata?.name).toBe(policy.metadata?.name);
    }
  });

  it('produces objects that validate against the Kubernetes schema', () => {
    for (const { policy, binding } of pairs) {
      expect(() => policy.validate()).not.toThrow();
      expect(() => binding.validate()).not.toThrow();
    }
  });

  it('writes every expression in CEL the evaluator parses, including messages no fixture triggers', () => {
    const expressions = buildAdmissionPolicies({ asOf: AS_OF, exceptions: [EXCEPTION] }).flatMap(({ policy }) => [
      ...(policy.spec?.matchConditions ?? []).map((condition) => condition.expression),
      ...(policy.spec?.variables ?? []).map((variable) => variable.expression),
      ...(policy.spec?.validations ?? []).flatMap((validation) => [validation.expression, validation.messageExpression ?? '']),
    ]);
    expect(expressions.filter((expression) => expression === '')).toEqual([]);
    for (const expression of expressions) expect(() => parse(expression)).not.toThrow();
  });

  it('fails closed, matches create and update only, and carries the rule and fix for CI', () => {
    const { policy } = policyFor('run-as-non-root');
    expect(policy.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(policy.spec?.failurePolicy).toBe('Fail');
    expect(policy.spec?.matchConstraints?.resourceRules?.map((rule) => [rule.apiGroups, rule.resources, rule.operations])).toEqual([
      [[''], ['pods', 'pods/ephemeralcontainers'], ['CREATE', 'UPDATE']],
      [['apps'], ['deployments', 'statefulsets', 'daemonsets'], ['CREATE', 'UPDATE']],
      [['batch'], ['jobs', 'cronjobs'], ['CREATE', 'UPDATE']],
      [['argoproj.io'], ['rollouts'], ['CREATE', 'UPDATE']],
    ]);
    expect(policy.metadata?.annotations).toMatchObject({
      [RULE_ANNOTATION]: 'run-as-non-root',
      [FIX_ANNOTATION]: 'set securityContext.runAsNonRoot: true on the pod or on each container (and a non-zero runAsUser)',
    });
  });

  it('leaves the control plane namespaces to their owners by default', () => {
    expect(pairs[0]?.binding.spec?.matchResources?.namespaceSelector).toEqual({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease'] }],
    });
  });

  it('skips objects in unenforced namespaces, as the binding does in the cluster', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { hostNetwork: true, containers: [] } };
    expect(admit('no-host-namespaces', pod)).toEqual({ applies: false });
  });
});

describe('audited namespaces', () => {
  const pairs = buildAdmissionPolicies({ asOf: AS_OF, auditedNamespaces: ['istio-system'] });
  const insecure = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-1', namespace: 'istio-system' }, spec: { hostNetwork: true, containers: [] } };

  it('get a Warn + Audit binding of their own and are left out of the Deny binding', () => {
    for (const { policy, binding, auditBinding } of pairs) {
      expect(binding.spec?.matchResources?.namespaceSelector?.matchExpressions).toEqual([
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease', 'istio-system'] },
      ]);
      expect(auditBinding?.metadata?.name).toBe(`${policy.metadata?.name}-audit`);
      expect(auditBinding?.spec).toEqual({
        policyName: policy.metadata?.name,
        validationActions: ['Warn', 'Audit'],
        matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['istio-system'] }] } },
      });
      expect(() => auditBinding?.validate()).not.toThrow();
    }
  });

  it('report violations as audited, which the cluster admits with a warning', () => {
    const outcome = admit('no-host-namespaces', insecure, { auditedNamespaces: ['istio-system'] });
    expect(outcome).toMatchObject({ applies: true, audited: true, violations: ['Pod istio-system/istiod-1: spec.hostNetwork is true'] });
    expect(admit('no-host-namespaces', insecure)).toMatchObject({ applies: true, audited: false });
  });

  it('are absent by default, leaving one Deny binding per policy', () => {
    expect(buildAdmissionPolicies({ asOf: AS_OF }).every((pair) => pair.auditBinding === undefined)).toBe(true);
  });
});

describe('exceptions in the cluster', () => {
  const broken = compliantObject('dev', 'Deployment/gateway/gateway');
  broken.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;

  it('become a matchCondition on the waived rule only', () => {
    const pairs = buildAdmissionPolicies({ asOf: AS_OF, exceptions: [EXCEPTION] });
    const conditions = pairs.map((pair): [string | undefined, string[]] => [
      pair.policy.metadata?.name,
      pair.policy.spec?.matchConditions?.map((condition) => condition.name) ?? [],
    ]);
    expect(conditions.filter(([, names]) => names.includes(NOT_EXCEPTED_CONDITION))).toEqual([
      ['uag-read-only-root-filesystem', ['has-pod-template', NOT_EXCEPTED_CONDITION]],
    ]);
  });

  it('exclude exactly the named object: same name in another namespace is still checked', () => {
    const options = { asOf: AS_OF, exceptions: [EXCEPTION] };
    expect(admit('read-only-root-filesystem', broken, options)).toMatchObject({ applies: true, excepted: true });
    const elsewhere = structuredClone(broken);
    elsewhere.metadata.namespace = 'payments';
    expect(admit('read-only-root-filesystem', elsewhere, options)).toMatchObject({ applies: true, excepted: false });
  });

  it('are dropped once expired, so the next deploy enforces the rule again', () => {
    const pairs = buildAdmissionPolicies({ asOf: new Date('2026-07-01T00:00:00Z'), exceptions: [EXCEPTION] });
    expect(pairs.flatMap((pair) => pair.policy.spec?.matchConditions ?? []).map((condition) => condition.name)).not.toContain(NOT_EXCEPTED_CONDITION);
  });
});
