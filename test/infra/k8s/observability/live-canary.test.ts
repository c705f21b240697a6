import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from '../../../../infra/environments';
import { CANARY_HASH_ARG } from '../../../../infra/k8s/observability/rollout-analysis';
import { NAMESPACES } from '../../../../infra/k8s/platform-names';
import { readManifests } from '../../../../infra/synth/write-charts';
import { argoResult, measurementPhase, type MeasurementPhase } from '../../../helpers/argo-analysis';
import { useCleanup } from '../../../helpers/cleanup';
import { buildGatewayBundle, servingPorts, spawnGateway } from '../../../helpers/gateway-process';
import { sendRequests } from '../../../helpers/gateway-traffic';
import { startLoopbackServer } from '../../../helpers/loopback-server';
import { writeRuleFiles } from '../../../helpers/prometheus-rules';
import { startPrometheus, waitForSeries, type PrometheusServer } from '../../../helpers/prometheus-server';
import { scrapeConfigFor, serviceMonitorTargets, targetInNamespace, type ServiceMonitorTarget } from '../../../helpers/service-monitor-targets';

/**
 * Three canaries, each a real built gateway scraped by a real Prometheus with the ServiceMonitor's
 * labels and relabelling, told apart by the pod-template hash the analysis selects: one whose
 * upstream answers only 500, one whose upstream answers 200, one that gets no traffic. The
 * synthesized AnalysisTemplate queries of every environment run against them, and their
 * conditions are judged as Argo Rollouts judges them (test/helpers/argo-analysis.ts).
 *
 * The same Prometheus evaluates dev's rules over the three (one gateway namespace): the
 * availability budget alert stays silent while only healthy traffic has arrived and pages once
 * the broken canary's 500s do.
 */

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');
const SCRAPE_INTERVAL = '1s';
const DEADLINE_MS = 20_000;
const CANARIES = ['broken', 'healthy', 'idle'] as const;
type Canary = (typeof CANARIES)[number];
/** More requests than any environment's `rollout.analysis.minRequests`. */
const REQUESTS = Math.max(...ENVIRONMENT_NAMES.map((name) => ENVIRONMENTS[name].rollout.analysis.minRequests)) + 50;

const track = useCleanup('all');
const devObjects = readManifests(join(CHARTS_OUT, 'dev'));
const gatewayTarget = targetInNamespace(serviceMonitorTargets(devObjects, 'gateway-canary'), NAMESPACES.gateway);

/** The gateway's target as the ServiceMonitor would see a pod of the canary ReplicaSet `hash`. */
function canaryTarget(hash: Canary): ServiceMonitorTarget {
  return {
    ...gatewayTarget,
    labels: { ...gatewayTarget.labels, pod: `gateway-${hash}` },
    discoveryLabels: { ...gatewayTarget.discoveryLabels, __meta_kubernetes_pod_label_rollouts_pod_template_hash: hash, __meta_kubernetes_pod_name: `gateway-${hash}` },
  };
}

let prometheus: PrometheusServer;
const baseUrls = new Map<Canary, string>();
/** The rules' alerts once the healthy canary's traffic, and no 5xx, had been recorded. */
let alertsBeforeErrors: string[];
const FAST_BURN = 'GatewayErrorBudgetFastBurn';
const firingNames = async () => (await prometheus.alerts()).filter((alert) => alert.state === 'firing').map((alert) => alert.labels.alertname!);

