import { evaluateCel, toCelData, type CelBindings } from './cel-expression';
import { NOT_EXCEPTED_CONDITION, type AdmissionPolicyPair } from './admission-policies';
import { selectorMatches } from './label-selector';
import { isClusterScoped, nameOf, namespaceOf, type KubernetesObject } from './manifest-object';
import { matchesResources, resourceIdentity } from './resource-match';

/** What a policy decides for one object, as the apiserver would on its CREATE. */
export type AdmissionOutcome =
  | { readonly applies: false }
  | {
      readonly applies: true;
      readonly violations: readonly string[];
      readonly excepted: boolean;
      /** The object's namespace is bound by the Warn + Audit binding: violations are admitted with a warning. */
      readonly audited: boolean;
    };

export interface AdmissionContext {
  /** Labels of the object's namespace, as the binding's namespaceSelector sees them. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The Namespace object, when the tree holds it (bound as `namespaceObject`). */
  readonly namespaceObject: KubernetesObject | null;
}

/**
 * Runs a policy's matchConstraints, binding selector, matchConditions, variables and validations
 * against `object`. A failed exception condition does not stop evaluation: CI still reports what
 * the exception hides, and whether it hides anything at all.
 */
export function evaluateAdmission(pair: AdmissionPolicyPair, object: KubernetesObject, context: AdmissionContext): AdmissionOutcome {
  const spec = pair.policy.spec ?? {};
  const identity = resourceIdentity(object);
  if (!matchesResources(spec.matchConstraints, identity)) return { applies: false };
  const binds = (binding: AdmissionPolicyPair['binding'] | undefined): boolean => {
    if (binding === undefined) return false;
    const namespaceSelector = binding.spec?.matchResources?.namespaceSelector;
    return !namespaceSelector || isClusterScoped(object.kind) || selectorMatches(namespaceSelector, context.namespaceLabels);
  };
  const denied = binds(pair.binding);
  if (!denied && !binds(pair.auditBinding)) return { applies: false };
  const audited = !denied;

  const bindings = admissionBindings(object, identity, context);
  let excepted = false;
  for (const condition of spec.matchConditions ?? []) {
    const outcome = evaluateCel(condition.expression, bindings);
    if (!outcome.ok) return { applies: true, excepted, audited, violations: [`matchCondition '${condition.name}' failed: ${outcome.error}`] };
    if (outcome.value === true) continue;
    if (condition.name !== NOT_EXCEPTED_CONDITION) return { applies: false };
    excepted = true;
  }

  const variables: Record<string, unknown> = {};
  const scoped: CelBindings = { ...bindings, variables };
  for (const variable of spec.variables ?? []) {
    const outcome = evaluateCel(variable.expression, scoped);
    if (!outcome.ok) return { applies: true, excepted, audited, violations: [`variable '${variable.name}' failed: ${outcome.error}`] };
    variables[variable.name] = outcome.value;
  }

  const violations: string[] = [];
  for (const validation of spec.validations ?? []) {
    const outcome = evaluateCel(validation.expression, scoped);
    if (!outcome.ok) {
      violations.push(`expression '${validation.expression}' failed: ${outcome.error}`);
    } else if (outcome.value !== true) {
      violations.push(validationMessage(validation, scoped));
    }
  }
  return { applies: true, excepted, audited, violations };
}

/** Like the apiserver: messageExpression if it yields a string, else message, else the expression. */
function validationMessage(validation: { expression: string; message?: string; messageExpression?: string }, bindings: CelBindings): string {
  if (validation.messageExpression !== undefined) {
    const outcome = evaluateCel(validation.messageExpression, bindings);
    if (outcome.ok && typeof outcome.value === 'string' && outcome.value.trim() !== '') return outcome.value;
  }
  return validation.message ?? `failed expression: ${validation.expression}`;
}

/** The variables the apiserver binds for a CREATE without params: `oldObject` and `params` are null. */
function admissionBindings(object: KubernetesObject, identity: ReturnType<typeof resourceIdentity>, context: AdmissionContext): CelBindings {
  const namespace = namespaceOf(object);
  const admitted = namespace === undefined ? object : { ...object, metadata: { ...object.metadata, namespace } };
  return {
    object: toCelData(admitted),
    oldObject: null,
    params: null,
    namespaceObject: context.namespaceObject === null ? null : toCelData(context.namespaceObject),
    request: toCelData({
      operation: 'CREATE',
      dryRun: false,
      name: nameOf(object),
      namespace: namespace ?? '',
      kind: { group: identity.group, version: identity.version, kind: object.kind },
      resource: { group: identity.group, version: identity.version, resource: identity.resource },
      userInfo: { username: 'policy-ci' },
    }),
  };
}
