import { join } from 'node:path';
import { DEFAULT_HTTP_PORT } from '../../../../app/src/contract';
import { ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { GatewayWorkload, type TcpListener } from '../../../../infra/k8s/gateway-workload';
import { IngressRouting, type IngressRoutingProps } from '../../../../infra/k8s/mesh/ingress-routing';
import { readManifests } from '../../../../infra/synth/write-charts';
import { TEST_IMAGE, TEST_ROUTES, find, synth } from '../../fixtures';

type Extra = Partial<Omit<IngressRoutingProps, 'workload' | 'serviceName' | 'tcpServiceName' | 'ingress' | 'routes' | 'retries'>>;

function routingWith(extra: Extra = {}, tcpListeners: readonly TcpListener[] = []) {
  let construct: IngressRouting | undefined;
  const objects = synth((chart) => {
    const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes: TEST_ROUTES, tcpListeners });
    construct = new IngressRouting(chart, 'ingress', {
      workload,
      serviceName: 'gateway',
      tcpServiceName: 'gateway-tcp',
      ingress: { hosts: ['api.test.example.com'], tlsCredentialName: 'test-tls' },
      routes: TEST_ROUTES,
      retries: { attempts: 3 },
      previewHeaderName: 'x-uag-canary',
      ...extra,
    });
  });
  return { objects, construct: construct! };
}

function routing(extra: Extra = {}, tcpListeners: readonly TcpListener[] = []) {
  return routingWith(extra, tcpListeners).objects;
}

const host = 'gateway.gateway.svc.cluster.local';
const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');

/** Istio durations as the VirtualServices write them (`31s`, `500ms`), in milliseconds. */
function milliseconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (match === null) throw new Error(`not an Istio duration: ${duration}`);
  return Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Envoy retry conditions under which the request never reached the gateway pod, so replaying it is safe for any method. */
const NEVER_DELIVERED = ['connect-failure', 'refused-stream'];

describe.each(ENVIRONMENT_NAMES)('ingress retries in charts-out/%s', (environment) => {
  const http = readManifests(join(CHARTS_OUT, environment))
    .filter((o) => o.kind === 'VirtualService')
    .flatMap((o: any) => (o.spec.http ?? []) as { name: string; timeout: string; retries?: { attempts: number; retryOn?: string; perTryTimeout?: string } }[]);

  it('regression: the mesh retries only requests that never reached a gateway pod, never the gateway’s own 5xx (no gateway-error, no status codes)', () => {
    expect(http.length).toBeGreaterThan(0);
    for (const route of http) {
      // Without retryOn (or without retries at all) Istio falls back to its default conditions, which include 503s.
      expect({ route: route.name, unsafe: (route.retries?.retryOn ?? 'istio-default').split(',').filter((condition) => !NEVER_DELIVERED.includes(condition)) }).toEqual({
        route: route.name,
        unsafe: [],
      });
    }
  });

  it('regression: no per-try timeout cuts a request the route still allows (a 2 s per-try timeout turned slow answers into 504s)', () => {
    for (const route of http) {
      const perTry = route.retries?.perTryTimeout;
      expect({ route: route.name, perTryBelowRouteTimeout: perTry !== undefined && milliseconds(perTry) < milliseconds(route.timeout) }).toEqual({ route: route.name, perTryBelowRouteTimeout: false });
    }
  });
});

describe('IngressRouting', () => {
  it('serves HTTPS with the credential and redirects plain HTTP', () => {
    expect(find(routing(), 'Gateway').spec.servers).toEqual([
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['api.test.example.com'], tls: { httpsRedirect: true } },
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['api.test.example.com'], tls: { mode: 'SIMPLE', credentialName: 'test-tls' } },
    ]);
  });

  it('routes each route-table prefix to stable at rest, with a timeout just above the gateway’s own, and retries', () => {
    const http = find(routing(), 'VirtualService').spec.http;
    const users = http.find((h: { name: string }) => h.name === 'users');
    expect(users).toEqual({
      name: 'users',
      match: [{ uri: { prefix: '/api/users' } }],
      route: [
        { destination: { host, subset: 'stable', port: { number: DEFAULT_HTTP_PORT } }, weight: 100 },
        { destination: { host, subset: 'canary', port: { number: DEFAULT_HTTP_PORT } }, weight: 0 },
      ],
      timeout: '6s',
      retries: { attempts: 3, retryOn: 'connect-failure,refused-stream' },
    });
    expect(http.find((h: { name: string }) => h.name === 'orders').timeout).toBe('31s');
  });

  it('sends requests with the preview header to the canary ahead of each weighted route, with the same timeout and retries', () => {
    const http = find(routing({ previewHeaderName: 'x-try-new' }), 'VirtualService').spec.http;
    expect(http.map((h: { name: string }) => h.name)).toEqual(['users-preview', 'users', 'orders-preview', 'orders']);
    expect(http[0].match).toEqual([{ uri: { prefix: '/api/users' }, headers: { 'x-try-new': { exact: 'true' } } }]);
    expect(http[0].route).toEqual([{ destination: { host, subset: 'canary', port: { number: DEFAULT_HTTP_PORT } }, weight: 100 }]);
    expect([http[0].timeout, http[0].retries]).toEqual([http[1].timeout, http[1].retries]);
  });

  it('names the routes Argo Rollouts weights: the route-table entries, not the preview routes', () => {
    const weighted = routingWith().construct.weightedRouteNames;
    expect(weighted).toEqual(['users', 'orders']);
  });

  it('injects delays only when the environment enables it', () => {
    for (const route of find(routing({ faultInjection: { enabled: false, delayPercent: 5, fixedDelay: '2s' } }), 'VirtualService').spec.http) expect(route).not.toHaveProperty('fault');
    for (const route of find(routing({ faultInjection: { enabled: true, delayPercent: 5, fixedDelay: '2s' } }), 'VirtualService').spec.http) {
      expect(route.fault).toEqual({ delay: { percentage: { value: 5 }, fixedDelay: '2s' } });
    }
  });

  it('defines stable and canary subsets over the gateway pods, for Argo Rollouts to pin to a pod-template hash each', () => {
    const selector = { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'gateway', 'app.kubernetes.io/component': 'api-gateway', 'app.kubernetes.io/part-of': 'uag-platform', 'app.kubernetes.io/managed-by': 'cdk8s' };
    expect(find(routing(), 'DestinationRule').spec.subsets).toEqual([
      { name: 'stable', labels: selector },
      { name: 'canary', labels: selector },
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

  it('refuses a TCP listener on a port the ingress gateway already serves or its Envoy uses, naming the listener', () => {
    for (const port of [80, 443, 15021, 15090]) {
      expect(() => routing({}, [{ name: 'game', port }])).toThrow(`IngressRouting: TCP listener 'game' port (${port}) is one the ingress gateway already serves or Envoy uses`);
    }
    expect(() => routing({}, [{ name: 'game', port: 15100 }])).not.toThrow();
  });

  it('rejects a preview header name Istio would not match', () => {
    expect(() => routing({ previewHeaderName: 'X Canary' })).toThrow(`IngressRouting: 'previewHeaderName' (X Canary) must be a lower-case header name`);
  });
});