const send = (canary: Canary, count: number) => sendRequests(`${baseUrls.get(canary)!}/api/users/1`, count);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uag-canary-'));
  track({ close: () => rmSync(dir, { recursive: true, force: true }) });
  const upstreams = {
    broken: track(await startLoopbackServer((req, res) => (req.resume(), res.writeHead(500).end('broken')))),
    healthy: track(await startLoopbackServer((req, res) => (req.resume(), res.writeHead(200).end('ok')))),
  };
  const { bundle, folder } = await buildGatewayBundle();
  track({ close: () => rmSync(folder, { recursive: true, force: true }) });
  const adminAddresses = new Map<Canary, string>();
  for (const canary of CANARIES) {
    const routesFile = join(dir, `${canary}-routes.yaml`);
    const upstream = canary === 'idle' ? upstreams.healthy : upstreams[canary];
    writeFileSync(routesFile, stringify({ routes: [{ name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: upstream.url } }] }));
    const gateway = spawnGateway({ UAG_ROUTES_FILE: routesFile, UAG_DRAIN_DELAY_MS: '0' }, { bundle });
    track({ close: () => gateway.kill() });
    const ports = await servingPorts(gateway);
    baseUrls.set(canary, `http://127.0.0.1:${ports.http}`);
    adminAddresses.set(canary, `127.0.0.1:${ports.admin}`);
  }
  prometheus = track(
    await startPrometheus({
      // One job per canary: Prometheus refuses repeated job names; the job label comes from relabelling.
      scrapeConfigs: CANARIES.map((canary) => ({ ...scrapeConfigFor(canaryTarget(canary), adminAddresses.get(canary)!, SCRAPE_INTERVAL), job_name: `canary-${canary}` })),
      ruleFiles: writeRuleFiles(devObjects, dir),
      interval: SCRAPE_INTERVAL,
    }),
  );
  for (const canary of ['healthy', 'broken'] as const) {
    await send(canary, 1);
    await waitForSeries(prometheus, `gateway_requests_total{rollouts_pod_template_hash="${canary}"}`, DEADLINE_MS);
    if (canary === 'broken') {
      // Healthy traffic recorded, above the floor, and its error ratio an explicit 0 (no 5xx series exists yet).
      await waitForSeries(prometheus, 'namespace:gateway_request_errors:ratio_rate5m == 0 and on (namespace) namespace:gateway_requests:rate5m > 0', DEADLINE_MS);
      alertsBeforeErrors = await firingNames();
    }
    await send(canary, REQUESTS);
  }
}, 90_000);

describe('the error-budget alerts of charts-out/dev over the same gateways', () => {
  it('stay silent while only healthy traffic arrives, and page (availability fast burn) once a canary answers only 500', async () => {
    expect(alertsBeforeErrors).not.toContain(FAST_BURN);
    const paged = await prometheus.waitUntil(async () => (await firingNames()).includes(FAST_BURN), DEADLINE_MS);
    const alert = (await prometheus.alerts()).find((a) => a.labels.alertname === FAST_BURN);
    expect({ paged, labels: alert?.labels }).toEqual({ paged: true, labels: { alertname: FAST_BURN, namespace: NAMESPACES.gateway, severity: 'critical', slo: 'availability' } });
  }, DEADLINE_MS + 5_000);
});

// Manifests are plain data read back from YAML.
type Metric = { name: string; successCondition: string; failureCondition: string; provider: { prometheus: { query: string } } };

const EXPECTED: Readonly<Record<string, Readonly<Record<Canary, MeasurementPhase>>>> = {
  'error-ratio': { broken: 'Failed', healthy: 'Successful', idle: 'Inconclusive' },
  'latency-p95': { broken: 'Successful', healthy: 'Successful', idle: 'Inconclusive' },
};

describe.each(ENVIRONMENT_NAMES)('the canary analysis of charts-out/%s, against real gateways scraped by a real Prometheus', (environment) => {
  const template = readManifests(join(CHARTS_OUT, environment)).find((o) => o.kind === 'AnalysisTemplate') as unknown as { spec: { metrics: Metric[] } };

  it('regression: a canary answering only 5xx fails (it paused as inconclusive); a healthy one succeeds; one without traffic is inconclusive', async () => {
    expect(template.spec.metrics.map((metric) => metric.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    const phases = async () =>
      Object.fromEntries(
        await Promise.all(
          template.spec.metrics.map(async (metric) => {
            const byCanary = await Promise.all(
              CANARIES.map(async (canary) => {
                const result = await prometheus.query(metric.provider.prometheus.query.replaceAll(`{{args.${CANARY_HASH_ARG}}}`, canary));
                if (result.status !== 'success') return [canary, `query error: ${result.error}`];
                return [canary, measurementPhase(argoResult(result.data), metric)];
              }),
            );
            return [metric.name, Object.fromEntries(byCanary)];
          }),
        ),
      );
    const expected = orderedExpected(template.spec.metrics);
    let last: unknown;
    // Until the scrapes after the traffic are in: then the phases hold for the rest of the window.
    await prometheus.waitUntil(async () => {
      last = await phases();
      return JSON.stringify(last) === JSON.stringify(expected);
    }, DEADLINE_MS);
    expect(last).toEqual(expected);
  }, DEADLINE_MS + 5_000);
});

/** EXPECTED in the template's metric order, so the comparison reads as the template does. */
function orderedExpected(metrics: readonly Metric[]): Record<string, Record<Canary, MeasurementPhase>> {
  return Object.fromEntries(metrics.map((metric) => [metric.name, { ...EXPECTED[metric.name]! }]));
}
