import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../../infra/environments';
import { ResourceRecommendations } from '../../../infra/k8s/resource-recommendations';
import { readManifests } from '../../../infra/synth/write-charts';
import { validateManifest } from '../../../infra/synth/validate-manifests';
import { synth, type SynthObject } from '../fixtures';

const CHARTS_OUT = join(__dirname, '..', '..', '..', 'charts-out');
const ROLLOUT = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'gateway' };

describe('ResourceRecommendations', () => {
  it('gives each workload one VerticalPodAutoscaler that only recommends, valid against its schema', () => {
    const objects = synth((chart) => new ResourceRecommendations(chart, 'r', { namespace: 'gateway', labels: { team: 'platform' }, targets: [ROLLOUT] }));
    expect(objects).toEqual([
      {
        apiVersion: 'autoscaling.k8s.io/v1',
        kind: 'VerticalPodAutoscaler',
        metadata: { name: 'gateway', namespace: 'gateway', labels: { team: 'platform' } },
        spec: { targetRef: ROLLOUT, updatePolicy: { updateMode: 'Off' } },
      },
    ]);
    expect(objects.flatMap(validateManifest)).toEqual([]);
  });

  it('refuses a workload listed twice, naming it and the namespace', () => {
    expect(() => synth((chart) => new ResourceRecommendations(chart, 'r', { namespace: 'gateway', labels: {}, targets: [ROLLOUT, ROLLOUT] }))).toThrow(
      "ResourceRecommendations: target 'gateway' is listed twice in namespace 'gateway'; each workload gets one VerticalPodAutoscaler named after it",
    );
  });

  it('has the synth refuse a misspelt field or an unknown mode, which the cluster’s structural schema would drop or reject', () => {
    const vpa = (spec: object) => ({ apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: { name: 'g', namespace: 'gateway' }, spec });
    expect(validateManifest(vpa({ targetRef: ROLLOUT, updatePolicy: { updateMode: 'Off', updateMod: 'Off' } }))).toEqual([
      'VerticalPodAutoscaler gateway/g: spec.updatePolicy: Unrecognized key: "updateMod" (updateMod; the VerticalPodAutoscaler CRD has no such field)',
    ]);
    expect(validateManifest(vpa({ targetRef: ROLLOUT, updatePolicy: { updateMode: 'Never' } }))).toEqual([expect.stringMatching(/^VerticalPodAutoscaler gateway\/g: spec\.updatePolicy\.updateMode: Invalid option: expected one of "Off"\|/)]);
    // Optional in the CRD, required here: left out, the mode defaults to Recreate, which evicts pods to resize them once an updater runs.
    expect(validateManifest(vpa({ targetRef: ROLLOUT }))).toEqual([expect.stringMatching(/^VerticalPodAutoscaler gateway\/g: spec\.updatePolicy: /)]);
  });
});

describe.each(ENVIRONMENT_NAMES)('resource recommendations in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment)) as SynthObject[];

  it('watch the gateway’s Rollout, Grafana, Jaeger and prometheus-adapter in recommendation mode, each target an object the platform renders (regression: declared resources could not be checked against real use)', () => {
    const vpas = objects.filter((o) => o.kind === 'VerticalPodAutoscaler') as any[];
    expect(vpas.map((vpa) => `${vpa.metadata.namespace}/${vpa.spec.targetRef.kind}/${vpa.spec.targetRef.name}`).sort()).toEqual([
      'gateway/Rollout/gateway',
      'observability/Deployment/grafana',
      'observability/Deployment/jaeger',
      'observability/Deployment/prometheus-adapter',
    ]);
    for (const vpa of vpas) {
      expect(vpa.spec.updatePolicy).toEqual({ updateMode: 'Off' });
      const { apiVersion, kind, name } = vpa.spec.targetRef;
      expect(objects.filter((o) => o.apiVersion === apiVersion && o.kind === kind && o.metadata.name === name && o.metadata.namespace === vpa.metadata.namespace)).toHaveLength(1);
    }
  });
});
