import { validateManifest } from '../../../infra/synth/validate-manifests';

describe('validateManifest', () => {
  it('accepts a valid core object', () => {
    expect(validateManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { a: 'b' } } as never)).toEqual([]);
  });

  it('reports schema violations', () => {
    expect(validateManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { a: 1 } } as never)).toEqual([
      'ConfigMap n/c: data/data/a must be string',
    ]);
  });

  it('reports unknown fields at any depth in core objects', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'n', labelz: {} },
      spec: { selector: { matchLabels: { a: 'b' } }, replica: 2, template: { spec: { containers: [{ name: 'c', image: 'i:1', imagePullPolicy: 'Always', livenessprobe: {} }] } } },
    };
    expect(validateManifest(deployment as never)).toEqual([
      "Deployment n/d: unknown field 'metadata.labelz'",
      "Deployment n/d: unknown field 'spec.replica'",
      "Deployment n/d: unknown field 'spec.template.spec.containers[0].livenessprobe'",
    ]);
  });

  it('reports unknown fields in Istio objects', () => {
    const peerAuthentication = { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'p', namespace: 'n' }, spec: { mtls: { mod: 'STRICT' } } };
    expect(validateManifest(peerAuthentication as never)).toEqual(["PeerAuthentication n/p: unknown field 'spec.mtls.mod'"]);
  });

  it('checks Istio enums', () => {
    const peerAuthentication = { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'p' }, spec: { mtls: { mode: 'STRIKT' } } };
    expect(validateManifest(peerAuthentication as never)).toEqual(['PeerAuthentication p: data/spec/mtls/mode must be equal to one of the allowed values']);
  });

  it('reports unknown fields in prometheus-operator objects', () => {
    const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', fore: '1m' }] }] } };
    expect(validateManifest(rule as never)).toEqual(["PrometheusRule r: unknown field 'spec.groups[0].rules[0].fore'"]);
  });

  it('reports unknown fields in Argo Rollouts objects, in the embedded pod template too', () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r', namespace: 'n' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        strategy: { canary: { steps: [{ setWieght: 10 }] } },
        // The Rollout schema leaves volumes free-form; the core PodTemplate schema does not.
        template: { spec: { containers: [{ name: 'c', image: 'i:1', livenessprobe: {} }], volumes: [{ name: 'v', emptydir: {} }] } },
      },
    };
    expect(validateManifest(rollout as never)).toEqual([
      "Rollout n/r: unknown field 'spec.strategy.canary.steps[0].setWieght'",
      "Rollout n/r: unknown field 'spec.template.spec.containers[0].livenessprobe'",
      "Rollout n/r: unknown field 'spec.template.spec.volumes[0].emptydir'",
    ]);
    const template = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 't' }, spec: { metrics: [{ name: 'm', provider: { prometheus: { query: 'up', adress: 'x' } } }] } };
    expect(validateManifest(template as never)).toEqual(["AnalysisTemplate t: unknown field 'spec.metrics[0].provider.prometheus.adress'"]);
  });

  it('refuses kinds it has no schema for', () => {
    expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } as never)).toEqual([
      'Widget w: no published schema known for example.com/v1 Widget; add its model module to MODEL_MODULES',
    ]);
  });
});
