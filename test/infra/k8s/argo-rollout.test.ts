import { Testing } from 'cdk8s';
import { ArgoRollout } from '../../../infra/k8s/argo-rollout';
import * as kplus from '../../../infra/k8s/cdk8s-plus';
import { find } from '../fixtures';

function build(options: { replicas?: number; autoscaled: boolean }) {
  const chart = Testing.chart();
  const rollout = new ArgoRollout(chart, 'rollout', {
    metadata: { name: 'demo' },
    replicas: options.replicas,
    strategy: { canary: { steps: [{ setWeight: 50 }] } },
    containers: [{ name: 'demo', image: 'registry.test/demo:1', resources: { cpu: { request: kplus.Cpu.millis(100) } } }],
  });
  if (options.autoscaled) new kplus.HorizontalPodAutoscaler(chart, 'hpa', { metadata: { name: 'demo' }, target: rollout, maxReplicas: 3 });
  return chart;
}

describe('ArgoRollout', () => {
  it('is an Argo Rollouts Rollout with the pod template cdk8s-plus renders, scalable by a cdk8s-plus HPA', () => {
    const objects = Testing.synth(build({ autoscaled: true }));
    const rollout = find(objects, 'Rollout');
    expect([rollout.apiVersion, rollout.spec.strategy, rollout.spec.replicas]).toEqual(['argoproj.io/v1alpha1', { canary: { steps: [{ setWeight: 50 }] } }, undefined]);
    expect(rollout.spec.template.spec.containers[0]).toMatchObject({ name: 'demo', image: 'registry.test/demo:1', resources: { requests: { cpu: '100m' } } });
    expect(find(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'demo' });
  });

  it('states its replica count only when no autoscaler owns it', () => {
    expect(find(Testing.synth(build({ replicas: 2, autoscaled: false })), 'Rollout').spec.replicas).toBe(2);
    expect(() => Testing.synth(build({ replicas: 2, autoscaled: true }))).toThrow('HorizontalPodAutoscaler target cannot have a fixed number of replicas (2).');
  });
});
