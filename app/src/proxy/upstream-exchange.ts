import type { IncomingHttpHeaders } from 'node:http';
import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';

export interface UpstreamResponseHead {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
}

/** Body bytes kept while the caller has not chosen pipeTo or discard; beyond this undici is paused. */
const HOLD_LIMIT_BYTES = 64 * 1024;
/** Statuses whose responses end with their head (RFC 9110 6.4.1), whatever Content-Length says. */
const BODYLESS_STATUSES: ReadonlySet<number> = new Set([204, 304]);

interface BodyWaiter {
  resolve(bytes: number): void;
  reject(error: Error): void;
}

/**
 * One upstream request through undici's dispatch API. `head` settles when the response head
 * arrives, or when the request fails before it; the body is held back until `pipeTo` or
 * `discard` (in memory up to HOLD_LIMIT_BYTES, then by pausing undici), so a caller can still
 * retry after a 502/503 head. The body then goes straight into the client response with
 * backpressure: no intermediate stream, no per-chunk promise.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  readonly head: Promise<UpstreamResponseHead>;
  private settleHead!: { resolve(head: UpstreamResponseHead): void; reject(error: Error): void };
  private headSeen = false;
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;
  private sink: Writable | 'discard' | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private ended = false;
  private failure: Error | undefined;
  private bodyWaiter: BodyWaiter | undefined;
  private bytes = 0;
  private status = 0;
  /**
   * The upstream sent a 204 or 304 with a non-zero Content-Length: the answer is complete, but
   * undici (7.x) counts the missing body as a mismatch and closes the connection.
   */
  bodylessWithLength = false;
  private readonly resume = () => this.controller?.resume();

  private constructor() {
    this.head = new Promise((resolve, reject) => {
      this.settleHead = { resolve, reject };
    });
    // A failed head nobody awaited yet must not become an unhandled rejection.
    this.head.catch(() => undefined);
  }

  static start(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): UpstreamExchange {
    const exchange = new UpstreamExchange();
    dispatcher.dispatch(options, exchange);
    return exchange;
  }

  /** Stops the request wherever it is (the client went away, or shutdown ran out of time). */
  abort(reason: Error): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** Writes the body into `sink` (whose head the caller already wrote); resolves with the body bytes. */
  pipeTo(sink: Writable): Promise<number> {
    this.sink = sink;
    const promise = new Promise<number>((resolve, reject) => {
      this.bodyWaiter = { resolve, reject };
    });
    let sinkHasRoom = true;
    for (const chunk of this.takeHeld()) sinkHasRoom = this.write(chunk) && sinkHasRoom;
    if (this.failure !== undefined) this.bodyWaiter!.reject(this.failure);
    else if (this.ended) this.finish();
    else if (sinkHasRoom) this.resume();
    else sink.once('drain', this.resume);
    return promise;
  }

  /** Reads the body to the end and drops it, so the upstream connection can be reused. Never rejects. */
  discard(): Promise<void> {
    this.sink = 'discard';
    this.takeHeld();
    if (this.ended || this.failure !== undefined) return Promise.resolve();
    const done = new Promise<void>((resolve) => {
      this.bodyWaiter = { resolve: () => resolve(), reject: () => resolve() };
    });
    this.resume();
    return done;
  }

  /** The body bytes held so far, handed over once: from here on they go to the sink. */
  private takeHeld(): Buffer[] {
    const chunks = this.held;
    this.held = [];
    this.heldBytes = 0;
    return chunks;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx heads are informational; the real one follows.
    if (statusCode < 200) return;
    this.headSeen = true;
    this.status = statusCode;
    // No pause yet: a caller that decides between pipeTo and discard at once takes only the bytes
    // that came with the head, and pausing here made undici stop its parser and push those bytes
    // back into the socket to parse them a second time. onResponseData pauses a body that piles up.
    this.settleHead.resolve({ statusCode, headers });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.sink === undefined) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes >= HOLD_LIMIT_BYTES && !controller.paused) controller.pause();
    } else if (this.sink !== 'discard') this.write(chunk);
  }

  onResponseEnd(): void {
    this.ended = true;
    if (this.sink === 'discard') this.bodyWaiter?.resolve(this.bytes);
    else if (this.sink !== undefined) this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.headSeen) {
      this.settleHead.reject(error);
      return;
    }
    // RFC 9110 8.6 lets a 304 carry the Content-Length of the representation it stands for.
    if (BODYLESS_STATUSES.has(this.status) && (error as { code?: unknown }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      this.bodylessWithLength = true;
      this.onResponseEnd();
      return;
    }
    this.failure = error;
    this.bodyWaiter?.reject(error);
  }

  /** Writes one chunk; when the sink is full, pauses the upstream until it drains. */
  private write(chunk: Buffer): boolean {
    const sink = this.sink as Writable;
    this.bytes += chunk.length;
    const hasRoom = sink.write(chunk);
    if (!hasRoom && this.controller !== undefined && !this.controller.paused) {
      this.controller.pause();
      sink.once('drain', this.resume);
    }
    return hasRoom;
  }

  private finish(): void {
    (this.sink as Writable).end();
    this.bodyWaiter?.resolve(this.bytes);
  }
}
