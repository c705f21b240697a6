import { Testing } from 'cdk8s';
import { parseRouteTable } from '../../../app/src/config/route-table-loader';
import { GatewayNetworkPolicies } from '../../../infra/k8s/gateway-network-policies';
import { GatewayWorkload } from '../../../infra/k8s/gateway-workload';
import { allowTraffic } from '../../../infra/k8s/network-traffic';
import { TEST_IMAGE, TEST_ROUTES, find, synth } from '../fixtures';

describe('GatewayNetworkPolicies', () => {
  const objects = synth((chart) => {
    const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes: TEST_ROUTES });
    new GatewayNetworkPolicies(chart, 'np', { workload, routes: TEST_ROUTES });
  });

  it('admits client traffic only from the ingress gateway and scrapes only from Prometheus', () => {
    expect(find(objects, 'NetworkPolicy', 'gateway-allow-ingress').spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { istio: 'ingressgateway' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ port: 9090, protocol: 'TCP' }],
      },
    ]);
  });

  it('lets traffic out only to DNS, istiod, the upstream namespaces on their ports, and the trace collector', () => {
    const egress = find(objects, 'NetworkPolicy', 'gateway-allow-egress').spec.egress;
    const destinations = egress.map((rule: { to: { namespaceSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }) => [
      rule.to[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
      rule.ports.map((p) => p.port),
    ]);
    expect(destinations).toEqual([
      ['kube-system', [53, 53]],
      ['istio-system', [15012]],
      ['orders', [9000]],
      ['users', [8080]],
      ['observability', [4317, 4318]],
    ]);
  });

  it("opens the upstream pods' port, not the Service port, for a Service mapping 80 to 8080 (regression: egress named the Service port, which NetworkPolicy never sees)", () => {
    const routes = parseRouteTable({ routes: [{ name: 'billing', match: { pathPrefix: '/api/billing' }, upstream: { service: 'billing', namespace: 'billing', port: 80 } }] }, 'test routes');
    const mapped = synth((chart) => {
      const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes });
      new GatewayNetworkPolicies(chart, 'np', { workload, routes, upstreamTargetPorts: { 'billing.billing:80': 8080 } });
    });
    expect(find(mapped, 'NetworkPolicy', 'gateway-allow-egress').spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'billing' } }, podSelector: {} }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  it('admits TCP listener ports from the ingress gateway', () => {
    const withTcp = synth((chart) => {
      const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes: TEST_ROUTES, tcpListeners: [{ name: 'game', port: 7777 }] });
      new GatewayNetworkPolicies(chart, 'np', { workload, routes: TEST_ROUTES });
    });
    expect(find(withTcp, 'NetworkPolicy', 'gateway-allow-ingress').spec.ingress[0].ports).toEqual([
      { port: 8080, protocol: 'TCP' },
      { port: 7777, protocol: 'TCP' },
    ]);
  });

  it('adds the external egress the deploying program passes, as address ranges', () => {
    const withRedis = synth((chart) => {
      const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'dev', routes: TEST_ROUTES });
      new GatewayNetworkPolicies(chart, 'np', { workload, routes: TEST_ROUTES, externalEgress: [{ peers: [{ cidr: '10.30.32.0/19' }], ports: [{ port: 6379 }] }] });
    });
    expect(find(withRedis, 'NetworkPolicy', 'gateway-allow-egress').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.30.32.0/19' } }], ports: [{ port: 6379, protocol: 'TCP' }] });
  });

  it('refuses a policy that allows nothing', () => {
    expect(() => allowTraffic(Testing.chart(), 'x', { namespace: 'n', name: 'empty', podSelector: {} })).toThrow(
      `NetworkPolicy 'empty': set 'ingress' or 'egress'; a policy with neither allows nothing`,
    );
  });
});
