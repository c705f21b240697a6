import { Construct } from 'constructs';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { addObject } from './api-object';
import type { GatewayWorkload } from './gateway-workload';
import { REQUESTS_PER_SECOND_METRIC } from './requests-per-second-metric';

export interface GatewayAutoscalerProps {
  readonly workload: GatewayWorkload;
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
 * HorizontalPodAutoscaler (CPU, memory, requests per second) of the gateway's Rollout, and the
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

    addObject(
      this,
      'hpa',
      new HorizontalPodAutoscaler({
        metadata,
        spec: {
          // The gateway's Rollout (same name as the workload), through its scale subresource.
          scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: workload.name },
          minReplicas: this.minReplicas,
          maxReplicas: this.maxReplicas,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.cpuUtilizationPercent ?? 65 } } },
            { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: props.memoryUtilizationPercent ?? 80 } } },
            {
              type: 'Pods',
              pods: { metric: { name: REQUESTS_PER_SECOND_METRIC }, target: { type: 'AverageValue', averageValue: String(props.requestsPerSecondPerPod ?? 200) } },
            },
          ],
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: 60,
              selectPolicy: 'Max',
              policies: [
                { type: 'Percent', value: 100, periodSeconds: 60 },
                { type: 'Pods', value: 4, periodSeconds: 60 },
              ],
            },
            scaleDown: {
              stabilizationWindowSeconds: 300,
              selectPolicy: 'Min',
              policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
            },
          },
        },
      }),
    );
    addObject(
      this,
      'pdb',
      new PodDisruptionBudget({
        metadata,
        spec: { minAvailable: this.minAvailable, selector: { matchLabels: { ...workload.selector } } },
      }),
    );
  }
}
