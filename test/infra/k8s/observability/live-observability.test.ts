import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from '../../../../infra/environments';
import { CLUSTER_SCRAPE_TARGETS } from '../../../../infra/k8s/observability/cluster-scrape-targets';
import { ALERTMANAGER, NAMESPACES, PROMETHEUS } from '../../../../infra/k8s/platform-names';
import { readManifests } from '../../../../infra/synth/write-charts';
import { useCleanup } from '../../../helpers/cleanup';
import { scriptedHandler, startTcpEchoServer, startWebSocketEchoServer } from '../../../helpers/echo-upstreams';
import { buildGatewayBundle, spawnGateway, servingPorts, type GatewayProcess } from '../../../helpers/gateway-process';
import { TRAFFIC_MIX, httpRoutes, sendRequests, sendTrafficMix, tcpRoundTrip, webSocketRoundTrip } from '../../../helpers/gateway-traffic';
import { closedPort, echoHandler, startLoopbackServer, type LoopbackServer } from '../../../helpers/loopback-server';
import { startAlertmanager } from '../../../helpers/alertmanager-server';
import { startNodeExporter } from '../../../helpers/monitoring-daemons';
import { SPAN_KIND, startOtlpReceiver, type OtlpReceiver } from '../../../helpers/otlp-receiver';
import { writeRuleFiles } from '../../../helpers/prometheus-rules';
import { startPrometheus, waitForSeries, type PrometheusServer } from '../../../helpers/prometheus-server';
import { collectPlatformQueries, runnableQuery } from '../../../helpers/promql-sources';
import { withoutFinalThreshold } from '../../../helpers/promql-syntax';
import { scrapeConfigFor, serviceMonitorTargets, targetInNamespace, targetOfMonitor, type ServiceMonitorTarget } from '../../../helpers/service-monitor-targets';


/**
 * Reviewed: queries that rightly return nothing from a healthy gateway. They are checked for
 * parsing only. Keyed by query id.
 */
const BURN_RATE_REASON =
  'a burn-rate alert: a series only while the budget burns at a pair’s rate above the traffic floor; what it reads are the gateway-slo recording rules, checked here, and live-canary.test.ts shows it paging on a gateway answering 500';
const NO_KUBE_STATE_METRICS = 'kube-state-metrics reports the state of a Kubernetes API server, and none runs here';
const NO_KUBELET = 'the kubelet serves these (its own /metrics and cAdvisor), and no kubelet runs here';
const NO_CERT_MANAGER = 'cert-manager’s controller serves these for the Certificates it watches in a Kubernetes API server, and neither runs here';
const NO_EXTERNAL_SECRETS = 'External Secrets Operator’s controller serves these for the objects it watches in a Kubernetes API server, and neither runs here';
const NO_KARPENTER = 'Karpenter’s controller serves these for the NodePools and pods it watches in a Kubernetes API server, and neither runs here';
const NO_LOG_PIPELINE = 'Fluent Bit and Loki serve these, and neither runs here';
const LEGITIMATELY_EMPTY: Readonly<Record<string, string>> = {
  'alert GatewayAbsent': 'absent(): has a series only while no healthy gateway target is scraped',
  'alert GatewayErrorBudgetFastBurn': BURN_RATE_REASON,
  'alert GatewayErrorBudgetSlowBurn': BURN_RATE_REASON,
  'alert GatewayLatencyBudgetFastBurn': BURN_RATE_REASON,
  'alert GatewayLatencyBudgetSlowBurn': BURN_RATE_REASON,
  'alert KubePodCrashLooping': NO_KUBE_STATE_METRICS,
  'alert KubeHpaMaxedOut': NO_KUBE_STATE_METRICS,
  'alert KubePdbViolated': NO_KUBE_STATE_METRICS,
  'alert CPUThrottlingHigh': NO_KUBELET,
  'alert KubePersistentVolumeFillingUp': NO_KUBELET,
  'alert KubePersistentVolumeFull': NO_KUBELET,
  'alert CertificateNotReady': NO_CERT_MANAGER,
  'alert CertificateRenewalOverdue': NO_CERT_MANAGER,
  'alert CertificateExpiringSoon': NO_CERT_MANAGER,
  'alert CertificateExpiryImminent': NO_CERT_MANAGER,
  'alert ExternalSecretNotSynced': NO_EXTERNAL_SECRETS,
  'alert ClusterSecretStoreNotReady': NO_EXTERNAL_SECRETS,
  'alert KarpenterPodsUnschedulable': NO_KARPENTER,
  'alert KarpenterNodeRegistrationUnhealthy': NO_KARPENTER,
  'alert KarpenterNodePoolNearLimit': NO_KARPENTER,
  'alert KarpenterInterruptionQueueStalled': NO_KARPENTER,
  'alert FluentBitDroppingLogs': NO_LOG_PIPELINE,
  'alert LokiRejectingPushes': NO_LOG_PIPELINE,
  'alert LokiNotReady': NO_KUBE_STATE_METRICS,
};

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');
const SCRAPE_INTERVAL = '1s';
/** How long Prometheus gets, after the traffic, to show data for every query. */
const DATA_DEADLINE_MS = 20_000;
const POD = 'gateway-live-0';

