import type { KubernetesObject, PlatformRenderRequest, PlatformSource } from '../../../infra/pulumi/platform-contract';

export const CONTENT_TAG = '0123456789abcdef';
export const PUSHED_DIGEST = `sha256:${'d'.repeat(64)}`;

/**
 * A platform of the shape the cdk8s one renders: namespaces, the gateway Deployment using the
 * image it is given, and custom resources that need the operators' CRDs.
 */
export function fakePlatform(): PlatformSource & { readonly requests: PlatformRenderRequest[] } {
  const requests: PlatformRenderRequest[] = [];
  return {
    requests,
    render: (request) => {
      requests.push(request);
      const objects: KubernetesObject[] = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gateway' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'observability' } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'gateway', namespace: 'gateway' },
          spec: { template: { spec: { containers: [{ name: 'gateway', image: request.image, env: [{ name: 'UAG_ENV', value: request.environment }] }] } } },
        },
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'prometheus', namespace: 'observability' } },
        { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gateway', namespace: 'gateway' }, spec: { servers: [{ hosts: request.hosts ?? ['api.dev.example.org'] }] } },
      ];
      return objects;
    },
    imageTag: () => CONTENT_TAG,
    ingressTlsSecretName: (environment) => `uag-${environment}-tls`,
  };
}
