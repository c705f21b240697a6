import type { DestinationStream } from 'pino';

/** Where the batched lines go: a synchronous writer such as `pino.destination({ sync: true })`. */
export interface SyncLineSink {
  write(data: string): unknown;
  flushSync(): void;
}

/**
 * Holds the lines logged during one turn of the event loop and hands them to the sink as one
 * write when the turn ends (a single setImmediate). Under load one turn finishes many requests,
 * and one write(2) for all their access lines costs a fraction of one per line. A line waits at
 * most until the current turn is over, never for a timer or a buffer size, and `flushSync` (which
 * the owner calls at exit) writes whatever is still held, so lines logged before a crash or an
 * exit are not lost; only a SIGKILL in the middle of a turn drops that turn's lines.
 */
export class TurnBatchedStream implements DestinationStream {
  private held = '';
  private scheduled = false;
  private readonly endOfTurn = () => {
    this.scheduled = false;
    this.writeHeld();
  };

  constructor(private readonly sink: SyncLineSink) {}

  write(line: string): void {
    this.held += line;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.endOfTurn);
  }

  /** pino's `logger.flush(cb)`: everything held is written before `cb` runs. */
  flush(cb?: (error?: Error) => void): void {
    this.flushSync();
    cb?.();
  }

  flushSync(): void {
    this.writeHeld();
    this.sink.flushSync();
  }

  private writeHeld(): void {
    if (this.held === '') return;
    const lines = this.held;
    this.held = '';
    this.sink.write(lines);
  }
}
