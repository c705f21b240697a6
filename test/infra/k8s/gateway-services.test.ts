import { Testing } from 'cdk8s';
import { GatewayWorkload, type TcpListener } from '../../../infra/k8s/gateway-workload';
import { TEST_IMAGE, TEST_ROUTES, find, gatewayStack, synth } from '../fixtures';

function services(tcpListeners: readonly TcpListener[] = []) {
  return synth((chart) => gatewayStack(chart, { workload: { tcpListeners } }));
}

describe('GatewayServices', () => {
  it('exposes HTTP and the admin port on separate ClusterIP Services selecting the gateway pods', () => {
    const objects = services();
    const selector = { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'gateway', 'app.kubernetes.io/component': 'api-gateway', 'app.kubernetes.io/part-of': 'uag-platform', 'app.kubernetes.io/managed-by': 'cdk8s' };
    expect(objects.filter((o) => o.kind === 'Service').map((s) => [s.metadata.name, s.spec.type, s.spec.ports, s.spec.selector])).toEqual([
      ['gateway', 'ClusterIP', [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP', appProtocol: 'http' }], selector],
      ['gateway-admin', 'ClusterIP', [{ name: 'admin', port: 9090, targetPort: 9090, protocol: 'TCP', appProtocol: 'http' }], selector],
    ]);
  });

  it('adds a TCP Service and container ports for raw TCP listeners', () => {
    const objects = services([{ name: 'game', port: 7777 }, { name: 'chat', port: 7000 }]);
    expect(find(objects, 'Service', 'gateway-tcp').spec.ports).toEqual([
      { name: 'tcp-7777', port: 7777, targetPort: 7777, protocol: 'TCP', appProtocol: 'tcp' },
      { name: 'tcp-7000', port: 7000, targetPort: 7000, protocol: 'TCP', appProtocol: 'tcp' },
    ]);
    expect(find(objects, 'Rollout').spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toEqual(['http', 'admin', 'tcp-7777', 'tcp-7000']);
  });

  it('rejects a TCP listener on the HTTP or admin port', () => {
    expect(
      () => new GatewayWorkload(Testing.chart(), 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes: TEST_ROUTES, tcpListeners: [{ name: 'game', port: 9090 }] }),
    ).toThrow(`GatewayWorkload: TCP listener 'game' port (9090) collides with the HTTP (8080) or admin (9090) port`);
  });
});
