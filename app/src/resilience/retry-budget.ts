import type { RetryConfig } from '../contract';

/** Requests and retries are counted over this tumbling window. */
export const RETRY_BUDGET_WINDOW_MS = 10_000;

/**
 * Caps retries at `budgetRatio` of a route's requests (plus `minRetriesPerSecond` so a quiet
 * route can still retry), so that when an upstream fails wholesale retries add at most that
 * share of load instead of multiplying it.
 */
export class RetryBudget {
  private windowStart: number;
  private requests = 0;
  private retries = 0;

  constructor(
    private readonly config: Pick<RetryConfig, 'budgetRatio' | 'minRetriesPerSecond'>,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  recordRequest(): void {
    this.roll();
    this.requests++;
  }

  /** Spends one retry if the budget allows it. */
  trySpend(): boolean {
    this.roll();
    const allowance = this.config.minRetriesPerSecond * (RETRY_BUDGET_WINDOW_MS / 1000) + this.config.budgetRatio * this.requests;
    if (this.retries + 1 > allowance) return false;
    this.retries++;
    return true;
  }

  private roll(): void {
    const now = this.now();
    if (now - this.windowStart < RETRY_BUDGET_WINDOW_MS) return;
    this.windowStart = now;
    this.requests = 0;
    this.retries = 0;
  }
}

/** "Full jitter" backoff: uniform in [0, min(max, base * 2^retry)), so retrying clients spread out. */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** retry));
}
