// admissionregistration.k8s.io/v1 types, as for the policies themselves (see admission-policies.ts).
import type { IMatchResources } from 'kubernetes-models/admissionregistration.k8s.io/v1/MatchResources';
import type { INamedRuleWithOperations } from 'kubernetes-models/admissionregistration.k8s.io/v1/NamedRuleWithOperations';
import type { KubernetesObject } from './manifest-object';

/** Group, version and REST resource of an object, as the apiserver would route its CREATE. */
export interface ResourceIdentity {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/**
 * The apiserver learns plural resource names from discovery; offline, the regular English plural
 * of the lower-cased kind gives the same answer for every built-in and CRD kind the rules select.
 */
export function resourceIdentity(object: KubernetesObject): ResourceIdentity {
  const slash = object.apiVersion.indexOf('/');
  const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
  const version = object.apiVersion.slice(slash + 1);
  return { group, version, resource: pluralResource(object.kind) };
}

function pluralResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Whether a CREATE of `identity` falls under the match constraints (resourceRules minus excludeResourceRules). */
export function matchesResources(constraints: IMatchResources | undefined, identity: ResourceIdentity): boolean {
  const included = (constraints?.resourceRules ?? []).some((rule) => ruleMatches(rule, identity));
  const excluded = (constraints?.excludeResourceRules ?? []).some((rule) => ruleMatches(rule, identity));
  return included && !excluded;
}

function ruleMatches(rule: INamedRuleWithOperations, identity: ResourceIdentity): boolean {
  const matches = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).some((entry) => entry === '*' || entry === value);
  return (
    matches(rule.operations, 'CREATE') &&
    matches(rule.apiGroups, identity.group) &&
    matches(rule.apiVersions, identity.version) &&
    matches(rule.resources, identity.resource)
  );
}
