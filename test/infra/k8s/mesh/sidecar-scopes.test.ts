import { join } from 'node:path';
import { DEFAULT_ADMIN_PORT } from '../../../../app/src/contract';
import { ENVIRONMENTS, ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { validateEnvironment } from '../../../../infra/environments/validate-environment';
import type { ExternalEgress } from '../../../../infra/k8s/external-egress';
import { CLUSTER_SCRAPE_TARGETS } from '../../../../infra/k8s/observability/cluster-scrape-targets';
import { ALERTMANAGER, API_SERVER_SERVICE, ARGO_ROLLOUTS, CLUSTER_DNS_SERVICE, GRAFANA, JAEGER, LOKI, NAMESPACES, PROMETHEUS, principalOf } from '../../../../infra/k8s/platform-names';
import { upstreamServices } from '../../../../infra/k8s/upstream-services';
import { synthesizePlatform } from '../../../../infra/platform';
import { LOAD_BALANCER_CONTROLLER } from '../../../../infra/pulumi/load-balancer-controller';
import { CERT_MANAGER, EXTERNAL_DNS } from '../../../../infra/pulumi/public-dns';
import { readManifests } from '../../../../infra/synth/write-charts';
import { authorize } from '../../../helpers/istio-authorization';
import { routeOutbound, type OutboundConnection, type OutboundMode, type RegistryService } from '../../../helpers/istio-sidecar-scope';
import { TEST_IMAGE, type SynthObject } from '../../fixtures';
import { environmentReleases } from '../../pulumi/ingress-exposures';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');

/** The mesh's outbound policy, as the Pulumi program installs istiod. */
function meshOutboundMode(): OutboundMode {
  const istiod = environmentReleases('prod').find((release) => release.key === 'istiod');
  const meshConfig = (istiod?.values as { meshConfig: { outboundTrafficPolicy?: { mode: OutboundMode } } }).meshConfig;
  return meshConfig.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY';
}

/** The ElastiCache egress as the Pulumi program declares it for staging (infra/pulumi/stack.ts). */
const ELASTICACHE: ExternalEgress = { name: 'elasticache', host: '*.cache.amazonaws.com', peers: [{ cidr: '10.20.0.0/18' }, { cidr: '10.20.64.0/18' }, { cidr: '10.20.128.0/18' }], ports: [{ port: 6379 }] };

const find = (objects: readonly SynthObject[], kind: string, name: string): any => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podLabels = (objects: readonly SynthObject[], kind: string, name: string): Record<string, string> => {
  const object = find(objects, kind, name);
  return kind === 'Prometheus' || kind === 'Alertmanager' ? object.spec.podMetadata.labels : object.spec.template.metadata.labels;
};

/** Every in-cluster URL the manifests configure a workload with, as `host:port`. */
function configuredServiceUrls(objects: readonly SynthObject[]): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') for (const match of value.matchAll(/https?:\/\/([a-z0-9.-]+\.svc\.cluster\.local):(\d+)/g)) found.add(`${match[1]}:${match[2]}`);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  objects.forEach(visit);
  return [...found].sort();
}

interface Flow extends OutboundConnection {
  readonly what: string;
  /** The destination checks the caller's mesh identity (STRICT mTLS and an AuthorizationPolicy): only a service route carries one. */
  readonly needsIdentity: boolean;
  /** Where the AuthorizationPolicies of the platform decide it: the destination pods' namespace, labels and protocol. */
  readonly authorizedAt?: { readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly principal: string };
}

const host = (service: string, namespace: string) => `${service}.${namespace}.svc.cluster.local`;

/**
 * What the platform's meshed workloads dial, from the manifests where they say it (the route
 * table, the Rollout's OTLP endpoint, the analyses' and readers' Prometheus URL), and what their
 * proxies send themselves (spans to Jaeger, TCP fallbacks of DNS).
 */
