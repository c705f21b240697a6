import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../../infra/environments';
import { gatewayTcpPorts, ingressServicePorts } from '../../../infra/pulumi/ingress-service-ports';
import type { KubernetesObject } from '../../../infra/pulumi/platform-contract';
import { readManifests } from '../../../infra/synth/write-charts';
import { devWithTcpListener } from '../fixtures';
import { environmentReleases } from './ingress-exposures';

const CHARTS_OUT = join(__dirname, '..', '..', '..', 'charts-out');

interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly nodePort?: number;
}

/** The ingress gateway release's Service ports, as its chart writes them (templates/service.yaml writes `service.ports` as given). */
function ingressServicePortsOf(releases: ReturnType<typeof environmentReleases>): ServicePort[] {
  const ingress = releases.find((release) => release.key === 'ingressGateway');
  return (ingress?.values as { service: { ports: ServicePort[] } }).service.ports;
}

/** Every port Envoy listens on for the rendered Gateway: a server's port number is the port the ingress gateway pod binds. */
function gatewayServerPorts(objects: readonly KubernetesObject[]): number[] {
  return objects.filter((object) => object.kind === 'Gateway').flatMap((gateway) => (gateway.spec as { servers: { port: { number: number } }[] }).servers.map((server) => server.port.number));
}

describe('the ingress gateway Service', () => {
  it('exposes every port of the rendered Gateway, a raw TCP listener included, on the NLB and on the local node ports (regression: a TCP listener was open on the Gateway and on no load balancer)', () => {
    const objects = devWithTcpListener() as KubernetesObject[];
    const tcpListenerPorts = gatewayTcpPorts(objects);
    expect(tcpListenerPorts).toEqual([{ name: 'tcp-7000', port: 7000 }]);
    for (const ingressExposure of [undefined, { kind: 'node-port' } as const]) {
      const ports = ingressServicePortsOf(environmentReleases('dev', { tcpListenerPorts, ...(ingressExposure === undefined ? {} : { ingressExposure }) }));
      for (const port of gatewayServerPorts(objects)) expect(ports.filter((servicePort) => servicePort.targetPort === port)).toHaveLength(1);
      expect(ports.find((servicePort) => servicePort.port === 7000)).toEqual({ name: 'tcp-7000', port: 7000, protocol: 'TCP', targetPort: 7000 });
    }
  });

  it('keeps the chart’s own ports as they are without TCP listeners, the local node ports pinned', () => {
    expect(ingressServicePorts([])).toEqual([
      { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
      { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 443 },
    ]);
    expect(ingressServicePorts([], { http: 30080, https: 30443 }).map((port) => port.nodePort)).toEqual([undefined, 30080, 30443]);
  });

  it('is derived from exactly one Gateway', () => {
    expect(() => gatewayTcpPorts([])).toThrow('gatewayTcpPorts: the platform renders 0 Istio Gateways; the ingress gateway\'s Service is derived from exactly one');
  });
});

describe.each(ENVIRONMENT_NAMES)('the ingress gateway Service for charts-out/%s', (environment) => {
  it('exposes every port the committed Gateway serves', () => {
    const objects = readManifests(join(CHARTS_OUT, environment)) as KubernetesObject[];
    const ports = ingressServicePortsOf(environmentReleases(environment, { tcpListenerPorts: gatewayTcpPorts(objects) }));
    for (const port of gatewayServerPorts(objects)) expect(ports.filter((servicePort) => servicePort.targetPort === port)).toHaveLength(1);
  });
});
