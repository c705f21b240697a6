import { HELM_CHARTS } from './versions';
import type { OperatorRelease } from './operators';

/**
 * The VerticalPodAutoscaler recommender, and only it (chart `vertical-pod-autoscaler` 0.11.0 from
 * kubernetes/autoscaler, VPA 1.7.1; values checked against
 * vertical-pod-autoscaler/charts/vertical-pod-autoscaler/values.yaml and templates/ at tag
 * vertical-pod-autoscaler-chart-0.11.0). The platform's VerticalPodAutoscalers recommend only
 * (`updateMode: Off`, infra/k8s/resource-recommendations.ts), so neither the updater (which evicts)
 * nor the admission controller (which rewrites pods' requests, and would need a webhook every pod
 * creation waits on) runs. The chart brings the CRDs (crds/, installed once by Helm).
 */
export const RESOURCE_RECOMMENDER = { namespace: 'vpa', releaseName: 'vpa' } as const;

const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' } as const;

export function resourceRecommenderValues(): Record<string, unknown> {
  return {
    admissionController: { enabled: false },
    updater: { enabled: false },
    recommender: {
      // One: recommendations are not on a request path, and its checkpoints (VerticalPodAutoscalerCheckpoint objects) survive a restart.
      replicas: 1,
      resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      // A budget over one replica would only block node drains.
      podDisruptionBudget: { enabled: false },
    },
    // Merged over the chart's own (non-root, uid 65534).
    podSecurityContext: { seccompProfile: RUNTIME_DEFAULT_SECCOMP },
    containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
  };
}

/** The recommender release: its CRDs come before the platform's VerticalPodAutoscalers. */
export function resourceRecommenderRelease(): OperatorRelease {
  return {
    key: 'vpaRecommender',
    releaseName: RESOURCE_RECOMMENDER.releaseName,
    namespace: RESOURCE_RECOMMENDER.namespace,
    chart: HELM_CHARTS.verticalPodAutoscaler,
    values: resourceRecommenderValues(),
    after: [],
    platformPrerequisite: true,
  };
}
