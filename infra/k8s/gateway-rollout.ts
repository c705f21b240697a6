import { Construct } from 'constructs';
import type { RolloutStrategySpec } from '../environments/types';
import { ArgoRollout, type RolloutStrategy } from './argo-rollout';
import type { GatewayServices } from './gateway-services';
import type { GatewayWorkload } from './gateway-workload';
import { SUBSETS, type IngressRouting } from './mesh/ingress-routing';
import type { AnalysisReference } from './observability/rollout-analysis';
import { restrictedWorkload } from './restricted-pods';

type CanaryStep = NonNullable<NonNullable<RolloutStrategy['canary']>['steps']>[number];

export interface GatewayRolloutProps {
  readonly workload: GatewayWorkload;
  readonly strategy: RolloutStrategySpec;
  /** Pods of the new version before any traffic weight moves (canary), or the preview set's size (blue-green). @default 1 */
  readonly previewReplicas?: number;
  /** The AnalysisTemplate run at each canary stage that asks for it, or before a blue-green promotion. */
  readonly analysis: AnalysisReference;
  /** The VirtualService routes and DestinationRule subsets a canary shifts traffic through. */
  readonly routing: IngressRouting;
  /** `gateway` (active) and `gateway-preview` Services, for blue-green. */
  readonly services: GatewayServices;
}

/**
 * The gateway's pods as an Argo Rollouts Rollout, running the workload's pod definition itself
 * (a cdk8s-plus workload, so the pod template is rendered like every Deployment's).
 * Chosen over a `workloadRef` to a Deployment: with a reference, a Deployment scaled to zero would
 * stay behind as a second description of the same pods, which the HPA, the disruption budget and
 * the workload policies would each have to know to skip.
 *
 * The Rollout states no replica count: a GatewayAutoscaler must size it (Kubernetes starts it at
 * one pod and the autoscaler raises it to `minReplicas` within its sync period); synthesis fails
 * when none targets it.
 *
 * Canary: Argo Rollouts moves the weights of the mesh's VirtualService routes between the stable
 * and canary subsets stage by stage, and pins each subset to its ReplicaSet's pod-template hash.
 * The stable ReplicaSet stays at full size throughout, so an abort (by hand or by a failed
 * analysis) shifts all traffic back at once with the capacity there.
 */
export class GatewayRollout extends Construct {
  readonly rollout: ArgoRollout;

  constructor(scope: Construct, id: string, props: GatewayRolloutProps) {
    super(scope, id);
    const { workload, strategy, routing, services } = props;
    const previewReplicas = props.previewReplicas ?? 1;
    if (!(Number.isInteger(previewReplicas) && previewReplicas >= 1)) {
      throw new Error(`GatewayRollout: 'previewReplicas' (${previewReplicas}) must be a whole number of at least 1`);
    }
    let rolloutStrategy: RolloutStrategy;
    if (strategy.type === 'canary') {
      rolloutStrategy = {
        canary: {
          trafficRouting: {
            istio: {
              virtualService: { name: routing.virtualServiceName, routes: [...routing.weightedRouteNames] },
              destinationRule: { name: routing.destinationRuleName, stableSubsetName: SUBSETS.stable, canarySubsetName: SUBSETS.canary },
            },
          },
          steps: canarySteps(strategy, previewReplicas, props.analysis),
        },
      };
    } else {
      if (services.previewServiceName === undefined) {
        throw new Error(`GatewayRollout: strategy 'blueGreen' needs GatewayServices with 'preview' set, for its preview Service`);
      }
      rolloutStrategy = {
        blueGreen: {
          activeService: services.httpServiceName,
          previewService: services.previewServiceName,
          previewReplicaCount: previewReplicas,
          autoPromotionEnabled: strategy.promotion === 'auto',
          prePromotionAnalysis: { templates: [...props.analysis.templates], args: [...props.analysis.args] },
        },
      };
    }

    this.rollout = restrictedWorkload(
      workload.pods,
      (podProps) =>
        new ArgoRollout(this, 'rollout', {
          ...podProps,
          metadata: { name: workload.name, namespace: workload.namespace, labels: { ...workload.versionedLabels } },
          revisionHistoryLimit: 5,
          strategy: rolloutStrategy,
        }),
    );
    // No replicas: the HorizontalPodAutoscaler owns the count. A value here would be applied
    // again over the autoscaler's on every deploy, scaling a busy gateway down for a moment.
    this.node.addValidation({
      validate: () => (this.rollout.hasAutoscaler ? [] : [`GatewayRollout '${workload.name}' states no replica count: target it with a GatewayAutoscaler, or it runs a single pod`]),
    });
  }
}

/**
 * The canary steps: first the preview pods (reachable by header only, no weight yet), optionally
 * held for testers; then per stage its weight, its analysis and its pause. The canary follows the
 * traffic weight in size from the first stage on.
 */
export function canarySteps(strategy: Extract<RolloutStrategySpec, { type: 'canary' }>, previewReplicas: number, analysis: AnalysisReference): CanaryStep[] {
  const pause = (value: string): CanaryStep => ({ pause: value === 'manual' ? {} : { duration: value } });
  const steps: CanaryStep[] = [{ setCanaryScale: { replicas: previewReplicas } }];
  if (strategy.previewPause !== undefined) steps.push(pause(strategy.previewPause));
  strategy.stages.forEach((stage, index) => {
    steps.push({ setWeight: stage.weightPercent });
    // After the first weight is set, so the preview pods are never scaled away at weight 0.
    if (index === 0) steps.push({ setCanaryScale: { matchTrafficWeight: true } });
    if (stage.analysis === true) steps.push({ analysis: { templates: [...analysis.templates], args: [...analysis.args] } });
    if (stage.pause !== undefined) steps.push(pause(stage.pause));
  });
  return steps;
}
