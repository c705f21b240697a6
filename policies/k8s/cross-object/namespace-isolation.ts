import { isEmptySelector, type LabelSelector } from '../label-selector';
import { namespaceOf, objectReference, type KubernetesObject } from '../manifest-object';
import { fieldAt, isKind, type CrossObjectCheck, type CrossObjectRule } from './cross-object-rule';
import { isPodWorkload } from './workload-kinds';

/**
 * One check per namespace that runs pods in this environment (sorted): `missing` says what the
 * namespace lacks when none of its objects satisfies `satisfies`.
 */
function checkWorkloadNamespaces(
  objects: readonly KubernetesObject[],
  satisfies: (object: KubernetesObject) => boolean,
  missing: string,
): CrossObjectCheck[] {
  const namespaces = [...new Set(objects.filter(isPodWorkload).map((object) => namespaceOf(object) ?? ''))].sort();
  return namespaces.map((namespace) => {
    const subject = `Namespace/${namespace}`;
    const found = objects.some((object) => namespaceOf(object) === namespace && satisfies(object));
    return { subject, violations: found ? [] : [`${subject}: ${missing}`] };
  });
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
    return checkWorkloadNamespaces(objects, isDefaultDeny, 'no NetworkPolicy with empty spec.podSelector, spec.policyTypes [Ingress, Egress] and no rules');
  },
};

function isPeerAuthentication(object: KubernetesObject): boolean {
  return isKind(object, 'security.istio.io', 'PeerAuthentication');
}

function isNamespaceWideStrict(object: KubernetesObject): boolean {
  const selector = fieldAt(object, ['spec', 'selector']) as LabelSelector | undefined;
  return isPeerAuthentication(object) && (selector === undefined || isEmptySelector(selector)) && fieldAt(object, ['spec', 'mtls', 'mode']) === 'STRICT';
}

export const STRICT_MTLS_RULE: CrossObjectRule = {
  name: 'namespace-mtls-strict',
  description: 'Every namespace that runs workloads has a namespace-wide Istio PeerAuthentication with mTLS STRICT.',
  fix: 'add a PeerAuthentication without spec.selector and with spec.mtls.mode: STRICT to the namespace',
  check(objects) {
    return checkWorkloadNamespaces(objects, isNamespaceWideStrict, 'no PeerAuthentication without spec.selector has spec.mtls.mode STRICT');
  },
};

/** Modes that accept plaintext. (UNSET inherits, which the namespace policy makes STRICT.) */
const PLAINTEXT_MODES = ['PERMISSIVE', 'DISABLE'];

/**
 * A separate rule from namespace-mtls-strict so that a deliberate, reviewed override (a scrape
 * port, say) can be excepted by naming that PeerAuthentication, without waiving the namespace.
 */
export const MTLS_OVERRIDE_RULE: CrossObjectRule = {
  name: 'mtls-no-plaintext-override',
  description: 'No PeerAuthentication lets plaintext in, for a workload or a port.',
  fix: 'remove the PERMISSIVE or DISABLE mode (spec.mtls.mode, spec.portLevelMtls); if a client without a sidecar must connect, record a reviewed exception',
  check(objects) {
    return objects.filter(isPeerAuthentication).map((policy): CrossObjectCheck => {
      const subject = objectReference(policy);
      const mode = fieldAt(policy, ['spec', 'mtls', 'mode']);
      const ports = Object.entries((fieldAt(policy, ['spec', 'portLevelMtls']) ?? {}) as Record<string, { mode?: string }>);
      const violations: string[] = [];
      if (typeof mode === 'string' && PLAINTEXT_MODES.includes(mode)) violations.push(`${subject}: spec.mtls.mode is ${mode}`);
      for (const [port, setting] of ports) {
        if (setting.mode !== undefined && PLAINTEXT_MODES.includes(setting.mode)) {
          violations.push(`${subject}: spec.portLevelMtls[${port}].mode is ${setting.mode}`);
        }
      }
      return { subject, violations };
    });
  },
};
