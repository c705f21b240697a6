import { Testing } from 'cdk8s';
import { GatewayAutoscaler } from '../../../infra/k8s/gateway-autoscaler';
import { GatewayWorkload } from '../../../infra/k8s/gateway-workload';
import { TEST_IMAGE, TEST_ROUTES, find, gatewayStack, synth } from '../fixtures';

function workloadIn(chart: ReturnType<typeof Testing.chart>) {
  return new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'prod', routes: TEST_ROUTES });
}

describe('GatewayAutoscaler', () => {
  it('scales on CPU, memory and the requests-per-second metric the adapter serves', () => {
    const hpa = find(synth((chart) => new GatewayAutoscaler(chart, 'as', { workload: workloadIn(chart), minReplicas: 3, maxReplicas: 7, requestsPerSecondPerPod: 150 })), 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'gateway' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 7]);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'gateway_requests_per_second' }, target: { type: 'AverageValue', averageValue: '150' } } },
    ]);
    expect(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(60);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  it('keeps minAvailable of the Rollout’s pods, stable and canary alike, through voluntary disruptions', () => {
    const objects = synth((chart) => new GatewayAutoscaler(chart, 'as', { workload: gatewayStack(chart).workload }));
    const pdb = find(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 2, selector: find(objects, 'Rollout').spec.selector });
  });

  it.each([
    [{ minReplicas: 5, maxReplicas: 3 }, `GatewayAutoscaler: 'minReplicas' (5) must not exceed 'maxReplicas' (3)`],
    [{ minReplicas: 0 }, `GatewayAutoscaler: 'minReplicas' (0) must be at least 1`],
    [{ minReplicas: 3, minAvailable: 3 }, `GatewayAutoscaler: 'minAvailable' (3) must be below 'minReplicas' (3) or node drains block`],
  ])('rejects %j', (props, message) => {
    const chart = Testing.chart();
    expect(() => new GatewayAutoscaler(chart, 'as', { workload: workloadIn(chart), ...props })).toThrow(message);
  });
});
