import { isEmptySelector, type LabelSelector } from '../label-selector';
import { namespaceOf, objectReference, type KubernetesObject } from '../manifest-object';
import { fieldAt, isKind, type CrossObjectCheck, type CrossObjectRule } from './cross-object-rule';
import { isPodWorkload } from './workload-kinds';

/** Namespaces that run pods in this environment, sorted. */
function workloadNamespaces(objects: readonly KubernetesObject[]): string[] {
  const namespaces = new Set(objects.filter(isPodWorkload).map((object) => namespaceOf(object) ?? ''));
  return [...namespaces].sort();
}

function inNamespace(objects: readonly KubernetesObject[], namespace: string): KubernetesObject[] {
  return objects.filter((object) => namespaceOf(object) === namespace);
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * Default deny, precisely: a NetworkPolicy whose spec.podSelector is empty (every pod of the
 * namespace), whose spec.policyTypes lists both Ingress and Egress, and which has no ingress and no
 * egress rules. (`ingress: [{}]` is the opposite: it allows everything.) Other policies then open
 * exactly the traffic they name.
 */
export function isDefaultDeny(policy: KubernetesObject): boolean {
  const policyTypes = fieldAt(policy, ['spec', 'policyTypes']);
  return (
    isKind(policy, 'networking.k8s.io', 'NetworkPolicy') &&
    isEmptySelector(fieldAt(policy, ['spec', 'podSelector']) as LabelSelector | undefined) &&
    Array.isArray(policyTypes) &&
    policyTypes.includes('Ingress') &&
    policyTypes.includes('Egress') &&
    isEmptyList(fieldAt(policy, ['spec', 'ingress'])) &&
    isEmptyList(fieldAt(policy, ['spec', 'egress']))
  );
}

export const DEFAULT_DENY_RULE: CrossObjectRule = {
  name: 'namespace-default-deny',
  description: 'Every namespace that runs workloads has a default-deny NetworkPolicy for ingress and egress.',
  fix: 'add a NetworkPolicy with spec.podSelector: {}, spec.policyTypes: [Ingress, Egress] and no ingress or egress rules, then allow the needed traffic in separate policies',
  check(objects) {
    return workloadNamespaces(objects).map((namespace): CrossObjectCheck => {
      const subject = `Namespace/${namespace}`;
      const found = inNamespace(objects, namespace).some(isDefaultDeny);
      return {
        subject,
        violations: found
          ? []
          : [`${subject}: no NetworkPolicy with empty spec.podSelector, spec.policyTypes [Ingress, Egress] and no rules`],
      };
    });
  },
};

function isPeerAuthentication(object: KubernetesObject): boolean {
  return isKind(object, 'security.istio.io', 'PeerAuthentication');
}

/** Modes that let plaintext in; PeerAuthentication's mode UNSET inherits, which the namespace policy makes STRICT. */
const WEAK_MODES = ['PERMISSIVE', 'DISABLE'];

export const STRICT_MTLS_RULE: CrossObjectRule = {
  name: 'namespace-mtls-strict',
  description: 'Every namespace that runs workloads has a namespace-wide Istio PeerAuthentication with mTLS STRICT, and nothing in it weakens that.',
  fix: 'add a PeerAuthentication without spec.selector and with spec.mtls.mode: STRICT to the namespace; remove PERMISSIVE or DISABLE overrides',
  check(objects) {
    return workloadNamespaces(objects).map((namespace): CrossObjectCheck => {
      const subject = `Namespace/${namespace}`;
      const policies = inNamespace(objects, namespace).filter(isPeerAuthentication);
      const namespaceWide = policies.filter((policy) => {
        const selector = fieldAt(policy, ['spec', 'selector']) as LabelSelector | undefined;
        return selector === undefined || isEmptySelector(selector);
      });
      const violations: string[] = [];
      if (!namespaceWide.some((policy) => fieldAt(policy, ['spec', 'mtls', 'mode']) === 'STRICT')) {
        violations.push(`${subject}: no PeerAuthentication without spec.selector has spec.mtls.mode STRICT`);
      }
      for (const policy of policies) {
        const mode = fieldAt(policy, ['spec', 'mtls', 'mode']);
        const portModes = Object.values((fieldAt(policy, ['spec', 'portLevelMtls']) ?? {}) as Record<string, { mode?: string }>).map((port) => port.mode);
        if ([mode, ...portModes].some((value) => typeof value === 'string' && WEAK_MODES.includes(value))) {
          violations.push(`${subject}: ${objectReference(policy)} sets spec.mtls.mode or spec.portLevelMtls to PERMISSIVE or DISABLE`);
        }
      }
      return { subject, violations };
    });
  },
};
