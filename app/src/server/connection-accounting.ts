import type { Socket } from 'node:net';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';

/**
 * Counts accepted data-plane sockets as `http` until they close or are handed over to another
 * protocol (WebSocket). One close listener serves every socket: a closure per connection would
 * stay attached for the life of each of thousands of long-lived WebSockets.
 */
export class HttpConnectionCounter {
  private readonly onClose: () => void;

  constructor(private readonly metrics: GatewayMetrics) {
    this.onClose = () => metrics.activeConnections.dec({ protocol: 'http' });
  }

  count(socket: Socket): void {
    this.metrics.activeConnections.inc({ protocol: 'http' });
    socket.on('close', this.onClose);
  }

  /** Stops counting `socket` as `http`; its new protocol is counted by whoever took it over. */
  handOver(socket: Socket): void {
    if (socket.listenerCount('close', this.onClose) === 0) return;
    socket.removeListener('close', this.onClose);
    this.metrics.activeConnections.dec({ protocol: 'http' });
  }
}
