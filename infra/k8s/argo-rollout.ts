import { ApiObject, Lazy } from 'cdk8s';
import type { Construct } from 'constructs';
import { Rollout, type IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import * as kplus from './cdk8s-plus';

export type RolloutSpec = IRollout['spec'];
export type RolloutStrategy = NonNullable<RolloutSpec['strategy']>;
type RolloutPodSpec = NonNullable<NonNullable<RolloutSpec['template']>['spec']>;

export interface ArgoRolloutProps extends kplus.WorkloadProps {
  readonly strategy: RolloutStrategy;
  /** Old ReplicaSets kept for an undo. @default 10 (Argo Rollouts' own default) */
  readonly revisionHistoryLimit?: number;
  /**
   * Pods to run when no HorizontalPodAutoscaler targets the Rollout; with one, the count is left
   * out so that a deploy never resets the autoscaler's.
   * @default - none stated (Argo Rollouts runs one pod)
   */
  readonly replicas?: number;
}

/**
 * An Argo Rollouts `Rollout` as a cdk8s-plus workload, the way cdk8s-plus builds its Deployment:
 * containers, probes, volumes, service account and security context go through the same plus
 * code as every Deployment here, and a plus HorizontalPodAutoscaler can target it. The custom
 * resource itself is typed with `@kubernetes-models/argo-rollouts`.
 */
export class ArgoRollout extends kplus.Workload implements kplus.IScalable {
  readonly resourceType = 'rollouts';
  readonly strategy: RolloutStrategy;
  readonly replicas?: number;
  protected readonly apiObject: ApiObject;
  private readonly revisionHistoryLimit?: number;
  private autoscaled = false;

  constructor(scope: Construct, id: string, props: ArgoRolloutProps) {
    super(scope, id, props);
    this.strategy = props.strategy;
    this.replicas = props.replicas;
    this.revisionHistoryLimit = props.revisionHistoryLimit;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: Rollout.apiVersion,
      kind: Rollout.kind,
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /** Whether a HorizontalPodAutoscaler targets this Rollout (and so owns its replica count). */
  get hasAutoscaler(): boolean {
    return this.autoscaled;
  }

  /** @see kplus.IScalable */
  markHasAutoscaler(): void {
    this.autoscaled = true;
  }

  /** @see kplus.IScalable */
  toScalingTarget(): kplus.ScalingTarget {
    return { apiVersion: this.apiVersion, kind: this.kind, name: this.name, containers: this.containers, replicas: this.replicas };
  }

  private renderSpec(): RolloutSpec {
    return {
      replicas: this.autoscaled ? undefined : this.replicas,
      revisionHistoryLimit: this.revisionHistoryLimit,
      selector: this._toLabelSelector(),
      // cdk8s-plus's own serializer (as in its Deployment) turns its typed PodSpec into JSON; the
      // cast is to the same PodSpec as the Argo Rollouts CRD declares it.
      template: { metadata: this.podMetadata.toJson(), spec: kplus.k8s.toJson_PodSpec(this._toPodSpec()) as RolloutPodSpec },
      strategy: this.strategy,
    };
  }
}
