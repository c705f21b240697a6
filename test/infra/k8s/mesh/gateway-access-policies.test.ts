import { join } from 'node:path';
import { DEFAULT_ADMIN_PORT } from '../../../../app/src/contract';
import { ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { INGRESS_GATEWAY_PRINCIPAL, NAMESPACES } from '../../../../infra/k8s/platform-names';
import { readManifests } from '../../../../infra/synth/write-charts';
import { authorize } from '../../../helpers/istio-authorization';
import { devWithTcpListener, type SynthObject } from '../../fixtures';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');

function gatewayPodLabels(objects: readonly SynthObject[]): Record<string, string> {
  return objects.find((o) => o.kind === 'Rollout')!.spec.template.metadata.labels;
}

/** Every port something other than the AuthorizationPolicies opens for client traffic into the gateway. */
function openedClientPorts(objects: readonly SynthObject[]): number[] {
  const inGateway = objects.filter((o) => o.metadata.namespace === NAMESPACES.gateway);
  const fromIngress = inGateway
    .filter((o) => o.kind === 'NetworkPolicy')
    .flatMap((o) => (o.spec.ingress ?? []) as any[])
    .filter((rule) => (rule.from ?? []).some((peer: any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === NAMESPACES.istio))
    .flatMap((rule) => (rule.ports ?? []).map((p: any) => Number(p.port)));
  const services = inGateway.filter((o) => o.kind === 'Service' && o.metadata.name !== 'gateway-admin').flatMap((o) => (o.spec.ports as any[]).map((p) => Number(p.port)));
  const gatewayServers = objects.filter((o) => o.kind === 'Gateway').flatMap((o) => (o.spec.servers as any[]).filter((s) => s.port.protocol === 'TCP').map((s) => Number(s.port.number)));
  const tcpRoutes = objects.filter((o) => o.kind === 'VirtualService').flatMap((o) => ((o.spec.tcp ?? []) as any[]).flatMap((t) => t.route.map((r: any) => Number(r.destination.port.number))));
  return [...new Set([...fromIngress, ...services, ...gatewayServers, ...tcpRoutes])].sort((a, b) => a - b);
}

describe('mesh access to the gateway pods', () => {
  const objects = devWithTcpListener();
  const labels = gatewayPodLabels(objects);

  it('regression: a raw TCP listener is reachable from the ingress gateway; the AuthorizationPolicy allows every port the NetworkPolicy, Services, Gateway and TCP VirtualService open', () => {
    const ports = openedClientPorts(objects);
    expect(ports).toEqual([8080, 7000].sort((a, b) => a - b));
    const decisions = ports.map((port) => ({
      port,
      ...authorize(objects, { namespace: NAMESPACES.gateway, labels, port, protocol: port === 8080 ? 'http' : 'tcp', principal: INGRESS_GATEWAY_PRINCIPAL }),
    }));
    expect(decisions).toEqual(ports.map((port) => ({ port, allowed: true, reason: 'ALLOW gateway/gateway-allow-ingress-gateway' })));
  });

  it('refuses client traffic from any other identity, and any port but the client ports and the metrics path', () => {
    const other = 'cluster.local/ns/users/sa/user-service';
    expect(authorize(objects, { namespace: NAMESPACES.gateway, labels, port: 7000, protocol: 'tcp', principal: other }).allowed).toBe(false);
    expect(authorize(objects, { namespace: NAMESPACES.gateway, labels, port: 8080, protocol: 'http', principal: other, method: 'GET', path: '/api/users' }).allowed).toBe(false);
    expect(authorize(objects, { namespace: NAMESPACES.gateway, labels, port: 7001, protocol: 'tcp', principal: INGRESS_GATEWAY_PRINCIPAL }).allowed).toBe(false);
    expect(authorize(objects, { namespace: NAMESPACES.gateway, labels, port: DEFAULT_ADMIN_PORT, protocol: 'http', method: 'GET', path: '/metrics' }).allowed).toBe(true);
    expect(authorize(objects, { namespace: NAMESPACES.gateway, labels, port: DEFAULT_ADMIN_PORT, protocol: 'http', method: 'GET', path: '/health/ready' }).allowed).toBe(false);
  });
});

describe.each(ENVIRONMENT_NAMES)('JWT in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment));

  it('regression: no RequestAuthentication that enforces nothing: the gateway, not the mesh, checks tokens, so a token from another issuer reaches the gateway’s routes', () => {
    // A RequestAuthentication alone lets token-less requests through and refuses any other issuer's
    // token, even on routes the route table leaves public.
    expect(objects.filter((o) => o.kind === 'RequestAuthentication').map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual([]);
  });
});
