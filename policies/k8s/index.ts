export { buildAdmissionPolicies, FIX_ANNOTATION, NOT_EXCEPTED_CONDITION, RULE_ANNOTATION, type AdmissionPolicyPair } from './admission-policies';
export { allRuleNames, evaluateManifests, evaluateManifestTree } from './evaluate-manifests';
export { DEFAULT_EXCEPTIONS_FILE, loadExceptions, type PolicyException } from './exceptions';
export { PolicyBundle, type PolicyBundleProps } from './policy-bundle';
export { DEFAULT_INGRESS_NAMESPACE, DEFAULT_UNENFORCED_NAMESPACES, type PolicyOptions } from './policy-options';
export type { PolicyReport, PolicyResult, Verdict } from './policy-report';
export { formatReport, summaryLine } from './report-table';
export { assertPoliciesHold, PolicyViolationError, repositoryPolicyOptions } from './policy-gate';
