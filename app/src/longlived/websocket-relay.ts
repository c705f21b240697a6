import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import { secondsSince } from '../telemetry/elapsed';
import type { Logger } from '../telemetry/logger';
import type { ConnectionSet } from './connection-set';
import { CLOSE_PROTOCOL_ERROR, closeFrame, FrameScanner } from './frame-scanner';

/** 1001: the endpoint is going away (server shutdown, idle timeout). */
export const CLOSE_GOING_AWAY = 1001;
/** After one side of a relay closed, how long the other may take to finish writing before it is cut. */
const WEBSOCKET_CLOSE_GRACE_MS = 1000;

/** What all relays of one proxy share: one object, so each relay holds a single reference to it. */
export interface RelayOwner {
  readonly relays: ConnectionSet<Relay>;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

export interface RelaySettings {
  readonly idleTimeoutMs: number;
  readonly maxMessageBytes: number;
}

/** Labels of the relay's metrics and its close log line. */
export interface RelayLabels {
  readonly route: string;
  readonly variant: string;
  /** Origin of the upstream it was opened to; a reload that moves the route elsewhere can tell. */
  readonly upstream: string;
  readonly requestId: string;
}

/**
 * Where the shared listeners below find the relay direction a socket feeds. A property on the
 * socket costs a few bytes; a closure per listener per socket would cost a function and a
 * context each, thousands of times over.
 */
const kDirection = Symbol('websocketRelayDirection');
type RelaySocket = Socket & { [kDirection]: RelayDirection };

function directionOf(socket: Socket): RelayDirection {
  return (socket as RelaySocket)[kDirection];
}

// Listeners shared by every relayed socket; `this` is the socket that emitted.
function onRelayData(this: Socket, chunk: Buffer): void {
  directionOf(this).forward(chunk);
}
function onRelayDrain(this: Socket): void {
  // This socket's backlog is written: resume its peer, which was paused for writing into it.
  directionOf(this).to.resume();
}
function onRelayEnd(this: Socket): void {
  directionOf(this).to.end();
}
function onRelayError(this: Socket): void {
  directionOf(this).to.destroy();
}
function onRelayClose(this: Socket): void {
  const direction = directionOf(this);
  direction.relay.sideClosed(direction.to);
}
function onRelayTimeout(this: Socket): void {
  directionOf(this).relay.goAway(CLOSE_GOING_AWAY, 'idle timeout');
}

/** One direction of a relay: what `from` sends goes to `to`, frame headers scanned on the way. */
class RelayDirection {
  readonly scanner: FrameScanner;
  /** Close frame to send once `from` reaches a frame boundary; set while closing. */
  private pendingClose: Buffer | undefined = undefined;
  /** Once set, whatever `from` sends is dropped: a close frame went out, or the relay was cut. */
  private stopped = false;

  constructor(
    readonly relay: Relay,
    readonly from: Socket,
    readonly to: Socket,
    maxMessageBytes: number,
  ) {
    this.scanner = new FrameScanner(maxMessageBytes);
    (from as RelaySocket)[kDirection] = this;
    from.setNoDelay(true);
    from.on('data', onRelayData);
    from.on('drain', onRelayDrain);
    from.on('end', onRelayEnd);
    from.on('error', onRelayError);
    from.on('close', onRelayClose);
    // The upstream socket comes paused from the handshake; nothing flows before the listeners are on.
    from.resume();
  }

  forward(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.pendingClose !== undefined) return this.forwardToBoundary(chunk, this.pendingClose);
    if (!this.scanner.scan(chunk)) return this.relay.refuseFrame(this.scanner.violation!);
    // Writing counts as activity on `to`, so traffic either way keeps the relay from idling out.
    if (!this.to.write(chunk)) this.from.pause();
  }

  /** Ends `to` with `frame` once `from` is between frames (at once when it already is). */
  closeAtBoundary(frame: Buffer): void {
    if (this.scanner.atBoundary) this.finish(frame);
    else this.pendingClose = frame;
  }