const track = useCleanup('all');
const objectsByEnvironment = ENVIRONMENT_NAMES.map((environment) => ({ environment, objects: readManifests(join(CHARTS_OUT, environment)) }));
// Rules and scrape settings are the same in every environment but thresholds, which the queries strip.
const devObjects = objectsByEnvironment[0]!.objects;
const gatewayTarget = targetInNamespace(serviceMonitorTargets(devObjects, POD), NAMESPACES.gateway);
// The monitoring pipeline's own series, with the labels the platform's ServiceMonitors give them.
const prometheusTarget = targetOfMonitor(serviceMonitorTargets(devObjects, 'prometheus-prometheus-0'), `${NAMESPACES.observability}/${PROMETHEUS.name}`);
const alertmanagerTarget = targetOfMonitor(serviceMonitorTargets(devObjects, 'alertmanager-alertmanager-0'), `${NAMESPACES.observability}/${ALERTMANAGER.name}`);
/**
 * node-exporter's ServiceMonitor comes with its chart, not charts-out: its target as that monitor
 * labels it (kube-prometheus-stack 79.5.0 gives the Service `jobLabel: node-exporter` and the port
 * `http-metrics`; the exporter runs in kube-system, see infra/pulumi/operators.ts).
 */
const nodeExporterTarget: ServiceMonitorTarget = {
  serviceMonitor: 'kube-system/prometheus-operator-prometheus-node-exporter',
  labels: { job: CLUSTER_SCRAPE_TARGETS.nodeExporter.job, namespace: 'kube-system', service: 'prometheus-operator-prometheus-node-exporter', endpoint: 'http-metrics', pod: 'prometheus-operator-prometheus-node-exporter-live' },
  path: '/metrics',
  discoveryLabels: {},
  relabelings: [],
  metricRelabelings: [],
};

let upstream: LoopbackServer;
let otlp: OtlpReceiver;
let gateway: GatewayProcess;
let baseUrl: string;
let adminUrl: string;
let tcpPort: number;
let prometheus: PrometheusServer;

/** Issue 3's route-table additions: a WebSocket route, a rate-limited route and a TCP listener. */
function withEdgeFeatures(routes: object[], webSocketUpstream: string, tcpUpstreamPort: number, listenerPort: number): object {
  return {
    routes: [
      ...routes,
      { name: 'play', match: { pathPrefix: '/play' }, upstream: { url: webSocketUpstream }, websocket: true },
      // The breaker's defaults never open here; declaring one is what makes its state gauge appear.
      { name: 'limited', match: { pathPrefix: '/api/limited' }, upstream: { url: upstream.url }, rateLimit: { requestsPerSecond: 1, burst: 1, key: 'ip' }, circuitBreaker: {} },
    ],
    tcp: [{ name: 'game', port: listenerPort, upstream: { url: `tcp://127.0.0.1:${tcpUpstreamPort}` } }],
  };
}

/** Plain HTTP requests the edge traffic sends, against a limit of one a second: some answered 429. */
const EDGE_HTTP_REQUESTS = 3;

/**
 * Successful requests sent once Prometheus holds the request counters (`increase` does not count a
 * series' first sample), enough to clear every environment's analysis traffic floor.
 */
