import { join } from 'node:path';
import { environmentReleases } from './pulumi/ingress-exposures';
import { buildAdmissionPolicies, repositoryPolicyOptions } from '../../policies/k8s';
import { evaluateAdmission } from '../../policies/k8s/admission-evaluator';
import type { KubernetesObject } from '../../policies/k8s/manifest-object';
import { readManifestTree } from '../../policies/k8s/manifest-tree';
import { injectSidecar, injectionDisabled } from '../helpers/istio-sidecar-injection';
import { restrictedViolations, type PodSpecUnderTest } from '../helpers/pod-security-restricted';

const ROOT = join(__dirname, '..', '..');
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout', 'Job']);
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/** The istiod values the Pulumi program installs (their injection settings are the same in every stack). */
const ISTIOD_VALUES = environmentReleases('dev', { ingressExposure: { kind: 'node-port' } }).find((release) => release.key === 'istiod')?.values as Record<string, unknown>;

interface PodUnderTest {
  readonly workload: string;
  readonly namespace: KubernetesObject;
  readonly pod: KubernetesObject & { spec: PodSpecUnderTest; metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } };
}

/**
 * The Pods the controllers of every shipped workload create in a meshed namespace: the pod
 * template, named and owned as a ReplicaSet's Pod, before the injector sees it.
 */
function meshedPods(environment: string): PodUnderTest[] {
  const objects = readManifestTree(join(ROOT, 'charts-out', environment)).map((manifest) => manifest.object);
  const namespaces = new Map(objects.filter((object) => object.kind === 'Namespace').map((object) => [object.metadata.name ?? '', object]));
  return objects.flatMap((object) => {
    const namespace = namespaces.get(object.metadata.namespace ?? '');
    if (!POD_TEMPLATE_KINDS.has(object.kind) || namespace?.metadata.labels?.['istio-injection'] !== 'enabled') return [];
    const template = (object.spec as { template: { metadata?: Record<string, unknown>; spec: PodSpecUnderTest } }).template;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...template.metadata, name: `${object.metadata.name}-7d9c4-x2x5q`, namespace: object.metadata.namespace, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${object.metadata.name}-7d9c4`, uid: 'u', controller: true }] },
      spec: template.spec,
    };
    return [{ workload: `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`, namespace, pod: pod as PodUnderTest['pod'] }];
  });
}

/** What the repository's admission policies say about the Pod, as the apiserver evaluates them after mutation. */
function policyViolations(pod: KubernetesObject, namespace: KubernetesObject): string[] {
  const pairs = buildAdmissionPolicies(repositoryPolicyOptions(ROOT));
  const context = { namespaceObject: namespace, namespaceLabels: { ...namespace.metadata.labels, 'kubernetes.io/metadata.name': namespace.metadata.name ?? '' } };
  return pairs.flatMap((pair) => {
    const outcome = evaluateAdmission(pair, pod, context);
    return outcome.applies && !outcome.excepted && !outcome.audited ? outcome.violations : [];
  });
}

/** Pod Security admission, at the level the namespace enforces. */
function podSecurityViolations(pod: PodUnderTest['pod'], namespace: KubernetesObject): string[] {
  const level = namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  if (level !== 'restricted') throw new Error(`namespace ${namespace.metadata.name} enforces '${level}'; this test judges 'restricted' only`);
  return restrictedViolations(pod.spec, pod.metadata.annotations);
}

describe.each(ENVIRONMENTS)('pods the %s platform ships, after sidecar injection', (environment) => {
  const pods = meshedPods(environment);

  it('are the gateway and every observability workload', () => {
    expect(pods.map((pod) => pod.workload).sort()).toEqual(['Deployment/observability/grafana', 'Deployment/observability/jaeger', 'Deployment/observability/prometheus-adapter', 'Rollout/gateway/gateway']);
    expect(pods.filter((pod) => injectionDisabled(pod.pod))).toEqual([]);
  });

  describe.each([
    { nodes: 'Kubernetes 1.33 nodes (native sidecar)', nativeSidecar: true },
    { nodes: 'older nodes (sidecar as a container)', nativeSidecar: false },
  ])('on $nodes', ({ nativeSidecar }) => {
    it.each(pods.map((pod) => [pod.workload, pod] as const))('%s is admitted under Pod Security restricted and the platform policies (regression: istio-init needed root and NET_ADMIN)', (_, { pod, namespace }) => {
      const injected = injectSidecar(pod, ISTIOD_VALUES, { nativeSidecar });
      const names = [...(injected.spec.initContainers ?? []), ...injected.spec.containers].map((container) => container.name);
      expect(names).toEqual(expect.arrayContaining(['istio-validation', 'istio-proxy']));
      expect({ podSecurity: podSecurityViolations(injected, namespace), policies: policyViolations(injected, namespace) }).toEqual({ podSecurity: [], policies: [] });
    });
  });

  it('would be rejected without the Istio CNI agent, naming istio-init', () => {
    const withoutCni = { ...ISTIOD_VALUES, cni: { enabled: false } };
    for (const { pod, namespace, workload } of pods) {
      const injected = injectSidecar(pod, withoutCni, { nativeSidecar: true });
      expect({ workload, podSecurity: podSecurityViolations(injected, namespace) }).toEqual({
        workload,
        podSecurity: ['capabilities beyond baseline: container(s) istio-init', 'runAsNonRoot != true: container(s) istio-init', 'runAsUser=0: container(s) istio-init', 'capabilities adding more than NET_BIND_SERVICE: container(s) istio-init'],
      });
      expect(policyViolations(injected, namespace).join('\n')).toMatch(/container\(s\) istio-init may run as root/);
    }
  });
});
