import type { Socket } from 'node:net';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';

/** Sockets the HTTP server accepted that now carry another protocol (WebSocket). */
const handedOver = new WeakSet<Socket>();

/** Counts an accepted data-plane socket as `http` until it closes or is handed over. */
export function countHttpConnection(socket: Socket, metrics: GatewayMetrics): void {
  metrics.activeConnections.inc({ protocol: 'http' });
  socket.once('close', () => {
    if (!handedOver.has(socket)) metrics.activeConnections.dec({ protocol: 'http' });
  });
}

/** Stops counting `socket` as `http`; its new protocol is counted by whoever took it over. */
export function handOverFromHttp(socket: Socket, metrics: GatewayMetrics): void {
  if (handedOver.has(socket)) return;
  handedOver.add(socket);
  metrics.activeConnections.dec({ protocol: 'http' });
}