const VOLUME_REQUESTS = Math.max(...ENVIRONMENT_NAMES.map((name) => ENVIRONMENTS[name].rollout.analysis.minRequests)) + 50;
const VOLUME_PATH = '/api/users/profile';

/** Sends VOLUME_REQUESTS successful requests after the counters they increment were scraped. */
async function sendVolume(): Promise<void> {
  await waitForSeries(prometheus, 'gateway_requests_total{route="users",code="200"}', DATA_DEADLINE_MS);
  expect((await sendRequests(`${baseUrl}${VOLUME_PATH}`, VOLUME_REQUESTS)).filter((status) => status !== 200)).toEqual([]);
}

/** The long-lived connections and rate-limit rejections issue 3 adds to the traffic. */
async function sendEdgeTraffic(): Promise<void> {
  expect(await webSocketRoundTrip(`${baseUrl.replace(/^http/, 'ws')}/play`, 'ping over websocket')).toBe('ping over websocket');
  expect(await tcpRoundTrip(tcpPort, 'ping over tcp')).toBe('ping over tcp');
  const statuses = await Promise.all(
    Array.from({ length: EDGE_HTTP_REQUESTS }, async () => {
      const response = await request(`${baseUrl}/api/limited/x`);
      await response.body.dump();
      return response.statusCode;
    }),
  );
  expect(statuses).toContain(429);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uag-live-'));
  track({ close: () => rmSync(dir, { recursive: true, force: true }) });
  upstream = track(await startLoopbackServer(scriptedHandler));
  const webSocketUpstream = track(await startWebSocketEchoServer());
  const tcpUpstream = track(await startTcpEchoServer());
  otlp = track(await startOtlpReceiver());
  tcpPort = await closedPort();
  const routes = httpRoutes(upstream.url, `http://127.0.0.1:${await closedPort()}`);
  const routeTable = withEdgeFeatures(routes, webSocketUpstream.url, tcpUpstream.port, tcpPort);
  const routesFile = join(dir, 'routes.yaml');
  writeFileSync(routesFile, stringify(routeTable));

  const { bundle, folder } = await buildGatewayBundle();
  track({ close: () => rmSync(folder, { recursive: true, force: true }) });
  gateway = spawnGateway(
    {
      UAG_ROUTES_FILE: routesFile,
      UAG_DRAIN_DELAY_MS: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_on',
      // Export within a tenth of a second instead of the default five.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    { bundle },
  );
  track({ close: () => gateway.kill() });
  const ports = await servingPorts(gateway);
  baseUrl = `http://127.0.0.1:${ports.http}`;
  adminUrl = `http://127.0.0.1:${ports.admin}`;

  // The real Alertmanager and node-exporter, so the monitoring pipeline's and the nodes' alerts have data.
  const alertReceiver = track(await startLoopbackServer(echoHandler));
  const alertmanager = track(await startAlertmanager({ route: { receiver: 'webhook' }, receivers: [{ name: 'webhook', webhook_configs: [{ url: alertReceiver.url }] }] }));
  const nodeExporter = track(await startNodeExporter());
  prometheus = track(
    await startPrometheus({
      scrapeConfigs: (self) => [
        scrapeConfigFor(gatewayTarget, `127.0.0.1:${ports.admin}`, SCRAPE_INTERVAL),
        scrapeConfigFor(prometheusTarget, self, SCRAPE_INTERVAL),
        scrapeConfigFor(alertmanagerTarget, alertmanager.address, SCRAPE_INTERVAL),
        scrapeConfigFor(nodeExporterTarget, nodeExporter.address, SCRAPE_INTERVAL),
      ],
      alertmanagers: [alertmanager.address],
      ruleFiles: writeRuleFiles(devObjects, dir),
      interval: SCRAPE_INTERVAL,
    }),
  );
  expect(await sendTrafficMix(baseUrl)).toEqual([]);
  await sendVolume();
}, 60_000);