function platformFlows(objects: readonly SynthObject[], environment: (typeof ENVIRONMENT_NAMES)[number]): Flow[] {
  const gateway = { namespace: NAMESPACES.gateway, labels: podLabels(objects, 'Rollout', 'gateway') };
  const grafana = { namespace: NAMESPACES.observability, labels: podLabels(objects, 'Deployment', GRAFANA.name) };
  const adapter = { namespace: NAMESPACES.observability, labels: podLabels(objects, 'Deployment', 'prometheus-adapter') };
  const jaeger = { namespace: NAMESPACES.observability, labels: podLabels(objects, 'Deployment', JAEGER.name) };
  const prometheus = { namespace: NAMESPACES.observability, labels: podLabels(objects, 'Prometheus', PROMETHEUS.name) };
  const alertmanager = { namespace: NAMESPACES.observability, labels: podLabels(objects, 'Alertmanager', ALERTMANAGER.name) };
  // The chart's pod labels (argo-rollouts 2.40.9 templates/controller/deployment.yaml).
  const argoRollouts = { namespace: ARGO_ROLLOUTS.namespace, labels: { 'app.kubernetes.io/name': 'argo-rollouts', 'app.kubernetes.io/component': 'rollouts-controller' } };
  const meshed = { gateway, grafana, adapter, jaeger, prometheus, alertmanager, argoRollouts };

  const otlp = new URL(find(objects, 'Rollout', 'gateway').spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT').value);
  const analysisUrl = new URL(find(objects, 'AnalysisTemplate', 'gateway-canary').spec.metrics[0].provider.prometheus.address);
  const prometheusPods = { namespace: NAMESPACES.observability, labels: { 'app.kubernetes.io/name': PROMETHEUS.name } };
  const toPrometheus = (what: string, from: OutboundConnection['from'], principal: string): Flow => ({
    what,
    from,
    to: { host: analysisUrl.hostname },
    port: Number(analysisUrl.port),
    needsIdentity: true,
    authorizedAt: { ...prometheusPods, principal },
  });
  const routes = validateEnvironment(ENVIRONMENTS[environment]);
  return [
    ...upstreamServices(routes).map((upstream) => ({ what: `gateway -> upstream ${upstream.service}.${upstream.namespace}`, from: gateway, to: { host: host(upstream.service, upstream.namespace) }, port: upstream.port, needsIdentity: true })),
    {
      what: 'gateway -> Jaeger OTLP/HTTP (its exporter)',
      from: gateway,
      to: { host: otlp.hostname },
      port: Number(otlp.port),
      needsIdentity: true,
      authorizedAt: { namespace: NAMESPACES.observability, labels: jaeger.labels, principal: principalOf(NAMESPACES.gateway, 'gateway') },
    },
    ...Object.entries(meshed).flatMap(([name, from]) => [
      // Envoy's tracing cluster exists only for an imported Jaeger: spans have no passthrough.
      { what: `${name}'s proxy -> Jaeger OTLP/gRPC`, from, to: { host: host(JAEGER.name, NAMESPACES.observability) }, port: JAEGER.otlpGrpcPort, needsIdentity: true },
      { what: `${name} -> cluster DNS over TCP`, from, to: { host: host(CLUSTER_DNS_SERVICE, NAMESPACES.dns) }, port: 53, needsIdentity: false },
    ]),
    toPrometheus('Grafana -> Prometheus', grafana, principalOf(NAMESPACES.observability, GRAFANA.name)),
    { what: 'Grafana -> Jaeger query', from: grafana, to: { host: host(JAEGER.name, NAMESPACES.observability) }, port: JAEGER.queryPort, needsIdentity: true, authorizedAt: { namespace: NAMESPACES.observability, labels: jaeger.labels, principal: principalOf(NAMESPACES.observability, GRAFANA.name) } },
    // Loki runs outside the mesh: plain text on the Service's cluster.
    { what: 'Grafana -> Loki', from: grafana, to: { host: host(LOKI.name, LOKI.namespace) }, port: LOKI.port, needsIdentity: false },
    toPrometheus('prometheus-adapter -> Prometheus', adapter, principalOf(NAMESPACES.observability, 'prometheus-adapter')),
    { what: 'prometheus-adapter -> API server (delegated authentication)', from: adapter, to: { host: host(API_SERVER_SERVICE.name, API_SERVER_SERVICE.namespace) }, port: 443, needsIdentity: false },
    toPrometheus('Argo Rollouts analysis -> Prometheus', argoRollouts, principalOf(ARGO_ROLLOUTS.namespace, ARGO_ROLLOUTS.serviceAccount)),
    { what: 'Argo Rollouts -> API server', from: argoRollouts, to: { host: host(API_SERVER_SERVICE.name, API_SERVER_SERVICE.namespace) }, port: 443, needsIdentity: false },
    { what: 'Prometheus -> API server (discovery)', from: prometheus, to: { host: host(API_SERVER_SERVICE.name, API_SERVER_SERVICE.namespace) }, port: 443, needsIdentity: false },
    {
      what: 'Prometheus -> Alertmanager (alerts)',
      from: prometheus,
      to: { host: host(`${ALERTMANAGER.name}-operated`, NAMESPACES.observability) },
      port: ALERTMANAGER.port,
      needsIdentity: true,
      authorizedAt: { namespace: NAMESPACES.observability, labels: alertmanager.labels, principal: principalOf(NAMESPACES.observability, PROMETHEUS.name) },
    },
    // Scrapes go to the addresses discovery finds, in plain text (the reviewed metrics ports).
    ...[DEFAULT_ADMIN_PORT, CLUSTER_SCRAPE_TARGETS.envoy.port, CLUSTER_SCRAPE_TARGETS.nodeExporter.port, CLUSTER_SCRAPE_TARGETS.kubelet.port, CLUSTER_SCRAPE_TARGETS.istiod.port, CLUSTER_SCRAPE_TARGETS.certManager.port].map((port) => ({
      what: `Prometheus -> scrape target on a pod or node address, port ${port}`,
      from: prometheus,
      to: { address: '10.30.7.21' },
      port,
      needsIdentity: false,
    })),
    { what: 'Alertmanager -> a receiver outside the cluster', from: alertmanager, to: { address: '198.51.100.10' }, port: 443, needsIdentity: false },
  ];
}

/** The Kubernetes Services the flows reach besides the platform's own: the cluster's and the upstreams'. */
function registry(objects: readonly SynthObject[], environment: (typeof ENVIRONMENT_NAMES)[number]): RegistryService[] {
  const own = objects.filter((o) => o.kind === 'Service').map((o: any) => ({ name: o.metadata.name, namespace: o.metadata.namespace, ports: (o.spec.ports as { port: number }[]).map((p) => p.port) }));
  const upstreams = upstreamServices(validateEnvironment(ENVIRONMENTS[environment])).map((u) => ({ name: u.service, namespace: u.namespace, ports: [u.port] }));
  return [
    ...own,
    ...upstreams,
    // prometheus-operator's governing Service of the Alertmanager StatefulSet.
    { name: `${ALERTMANAGER.name}-operated`, namespace: NAMESPACES.observability, ports: [ALERTMANAGER.port, ALERTMANAGER.clusterPort] },
    { name: CLUSTER_DNS_SERVICE, namespace: NAMESPACES.dns, ports: [53] },
    { name: API_SERVER_SERVICE.name, namespace: API_SERVER_SERVICE.namespace, ports: [443] },
    { name: 'istiod', namespace: NAMESPACES.istio, ports: [15012, 15014] },
    // The Loki chart's monolithic Service (infra/pulumi/log-pipeline.ts).
    { name: LOKI.name, namespace: LOKI.namespace, ports: [LOKI.port] },
  ];
}

describe('the mesh’s outbound configuration', () => {
  it('refuses destinations outside the service registry mesh-wide (regression: any pod could reach any address through its sidecar)', () => {
    expect(meshOutboundMode()).toBe('REGISTRY_ONLY');
  });
});

describe('the AWS APIs', () => {
  it('are called only from namespaces without sidecar injection, so no meshed workload needs a ServiceEntry for them', () => {
    const releases = environmentReleases('prod');
    // The namespaces of the Pod Identity roles infra/pulumi/stack.ts creates.
    const awsCallers = [LOAD_BALANCER_CONTROLLER.namespace, EXTERNAL_DNS.namespace, CERT_MANAGER.namespace];
    const injected = [
      ...releases.filter((release) => release.namespaceLabels?.['istio-injection'] === 'enabled').map((release) => release.namespace),
      ...readManifests(join(CHARTS_OUT, 'prod')).filter((o: any) => o.kind === 'Namespace' && o.metadata.labels?.['istio-injection'] === 'enabled').map((o: any) => String(o.metadata.name)),
    ];
    expect(injected.sort()).toEqual([ARGO_ROLLOUTS.namespace, NAMESPACES.gateway, NAMESPACES.observability].sort());
    expect(awsCallers.filter((namespace) => injected.includes(namespace))).toEqual([]);
  });
});

describe.each(ENVIRONMENT_NAMES)('sidecar scopes in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment)) as SynthObject[];
  const flows = platformFlows(objects, environment);
  const services = registry(objects, environment);
  const decide = (flow: OutboundConnection) => routeOutbound(objects, services, meshOutboundMode(), flow);

  it('models every in-cluster URL the manifests configure', () => {
    const modelled = new Set(flows.flatMap((flow) => ('host' in flow.to ? [`${flow.to.host}:${flow.port}`] : [])));
    expect(configuredServiceUrls(objects).filter((url) => !modelled.has(url))).toEqual([]);
  });

  it('lets every flow the platform needs leave its proxy under REGISTRY_ONLY (the services it talks to imported, identity-checked ones on a service route with mTLS), and the destination’s AuthorizationPolicies admit it', () => {
    const problems = flows.flatMap((flow) => {
      const decision = decide(flow);
      const routed = decision.result === 'service' || (!flow.needsIdentity && decision.result === 'passthrough');
      const authorized =
        flow.authorizedAt === undefined || authorize(objects, { namespace: flow.authorizedAt.namespace, labels: flow.authorizedAt.labels, port: flow.port, protocol: 'http', principal: flow.authorizedAt.principal }).allowed;
      return routed && authorized ? [] : [`${flow.what}: ${decision.result} by Sidecar ${decision.sidecar}${authorized ? '' : ', refused by the AuthorizationPolicies'}`];
    });
    expect(problems).toEqual([]);
  });

  it('limits each proxy to what it talks to: anything else is refused, except for the two workloads whose destinations no registry can name (regression: every sidecar passed unknown destinations through)', () => {
    const refusedFor = (from: OutboundConnection['from']) => ({
      byName: decide({ from, to: { host: host('user-service', 'users') }, port: 9999 }).result,
      byAddress: decide({ from, to: { address: '203.0.113.50' }, port: 443 }).result,
      otherNamespace: decide({ from, to: { host: host('istiod', NAMESPACES.istio) }, port: 15014 }).result,
    });
    const gateway = flows.find((flow) => flow.what.startsWith('gateway -> Jaeger'))!.from;
    const grafana = flows.find((flow) => flow.what === 'Grafana -> Prometheus')!.from;
    const argo = flows.find((flow) => flow.what === 'Argo Rollouts -> API server')!.from;
    for (const from of [gateway, grafana, argo]) expect(refusedFor(from)).toEqual({ byName: 'refused', byAddress: 'refused', otherNamespace: 'refused' });
    const allowAny = objects.filter((o: any) => o.kind === 'Sidecar' && o.spec.outboundTrafficPolicy?.mode === 'ALLOW_ANY');
    expect(allowAny.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(['observability/alertmanager', 'observability/prometheus']);
    for (const sidecar of allowAny) expect(sidecar.metadata.annotations?.['uag.example.com/allow-any-reason']).toMatch(/NetworkPolicy still limits it/);
  });
});

describe('the gateway’s ElastiCache, as the Pulumi program declares it', () => {
  const objects = synthesizePlatform({ environment: ENVIRONMENTS.staging, image: TEST_IMAGE, gatewayExternalEgress: [ELASTICACHE] }).charts.flatMap((chart) => chart.toJson() as SynthObject[]);

  it('is a ServiceEntry of the gateway namespace alone, on its subnets and port, which the gateway’s Sidecar imports (regression: REGISTRY_ONLY would refuse the rate-limit store)', () => {
    const entry = find(objects, 'ServiceEntry', 'elasticache');
    expect(entry.metadata.namespace).toBe(NAMESPACES.gateway);
    expect(entry.spec).toEqual({
      hosts: ['*.cache.amazonaws.com'],
      addresses: ['10.20.0.0/18', '10.20.64.0/18', '10.20.128.0/18'],
      ports: [{ number: 6379, name: 'tcp-6379', protocol: 'TCP' }],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      exportTo: ['.'],
    });
    const gateway = { namespace: NAMESPACES.gateway, labels: podLabels(objects, 'Rollout', 'gateway') };
    const services = registry(objects, 'staging');
    const decide = (from: OutboundConnection['from'], address: string, port: number) => routeOutbound(objects, services, meshOutboundMode(), { from, to: { address }, port }).result;
    expect(decide(gateway, '10.20.70.12', 6379)).toBe('service');
    expect(decide(gateway, '10.20.70.12', 6380)).toBe('refused');
    expect(decide(gateway, '10.21.0.5', 6379)).toBe('refused');
    // Visible to the gateway's namespace only.
    expect(decide({ namespace: NAMESPACES.observability, labels: podLabels(objects, 'Deployment', GRAFANA.name) }, '10.20.70.12', 6379)).toBe('refused');
  });
});

describe('SidecarScopes', () => {
  it('refuses external egress on UDP, which sidecars never capture, naming the entry and the port', () => {
    const udp: ExternalEgress = { ...ELASTICACHE, ports: [{ port: 53, protocol: 'UDP' }] };
    expect(() => synthesizePlatform({ environment: ENVIRONMENTS.staging, image: TEST_IMAGE, gatewayExternalEgress: [udp] })).toThrow(
      "external egress 'elasticache': port 53/UDP is not TCP; the mesh only carries TCP, so declare TCP ports only",
    );
  });
});
