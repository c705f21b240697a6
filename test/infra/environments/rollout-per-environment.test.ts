import { ENVIRONMENTS, type EnvironmentName } from '../../../infra/environments';
import { synthesizePlatform } from '../../../infra/platform';
import { TEST_IMAGE, find, type SynthObject } from '../fixtures';

function rolloutObjects(name: EnvironmentName) {
  const objects = synthesizePlatform({ environment: ENVIRONMENTS[name], image: TEST_IMAGE }).charts.flatMap((chart) => chart.toJson() as SynthObject[]);
  const rollout = find(objects, 'Rollout', 'gateway');
  const template = find(objects, 'AnalysisTemplate', rollout.spec.strategy.canary?.steps.find((s: { analysis?: unknown }) => s.analysis)?.analysis.templates[0].templateName);
  /** Steps in short form: `scale 1`, `match`, `weight 10`, `analysis`, `pause 5m`, `pause manual`. */
  const steps = (rollout.spec.strategy.canary.steps as Record<string, { replicas?: number; duration?: string }>[]).map((step) => {
    if (step.setCanaryScale) return step.setCanaryScale.replicas === undefined ? 'match' : `scale ${step.setCanaryScale.replicas}`;
    if (step.setWeight !== undefined) return `weight ${String(step.setWeight)}`;
    if (step.analysis) return 'analysis';
    if (step.pause) return `pause ${step.pause.duration ?? 'manual'}`;
    throw new Error(`unexpected step ${JSON.stringify(step)}`);
  });
  const metrics = Object.fromEntries(
    (template.spec.metrics as { name: string; successCondition: string; interval: string; count: number; failureLimit: number }[]).map((m) => [
      m.name,
      { success: m.successCondition.replace('len(result) > 0 && !isNaN(result[0]) && ', ''), interval: m.interval, count: m.count, failureLimit: m.failureLimit },
    ]),
  );
  return { steps, metrics };
}

describe('rollout of the gateway per environment', () => {
  it('dev: half the traffic for one short analysis, then all of it', () => {
    expect(rolloutObjects('dev')).toEqual({
      steps: ['scale 1', 'weight 50', 'match', 'analysis'],
      metrics: {
        'error-ratio': { success: 'result[0] <= 0.05', interval: '30s', count: 2, failureLimit: 1 },
        'latency-p95': { success: 'result[0] <= 1', interval: '30s', count: 2, failureLimit: 1 },
      },
    });
  });

  it('staging: a 10 % then a 50 % stage, each analysed', () => {
    expect(rolloutObjects('staging')).toEqual({
      steps: ['scale 1', 'weight 10', 'match', 'analysis', 'weight 50', 'analysis'],
      metrics: {
        'error-ratio': { success: 'result[0] <= 0.05', interval: '1m', count: 3, failureLimit: 1 },
        'latency-p95': { success: 'result[0] <= 0.5', interval: '1m', count: 3, failureLimit: 1 },
      },
    });
  });

  it('prod: a header-only preview, then 10 -> 25 -> 50 -> 100 % each analysed, with soaks and a human gate, at stricter thresholds', () => {
    expect(rolloutObjects('prod')).toEqual({
      steps: [
        'scale 2',
        'pause 10m',
        'weight 10',
        'match',
        'analysis',
        'pause 5m',
        'weight 25',
        'analysis',
        'pause manual',
        'weight 50',
        'analysis',
        'pause 10m',
        'weight 100',
        'analysis',
      ],
      metrics: {
        'error-ratio': { success: 'result[0] <= 0.01', interval: '1m', count: 5, failureLimit: 0 },
        'latency-p95': { success: 'result[0] <= 0.5', interval: '1m', count: 5, failureLimit: 0 },
      },
    });
  });
});
