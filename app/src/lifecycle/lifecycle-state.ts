export type Phase = 'starting' | 'serving' | 'draining' | 'closing' | 'stopped';

/** What the probes report and what request handling consults while draining. */
export class LifecycleState {
  private current: Phase = 'starting';

  get phase(): Phase {
    return this.current;
  }

  /** Startup probe: true once listeners are up, and stays true. */
  get started(): boolean {
    return this.current !== 'starting';
  }

  /** Readiness: only while serving normally. */
  get ready(): boolean {
    return this.current === 'serving';
  }

  /** From the first signal on, responses ask clients to close their connection. */
  get draining(): boolean {
    return this.current === 'draining' || this.current === 'closing' || this.current === 'stopped';
  }

  enter(next: Phase): void {
    this.current = next;
  }
}
