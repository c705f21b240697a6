import { Testing } from 'cdk8s';
import { SingleContainerApp, type SingleContainerAppProps } from '../../../infra/k8s/single-container-app';
import { find, synth } from '../fixtures';

const props: SingleContainerAppProps = {
  namespace: 'tools',
  name: 'demo',
  component: 'demo',
  imageRepository: 'registry.test/demo',
  version: '1.2.3',
  ports: [
    { name: 'http', port: 8080 },
    { name: 'http-health', port: 8081 },
  ],
  health: { port: 'http-health', path: '/healthz' },
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
};

describe('SingleContainerApp', () => {
  const objects = synth((chart) => new SingleContainerApp(chart, 'app', props));

  it('probes the named health port and puts a Service with the same ports in front of the pods', () => {
    const deployment = find(objects, 'Deployment', 'demo');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8081, scheme: 'HTTP' });
    expect([deployment.spec.replicas, deployment.metadata.labels?.['app.kubernetes.io/version']]).toEqual([1, '1.2.3']);
    const service = find(objects, 'Service', 'demo');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' },
      { name: 'http-health', port: 8081, targetPort: 8081, protocol: 'TCP' },
    ]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.metadata.labels).not.toHaveProperty('app.kubernetes.io/version');
  });

  it('gives the app its own service account without an API token', () => {
    expect(find(objects, 'ServiceAccount', 'demo').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'Deployment', 'demo').spec.template.spec).toMatchObject({ serviceAccountName: 'demo', automountServiceAccountToken: false });
  });

  it('refuses a health port that is not one of its ports', () => {
    expect(() => new SingleContainerApp(Testing.chart(), 'app', { ...props, health: { port: 'admin', path: '/' } })).toThrow(
      `SingleContainerApp 'demo': 'health.port' (admin) must name one of 'ports' (http, http-health)`,
    );
  });
});
