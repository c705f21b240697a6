import { join } from 'node:path';
import { buildAdmissionPolicies, type AdmissionPolicyPair } from '../../../policies/k8s/admission-policies';
import { evaluateAdmission, type AdmissionOutcome } from '../../../policies/k8s/admission-evaluator';
import type { KubernetesObject } from '../../../policies/k8s/manifest-object';
import { readManifestTree } from '../../../policies/k8s/manifest-tree';
import type { PolicyOptions } from '../../../policies/k8s/policy-options';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const COMPLIANT_TREE = join(FIXTURES, 'compliant');
export const VIOLATIONS_TREE = join(FIXTURES, 'violations');

/** An object of the compliant fixture tree, deep-copied so a test can break it. */
export function compliantObject(environment: string, reference: string): Record<string, any> {
  const found = readManifestTree(COMPLIANT_TREE).find(
    (manifest) => manifest.environment === environment && `${manifest.object.kind}/${manifest.object.metadata.namespace}/${manifest.object.metadata.name}` === reference,
  );
  if (found === undefined) throw new Error(`fixture ${environment}/${reference} not found`);
  return structuredClone(found.object) as Record<string, any>;
}

export function policyFor(rule: string, options: PolicyOptions = {}): AdmissionPolicyPair {
  const pair = buildAdmissionPolicies(options).find((candidate) => candidate.policy.metadata?.name === `uag-${rule}`);
  if (pair === undefined) throw new Error(`no policy for rule ${rule}`);
  return pair;
}

/** Evaluates one rule against one object in a namespace with no extra labels. */
export function admit(rule: string, object: Record<string, any>, options: PolicyOptions = {}): AdmissionOutcome {
  const namespace = (object.metadata?.namespace as string | undefined) ?? 'default';
  return evaluateAdmission(policyFor(rule, options), object as KubernetesObject, {
    namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
    namespaceObject: null,
  });
}

/** The violation messages, or a marker when the rule does not apply, so expectations read plainly. */
export function violationsOf(outcome: AdmissionOutcome): readonly string[] | 'not applicable' {
  return outcome.applies ? outcome.violations : 'not applicable';
}
