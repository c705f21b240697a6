import { z } from 'zod';
import type { CrdModel, CrdObject } from './crd-model';

/**
 * The VerticalPodAutoscaler (autoscaling.k8s.io/v1), for the fields the platform writes, from
 * vertical-pod-autoscaler/charts/vertical-pod-autoscaler/crds/vpa-v1-crd-gen.yaml at
 * kubernetes/autoscaler tag vertical-pod-autoscaler-chart-0.11.0 (the CRD chart 0.11.0 installs):
 * its field names, required fields and enums. No CommonJS model package publishes this kind
 * (kubernetes-models' gke package holds GKE's own autoscaling groups only).
 */
const VPA_SOURCE = 'kubernetes/autoscaler vertical-pod-autoscaler-chart-0.11.0 vertical-pod-autoscaler/charts/vertical-pod-autoscaler/crds/vpa-v1-crd-gen.yaml';

export const UPDATE_MODES = ['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace', 'Auto'] as const;

const verticalPodAutoscalerSpec = z.strictObject({
  /** The controller whose pods it watches: any kind with a `/scale` subresource (a Deployment, an Argo Rollout). */
  targetRef: z.strictObject({ apiVersion: z.string().min(1), kind: z.string().min(1), name: z.string().min(1) }),
  /**
   * `Off`: recommend only; the recommender writes `status.recommendation` and nothing changes a pod.
   * Optional in the CRD, required here: left out, the mode defaults to `Recreate` (the CRD's description at chart 0.11.0), which evicts pods to resize them once an updater runs.
   */
  updatePolicy: z.strictObject({ updateMode: z.enum(UPDATE_MODES) }),
});

export type VerticalPodAutoscalerSpec = z.infer<typeof verticalPodAutoscalerSpec>;

export const VERTICAL_POD_AUTOSCALER: CrdModel<VerticalPodAutoscalerSpec> = {
  apiVersion: 'autoscaling.k8s.io/v1',
  kind: 'VerticalPodAutoscaler',
  source: VPA_SOURCE,
  schema: z.strictObject({
    apiVersion: z.literal('autoscaling.k8s.io/v1'),
    kind: z.literal('VerticalPodAutoscaler'),
    metadata: z.strictObject({
      name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { error: 'must be a DNS subdomain name' }),
      namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a namespace name' }),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
    spec: verticalPodAutoscalerSpec,
  }) as z.ZodType<CrdObject<VerticalPodAutoscalerSpec>>,
};
