import { Duration } from 'cdk8s';
import * as kplus from '../../../infra/k8s/cdk8s-plus';
import { restrictedContainer, restrictedWorkload, type RestrictedPodsProps } from '../../../infra/k8s/restricted-pods';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT, find, synth, type SynthObject } from '../fixtures';

const selector = { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'demo' };
const container = restrictedContainer({
  name: 'demo',
  image: 'registry.test/demo:1.2.3',
  ports: [{ name: 'http', port: 8080 }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  env: { B: kplus.EnvValue.fromValue('2'), A: kplus.EnvValue.fromValue('1') },
  liveness: kplus.Probe.fromHttpGet('/live', { port: 8080, periodSeconds: Duration.seconds(10) }),
  readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080, periodSeconds: Duration.seconds(5) }),
});

function deployment(overrides: Partial<RestrictedPodsProps> = {}): SynthObject {
  return find(
    synth((chart) => {
      const serviceAccount = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'demo' } });
      const pods = { selector, labels: { ...selector, 'app.kubernetes.io/version': '1.2.3' }, serviceAccount, containers: [container], ...overrides };
      restrictedWorkload(pods, (podProps) => new kplus.Deployment(chart, 'deployment', { ...podProps, metadata: { name: 'demo' }, replicas: 1 }));
    }),
    'Deployment',
  );
}

describe('restrictedWorkload', () => {
  // Regression: cdk8s-plus selects a workload's pods by its `cdk8s.io/metadata.addr` construct-address label by default.
  it('selects by the app labels and leaves no construct-address label on selector or pods', () => {
    const { spec } = deployment();
    expect(spec.selector).toEqual({ matchLabels: selector });
    expect(spec.template.metadata.labels).toEqual({ ...selector, 'app.kubernetes.io/version': '1.2.3' });
    expect(JSON.stringify(spec)).not.toContain(kplus.Pod.ADDRESS_LABEL);
  });

  it('runs the pods restricted, with the seccomp profile at pod level for injected sidecars, and no API token', () => {
    const pod = deployment().spec.template.spec;
    expect(pod.securityContext).toEqual(RESTRICTED_POD_SECURITY_CONTEXT);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBe(false);
    expect(pod.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY_CONTEXT);
  });

  it('states the resources given, pulls only missing immutable tags, and keeps the env order', () => {
    const [c] = deployment().spec.template.spec.containers;
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.env).toEqual([{ name: 'B', value: '2' }, { name: 'A', value: '1' }]);
  });

  it('spreads the pods over the given topology keys by the selector', () => {
    expect(deployment({ spread: [{ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }] }).spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
    ]);
    expect(deployment().spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  it('refuses pod labels that the selector would not match', () => {
    expect(() => deployment({ labels: { 'app.kubernetes.io/name': 'other' } })).toThrow(
      `restrictedWorkload: pod label 'app.kubernetes.io/name' (other) must equal the selector's (demo), or the workload selects none of its pods`,
    );
  });
});
