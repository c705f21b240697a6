/**
 * Live long-lived connections of one kind, so shutdown can close them, wait for them to end, or
 * cut them off.
 */
export class ConnectionSet<C> {
  private readonly live = new Set<C>();
  private idleWaiters: (() => void)[] = [];

  add(connection: C): void {
    this.live.add(connection);
  }

  delete(connection: C): void {
    if (!this.live.delete(connection) || this.live.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  get size(): number {
    return this.live.size;
  }

  forEach(action: (connection: C) => void): void {
    for (const connection of [...this.live]) action(connection);
  }

  /** Resolves once no connection is left (at once when none is). */
  whenEmpty(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
