import { buildAdmissionPolicies, FIX_ANNOTATION, RULE_ANNOTATION, type AdmissionPolicyPair } from './admission-policies';
import { evaluateAdmission, type AdmissionContext } from './admission-evaluator';
import { CROSS_OBJECT_RULES } from './cross-object';
import { assertKnownRules, isExpired, type PolicyException } from './exceptions';
import { namespaceOf, objectReference, type KubernetesObject, type ManifestObject } from './manifest-object';
import { readManifestTree } from './manifest-tree';
import { resolvePolicyOptions, type PolicyOptions } from './policy-options';
import type { PolicyReport, PolicyResult } from './policy-report';

/** Every rule name, admission and CI-only, for validating exceptions and for documentation. */
export function allRuleNames(options: PolicyOptions = {}): string[] {
  return [...buildAdmissionPolicies(options).map((pair) => ruleOf(pair)), ...CROSS_OBJECT_RULES.map((rule) => rule.name)];
}

/**
 * Evaluates every rule over the manifests under `root` (one environment per first-level folder).
 * This is what `npm run policy` and `npm run synth` call; it throws only on unreadable input.
 */
export function evaluateManifestTree(root: string, options: PolicyOptions = {}): PolicyReport {
  const objects = readManifestTree(root);
  if (objects.length === 0) throw new Error(`no Kubernetes objects found under '${root}': nothing to check is treated as an error`);
  return evaluateManifests(objects, options);
}

export function evaluateManifests(manifests: readonly ManifestObject[], options: PolicyOptions = {}): PolicyReport {
  const resolved = resolvePolicyOptions(options);
  const pairs = buildAdmissionPolicies(resolved);
  assertKnownRules(resolved.exceptions, [...pairs.map(ruleOf), ...CROSS_OBJECT_RULES.map((rule) => rule.name)]);
  const active = resolved.exceptions.filter((exception) => !isExpired(exception, resolved.asOf));
  const ledger = new ExceptionLedger(active);

  const results: PolicyResult[] = [];
  for (const [environment, objects] of groupByEnvironment(manifests)) {
    const namespaces = namespaceIndex(objects);
    for (const object of objects) {
      const context = contextFor(object, namespaces);
      for (const pair of pairs) {
        const outcome = evaluateAdmission(pair, object, context);
        if (!outcome.applies) continue;
        const key = { environment, object: objectReference(object), rule: ruleOf(pair), fix: fixOf(pair) };
        // The binding's own exception condition decides, exactly as the apiserver would.
        const result = ledger.judge(key, outcome.violations, outcome.excepted);
        results.push(outcome.audited && result.verdict === 'fail' ? { ...result, verdict: 'warn' } : result);
      }
    }
    for (const rule of CROSS_OBJECT_RULES) {
      for (const check of rule.check(objects)) {
        results.push(ledger.judge({ environment, object: check.subject, rule: rule.name, fix: rule.fix }, check.violations));
      }
    }
  }
  results.sort(compareResults);
  results.push(...resolved.exceptions.filter((exception) => isExpired(exception, resolved.asOf)).map(expiredResult));
  results.push(...ledger.unused().map(unusedResult));
  return { results, objectCount: manifests.length, failed: results.some((result) => result.verdict === 'fail') };
}

type ResultKey = Pick<PolicyResult, 'environment' | 'object' | 'rule' | 'fix'>;

/** Applies active exceptions and remembers which ones hid a violation. */
class ExceptionLedger {
  private readonly used = new Set<PolicyException>();

  constructor(private readonly active: readonly PolicyException[]) {}

  /** `exceptedInCluster`: what the admission binding's exception condition said, for admission rules. */
  judge(key: ResultKey, violations: readonly string[], exceptedInCluster?: boolean): PolicyResult {
    if (violations.length === 0) return { ...key, verdict: 'pass', message: '' };
    const message = violations.join('; ');
    const exception = this.active.find((candidate) => candidate.rule === key.rule && candidate.object === key.object);
    if (exception === undefined || exceptedInCluster === false) return { ...key, verdict: 'fail', message };
    this.used.add(exception);
    return { ...key, verdict: 'excepted', message: `${exception.reason} (until ${exception.expiry}); hides: ${message}` };
  }

  unused(): PolicyException[] {
    return this.active.filter((exception) => !this.used.has(exception));
  }
}

/** A finding about an entry of the exceptions file rather than about a manifest. */
function exceptionResult(exception: PolicyException, verdict: 'fail' | 'unused', message: string, fix: string): PolicyResult {
  return { environment: '*', object: exception.object, rule: exception.rule, verdict, message, fix };
}

function expiredResult(exception: PolicyException): PolicyResult {
  return exceptionResult(
    exception,
    'fail',
    `exception expired on ${exception.expiry} (${exception.reason}); it is no longer applied`,
    'make the object comply and delete the entry from policies/exceptions.yaml, or renew it with a new review and expiry',
  );
}

function unusedResult(exception: PolicyException): PolicyResult {
  return exceptionResult(exception, 'unused', 'exception hides no violation in any environment', 'delete the entry from policies/exceptions.yaml');
}

function groupByEnvironment(manifests: readonly ManifestObject[]): Map<string, KubernetesObject[]> {
  const groups = new Map<string, KubernetesObject[]>();
  for (const manifest of manifests) {
    const group = groups.get(manifest.environment) ?? [];
    group.push(manifest.object);
    groups.set(manifest.environment, group);
  }
  return groups;
}

function namespaceIndex(objects: readonly KubernetesObject[]): Map<string, KubernetesObject> {
  return new Map(objects.filter((object) => object.kind === 'Namespace' && object.apiVersion === 'v1').map((object) => [object.metadata.name ?? '', object]));
}

/** Namespace labels as the apiserver has them: the synthesized ones plus the automatic name label. */
function contextFor(object: KubernetesObject, namespaces: ReadonlyMap<string, KubernetesObject>): AdmissionContext {
  const namespace = namespaceOf(object) ?? '';
  const namespaceObject = namespaces.get(namespace) ?? null;
  return {
    namespaceObject,
    namespaceLabels: { ...(namespaceObject?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': namespace },
  };
}

function ruleOf(pair: AdmissionPolicyPair): string {
  return pair.policy.metadata?.annotations?.[RULE_ANNOTATION] ?? '';
}

function fixOf(pair: AdmissionPolicyPair): string {
  return pair.policy.metadata?.annotations?.[FIX_ANNOTATION] ?? '';
}

function compareResults(a: PolicyResult, b: PolicyResult): number {
  return a.environment.localeCompare(b.environment) || a.object.localeCompare(b.object) || a.rule.localeCompare(b.rule);
}
