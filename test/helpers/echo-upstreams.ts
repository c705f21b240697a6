import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

/**
 * Answers `?status=<code>` with that status and `?delayMs=<n>` after that long (200 by default),
 * so one upstream serves successes, upstream errors and slow responses. `?declaredLength=<n>`
 * adds that Content-Length to a status without a body (204, 304), as RFC 9110 8.6 lets a 304 say
 * how long the representation is.
 */
export function scriptedHandler(req: IncomingMessage, res: ServerResponse): void {
  const query = new URL(req.url ?? '/', 'http://upstream').searchParams;
  const status = Number(query.get('status') ?? 200);
  const delayMs = Number(query.get('delayMs') ?? 0);
  const declaredLength = query.get('declaredLength');
  req.resume();
  const headers = declaredLength === null ? { 'content-type': 'text/plain' } : { 'content-length': declaredLength };
  setTimeout(() => res.writeHead(status, headers).end(`status ${status}`), delayMs);
}

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Echoes one small masked client frame back unmasked, as a server must send it (RFC 6455 5.1). */
function echoFrame(frame: Buffer, socket: Socket): void {
  const length = frame[1]! & 0x7f;
  if (length > 125 || (frame[1]! & 0x80) === 0) {
    socket.destroy();
    return;
  }
  const mask = frame.subarray(2, 6);
  const payload = Buffer.from(frame.subarray(6, 6 + length).map((byte, i) => byte ^ mask[i % 4]!));
  socket.write(Buffer.concat([Buffer.from([frame[0]!, length]), payload]));
}

/**
 * A WebSocket echo upstream on loopback for small frames, enough to prove frames cross the
 * gateway both ways without a WebSocket library on the upstream side.
 */
export async function startWebSocketEchoServer(): Promise<LoopbackServer> {
  const server = await startLoopbackServer((_req, res) => res.writeHead(426).end());
  server.server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${WEBSOCKET_GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.on('data', (frame: Buffer) => echoFrame(frame, socket));
    socket.on('error', () => socket.destroy());
  });
  return server;
}

export interface TcpEchoServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 that by default sends back every byte it receives. */
export async function startTcpEchoServer(onConnection: (socket: Socket) => void = (socket) => socket.pipe(socket)): Promise<TcpEchoServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
