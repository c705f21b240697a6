import { join } from 'node:path';
import { rolloutOwnedFields } from '../../../infra/gitops';
import type { ManifestObject } from '../../../infra/synth/validate-manifests';
import { readManifests } from '../../../infra/synth/write-charts';

const CHARTS_OUT = join(__dirname, '..', '..', '..', 'charts-out');

const rollout = (strategy: object): ManifestObject =>
  ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'gateway', namespace: 'gateway' }, spec: { strategy } }) as ManifestObject;

describe('rolloutOwnedFields', () => {
  it("names the committed gateway Rollout's VirtualService weights and DestinationRule subset hashes, in every environment", () => {
    for (const environment of ['dev', 'staging', 'prod']) {
      expect(rolloutOwnedFields(readManifests(join(CHARTS_OUT, environment)))).toEqual([
        { group: 'networking.istio.io', kind: 'VirtualService', name: 'gateway', namespace: 'gateway', jqPathExpressions: ['.spec.http[].route[].weight'] },
        { group: 'networking.istio.io', kind: 'DestinationRule', name: 'gateway', namespace: 'gateway', jqPathExpressions: ['.spec.subsets[].labels["rollouts-pod-template-hash"]'] },
      ]);
    }
  });

  it('names the selectors of the Services a blue-green or a service-based canary switches', () => {
    expect(rolloutOwnedFields([rollout({ blueGreen: { activeService: 'gateway', previewService: 'gateway-preview' } })])).toEqual([
      { group: '', kind: 'Service', name: 'gateway', namespace: 'gateway', jqPathExpressions: ['.spec.selector["rollouts-pod-template-hash"]'] },
      { group: '', kind: 'Service', name: 'gateway-preview', namespace: 'gateway', jqPathExpressions: ['.spec.selector["rollouts-pod-template-hash"]'] },
    ]);
    expect(rolloutOwnedFields([rollout({ canary: { stableService: 'stable', canaryService: 'canary' } })]).map((fields) => fields.name)).toEqual(['stable', 'canary']);
  });

  it('follows a VirtualService named as <name>.<namespace>, as Argo Rollouts resolves it', () => {
    const owned = rolloutOwnedFields([rollout({ canary: { trafficRouting: { istio: { virtualServices: [{ name: 'edge.istio-system' }, { name: 'local' }] } } } })]);
    expect(owned.map(({ name, namespace }) => `${namespace}/${name}`)).toEqual(['istio-system/edge', 'gateway/local']);
  });

  it('refuses a traffic router whose controller-owned fields it does not know, naming the field and the fix', () => {
    expect(() => rolloutOwnedFields([rollout({ canary: { trafficRouting: { nginx: { stableIngress: 'x' } } } })])).toThrow(
      'Rollout gateway/gateway: spec.strategy.canary.trafficRouting.nginx is not known to rolloutOwnedFields; add the fields that router\'s controller changes (infra/gitops/rollout-owned-fields.ts)',
    );
  });

  it('ignores objects other than Rollouts', () => {
    expect(rolloutOwnedFields([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'y' } }])).toEqual([]);
  });
});
