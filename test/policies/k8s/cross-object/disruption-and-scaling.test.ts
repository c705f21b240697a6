import { AUTOSCALER_RULE, DISRUPTION_BUDGET_RULE } from '../../../../policies/k8s/cross-object/disruption-and-scaling';
import type { KubernetesObject } from '../../../../policies/k8s/manifest-object';
import { readManifestTree } from '../../../../policies/k8s/manifest-tree';
import { COMPLIANT_TREE } from '../policy-fixtures';

/** The dev gateway namespace of the compliant tree: Deployment, HPA 3-20, PDB minAvailable 2. */
function gatewayObjects(): Record<string, any>[] {
  return readManifestTree(COMPLIANT_TREE)
    .filter((manifest) => manifest.environment === 'dev' && manifest.object.metadata.namespace === 'gateway')
    .map((manifest) => structuredClone(manifest.object) as Record<string, any>);
}

function find(objects: Record<string, any>[], kind: string): Record<string, any> {
  const found = objects.find((object) => object.kind === kind);
  if (found === undefined) throw new Error(`no ${kind}`);
  return found;
}

function check(rule: typeof AUTOSCALER_RULE, objects: Record<string, any>[]) {
  return rule.check(objects as KubernetesObject[]);
}

describe('replicated-workload-has-pdb', () => {
  it('passes with one budget selecting the pods', () => {
    expect(check(DISRUPTION_BUDGET_RULE, gatewayObjects())).toEqual([{ subject: 'Deployment/gateway/gateway', violations: [] }]);
  });

  it('fails when the budget selects other pods', () => {
    const objects = gatewayObjects();
    find(objects, 'PodDisruptionBudget').spec.selector.matchLabels = { 'app.kubernetes.io/name': 'other' };
    expect(check(DISRUPTION_BUDGET_RULE, objects)[0]?.violations).toEqual([
      "Deployment/gateway/gateway: no PodDisruptionBudget's spec.selector matches spec.template.metadata.labels",
    ]);
  });

  it('fails with two budgets over the same pods, and with one that never allows an eviction', () => {
    const objects = gatewayObjects();
    const second = structuredClone(find(objects, 'PodDisruptionBudget'));
    second.metadata.name = 'gateway-strict';
    second.spec = { maxUnavailable: 0, selector: second.spec.selector };
    objects.push(second);
    expect(check(DISRUPTION_BUDGET_RULE, objects)[0]?.violations).toEqual([
      'Deployment/gateway/gateway: PodDisruptionBudget/gateway/gateway and PodDisruptionBudget/gateway/gateway-strict all select its pods; the eviction API refuses pods covered by more than one budget',
      'Deployment/gateway/gateway: PodDisruptionBudget/gateway/gateway-strict never allows an eviction (maxUnavailable 0 or minAvailable 100%), so node drains hang',
    ]);
  });

  it('ignores single-replica workloads without an autoscaler', () => {
    const objects = gatewayObjects().filter((object) => object.kind === 'Deployment');
    find(objects, 'Deployment').spec.replicas = 1;
    expect(check(DISRUPTION_BUDGET_RULE, objects)).toEqual([]);
  });
});

describe('replicated-workload-has-hpa', () => {
  it('passes with an autoscaler whose bounds fit the budget and no fixed replicas', () => {
    expect(check(AUTOSCALER_RULE, gatewayObjects())).toEqual([{ subject: 'Deployment/gateway/gateway', violations: [] }]);
  });

  it('fails for a multi-replica Deployment without an autoscaler', () => {
    const objects = gatewayObjects().filter((object) => object.kind !== 'HorizontalPodAutoscaler');
    find(objects, 'Deployment').spec.replicas = 3;
    expect(check(AUTOSCALER_RULE, objects)[0]?.violations).toEqual([
      'Deployment/gateway/gateway: no HorizontalPodAutoscaler has spec.scaleTargetRef pointing at it',
    ]);
  });

  it('does not count an autoscaler targeting a kind of the same name in another group', () => {
    const objects = gatewayObjects();
    find(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.apiVersion = 'argoproj.io/v1alpha1';
    find(objects, 'Deployment').spec.replicas = 3;
    expect(check(AUTOSCALER_RULE, objects)[0]?.violations).toHaveLength(1);
  });

  it('reports inverted bounds, replicas outside them and a minimum the budget pins', () => {
    const objects = gatewayObjects();
    Object.assign(find(objects, 'HorizontalPodAutoscaler').spec, { minReplicas: 2, maxReplicas: 1 });
    find(objects, 'Deployment').spec.replicas = 5;
    expect(check(AUTOSCALER_RULE, objects)[0]?.violations).toEqual([
      'HorizontalPodAutoscaler/gateway/gateway: spec.maxReplicas (1) is below spec.minReplicas (2)',
      'Deployment/gateway/gateway: spec.replicas (5) is outside HorizontalPodAutoscaler/gateway/gateway bounds [2, 1]',
      'HorizontalPodAutoscaler/gateway/gateway: spec.minReplicas (2) must be at least PodDisruptionBudget/gateway/gateway spec.minAvailable (2) + 1, or no pod can ever be evicted at minimum scale',
    ]);
  });

  it('accepts replicas within the bounds and a percentage minAvailable', () => {
    const objects = gatewayObjects();
    find(objects, 'Deployment').spec.replicas = 3;
    find(objects, 'PodDisruptionBudget').spec.minAvailable = '50%';
    expect(check(AUTOSCALER_RULE, objects)[0]?.violations).toEqual([]);
  });
});
