// The one built-in kind not built with cdk8s-plus (infra/k8s/cdk8s-plus.ts): ValidatingAdmissionPolicy
// became GA (admissionregistration.k8s.io/v1) in Kubernetes 1.30, and cdk8s-plus-28 generates the
// 1.28 API, which has only v1alpha1 and v1beta1.
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { celString, type AdmissionRule, type NamedExpression } from './admission-rule';
import { isExpired, parseObjectReference, type PolicyException } from './exceptions';
import { resolvePolicyOptions, type PolicyOptions } from './policy-options';
import { admissionRules } from './rules';

/** Annotations that carry the rule's identity onto the cluster object, where CI reads them back. */
export const RULE_ANNOTATION = 'policies.uag.dev/rule';
export const FIX_ANNOTATION = 'policies.uag.dev/fix';
/** The matchCondition through which reviewed exceptions are honoured in the cluster and in CI. */
export const NOT_EXCEPTED_CONDITION = 'not-excepted';

const POLICY_PREFIX = 'uag-';

export interface AdmissionPolicyPair {
  readonly policy: ValidatingAdmissionPolicy;
  /** Deny, in every namespace that is neither unenforced nor audited. */
  readonly binding: ValidatingAdmissionPolicyBinding;
  /** Warn and Audit, in the audited namespaces; absent when there are none. */
  readonly auditBinding?: ValidatingAdmissionPolicyBinding;
}

/** Suffix of the Warn + Audit binding's name. */
export const AUDIT_BINDING_SUFFIX = '-audit';

/** The ValidatingAdmissionPolicy and bindings (Deny, and Warn + Audit where audited) of every single-object rule. */
export function buildAdmissionPolicies(options: PolicyOptions = {}): AdmissionPolicyPair[] {
  const resolved = resolvePolicyOptions(options);
  const activeExceptions = resolved.exceptions.filter((exception) => !isExpired(exception, resolved.asOf));
  return admissionRules(resolved.ingressNamespace).map((rule) => {
    const exceptions = activeExceptions.filter((exception) => exception.rule === rule.name);
    const audited = resolved.auditedNamespaces;
    return {
      policy: toPolicy(rule, exceptions),
      binding: toBinding(POLICY_PREFIX + rule.name, rule, ['Deny'], { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...resolved.unenforcedNamespaces, ...audited] }),
      ...(audited.length === 0
        ? {}
        : { auditBinding: toBinding(POLICY_PREFIX + rule.name + AUDIT_BINDING_SUFFIX, rule, ['Warn', 'Audit'], { key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...audited] }) }),
    };
  });
}

function toPolicy(rule: AdmissionRule, exceptions: readonly PolicyException[]): ValidatingAdmissionPolicy {
  const matchConditions = [...(rule.matchConditions ?? []), ...exceptionCondition(exceptions)];
  return new ValidatingAdmissionPolicy({
    metadata: {
      name: POLICY_PREFIX + rule.name,
      annotations: { [RULE_ANNOTATION]: rule.name, [FIX_ANNOTATION]: rule.fix, 'policies.uag.dev/description': rule.description },
    },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: rule.resources.map((selection) => ({
          apiGroups: [...selection.apiGroups],
          apiVersions: ['*'],
          resources: [...selection.resources],
          operations: ['CREATE', 'UPDATE'],
        })),
      },
      ...(matchConditions.length > 0 ? { matchConditions: matchConditions.map(copyExpression) } : {}),
      ...(rule.variables ? { variables: rule.variables.map(copyExpression) } : {}),
      validations: rule.validations.map((validation) => ({ ...validation, reason: 'Invalid' as const })),
    },
  });
}

/** The label the apiserver puts on every namespace, holding its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

interface NamespaceRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn';
  readonly values: string[];
}

function toBinding(name: string, rule: AdmissionRule, validationActions: ('Deny' | 'Warn' | 'Audit')[], namespaces: NamespaceRequirement): ValidatingAdmissionPolicyBinding {
  return new ValidatingAdmissionPolicyBinding({
    metadata: { name },
    spec: {
      policyName: POLICY_PREFIX + rule.name,
      validationActions,
      matchResources: { namespaceSelector: { matchExpressions: [{ ...namespaces }] } },
    },
  });
}

/**
 * Exceptions become a matchCondition rather than excludeResourceRules because resourceNames
 * cannot say which namespace: `Deployment/a/gateway` must not also waive `Deployment/b/gateway`.
 * Expired exceptions are left out, so the cluster stops honouring them at the next deploy.
 */
function exceptionCondition(exceptions: readonly PolicyException[]): NamedExpression[] {
  if (exceptions.length === 0) return [];
  const excepted = exceptions.map((exception) => {
    const { kind, namespace, name } = parseObjectReference(exception.object);
    return (
      `(object.kind == ${celString(kind)} && ` +
      `(has(object.metadata.namespace) ? object.metadata.namespace : '') == ${celString(namespace)} && ` +
      `(has(object.metadata.name) ? object.metadata.name : '') == ${celString(name)})`
    );
  });
  return [{ name: NOT_EXCEPTED_CONDITION, expression: `!(${excepted.join(' || ')})` }];
}

function copyExpression({ name, expression }: NamedExpression): NamedExpression {
  return { name, expression };
}
