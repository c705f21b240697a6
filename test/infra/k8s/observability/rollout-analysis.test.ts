import { ENVIRONMENT_DEFAULTS } from '../../../../infra/environments';
import { RolloutAnalysis } from '../../../../infra/k8s/observability/rollout-analysis';
import { find, synth } from '../../fixtures';

function template(overrides: Partial<typeof ENVIRONMENT_DEFAULTS.rollout.analysis> = {}) {
  return find(
    synth(
      (chart) =>
        new RolloutAnalysis(chart, 'analysis', {
          namespace: 'gateway',
          labels: { 'app.kubernetes.io/part-of': 'uag-platform' },
          selector: 'job="gateway-admin",namespace="gateway"',
          analysis: { ...ENVIRONMENT_DEFAULTS.rollout.analysis, ...overrides },
        }),
    ),
    'AnalysisTemplate',
  );
}

const canary = 'job="gateway-admin",namespace="gateway",rollouts_pod_template_hash="{{args.canary-hash}}"';
const requests = (matchers: string, window: string) => `sum(increase(gateway_requests_total{${matchers}}[${window}]))`;

describe('RolloutAnalysis', () => {
  it('measures the canary’s 5xx share with an explicit zero and a traffic floor, and its p95 latency above the same floor, on the in-cluster Prometheus', () => {
    const spec = template({ window: '3m', minRequests: 40 }).spec;
    expect(spec.args).toEqual([{ name: 'canary-hash' }]);
    expect(spec.metrics.map((m: { provider: unknown }) => m.provider)).toEqual([
      {
        prometheus: {
          address: 'http://prometheus.observability.svc.cluster.local:9090',
          query: `(${requests(`${canary},code=~"5.."`, '3m')} or vector(0)) / (${requests(canary, '3m')} >= 40)`,
        },
      },
      {
        prometheus: {
          address: 'http://prometheus.observability.svc.cluster.local:9090',
          query: `histogram_quantile(0.95, sum by (le) (rate(gateway_request_duration_seconds_bucket{${canary}}[3m]))) and ${requests(canary, '3m')} >= 40`,
        },
      },
    ]);
  });

  it('fails above the thresholds, paces by the spec and reads no data as inconclusive', () => {
    const [errorRatio, latency] = template({ maxErrorRatio: 0.01, maxLatencyP95Seconds: 0.25, interval: '30s', count: 4, failureLimit: 0, window: '1m' }).spec.metrics;
    expect(errorRatio).toMatchObject({
      name: 'error-ratio',
      interval: '30s',
      count: 4,
      failureLimit: 0,
      initialDelay: '1m',
      successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] <= 0.01',
      failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] > 0.01',
    });
    expect(latency).toMatchObject({
      name: 'latency-p95',
      successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] <= 0.25',
      failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] > 0.25',
    });
  });
});
