import type { KubernetesObject } from '../../../infra/pulumi/platform-contract';
import { partitionNamespaces, withGatewayEnvironment } from '../../../infra/pulumi/platform-deploy';

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

describe('partitionNamespaces', () => {
  it('separates the namespaces from everything else, keeping order', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gateway' } };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'gateway' } };
    expect(partitionNamespaces([configMap, namespace])).toEqual({ namespaces: [namespace], rest: [configMap] });
  });
});
