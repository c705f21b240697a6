import type { KubernetesObject } from '../../../infra/pulumi/platform-contract';
import { partitionPlatform, withGatewayEnvironment } from '../../../infra/pulumi/platform-deploy';

const deployment = (containers: object[], name = 'gateway'): KubernetesObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'gateway' },
  spec: { replicas: 3, template: { metadata: { labels: { app: 'gateway' } }, spec: { containers } } },
});

describe('withGatewayEnvironment', () => {
  it('appends the gateway-environment Secret to the gateway container envFrom and leaves the rest alone', () => {
    const sidecar = { name: 'other', image: 'other:1' };
    const [patched] = withGatewayEnvironment([deployment([{ name: 'gateway', image: 'g@sha256:1', envFrom: [{ configMapRef: { name: 'c' } }] }, sidecar])]);
    expect(patched?.spec).toEqual({
      replicas: 3,
      template: {
        metadata: { labels: { app: 'gateway' } },
        spec: { containers: [{ name: 'gateway', image: 'g@sha256:1', envFrom: [{ configMapRef: { name: 'c' } }, { secretRef: { name: 'gateway-environment' } }] }, sidecar] },
      },
    });
  });

  it('fails when the gateway workload is missing, instead of starting the gateway without its Secret', () => {
    expect(() => withGatewayEnvironment([deployment([{ name: 'gateway' }], 'other')])).toThrow(
      "PlatformDeploy: expected one 'gateway' container in gateway/gateway, found 0; the gateway would start without its Secret",
    );
  });
});

describe('partitionPlatform', () => {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gateway' } };
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'gateway' } };
  const virtualService = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'gateway', namespace: 'gateway' }, spec: { http: [] } };
  const destinationRule = { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: { name: 'gateway', namespace: 'gateway' }, spec: { subsets: [] } };
  const rollout = (strategy: object): KubernetesObject => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'gateway', namespace: 'gateway' }, spec: { strategy } });
  const canary = rollout({ canary: { trafficRouting: { istio: { virtualService: { name: 'gateway' }, destinationRule: { name: 'gateway' } } } } });

  it('separates the namespaces, the routing objects the canary Rollout names, and everything else, keeping order', () => {
    expect(partitionPlatform([configMap, namespace, virtualService, canary, destinationRule])).toEqual({
      namespaces: [namespace],
      rolloutControlled: { virtualService, destinationRule },
      rest: [configMap, canary],
    });
  });

  it('leaves the routing objects with the rest when the Rollout routes no traffic through them (blue-green)', () => {
    const blueGreen = rollout({ blueGreen: { activeService: 'gateway' } });
    expect(partitionPlatform([virtualService, blueGreen]).rolloutControlled).toEqual({});
  });

  it('fails when the Rollout names a routing object the platform does not have in the expected version', () => {
    expect(() => partitionPlatform([canary, destinationRule, { ...virtualService, apiVersion: 'networking.istio.io/v1' }])).toThrow(
      'PlatformDeploy: the gateway Rollout routes through VirtualService gateway/gateway, but the platform has it as networking.istio.io/v1; ROLLOUT_CONTROLLED expects networking.istio.io/v1beta1',
    );
  });
});
