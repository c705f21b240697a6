import { Construct } from 'constructs';
import { crdObject } from '../crd-models';
import { VERTICAL_POD_AUTOSCALER, type VerticalPodAutoscalerSpec } from '../crd-models/vertical-pod-autoscaler';
import { addObject } from './api-object';
import type { Labels } from './labels';

export interface ResourceRecommendationsProps {
  readonly namespace: string;
  readonly labels: Labels;
  /** The workloads to recommend for, each by its controller (`apiVersion`, `kind`, `name`). */
  readonly targets: readonly VerticalPodAutoscalerSpec['targetRef'][];
}

/**
 * A VerticalPodAutoscaler in recommendation mode (`updateMode: Off`) per workload: the recommender
 * (a cluster add-on, infra/pulumi/resource-recommender.ts) publishes CPU and memory targets for
 * every container in `status.recommendation`, from the pods' real use, so the resources declared in
 * infra/environments can be checked against them; it never evicts or resizes a pod, so it leaves the
 * gateway's HPA (CPU and requests per second) and its Rollout alone.
 */
export class ResourceRecommendations extends Construct {
  constructor(scope: Construct, id: string, props: ResourceRecommendationsProps) {
    super(scope, id);
    const names = props.targets.map((target) => target.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new Error(`ResourceRecommendations: target '${duplicate}' is listed twice in namespace '${props.namespace}'; each workload gets one VerticalPodAutoscaler named after it`);
    for (const target of props.targets) {
      addObject(
        this,
        target.name,
        crdObject(VERTICAL_POD_AUTOSCALER, {
          metadata: { name: target.name, namespace: props.namespace, labels: { ...props.labels } },
          spec: { targetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name }, updatePolicy: { updateMode: 'Off' } },
        }),
      );
    }
  }
}
