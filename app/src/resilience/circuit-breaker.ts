import type { CircuitBreakerConfig, CircuitState } from '../contract';

export type CircuitListener = (state: CircuitState, previous: CircuitState) => void;

/** What a request learned about its upstream; `ignored` releases a trial slot without judging. */
export type AttemptOutcome = 'success' | 'failure' | 'ignored';

/**
 * Closed -> open after `consecutiveFailures` in a row (or `failureRatio` over a tumbling
 * `windowMs` with at least `minimumRequests`); open -> half-open after `coolDownMs`, letting
 * `halfOpenRequests` trials through at a time; half-open -> closed after `successesToClose`
 * successes, or straight back to open on a failure.
 *
 * Written here rather than taken from cockatiel or opossum: cockatiel's half-open admits one
 * trial and closes on the first success, opossum wraps a function call per request; neither
 * gives "M successes to close" with the per-request permit the proxy loop needs.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private windowStart: number;
  private windowRequests = 0;
  private windowFailures = 0;
  private openedAt = 0;
  private trialsInFlight = 0;
  private trialSuccesses = 0;

  constructor(
    private readonly config: CircuitBreakerConfig,
    private readonly onTransition: CircuitListener,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Milliseconds left in the cool-down while open; 0 otherwise. */
  get retryAfterMs(): number {
    return this.current === 'open' ? Math.max(0, this.openedAt + this.config.coolDownMs - this.now()) : 0;
  }

  /** Whether a request may go to this upstream now. A `true` must be followed by `record`. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() < this.openedAt + this.config.coolDownMs) return false;
      this.enter('half-open');
    }
    if (this.trialsInFlight >= this.config.halfOpenRequests) return false;
    this.trialsInFlight++;
    return true;
  }

  record(outcome: AttemptOutcome): void {
    if (this.current === 'half-open') {
      this.trialsInFlight = Math.max(0, this.trialsInFlight - 1);
      if (outcome === 'failure') this.trip();
      else if (outcome === 'success' && ++this.trialSuccesses >= this.config.successesToClose) this.enter('closed');
      return;
    }
    if (this.current !== 'closed' || outcome === 'ignored') return;
    this.countInWindow(outcome === 'failure');
    if (outcome === 'success') {
      this.consecutiveFailures = 0;
      return;
    }
    if (++this.consecutiveFailures >= this.config.consecutiveFailures || this.ratioExceeded()) this.trip();
  }

  private countInWindow(failed: boolean): void {
    const now = this.now();
    if (now - this.windowStart >= this.config.windowMs) {
      this.windowStart = now;
      this.windowRequests = 0;
      this.windowFailures = 0;
    }
    this.windowRequests++;
    if (failed) this.windowFailures++;
  }

  private ratioExceeded(): boolean {
    const ratio = this.config.failureRatio;
    return ratio !== undefined && this.windowRequests >= this.config.minimumRequests && this.windowFailures / this.windowRequests >= ratio;
  }

  private trip(): void {
    this.openedAt = this.now();
    this.enter('open');
  }

  private enter(next: CircuitState): void {
    const previous = this.current;
    this.current = next;
    this.trialsInFlight = 0;
    this.trialSuccesses = 0;
    this.consecutiveFailures = 0;
    this.windowRequests = 0;
    this.windowFailures = 0;
    this.windowStart = this.now();
    if (previous !== next) this.onTransition(next, previous);
  }
}