  /** Drops whatever `from` still sends (its own close, say); it must not stay paused meanwhile. */
  stop(): void {
    this.stopped = true;
    this.from.resume();
  }

  /** A frame cut in half would corrupt the stream: forward up to the boundary, then close. */
  private forwardToBoundary(chunk: Buffer, frame: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.scanner.atBoundary) offset = this.scanner.consume(chunk, offset);
    this.to.write(chunk.subarray(0, offset));
    if (this.scanner.atBoundary) this.finish(frame);
  }

  /** After a close frame nothing else may follow. */
  private finish(frame: Buffer): void {
    this.pendingClose = undefined;
    this.stop();
    this.to.end(frame);
  }
}

/**
 * A live client/upstream pair, relayed byte for byte with stream backpressure. Its state is this
 * object, its two directions and their scanners; the listeners are shared by all relays, and one
 * idle timer serves both sockets.
 */
export class Relay {
  private readonly toUpstream: RelayDirection;
  private readonly toClient: RelayDirection;
  private readonly openedAt = performance.now();
  private closing = false;
  private open = 2;

  constructor(
    private readonly owner: RelayOwner,
    readonly labels: RelayLabels,
    private readonly client: Socket,
    private readonly upstream: Socket,
    { idleTimeoutMs, maxMessageBytes }: RelaySettings,
  ) {
    this.toUpstream = new RelayDirection(this, client, upstream, maxMessageBytes);
    this.toClient = new RelayDirection(this, upstream, client, maxMessageBytes);
    // Every byte relayed either way is read from or written to the client socket, and both reset
    // its timer, so one timer watches the whole relay.
    client.setTimeout(idleTimeoutMs);
    client.on('timeout', onRelayTimeout);
  }

  /** Sends both sides a close frame (at a frame boundary) and ends both connections. */
  goAway(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.toClient.closeAtBoundary(closeFrame(code, reason, false));
    this.toUpstream.closeAtBoundary(closeFrame(code, reason, true));
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  /**
   * A frame broke the rules or a message crossed the size limit (either way): nothing of it is
   * passed on, the client gets `code` if a frame can go out cleanly, and the upstream is cut.
   */
  refuseFrame(code: number): void {
    this.closing = true;
    this.toUpstream.stop();
    this.toClient.stop();
    const reason = code === CLOSE_PROTOCOL_ERROR ? 'protocol error' : 'message too big';
    if (this.toClient.scanner.atBoundary) this.client.end(closeFrame(code, reason, false));
    else this.client.destroy();
    this.upstream.destroy();
  }

  /** One socket closed; `other` is its peer. */
  sideClosed(other: Socket): void {
    // End, not destroy: a close frame may still be on its way out; the grace bounds it.
    if (!other.destroyed) {
      other.end();
      setTimeout(() => other.destroy(), WEBSOCKET_CLOSE_GRACE_MS).unref();
    }
    if (--this.open > 0) return;
    const { relays, metrics, logger } = this.owner;
    relays.delete(this);
    const seconds = secondsSince(this.openedAt);
    metrics.connectionClosed('websocket', seconds);
    const { route, variant, requestId } = this.labels;
    logger.info({ msg: 'websocket closed', route, variant, duration_s: Math.round(seconds * 1000) / 1000, request_id: requestId });
  }
}

/**
 * Relays `client` and `upstream` (both past the handshake; `clientHead` and `upstreamHead` are
 * bytes that arrived with it) and registers the relay with its owner.
 */
export function startRelay(owner: RelayOwner, settings: RelaySettings, labels: RelayLabels, client: Socket, upstream: Socket, clientHead: Buffer, upstreamHead: Buffer): Relay {
  const relay = new Relay(owner, labels, client, upstream, settings);
  owner.relays.add(relay);
  if (clientHead.length > 0) onRelayData.call(client, clientHead);
  if (upstreamHead.length > 0) onRelayData.call(upstream, upstreamHead);
  return relay;
}
