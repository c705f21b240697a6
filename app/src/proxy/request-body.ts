import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { UpstreamExchange } from './upstream-exchange';

/**
 * Why a request body did not make it: over the route's `maxBodyBytes` (413); the client stalled
 * for `bodyIdleTimeoutMs` or was still uploading at the route deadline (408); the upload was
 * done but the upstream's head had not come by the deadline (504); the client went away.
 */
export type BodyFailure = 'too-large' | 'client-timeout' | 'upstream-timeout' | 'client-gone';

export interface BodyLimits {
  readonly maxBodyBytes: number;
  /** Bodies up to this size are read whole before the upstream request starts. */
  readonly bufferBytes: number;
  readonly idleTimeoutMs: number;
  /** `performance.now()` by which the upload must be over and the upstream's head in. */
  readonly deadline: number;
}

/** Node's own test for an expectation it answers with 100 Continue (lib/_http_server.js). */
const CONTINUE_EXPECTATION = /(?:^|\W)100-continue(?:$|\W)/i;

/**
 * One proxied request's body on its way upstream. A body of at most `bufferBytes` is read whole
 * before any upstream request exists, so a client trickling it holds a socket of its own and
 * nothing of the upstream's (nginx buffers bodies the same way); a larger one streams through
 * `stream()`, which the caller opens only with one of the upstream's upload slots. One timer
 * watches the client's progress (`idleTimeoutMs`) and the route deadline, which covers the
 * upload and the wait for the upstream's head together. A client that sent
 * `Expect: 100-continue` gets its 100 only once the body is wanted, after routing, auth and
 * limits: a refused request is answered before it uploads anything.
 */
export class RequestBody {
  /** Set when the body failed; the caller's answer depends on it. */
  failure: BodyFailure | undefined;
  private held: Buffer[] = [];
  private received = 0;
  private complete = false;
  private headArrived = false;
  private begun = false;
  private lastProgressAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private upload: UploadStream | undefined;
  private exchange: UpstreamExchange | undefined;
  private settle: ((whole: Buffer | undefined) => void) | undefined;

  /** @param declaredLength the request's Content-Length; undefined for a chunked body */
  constructor(
    private readonly raw: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly limits: BodyLimits,
    private readonly declaredLength: number | undefined,
  ) {}

  /**
   * Reads the body whole when it fits `bufferBytes` and resolves with it; resolves with
   * undefined when it is larger (then call `stream`) or failed (`failure` says why). Never rejects.
   */
  buffer(): Promise<Buffer | undefined> {
    if (this.declaredLength !== undefined && this.declaredLength > this.limits.bufferBytes) return Promise.resolve(undefined);
    const whole = new Promise<Buffer | undefined>((resolve) => (this.settle = resolve));
    this.begin();
    return whole;
  }

  /** The body as a stream for undici, starting with what `buffer` read; `release` runs once when the stream closes. */
  stream(release: () => void): Readable {
    const upload = new UploadStream(this, release);
    this.upload = upload;
    for (const chunk of this.held) upload.push(chunk);
    this.held = [];
    if (this.complete) upload.push(null);
    this.begin();
    return upload;
  }

  /** The upstream request carrying the body, cancelled if the deadline passes before its head. */
  sentWith(exchange: UpstreamExchange): void {
    this.exchange = exchange;
  }

  /** The upstream's head is in: once the upload is over too, the deadline no longer applies. */
  upstreamAnswered(): void {
    this.headArrived = true;
    if (this.complete) this.stopTimer();
  }

  /** Stops watching and reading; called when the response is over, however it ended. */
  dispose(): void {
    this.stopTimer();
    this.raw.removeListener('data', this.onData);
    this.upload?.destroy();
  }

  /** The upload stream wants more. */
  pull(): void {
    this.raw.resume();
  }

  private begin(): void {
    if (this.begun) return;
    this.begun = true;
    const { raw, response } = this;
    if (raw.headers.expect !== undefined && raw.httpVersion === '1.1' && CONTINUE_EXPECTATION.test(raw.headers.expect)) response.writeContinue();
    this.lastProgressAt = performance.now();
    this.armTimer();
    raw.on('data', this.onData);
    raw.once('end', this.onEnd);
    raw.once('close', this.onClose);
    raw.on('error', this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.lastProgressAt = performance.now();
    this.received += chunk.length;
    // A declared length is enforced by the HTTP parser and checked before reading.
    if (this.declaredLength === undefined && this.received > this.limits.maxBodyBytes) return this.fail('too-large');
    if (this.upload !== undefined) {
      // Once undici has dropped the stream (the upstream failed), the rest has nowhere to go.
      if (!this.upload.destroyed && !this.upload.push(chunk)) this.raw.pause();
      return;
    }
    this.held.push(chunk);
    if (this.received > this.limits.bufferBytes) {
      // Larger than the buffer (only a chunked body gets here): the caller switches to `stream`.
      this.raw.pause();
      this.resolve(undefined);
    }
  };

  private readonly onEnd = (): void => {
    this.complete = true;
    if (this.upload !== undefined) this.upload.push(null);
    else this.resolve(this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held));
    if (this.upload === undefined || this.headArrived) this.stopTimer();
  };

  private readonly onClose = (): void => {
    if (!this.complete) this.fail('client-gone');
  };

  private resolve(whole: Buffer | undefined): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.(whole);
  }

  private fail(failure: BodyFailure): void {
    if (this.failure !== undefined) return;
    this.failure = failure;
    this.stopTimer();
    this.raw.removeListener('data', this.onData);
    const error = new Error(`request body failed: ${failure}`);
    this.upload?.destroy(error);
    this.exchange?.abort(error);
    this.resolve(undefined);
  }

  private armTimer(): void {
    const idleDue = this.complete ? Infinity : this.lastProgressAt + this.limits.idleTimeoutMs;
    const due = Math.min(this.limits.deadline, idleDue);
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(due - performance.now())));
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const now = performance.now();
    if (now >= this.limits.deadline) return this.fail(this.complete ? 'upstream-timeout' : 'client-timeout');
    if (!this.complete && now - this.lastProgressAt >= this.limits.idleTimeoutMs) return this.fail('client-timeout');
    this.armTimer();
  };

  private stopTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The request body as undici reads it: fed by RequestBody, with the client paused while undici is behind. */
class UploadStream extends Readable {
  constructor(
    private readonly body: RequestBody,
    private readonly release: () => void,
  ) {
    super();
  }

  override _read(): void {
    this.body.pull();
  }

  /** Runs once, after the end or on an abort. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.release();
    callback(error);
  }
}
