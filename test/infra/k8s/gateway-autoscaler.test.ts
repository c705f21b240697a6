import { Testing } from 'cdk8s';
import { GatewayAutoscaler } from '../../../infra/k8s/gateway-autoscaler';
import { find, gatewayStack, synth } from '../fixtures';

describe('GatewayAutoscaler', () => {
  it('scales the Rollout on the gateway container’s CPU and memory and the requests-per-second metric the adapter serves (regression: pod-level Resource targets averaged the istio-proxy sidecar in)', () => {
    const objects = synth((chart) => gatewayStack(chart, { autoscaler: { minReplicas: 3, maxReplicas: 7, requestsPerSecondPerPod: 150 } }));
    const hpa = find(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'gateway' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 7]);
    expect(hpa.spec.metrics).toEqual([
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'gateway', target: { type: 'Utilization', averageUtilization: 65 } } },
      { type: 'ContainerResource', containerResource: { name: 'memory', container: 'gateway', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'gateway_requests_per_second' }, target: { type: 'AverageValue', averageValue: 150 } } },
    ]);
    expect(hpa.spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 60 },
          { type: 'Pods', value: 4, periodSeconds: 60 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
    });
    // The autoscaler owns the count: the Rollout states none.
    expect(find(objects, 'Rollout').spec.replicas).toBeUndefined();
  });

  it('keeps minAvailable of the Rollout’s pods, stable and canary alike, through voluntary disruptions', () => {
    const objects = synth((chart) => gatewayStack(chart));
    const pdb = find(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 2, selector: find(objects, 'Rollout').spec.selector });
  });

  it.each([
    [{ minReplicas: 5, maxReplicas: 3 }, `GatewayAutoscaler: 'minReplicas' (5) must not exceed 'maxReplicas' (3)`],
    [{ minReplicas: 0 }, `GatewayAutoscaler: 'minReplicas' (0) must be at least 1`],
    [{ minReplicas: 3, minAvailable: 3 }, `GatewayAutoscaler: 'minAvailable' (3) must be below 'minReplicas' (3) or node drains block`],
  ])('rejects %j', (props, message) => {
    const chart = Testing.chart();
    const { workload, rollout } = gatewayStack(chart);
    expect(() => new GatewayAutoscaler(chart, 'other', { workload, rollout, ...props })).toThrow(message);
  });
});
