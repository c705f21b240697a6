import { selectorMatches, type LabelSelector } from '../label-selector';
import { namespaceOf, objectReference, type KubernetesObject } from '../manifest-object';
import { apiGroupOf, fieldAt, isKind, type CrossObjectCheck, type CrossObjectRule } from './cross-object-rule';
import { isReplicatedWorkload, podTemplateLabels } from './workload-kinds';

/** A Deployment or Rollout with what protects and scales it. */
interface ReplicatedWorkload {
  readonly workload: KubernetesObject;
  readonly reference: string;
  readonly replicas: number | undefined;
  readonly budgets: readonly KubernetesObject[];
  readonly autoscalers: readonly KubernetesObject[];
}

function replicatedWorkloads(objects: readonly KubernetesObject[]): ReplicatedWorkload[] {
  return objects.filter(isReplicatedWorkload).flatMap((workload) => {
    const namespace = namespaceOf(workload);
    const sameNamespace = objects.filter((candidate) => namespaceOf(candidate) === namespace);
    const podLabels = podTemplateLabels(workload);
    const budgets = sameNamespace.filter((candidate) => isKind(candidate, 'policy', 'PodDisruptionBudget') && budgetSelects(candidate, podLabels));
    const autoscalers = sameNamespace.filter((candidate) => isKind(candidate, 'autoscaling', 'HorizontalPodAutoscaler') && targets(candidate, workload));
    const replicas = fieldAt(workload, ['spec', 'replicas']);
    const declared = typeof replicas === 'number' ? replicas : undefined;
    const maxReplicas = autoscalers.map((hpa) => Number(fieldAt(hpa, ['spec', 'maxReplicas']) ?? 1));
    const multiReplica = (declared ?? 1) > 1 || maxReplicas.some((max) => max > 1);
    return multiReplica ? [{ workload, reference: objectReference(workload), replicas: declared, budgets, autoscalers }] : [];
  });
}

/** In policy/v1 a budget without spec.selector selects no pods at all. */
function budgetSelects(budget: KubernetesObject, podLabels: Record<string, string>): boolean {
  const selector = fieldAt(budget, ['spec', 'selector']);
  return selector !== undefined && selector !== null && selectorMatches(selector as LabelSelector, podLabels);
}

function targets(hpa: KubernetesObject, workload: KubernetesObject): boolean {
  const ref = fieldAt(hpa, ['spec', 'scaleTargetRef']) as { apiVersion?: string; kind?: string; name?: string } | undefined;
  return (
    ref?.kind === workload.kind &&
    ref.name === workload.metadata.name &&
    apiGroupOf(ref.apiVersion ?? '') === apiGroupOf(workload.apiVersion)
  );
}

/** An integer minAvailable, the only form whose arithmetic against replica counts is exact. */
function integerMinAvailable(budget: KubernetesObject): number | undefined {
  const value = fieldAt(budget, ['spec', 'minAvailable']);
  return typeof value === 'number' ? value : undefined;
}

/** A budget that can never allow an eviction blocks node drains and cluster upgrades forever. */
function blocksAllEvictions(budget: KubernetesObject): boolean {
  const maxUnavailable = fieldAt(budget, ['spec', 'maxUnavailable']);
  const minAvailable = fieldAt(budget, ['spec', 'minAvailable']);
  return maxUnavailable === 0 || maxUnavailable === '0%' || minAvailable === '100%';
}

export const DISRUPTION_BUDGET_RULE: CrossObjectRule = {
  name: 'replicated-workload-has-pdb',
  description: 'Every Deployment or Rollout with more than one replica has exactly one PodDisruptionBudget selecting its pods that still allows evictions.',
  fix: 'add a PodDisruptionBudget in the same namespace whose spec.selector matches spec.template.metadata.labels, with minAvailable below the minimum replica count',
  check(objects) {
    return replicatedWorkloads(objects).map(({ reference, budgets }): CrossObjectCheck => {
      const violations: string[] = [];
      if (budgets.length === 0) {
        violations.push(`${reference}: no PodDisruptionBudget's spec.selector matches spec.template.metadata.labels`);
      } else if (budgets.length > 1) {
        violations.push(`${reference}: ${budgets.map(objectReference).join(' and ')} all select its pods; the eviction API refuses pods covered by more than one budget`);
      }
      for (const budget of budgets.filter(blocksAllEvictions)) {
        violations.push(`${reference}: ${objectReference(budget)} never allows an eviction (maxUnavailable 0 or minAvailable 100%), so node drains hang`);
      }
      return { subject: reference, violations };
    });
  },
};

export const AUTOSCALER_RULE: CrossObjectRule = {
  name: 'replicated-workload-has-hpa',
  description: 'Every Deployment or Rollout with more than one replica has a HorizontalPodAutoscaler whose bounds are consistent with the replicas and the PodDisruptionBudget.',
  fix: 'add a HorizontalPodAutoscaler with spec.scaleTargetRef naming the workload, minReplicas >= PDB minAvailable + 1, maxReplicas >= minReplicas, and drop spec.replicas (or keep it within the bounds)',
  check(objects) {
    return replicatedWorkloads(objects).map(({ reference, replicas, budgets, autoscalers }): CrossObjectCheck => {
      const hpa = autoscalers[0];
      if (hpa === undefined) {
        return { subject: reference, violations: [`${reference}: no HorizontalPodAutoscaler has spec.scaleTargetRef pointing at it`] };
      }
      const hpaReference = objectReference(hpa);
      const minReplicas = Number(fieldAt(hpa, ['spec', 'minReplicas']) ?? 1);
      const maxReplicas = Number(fieldAt(hpa, ['spec', 'maxReplicas']));
      const violations: string[] = [];
      if (autoscalers.length > 1) {
        violations.push(`${reference}: ${autoscalers.map(objectReference).join(' and ')} all target it and would fight over spec.replicas`);
      }
      if (!(maxReplicas >= minReplicas)) {
        violations.push(`${hpaReference}: spec.maxReplicas (${maxReplicas}) is below spec.minReplicas (${minReplicas})`);
      }
      if (replicas !== undefined && (replicas < minReplicas || replicas > maxReplicas)) {
        violations.push(`${reference}: spec.replicas (${replicas}) is outside ${hpaReference} bounds [${minReplicas}, ${maxReplicas}]`);
      }
      for (const budget of budgets) {
        const minAvailable = integerMinAvailable(budget);
        if (minAvailable !== undefined && minReplicas < minAvailable + 1) {
          violations.push(
            `${hpaReference}: spec.minReplicas (${minReplicas}) must be at least ${objectReference(budget)} spec.minAvailable (${minAvailable}) + 1, or no pod can ever be evicted at minimum scale`,
          );
        }
      }
      return { subject: reference, violations };
    });
  },
};
