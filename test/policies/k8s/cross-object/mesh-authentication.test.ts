import { MESH_JWT_ENFORCED_RULE } from '../../../../policies/k8s/cross-object/mesh-authentication';
import type { KubernetesObject } from '../../../../policies/k8s/manifest-object';

const selector = { matchLabels: { app: 'api' } };
const requestAuthentication: KubernetesObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'RequestAuthentication',
  metadata: { name: 'api-jwt', namespace: 'shop' },
  spec: { selector, jwtRules: [{ issuer: 'https://issuer.example/', jwksUri: 'https://issuer.example/jwks.json' }] },
};

function authorizationPolicy(name: string, spec: Record<string, unknown>, namespace = 'shop'): KubernetesObject {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec };
}

const violation =
  'RequestAuthentication/shop/api-jwt: no AuthorizationPolicy requires a request principal (from.source.requestPrincipals, or a DENY with notRequestPrincipals) on the workloads its spec.selector picks, so requests without a token get through';

describe('mesh-jwt-enforced', () => {
  it('regression: fails a RequestAuthentication alone, or next to policies that allow by workload identity only (token-less requests pass)', () => {
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication])).toEqual([{ subject: 'RequestAuthentication/shop/api-jwt', violations: [violation] }]);
    const byPeer = authorizationPolicy('allow-ingress', { selector, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/ingress'] } }] }] });
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication, byPeer])[0]?.violations).toEqual([violation]);
  });

  it('passes with Istio’s deny-without-principal pattern, in the namespace or the root namespace, namespace-wide or for the same workloads', () => {
    const deny = { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] };
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication, authorizationPolicy('require-jwt', { selector, ...deny })])[0]?.violations).toEqual([]);
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication, authorizationPolicy('require-jwt', deny, 'istio-system')])[0]?.violations).toEqual([]);
  });

  it('passes with an ALLOW policy whose every rule names request principals, and not when one rule allows without', () => {
    const allowWithToken = { selector, action: 'ALLOW', rules: [{ from: [{ source: { requestPrincipals: ['https://issuer.example/*'] } }] }] };
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication, authorizationPolicy('allow-jwt', allowWithToken)])[0]?.violations).toEqual([]);
    const alsoAnonymous = { ...allowWithToken, rules: [...allowWithToken.rules, { to: [{ operation: { paths: ['/public/*'] } }] }] };
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication, authorizationPolicy('allow-jwt', alsoAnonymous)])[0]?.violations).toEqual([violation]);
  });

  it('does not count policies of another namespace or for other workloads', () => {
    const deny = { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] };
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication, authorizationPolicy('elsewhere', deny, 'billing')])[0]?.violations).toEqual([violation]);
    expect(MESH_JWT_ENFORCED_RULE.check([requestAuthentication, authorizationPolicy('other', { selector: { matchLabels: { app: 'web' } }, ...deny })])[0]?.violations).toEqual([violation]);
  });
});
