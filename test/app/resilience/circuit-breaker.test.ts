import { CircuitBreaker } from '../../../app/src/resilience/circuit-breaker';
import { backoffDelayMs, RetryBudget } from '../../../app/src/resilience/retry-budget';
import { EDGE_DEFAULTS, type CircuitBreakerConfig, type CircuitState } from '../../../app/src/contract';

function breaker(overrides: Partial<CircuitBreakerConfig> = {}) {
  let now = 0;
  const transitions: string[] = [];
  const instance = new CircuitBreaker(
    { ...EDGE_DEFAULTS.circuitBreaker, consecutiveFailures: 3, coolDownMs: 1000, halfOpenRequests: 1, successesToClose: 2, ...overrides },
    (state: CircuitState, previous: CircuitState) => transitions.push(`${previous}->${state}`),
    () => now,
  );
  return { instance, transitions, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  test('opens after N consecutive failures, half-opens after the cool-down, closes after M successes', () => {
    const { instance, transitions, advance } = breaker();
    for (let i = 0; i < 3; i++) {
      expect(instance.tryAcquire()).toBe(true);
      instance.record('failure');
    }
    expect(instance.state).toBe('open');
    expect(instance.tryAcquire()).toBe(false);
    advance(400);
    expect(instance.retryAfterMs).toBe(600);
    advance(600);
    expect(instance.tryAcquire()).toBe(true);
    expect(instance.state).toBe('half-open');
    expect(instance.tryAcquire()).toBe(false); // one trial at a time
    instance.record('success');
    expect(instance.tryAcquire()).toBe(true);
    instance.record('success');
    expect(instance.state).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  test('a success resets the consecutive count; a failed trial reopens at once', () => {
    const { instance, transitions, advance } = breaker();
    for (const outcome of ['failure', 'failure', 'success', 'failure', 'failure'] as const) {
      instance.tryAcquire();
      instance.record(outcome);
    }
    expect(instance.state).toBe('closed');
    instance.tryAcquire();
    instance.record('failure');
    advance(1000);
    instance.tryAcquire();
    instance.record('failure');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->open']);
  });

  test('opens on a failure ratio over the window once enough requests were seen', () => {
    const { instance } = breaker({ consecutiveFailures: 100, failureRatio: 0.5, minimumRequests: 4, windowMs: 10_000 });
    for (const outcome of ['failure', 'success', 'failure'] as const) {
      instance.tryAcquire();
      instance.record(outcome);
    }
    expect(instance.state).toBe('closed');
    instance.tryAcquire();
    instance.record('failure');
    expect(instance.state).toBe('open');
  });

  test('an ignored outcome (client went away) frees the trial slot without judging', () => {
    const { instance, advance } = breaker({ consecutiveFailures: 1 });
    instance.tryAcquire();
    instance.record('failure');
    advance(1000);
    expect(instance.tryAcquire()).toBe(true);
    instance.record('ignored');
    expect(instance.state).toBe('half-open');
    expect(instance.tryAcquire()).toBe(true);
  });
});

describe('RetryBudget', () => {
  test('allows retries up to the ratio of requests plus the per-second floor, per window', () => {
    let now = 0;
    const budget = new RetryBudget({ budgetRatio: 0.2, minRetriesPerSecond: 0 }, () => now);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect([budget.trySpend(), budget.trySpend(), budget.trySpend()]).toEqual([true, true, false]);
    now += 10_000;
    budget.recordRequest();
    expect(budget.trySpend()).toBe(false);
  });

  test('backoff is jittered below an exponentially growing cap', () => {
    expect(backoffDelayMs(0, 25, 250, () => 0.999)).toBe(24);
    expect(backoffDelayMs(3, 25, 250, () => 0.999)).toBe(199);
    expect(backoffDelayMs(10, 25, 250, () => 0.5)).toBe(125);
  });
});
