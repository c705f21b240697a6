import type { KubernetesObject } from '../../../policies/k8s/manifest-object';
import { matchesResources, resourceIdentity } from '../../../policies/k8s/resource-match';

function object(apiVersion: string, kind: string): KubernetesObject {
  return { apiVersion, kind, metadata: { name: 'x' } };
}

describe('resourceIdentity', () => {
  it.each([
    ['v1', 'Pod', '', 'v1', 'pods'],
    ['apps/v1', 'Deployment', 'apps', 'v1', 'deployments'],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies'],
    ['networking.k8s.io/v1', 'Ingress', 'networking.k8s.io', 'v1', 'ingresses'],
    ['v1', 'Endpoints', '', 'v1', 'endpoints'],
    ['argoproj.io/v1alpha1', 'Rollout', 'argoproj.io', 'v1alpha1', 'rollouts'],
  ])('%s %s -> %s/%s %s', (apiVersion, kind, group, version, resource) => {
    expect(resourceIdentity(object(apiVersion, kind))).toEqual({ group, version, resource });
  });
});

describe('matchesResources', () => {
  const constraints = {
    resourceRules: [{ apiGroups: ['apps'], apiVersions: ['*'], resources: ['deployments', 'statefulsets'], operations: ['CREATE' as const] }],
    excludeResourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['statefulsets'], operations: ['*' as const] }],
  };

  it('matches included resources, minus excluded ones', () => {
    expect(matchesResources(constraints, resourceIdentity(object('apps/v1', 'Deployment')))).toBe(true);
    expect(matchesResources(constraints, resourceIdentity(object('apps/v1', 'StatefulSet')))).toBe(false);
    expect(matchesResources(constraints, resourceIdentity(object('batch/v1', 'Job')))).toBe(false);
  });

  it('matches nothing without constraints', () => {
    expect(matchesResources(undefined, resourceIdentity(object('v1', 'Pod')))).toBe(false);
  });
});
