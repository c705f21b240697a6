import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ENVIRONMENT_NAMES, defineEnvironment, type ClientAddressSpec } from '../../../infra/environments';
import { synthesizePlatform } from '../../../infra/platform';
import { cdk8sPlatform } from '../../../infra/pulumi/cdk8s-platform';
import { readManifests } from '../../../infra/synth/write-charts';
import { useCleanup } from '../../helpers/cleanup';
import { spawnGateway, servingPorts } from '../../helpers/gateway-process';
import { throughIngressGateway, throughLoadBalancer, throughSidecar, type Arrival, type IngressSettings } from '../../helpers/ingress-path';
import { echoHandler, startLoopbackServer } from '../../helpers/loopback-server';
import { rawRequest } from '../../helpers/raw-request';
import { TEST_IMAGE } from '../fixtures';
import { environmentReleases } from '../pulumi/ingress-exposures';

/**
 * The client's address end to end, per environment: the ingress gateway as the Pulumi program
 * installs it for the environment, the hops in between as the pinned Istio and Envoy sources
 * define them (test/helpers/ingress-path.ts), and the real gateway process started with the
 * UAG_TRUSTED_PROXIES of the synthesized Rollout, receiving the request from the sidecar's
 * address. Both the ingress gateway and the gateway must see the client, whatever it wrote into
 * X-Forwarded-For, and the gateway's `key: ip` rate limit must keep one bucket per client.
 */

const CHARTS_OUT = join(__dirname, '..', '..', '..', 'charts-out');
const CLIENT_A = '203.0.113.10';
const CLIENT_B = '203.0.113.20';
/** Where a CDN in front of the load balancer connects from. */
const CDN = '192.0.2.5';

// Manifests are plain data read back from YAML or rendered by cdk8s.
type Manifest = any;

/** The ingress gateway's Service policy and Envoy trusted hops, from the Helm values the Pulumi program installs. */
function ingressSettings(clientAddress: ClientAddressSpec): IngressSettings {
  const release = environmentReleases('prod', { clientAddress }).find((candidate) => candidate.key === 'ingressGateway');
  const values = release?.values as { service: { externalTrafficPolicy?: string }; podAnnotations?: Record<string, string> };
  const proxyConfig = JSON.parse(values.podAnnotations?.['proxy.istio.io/config'] ?? '{}') as { gatewayTopology?: { numTrustedProxies?: number } };
  return { externalTrafficPolicy: values.service.externalTrafficPolicy, numTrustedProxies: proxyConfig.gatewayTopology?.numTrustedProxies ?? 0 };
}

/** UAG_TRUSTED_PROXIES as the gateway container of the synthesized Rollout sets it. */
function gatewayTrustedProxies(objects: readonly Manifest[]): string | undefined {
  const rollout = objects.find((object) => object.kind === 'Rollout');
  const container = rollout.spec.template.spec.containers.find((candidate: Manifest) => candidate.name === 'gateway');
  return (container.env as { name: string; value?: string }[]).find((variable) => variable.name === 'UAG_TRUSTED_PROXIES')?.value;
}

/** A client's request as it reaches the load balancer. */
interface Visit {
  readonly client: string;
  readonly arrival: Arrival;
}

/** Straight to the load balancer, with whatever X-Forwarded-For the client made up. */
const direct = (client: string, forged?: string): Visit => ({ client, arrival: { peer: client, forwardedFor: forged } });
/** Through a CDN that appends the client to X-Forwarded-For. */
const throughCdn = (client: string, forged?: string): Visit => ({ client, arrival: { peer: CDN, forwardedFor: [forged, client].filter((entry) => entry !== undefined).join(', ') } });

interface Case {
  readonly name: string;
  readonly objects: readonly Manifest[];
  readonly clientAddress: ClientAddressSpec;
  readonly visit: (client: string, forged?: string) => Visit;
}

const platform = cdk8sPlatform();
const behindCdn = defineEnvironment({
  name: 'staging',
  ingress: { hosts: ['api.test.example.com'], tlsCredentialName: 'test-tls' },
  clientAddress: { trustedProxyHops: 1, trustedProxyCidrs: ['192.0.2.0/24'] },
});
const cases: Case[] = [
  ...ENVIRONMENT_NAMES.map((environment) => ({
    name: `charts-out/${environment}, clients straight to the load balancer`,
    objects: readManifests(join(CHARTS_OUT, environment)) as Manifest[],
    clientAddress: platform.clientAddress(environment),
    visit: direct,
  })),
  {
    name: 'an environment behind one CDN hop (trustedProxyHops 1)',
    objects: synthesizePlatform({ environment: behindCdn, image: TEST_IMAGE }).charts.flatMap((chart) => chart.toJson() as Manifest[]),
    clientAddress: behindCdn.clientAddress,
    visit: throughCdn,
  },
];

describe.each(cases)('the client address in $name', ({ objects, clientAddress, visit }) => {
  const track = useCleanup('all');
  let baseUrl: string;
  let accessLog: () => Record<string, unknown>[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uag-client-address-'));
    track({ close: () => rmSync(dir, { recursive: true, force: true }) });
    const upstream = track(await startLoopbackServer(echoHandler));
    const routesFile = join(dir, 'routes.yaml');
    // One request per client per 100 s: a second request from the same client is refused.
    writeFileSync(routesFile, stringify({ routes: [{ name: 'limited', match: { pathPrefix: '/api' }, upstream: { url: upstream.url }, rateLimit: { requestsPerSecond: 0.01, burst: 1, key: 'ip' } }] }));
    const trusted = gatewayTrustedProxies(objects);
    const gateway = spawnGateway({ UAG_ROUTES_FILE: routesFile, UAG_DRAIN_DELAY_MS: '0', ...(trusted === undefined ? {} : { UAG_TRUSTED_PROXIES: trusted }) });
    track({ close: () => gateway.kill() });
    baseUrl = `http://127.0.0.1:${(await servingPorts(gateway)).http}`;
    accessLog = () => gateway.lines.filter((line) => line.msg === 'access');
  }, 30_000);

  it('is the client at the ingress gateway and at the gateway, whatever the client wrote into X-Forwarded-For (regression: every client was the sidecar, 127.0.0.6, or a node)', async () => {
    const settings = ingressSettings(clientAddress);
    const visits = [visit(CLIENT_A, '198.51.100.7'), visit(CLIENT_A, '198.51.100.8'), visit(CLIENT_B)];
    const ingressClients: string[] = [];
    const statuses: number[] = [];
    for (const { arrival } of visits) {
      const atIngress = throughIngressGateway(throughLoadBalancer(arrival, settings), settings);
      ingressClients.push(atIngress.trustedClient);
      const atGateway = throughSidecar(atIngress.forwarded);
      const headers = atGateway.forwardedFor === undefined ? {} : { 'x-forwarded-for': atGateway.forwardedFor };
      statuses.push((await rawRequest(baseUrl, '/api/x', { localAddress: atGateway.peer, headers })).status);
    }
    const clients = visits.map((v) => v.client);
    // Access lines are written when the event-loop turn that answered the request ends.
    const deadline = Date.now() + 5_000;
    while (accessLog().length < visits.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect({ ingressClients, gatewayClients: accessLog().map((line) => line.client_ip), statuses }).toEqual({
      ingressClients: clients,
      gatewayClients: clients,
      // One token bucket per client: A's second request is refused, B still has its own.
      statuses: [200, 429, 200],
    });
  });
});
