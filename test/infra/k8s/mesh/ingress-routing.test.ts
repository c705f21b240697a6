import { DEFAULT_HTTP_PORT } from '../../../../app/src/contract';
import { GatewayWorkload, type TcpListener } from '../../../../infra/k8s/gateway-workload';
import { IngressRouting, type IngressRoutingProps } from '../../../../infra/k8s/mesh/ingress-routing';
import { TEST_IMAGE, TEST_ROUTES, find, synth } from '../../fixtures';

type Extra = Omit<IngressRoutingProps, 'workload' | 'serviceName' | 'tcpServiceName' | 'ingress' | 'routes' | 'retries'>;

function routing(extra: Extra = {}, tcpListeners: readonly TcpListener[] = []) {
  return synth((chart) => {
    const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes: TEST_ROUTES, tcpListeners });
    new IngressRouting(chart, 'ingress', {
      workload,
      serviceName: 'gateway',
      tcpServiceName: 'gateway-tcp',
      ingress: { hosts: ['api.test.example.com'], tlsCredentialName: 'test-tls' },
      routes: TEST_ROUTES,
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,refused-stream' },
      ...extra,
    });
  });
}

const host = 'gateway.gateway.svc.cluster.local';

describe('IngressRouting', () => {
  it('serves HTTPS with the credential and redirects plain HTTP', () => {
    expect(find(routing(), 'Gateway').spec.servers).toEqual([
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['api.test.example.com'], tls: { httpsRedirect: true } },
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['api.test.example.com'], tls: { mode: 'SIMPLE', credentialName: 'test-tls' } },
    ]);
  });

  it('routes each route-table prefix with a timeout just above the gateway’s own, and retries', () => {
    const [users, orders] = find(routing(), 'VirtualService').spec.http;
    expect(users).toEqual({
      name: 'users',
      match: [{ uri: { prefix: '/api/users' } }],
      route: [{ destination: { host, subset: 'stable', port: { number: DEFAULT_HTTP_PORT } }, weight: 100 }],
      timeout: '6s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,refused-stream' },
    });
    expect(orders.timeout).toBe('31s');
  });

  it('splits by weight and sends the canary header to the canary', () => {
    const http = find(routing({ canary: { weightPercent: 10, headerName: 'canary' } }), 'VirtualService').spec.http;
    expect(http.map((h: { name: string }) => h.name)).toEqual(['users-canary-header', 'users', 'orders-canary-header', 'orders']);
    expect(http[0].match).toEqual([{ uri: { prefix: '/api/users' }, headers: { canary: { exact: 'true' } } }]);
    expect(http[0].route).toEqual([{ destination: { host, subset: 'canary', port: { number: DEFAULT_HTTP_PORT } }, weight: 100 }]);
    expect(http[1].route.map((r: { weight: number }) => r.weight)).toEqual([90, 10]);
  });

  it('injects delays only when the environment enables it', () => {
    expect(find(routing({ faultInjection: { enabled: false, delayPercent: 5, fixedDelay: '2s' } }), 'VirtualService').spec.http[0]).not.toHaveProperty('fault');
    expect(find(routing({ faultInjection: { enabled: true, delayPercent: 5, fixedDelay: '2s' } }), 'VirtualService').spec.http[0].fault).toEqual({
      delay: { percentage: { value: 5 }, fixedDelay: '2s' },
    });
  });

  it('defines stable and canary subsets by the version label', () => {
    expect(find(routing(), 'DestinationRule').spec.subsets).toEqual([
      { name: 'stable', labels: { version: 'stable' } },
      { name: 'canary', labels: { version: 'canary' } },
    ]);
  });

  it('forwards each TCP listener port through the ingress gateway to the TCP Service', () => {
    const objects = routing({}, [{ name: 'game', port: 7777 }]);
    expect(find(objects, 'Gateway').spec.servers[2]).toEqual({ port: { number: 7777, name: 'tcp-7777', protocol: 'TCP' }, hosts: ['*'] });
    expect(find(objects, 'VirtualService', 'gateway-tcp').spec).toEqual({
      hosts: ['*'],
      gateways: ['gateway-ingress'],
      tcp: [{ match: [{ port: 7777 }], route: [{ destination: { host: 'gateway-tcp.gateway.svc.cluster.local', port: { number: 7777 } } }] }],
    });
    expect(routing().filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name)).toEqual(['gateway']);
  });

  it('rejects a canary weight outside 0..100', () => {
    expect(() => routing({ canary: { weightPercent: 101, headerName: 'canary' } })).toThrow(`IngressRouting: 'canary.weightPercent' (101) must be 0..100`);
  });
});