describe('the built gateway, scraped by a real Prometheus', () => {
  it('proxies a WebSocket and a TCP connection and rejects requests over a rate limit', async () => {
    await sendEdgeTraffic();
  }, 20_000);

  it('answers every PromQL expression of every environment: each parses, and each measured quantity returns data', async () => {
    // Keyed by expression, so a query shared by environments is asked once and reported with all its places.
    const written = new Map<string, Set<string>>();
    const measured = new Map<string, { places: Set<string>; ids: Set<string> }>();
    for (const { environment, objects } of objectsByEnvironment) {
      for (const query of collectPlatformQueries(objects)) {
        const expr = runnableQuery(query, { window: '1m', namespace: gatewayTarget.labels.namespace!, pod: POD });
        const place = `${environment}: ${query.id}`;
        written.set(expr, (written.get(expr) ?? new Set()).add(place));
        const quantity = query.origin === 'alert' ? withoutFinalThreshold(expr) : expr;
        const entry = measured.get(quantity) ?? { places: new Set<string>(), ids: new Set<string>() };
        entry.places.add(place);
        entry.ids.add(query.id);
        measured.set(quantity, entry);
      }
    }
    const origins = new Set(objectsByEnvironment.flatMap(({ objects }) => collectPlatformQueries(objects).map((query) => query.origin)));
    expect([...origins]).toEqual(expect.arrayContaining(['alert', 'dashboard-panel', 'adapter-series', 'adapter-metrics']));
    const ids = new Set([...measured.values()].flatMap((entry) => [...entry.ids]));
    expect([...Object.keys(LEGITIMATELY_EMPTY)].filter((id) => !ids.has(id))).toEqual([]);

    const parseProblems = await Promise.all(
      [...written.entries()].map(async ([expr, places]) => {
        const result = await prometheus.query(expr);
        return result.status === 'error' ? `${[...places].join('; ')}: ${result.error} in ${expr}` : undefined;
      }),
    );
    const deadline = Date.now() + DATA_DEADLINE_MS;
    const dataProblems = await Promise.all(
      [...measured.entries()].map(async ([expr, { places, ids: queryIds }]) => {
        const legitimatelyEmpty = [...queryIds].every((id) => LEGITIMATELY_EMPTY[id] !== undefined);
        if (legitimatelyEmpty) return undefined;
        const hasData = await prometheus.waitUntil(async () => {
          const result = await prometheus.query(expr);
          return result.status === 'success' && Array.isArray(result.data.result) && result.data.result.length > 0;
        }, deadline - Date.now());
        return hasData ? undefined : `${[...places].join('; ')}: no series within ${DATA_DEADLINE_MS} ms for ${expr}`;
      }),
    );
    expect([...parseProblems, ...dataProblems].filter((problem) => problem !== undefined)).toEqual([]);
  }, DATA_DEADLINE_MS + 10_000);

  it('traces every request once: server span in the access log, client span under it, same trace id at the upstream', async () => {
    const requests = TRAFFIC_MIX.reduce((sum, entry) => sum + entry.times, 0) + EDGE_HTTP_REQUESTS + VOLUME_REQUESTS;
    const accessLines = () => gateway.lines.filter((line) => line.msg === 'access');
    const serverSpans = () => otlp.spans.filter((span) => span.kind === SPAN_KIND.server);
    const complete = await prometheus.waitUntil(async () => accessLines().length >= requests && serverSpans().length >= requests, 10_000);
    expect({ complete, accessLines: accessLines().length, serverSpans: serverSpans().length }).toEqual({ complete: true, accessLines: requests, serverSpans: requests });

    const access = accessLines() as { trace_id?: string; span_id?: string }[];
    const traceIds = new Set(access.map((line) => line.trace_id));
    expect(traceIds.size).toBe(requests);
    expect(new Set(otlp.spans.map((span) => span.traceId))).toEqual(traceIds);
    for (const line of access) {
      expect(serverSpans().filter((span) => span.traceId === line.trace_id)).toEqual([expect.objectContaining({ spanId: line.span_id, parentSpanId: '' })]);
    }

    const upstreamCalls = upstream.requests.map((req) => /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(String(req.headers.traceparent)));
    expect(upstreamCalls.length).toBeGreaterThan(0);
    for (const call of upstreamCalls) {
      expect(call).not.toBeNull();
      const [, traceId, parentSpanId] = call!;
      const server = serverSpans().find((span) => span.traceId === traceId);
      const client = otlp.spans.find((span) => span.spanId === parentSpanId);
      expect({ traceId, client }).toEqual({ traceId, client: expect.objectContaining({ kind: SPAN_KIND.client, traceId, parentSpanId: server?.spanId }) });
    }
  }, 20_000);
});
