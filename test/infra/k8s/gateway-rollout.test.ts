import { Testing } from 'cdk8s';
import * as kplus from '../../../infra/k8s/cdk8s-plus';
import { GatewayRollout, canarySteps } from '../../../infra/k8s/gateway-rollout';
import { restrictedWorkload } from '../../../infra/k8s/restricted-pods';
import type { AnalysisReference } from '../../../infra/k8s/observability/rollout-analysis';
import { ENVIRONMENT_DEFAULTS } from '../../../infra/environments';
import { find, gatewayStack, synth, type SynthObject } from '../fixtures';

const analysis: AnalysisReference = {
  templates: [{ templateName: 'gateway-canary' }],
  args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
};
const analysisStep = { analysis: { templates: [{ templateName: 'gateway-canary' }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } };

describe('GatewayRollout', () => {
  it('runs the workload’s pods exactly as cdk8s-plus renders them in a Deployment, selected by the workload’s selector', () => {
    let selector: unknown;
    let deployment: SynthObject | undefined;
    const rollout = find(
      synth((chart) => {
        const { workload } = gatewayStack(chart);
        selector = workload.selector;
        const other = Testing.chart();
        restrictedWorkload(workload.pods, (podProps) => new kplus.Deployment(other, 'deployment', { ...podProps, metadata: { name: 'same-pods' } }));
        deployment = find(Testing.synth(other), 'Deployment');
      }),
      'Rollout',
    );
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.metadata.name).toBe('gateway');
    expect(rollout.spec.template).toEqual(deployment?.spec.template);
    expect(rollout.spec.selector).toEqual({ matchLabels: selector });
    expect(rollout.spec.template.metadata.labels).not.toHaveProperty(kplus.Pod.ADDRESS_LABEL);
    // The autoscaler's to set: a count here would be applied again over it on every deploy.
    expect(rollout.spec.replicas).toBeUndefined();
  });

  it('refuses to synthesize without an autoscaler, which would leave the gateway on one pod', () => {
    const chart = Testing.chart();
    gatewayStack(chart, { autoscaler: false });
    expect(() => Testing.synth(chart)).toThrow(`GatewayRollout 'gateway' states no replica count: target it with a GatewayAutoscaler, or it runs a single pod`);
  });

  it('shifts traffic through the VirtualService routes and DestinationRule subsets the mesh synthesizes', () => {
    const objects = synth((chart) => gatewayStack(chart));
    const { istio } = find(objects, 'Rollout').spec.strategy.canary.trafficRouting;
    const virtualService = find(objects, 'VirtualService', istio.virtualService.name);
    const destinationRule = find(objects, 'DestinationRule', istio.destinationRule.name);
    expect(istio).toEqual({
      virtualService: { name: 'gateway', routes: ['users', 'orders'] },
      destinationRule: { name: 'gateway', stableSubsetName: 'stable', canarySubsetName: 'canary' },
    });
    const weighted = virtualService.spec.http.filter((route: { name: string }) => istio.virtualService.routes.includes(route.name));
    expect(weighted).toHaveLength(2);
    for (const route of weighted) {
      expect(route.route.map((r: { destination: { subset: string } }) => r.destination.subset)).toEqual([istio.destinationRule.stableSubsetName, istio.destinationRule.canarySubsetName]);
    }
    expect(destinationRule.spec.subsets.map((s: { name: string }) => s.name)).toEqual(['stable', 'canary']);
  });

  it('uses blue-green with the preview Service and a pre-promotion analysis when the environment asks for it', () => {
    const objects = synth((chart) => gatewayStack(chart, { strategy: { type: 'blueGreen', promotion: 'manual' }, previewReplicas: 2 }));
    expect(find(objects, 'Rollout').spec.strategy).toEqual({
      blueGreen: {
        activeService: 'gateway',
        previewService: 'gateway-preview',
        previewReplicaCount: 2,
        autoPromotionEnabled: false,
        prePromotionAnalysis: analysisStep.analysis,
      },
    });
    expect(find(objects, 'Service', 'gateway-preview').spec.selector).toEqual(find(objects, 'Service', 'gateway').spec.selector);
    // Preview requests go to the preview Service: in blue-green both subsets sit behind the active one.
    const preview = find(objects, 'VirtualService', 'gateway').spec.http[0];
    expect(preview.route).toEqual([{ destination: { host: 'gateway-preview.gateway.svc.cluster.local', port: { number: 8080 } }, weight: 100 }]);
  });

  it('needs the preview Service for blue-green', () => {
    const chart = Testing.chart();
    const { workload, services, routing } = gatewayStack(chart);
    expect(() => new GatewayRollout(chart, 'other', { workload, strategy: { type: 'blueGreen', promotion: 'auto' }, analysis, routing, services })).toThrow(
      `GatewayRollout: strategy 'blueGreen' needs GatewayServices with 'preview' set, for its preview Service`,
    );
  });

  it('rejects fewer than one preview pod', () => {
    const chart = Testing.chart();
    const { workload, services, routing } = gatewayStack(chart);
    expect(() => new GatewayRollout(chart, 'other', { workload, strategy: ENVIRONMENT_DEFAULTS.rollout.strategy, previewReplicas: 0, analysis, routing, services })).toThrow(
      `GatewayRollout: 'previewReplicas' (0) must be a whole number of at least 1`,
    );
  });

  it('matches the snapshot', () => {
    const objects: SynthObject[] = synth((chart) => gatewayStack(chart));
    expect(objects.filter((o) => o.kind === 'Rollout')).toMatchSnapshot();
  });
});

describe('canarySteps', () => {
  it('starts the preview pods, holds them for testers, then per stage sets the weight, analyses and pauses', () => {
    const steps = canarySteps(
      {
        type: 'canary',
        previewPause: 'manual',
        stages: [
          { weightPercent: 10, analysis: true, pause: '5m' },
          { weightPercent: 60, pause: 'manual' },
          { weightPercent: 100, analysis: true },
        ],
      },
      2,
      analysis,
    );
    expect(steps).toEqual([
      { setCanaryScale: { replicas: 2 } },
      { pause: {} },
      { setWeight: 10 },
      { setCanaryScale: { matchTrafficWeight: true } },
      analysisStep,
      { pause: { duration: '5m' } },
      { setWeight: 60 },
      { pause: {} },
      { setWeight: 100 },
      analysisStep,
    ]);
  });

  it('goes straight from the preview pods to the first weight without a preview pause', () => {
    expect(canarySteps({ type: 'canary', stages: [{ weightPercent: 50 }] }, 1, analysis)).toEqual([
      { setCanaryScale: { replicas: 1 } },
      { setWeight: 50 },
      { setCanaryScale: { matchTrafficWeight: true } },
    ]);
  });
});
