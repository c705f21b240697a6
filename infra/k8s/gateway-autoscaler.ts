import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from './cdk8s-plus';
import type { GatewayRollout } from './gateway-rollout';
import type { GatewayWorkload } from './gateway-workload';
import { REQUESTS_PER_SECOND_METRIC } from './requests-per-second-metric';

export interface GatewayAutoscalerProps {
  readonly workload: GatewayWorkload;
  /** The Rollout running the workload's pods: what the HPA scales. */
  readonly rollout: GatewayRollout;
  /** @default 3 */
  readonly minReplicas?: number;
  /** @default 20 */
  readonly maxReplicas?: number;
  /** @default 65 */
  readonly cpuUtilizationPercent?: number;
  /** @default 80 */
  readonly memoryUtilizationPercent?: number;
  /** @default 200 */
  readonly requestsPerSecondPerPod?: number;
  /** PodDisruptionBudget minAvailable. @default 2 */
  readonly minAvailable?: number;
}

/**
 * HorizontalPodAutoscaler (the gateway container's CPU and memory, requests per second) of the gateway's Rollout, and the
 * PodDisruptionBudget that keeps voluntary evictions from taking the gateway's pods, stable and
 * canary together, below `minAvailable`. Scale-up reacts within a minute; scale-down waits five
 * and sheds at most 10 % a minute, since each removed pod drains long-lived connections.
 */
export class GatewayAutoscaler extends Construct {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly minAvailable: number;

  constructor(scope: Construct, id: string, props: GatewayAutoscalerProps) {
    super(scope, id);
    const { workload } = props;
    this.minReplicas = props.minReplicas ?? 3;
    this.maxReplicas = props.maxReplicas ?? 20;
    this.minAvailable = props.minAvailable ?? 2;
    if (this.minReplicas < 1) throw new Error(`GatewayAutoscaler: 'minReplicas' (${this.minReplicas}) must be at least 1`);
    if (this.minReplicas > this.maxReplicas) {
      throw new Error(`GatewayAutoscaler: 'minReplicas' (${this.minReplicas}) must not exceed 'maxReplicas' (${this.maxReplicas})`);
    }
    if (this.minReplicas > 1 && this.minAvailable >= this.minReplicas) {
      throw new Error(`GatewayAutoscaler: 'minAvailable' (${this.minAvailable}) must be below 'minReplicas' (${this.minReplicas}) or node drains block`);
    }
    const metadata = { name: workload.name, namespace: workload.namespace, labels: { ...workload.labels } };
    const minute = Duration.minutes(1);
    // Utilisation of the gateway container alone: a pod-level Resource metric would average in the
    // injected istio-proxy, whose usage and requests are not the gateway's.
    const gateway = props.rollout.rollout.containers.find((container) => container.name === workload.name);
    if (gateway === undefined) {
      throw new Error(`GatewayAutoscaler: the Rollout has no container '${workload.name}' to scale on (containers: ${props.rollout.rollout.containers.map((c) => c.name).join(', ')})`);
    }

    // Targets the Rollout through its scale subresource; scaleTargetRef comes from the Rollout itself.
    new kplus.HorizontalPodAutoscaler(this, 'hpa', {
      metadata,
      target: props.rollout.rollout,
      minReplicas: this.minReplicas,
      maxReplicas: this.maxReplicas,
      metrics: [
        kplus.Metric.containerCpu({ container: gateway, target: kplus.MetricTarget.averageUtilization(props.cpuUtilizationPercent ?? 65) }),
        kplus.Metric.containerMemory({ container: gateway, target: kplus.MetricTarget.averageUtilization(props.memoryUtilizationPercent ?? 80) }),
        kplus.Metric.pods({ name: REQUESTS_PER_SECOND_METRIC, target: kplus.MetricTarget.averageValue(props.requestsPerSecondPerPod ?? 200) }),
      ],
      scaleUp: {
        stabilizationWindow: minute,
        strategy: kplus.ScalingStrategy.MAX_CHANGE,
        policies: [
          { replicas: kplus.Replicas.percent(100), duration: minute },
          { replicas: kplus.Replicas.absolute(4), duration: minute },
        ],
      },
      scaleDown: {
        stabilizationWindow: Duration.minutes(5),
        strategy: kplus.ScalingStrategy.MIN_CHANGE,
        policies: [{ replicas: kplus.Replicas.percent(10), duration: minute }],
      },
    });
    // cdk8s-plus has no PodDisruptionBudget construct: its generated L1 class.
    new kplus.k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata,
      spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(this.minAvailable), selector: { matchLabels: { ...workload.selector } } },
    });
  }
}
