import { namespaceOf, objectReference, type KubernetesObject } from '../manifest-object';
import { fieldAt, isKind, type CrossObjectCheck, type CrossObjectRule } from './cross-object-rule';

/** Where Istio reads mesh-wide policies from (meshConfig.rootNamespace, istio-system by default). */
const ISTIO_ROOT_NAMESPACE = 'istio-system';

type Labels = Readonly<Record<string, string>>;

function matchLabels(object: KubernetesObject): Labels {
  return (fieldAt(object, ['spec', 'selector', 'matchLabels']) ?? {}) as Labels;
}

/** Whether an AuthorizationPolicy with `policyLabels` applies to every workload a selector with `workloadLabels` picks. */
function coversSelector(policyLabels: Labels, workloadLabels: Labels): boolean {
  return Object.entries(policyLabels).every(([key, value]) => workloadLabels[key] === value);
}

function sources(rule: unknown): Record<string, unknown>[] {
  const from = (fieldAt(rule, ['from']) ?? []) as unknown[];
  return from.map((entry) => (fieldAt(entry, ['source']) ?? {}) as Record<string, unknown>);
}

/**
 * Whether `policy` makes a token mandatory: a DENY rule for requests without a principal
 * (`notRequestPrincipals: ["*"]`, Istio's documented pattern), or an ALLOW policy each of whose
 * rules names `requestPrincipals` (a request without a token then matches none of them).
 */
function requiresRequestPrincipal(policy: KubernetesObject): boolean {
  const action = fieldAt(policy, ['spec', 'action']) ?? 'ALLOW';
  const rules = (fieldAt(policy, ['spec', 'rules']) ?? []) as unknown[];
  if (action === 'DENY') return rules.some((rule) => sources(rule).some((source) => Array.isArray(source.notRequestPrincipals) && source.notRequestPrincipals.includes('*')));
  return action === 'ALLOW' && rules.length > 0 && rules.every((rule) => sources(rule).length > 0 && sources(rule).every((source) => Array.isArray(source.requestPrincipals) && source.requestPrincipals.length > 0));
}

/**
 * A RequestAuthentication only rejects requests whose token is invalid; a request without a token
 * passes (istio/api security/v1beta1/request_authentication.proto). Alone it enforces nothing, and
 * it refuses other issuers' tokens even where nothing asked for a token.
 */
export const MESH_JWT_ENFORCED_RULE: CrossObjectRule = {
  name: 'mesh-jwt-enforced',
  description: 'Every RequestAuthentication is paired with an AuthorizationPolicy that requires a request principal on the workloads it selects.',
  fix: 'add an AuthorizationPolicy for the same workloads that denies requests with notRequestPrincipals ["*"] (or allows only requestPrincipals), or remove the RequestAuthentication and let the application check tokens',
  check(objects) {
    const policies = objects.filter((object) => isKind(object, 'security.istio.io', 'AuthorizationPolicy'));
    return objects
      .filter((object) => isKind(object, 'security.istio.io', 'RequestAuthentication'))
      .map((authentication): CrossObjectCheck => {
        const subject = objectReference(authentication);
        const namespace = namespaceOf(authentication);
        const selected = matchLabels(authentication);
        const enforced = policies.some(
          (policy) =>
            (namespaceOf(policy) === namespace || namespaceOf(policy) === ISTIO_ROOT_NAMESPACE) &&
            coversSelector(matchLabels(policy), selected) &&
            requiresRequestPrincipal(policy),
        );
        return {
          subject,
          violations: enforced
            ? []
            : [`${subject}: no AuthorizationPolicy requires a request principal (from.source.requestPrincipals, or a DENY with notRequestPrincipals) on the workloads its spec.selector picks, so requests without a token get through`],
        };
      });
  },
};
